"""Publications sections that read a .bib file: entries merged, selected and ordered.

Academics keep one .bib for papers, homepage and CV; a `publications` section may name
it (`bib: publications.bib`, relative to the YAML file) instead of, or beside, typed
entries. Each BibTeX entry becomes an ordinary `Publication` that remembers the .bib line
it came from, so everything after this stage (variants, the view, every writer, the TeX
diagnostics) treats both sources alike.

A `bib:` may name only a file in the YAML's own folder (or below it) unless the user
consents, with `--allow-outside` or `allow_outside: true`: a CV someone else wrote must
not make the build read `~/.ssh/id_rsa` or `../../secrets.bib` into a PDF or a message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from build_cv.errors import InputError, Location, Origin, SchemaError, SchemaProblem, shorten
from build_cv.locales import words
from build_cv.schema.bibentry import BibEntry
from build_cv.schema.model import CV, RANK_SYSTEMS, Publication, PublicationSection
from build_cv.sources.bibtex.kinds import PREPRINT_VENUE, details
from build_cv.sources.bibtex.reader import read_bibtex
from build_cv.sources.yaml_source import Loaded

_Parsed = dict[Path, tuple[BibEntry, ...] | SchemaError]


def with_bibliographies(cv: CV, loaded: Loaded, *, allow_outside: bool = False) -> CV:
    """`cv` with every `bib:` read into its section; all problems of all files at once.

    A .bib that several sections select from (papers and preprints, say) is parsed once,
    and each of its problems is reported once. `allow_outside` is the command line's
    consent to read files outside the YAML's folder; the CV may give it too.
    """
    problems: list[SchemaProblem] = []
    parsed: _Parsed = {}
    sections = []
    d = cv.design
    labels = words(d.language, d.fallback_language, d.date_style).labels
    reader = _Reader(loaded, problems, parsed, allow_outside or cv.allow_outside, labels)
    for section in cv.sections:
        if isinstance(section, PublicationSection):
            section = _assemble(section, reader)
        sections.append(section)
    if problems:
        raise SchemaError(list(dict.fromkeys(problems)))
    return cv.model_copy(update={"sections": sections})


def bib_files(cv: CV, data: Path) -> list[Path]:
    """The .bib files `cv` reads (watch mode and the cache need them too)."""
    return [data.parent / s.bib for s in cv.sections if isinstance(s, PublicationSection) and s.bib]


@dataclass
class _Reader:
    """What reading the sections' .bib files shares: the YAML, the problems found, the
    files already parsed and whether files outside the YAML's folder may be read."""

    loaded: Loaded
    problems: list[SchemaProblem]
    parsed: _Parsed
    allow_outside: bool
    labels: Mapping[str, str]  # the words the CV adds to a record, in its language
    converted: dict[Path, list[Publication]] = dataclass_field(default_factory=dict)


# A file with no entry at all is most likely not BibTeX (a key, a config file): the
# message says so, and quotes none of it.
_NO_ENTRIES = "has no BibTeX entry (such as `@article{key, ...}`); is it the right file?"


def _assemble(section: PublicationSection, reader: _Reader) -> PublicationSection:
    loaded, problems = reader.loaded, reader.problems
    before = len(problems)
    entries = list(section.entries)
    if section.bib:
        read = _read(loaded.path.parent / section.bib, section, reader)
        if not read and not entries and len(problems) == before:
            where = loaded.locate((*section.origin.path, "bib"))
            problems.append(SchemaProblem(where, f"{shorten(section.bib)}: {_NO_ENTRIES}"))
            return section
        entries += read
    if section.select:
        entries = [e for e in entries if set(e.tags) & set(section.select)]
    entries = [e for e in entries if not set(e.tags) & set(section.omit)]
    order = section.order or ("newest-first" if section.bib else "as-written")
    if order == "newest-first":
        entries.sort(key=lambda e: -e.year)
    if not entries and len(problems) == before:
        where = loaded.locate((*section.origin.path, "select"))
        problems.append(SchemaProblem(where, "no publication is left after `select`/`omit`"))
    return section.model_copy(update={"entries": entries})


def _read(path: Path, section: PublicationSection, reader: _Reader) -> list[Publication]:
    problems, parsed = reader.problems, reader.parsed
    try:
        key = _resolved(path)  # `papers.bib` and `./papers.bib` are one file
        if not reader.allow_outside:
            _inside_the_cv_folder(path, key, reader.loaded.path)
    except InputError as exc:  # named at this section's own `bib:` line
        problems.append(
            SchemaProblem(reader.loaded.locate((*section.origin.path, "bib")), str(exc))
        )
        return []
    found = parsed.get(key)
    if found is None:
        try:
            found = read_bibtex(path, reader.loaded.read)
        except SchemaError as exc:
            found = exc
        except InputError as exc:
            where = reader.loaded.locate((*section.origin.path, "bib"))
            problems.append(SchemaProblem(where, str(exc)))
            return []
        parsed[key] = found
    if isinstance(found, SchemaError):
        problems.extend(found.problems)
        return []
    done = reader.converted.get(key)
    if done is not None:  # validated once for every section that selects from the file
        return list(done)
    publications = []
    for entry in found:
        publication = _publication(entry, path, problems, reader.labels)
        if publication is not None:
            publications.append(publication)
    reader.converted[key] = publications
    return list(publications)


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop, before Python 3.13
        raise InputError(f"{path}: cannot follow the path (a symlink loop?)") from None


def require_inside(path: Path, data: Path) -> None:
    """Refuse `path` unless it lies in the folder of the CV `data`, after symlinks and
    `..`: the rule of `bib:`, for every other file a CV names (a packet's parts)."""
    _inside_the_cv_folder(path, _resolved(path), data)


def _inside_the_cv_folder(path: Path, resolved: Path, data: Path) -> None:
    """Refuse a file outside the YAML's folder: after symlinks and `..`, it must be in it."""
    folder = _resolved(data.parent)
    if not resolved.is_relative_to(folder):
        raise InputError(
            f"{path}: is outside the CV's folder ({folder}), at {resolved}; build-cv reads "
            "such a file only with your consent: pass --allow-outside, or set "
            "`allow_outside: true` in the CV"
        )


def _publication(
    entry: BibEntry, path: Path, problems: list[SchemaProblem], labels: Mapping[str, str]
) -> Publication | None:
    line = entry.origin.line if entry.origin else None
    preprint = entry.venue == PREPRINT_VENUE
    fields: dict[str, Any] = {
        "title": entry.title,
        "authors": list(entry.author_names),
        "et_al": entry.et_al,
        "venue": labels["arxiv_preprint"] if preprint else entry.venue,
        "year": entry.year,
        "details": details(entry, labels),
        "equal_contribution": list(entry.with_role("equal")),
        "corresponding": list(entry.with_role("corresponding")),
        "arxiv": entry.arxiv,
        "doi": entry.doi,
        "url": entry.url,
        "tags": list(entry.tags),
        "entry_type": entry.entry_type,
    }
    given, lines = cv_data(entry)
    try:
        publication = Publication.model_validate(
            {**{k: v for k, v in fields.items() if v}, **given}
        )
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            field = ".".join(str(p) for p in err["loc"])
            message = str(err["msg"]).removeprefix("Value error, ")
            at = lines.get(str(err["loc"][0]), line) if err["loc"] else line
            location = Location(path, at, None, f"@{entry.key}")
            problems.append(SchemaProblem(location, f"{field}: {message}"))
        return None
    publication.locate(Origin(path, (f"@{entry.key}",), line))
    publication.keep_source(replace(entry, origin=None))
    shown_in = SHOWN_IN.get(entry.arxiv_from or "")
    if publication.arxiv and shown_in:
        publication.derive("arxiv", shown_in)
    return publication


_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}
_INTEGER = re.compile(r"^[+-]?\d+$")


def cv_data(entry: BibEntry) -> tuple[dict[str, Any], dict[str, int | None]]:
    """What a .bib entry gives the CV beyond its citation (the reader's CV_FIELDS), as a
    YAML publication would give it, and the line of the field each came from: `ccf = {A}`
    with `ccf_edition = {2022}` is `ranks: {ccf: {rank: A, edition: 2022}}`, `credit =
    {software, validation}` a list, `keep = {true}` a flag. A value that is none of these
    is passed on as written, for the schema to refuse with its own message."""
    raw = {name: (value, line) for name, value, line in entry.cv_fields}
    given: dict[str, Any] = {}
    lines: dict[str, int | None] = {}

    def take(field: str, name: str, value: Any) -> None:
        given[field] = value
        lines.setdefault(field, raw[name][1])

    for name in ("representative", "keep"):
        if name in raw:
            text = raw[name][0].strip().lower()
            take(name, name, True if text in _TRUE else False if text in _FALSE else text)
    if "priority" in raw:
        text = raw["priority"][0].strip()
        take("priority", "priority", int(text) if _INTEGER.match(text) else text)
    for name in ("contribution", "dfg_category"):
        if name in raw:
            take(name, name, raw[name][0])
    if "credit" in raw:
        roles = [r.strip() for r in re.split(r"[,;]", raw["credit"][0]) if r.strip()]
        take("credit", "credit", roles)
    ranks: dict[str, Any] = {}
    for system in RANK_SYSTEMS:
        if system in raw:
            rank: dict[str, Any] = {"rank": raw[system][0].strip()}
            edition = raw.get(f"{system}_edition", ("", None))[0].strip()
            if edition:
                rank["edition"] = int(edition) if _INTEGER.match(edition) else edition
            ranks[system] = rank
            lines.setdefault("ranks", raw[system][1])
    if ranks:
        given["ranks"] = ranks
    if "citations" in raw:
        count = raw["citations"][0].strip()
        citations: dict[str, Any] = {"count": int(count) if _INTEGER.match(count) else count}
        for key in ("source", "as_of"):
            if f"citations_{key}" in raw:
                citations[key] = raw[f"citations_{key}"][0]
        take("citations", "citations", citations)
    return given, lines


# The publication field that shows each BibTeX field an arXiv id may be taken from (the
# reader's ARXIV_SOURCES): hiding that field hides the id found in it.
SHOWN_IN = {
    "url": "url",
    "doi": "doi",
    "journal": "venue",
    "howpublished": "venue",
    "note": "details",
    "volume": "details",
}
