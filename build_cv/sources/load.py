"""Read a CV from its files into the validated model: the YAML, then the .bib files it
names, then the checks that need the whole record (variants name tags that entries from
any file may carry). Every problem is located in the file it is in."""

from __future__ import annotations

from pathlib import Path

from build_cv.errors import SchemaError, SchemaProblem
from build_cv.schema.model import CV
from build_cv.sources import variant_names
from build_cv.sources.bib_section import with_bibliographies
from build_cv.sources.photo import with_photo
from build_cv.sources.validate import validate
from build_cv.sources.yaml_source import Loaded, load_yaml


def load_cv(
    data: Path, *, allow_outside: bool = False, speedups: bool = True, language: str | None = None
) -> tuple[Loaded, CV]:
    """`allow_outside`: the user consents to `bib:` files outside the YAML's folder;
    `speedups`: the YAML may be parsed by libyaml; `language`: the document's language,
    if not `design.language`."""
    loaded = load_yaml(data, speedups=speedups)
    return loaded, from_loaded(loaded, allow_outside=allow_outside, language=language)


def from_loaded(loaded: Loaded, *, allow_outside: bool = False, language: str | None = None) -> CV:
    cv = validate(loaded, language)
    cv = with_bibliographies(cv, loaded, allow_outside=allow_outside)
    cv = with_photo(cv, loaded, allow_outside=allow_outside)
    mistakes = [SchemaProblem(loaded.locate(p.path), p.message) for p in variant_names.problems(cv)]
    mistakes += variant_names.undated_ranks(cv, loaded)
    if mistakes:
        raise SchemaError(mistakes)
    return cv
