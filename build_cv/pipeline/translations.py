"""Missing translations: where a document prints the fallback language's text because a
field written in several languages has none in the document's own.

`lint` lists them for the full CV and every variant in its language; a variant (or the
design) with `checks: {translations: required}` refuses to build with any. Only what the
document shows counts: an entry a variant leaves out, or a field it hides, needs no
translation for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from build_cv.errors import BuildCVError, Location, PathKey, format_path
from build_cv.schema import model as m
from build_cv.sources.validate import fell_back
from build_cv.sources.yaml_source import Loaded
from build_cv.variants import Selection


@dataclass(frozen=True)
class Missing:
    """A field with no text in `language`; `used` is the language printed instead."""

    location: Location
    path: PathKey
    language: str
    used: str

    def __str__(self) -> str:
        return (
            f"{self.location}: {format_path(self.path)}: no text in {self.language}; "
            f"the {self.used} text is printed"
        )


class TranslationsMissing(BuildCVError):
    """A document that must be complete in its language is not (`translations: required`).

    Wrong for this variant only, so the others still build; exit 2, as bad input."""

    exit_code = 2

    def __init__(self, missing: list[Missing], variant: str | None) -> None:
        name = f"variant `{variant}`" if variant else "the CV"
        super().__init__(
            f"{name} requires every text in {missing[0].language} (checks.translations: "
            f"required), and {len(missing)} field{'s have' if len(missing) > 1 else ' has'} "
            "none:"
        )
        self.missing = missing

    def render(self) -> str:
        return "\n".join([str(self), *(f"  {m}" for m in self.missing)])


def missing(loaded: Loaded, selection: Selection) -> list[Missing]:
    """The fields the selected document shows in its fallback language."""
    cv = selection.cv
    shown = _shown(selection)
    hidden = {h.path for h in selection.hidden}
    hidden |= {(*path, "title") for path in selection.retitled}  # the profile's is printed
    found = []
    for path, used in fell_back(loaded, cv):
        if not shown(path) or any(path[: len(h)] == h for h in hidden):
            continue
        where = loaded.locate(path)
        found.append(Missing(where, path, cv.design.language, used))
    return found


def _shown(selection: Selection) -> _Shown:
    sections = selection.cv.sections
    kept_sections = {s.origin.path for s in sections}
    whole = {s.origin.path for s in sections if not isinstance(s, m.ListSection)} ^ kept_sections
    kept_entries = {
        e.origin.path
        for s in sections
        for e in getattr(s, "entries", [])
        if isinstance(e, m.Located)
    }
    return _Shown(kept_sections, whole, kept_entries)


@dataclass(frozen=True)
class _Shown:
    """Whether a path of the data is printed by the selected document."""

    sections: set[PathKey]
    whole: set[PathKey]  # sections kept with every entry (a list's entries are strings)
    entries: set[PathKey]

    def __call__(self, path: PathKey) -> bool:
        if path[:1] == ("variants",):
            return False  # a variant's description is not printed
        if path[:1] != ("sections",):
            return True
        if path[:2] not in self.sections:
            return False
        if len(path) > 3 and path[2] == "entries" and path[:2] not in self.whole:
            return path[:4] in self.entries
        return True
