"""Turn what TeX reports (errors, overfull boxes, missing glyphs) into located messages.

TeX speaks in lines of the generated file; the user thinks in entries of their data. The
LaTeX writer marks each entry with its origin, and this module maps a TeX line back to
that origin, so a message names the entry as written even when the variant filtered out
the entries before it.
"""

from __future__ import annotations

import re

from build_cv.errors import Location, Origin, PathKey, Warning_, format_path
from build_cv.formats.latex.writer import SECTION_LABEL, marker_of, source_at
from build_cv.markup import strip_markup
from build_cv.schema.model import CV, user_strings
from build_cv.sources.yaml_source import Loaded
from build_cv.typeset.texlog import Overfull
from build_cv.variants import Selection, leaks
from build_cv.view import View

_PART = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


def parse_path(marker: str) -> PathKey:
    return tuple(int(p.group(2)) if p.group(2) else p.group(1) for p in _PART.finditer(marker))


class Locator:
    """Finds where data came from: the YAML file, or a file it reads (a .bib).

    Entries from other files carry an origin whose path starts with their own key
    (`@fang2021turbo`); every other path is a path in the YAML file.
    """

    def __init__(self, loaded: Loaded, view: View | None = None) -> None:
        self.loaded = loaded
        self._external: dict[str, Origin] = {}
        for section in view.sections if view else ():
            for entry in section.entries:
                if entry.origin.file not in (None, loaded.path) and entry.origin.path:
                    self._external[marker_of(entry.origin)] = entry.origin

    def origin_at(self, tex: str, line: int) -> Origin | None:
        """The origin of the entry that produced 1-based `line` of the generated LaTeX."""
        marker = source_at(tex, line)
        if marker is None:
            return None
        return self._external.get(marker) or Origin(self.loaded.path, parse_path(marker))

    def location(self, path: PathKey) -> Location:
        external = self._external.get(format_path(path[:1]))
        if external is not None:
            return Location(external.file or self.loaded.path, external.line, None)
        loc = self.loaded.locate(path)
        return Location(loc.file, loc.line, loc.column)

    def describe(self, origin: Origin) -> str:
        """`file:line:col (path)`, the way a TeX error names the entry it came from."""
        return f"{self.location(origin.path)} ({origin.field})"


def overfull_warnings(where: Locator, tex: str, boxes: list[Overfull]) -> list[Warning_]:
    """Text TeX could not fit: past the right margin, or an entry taller than a page."""
    warnings = []
    for box in boxes:
        origin = where.origin_at(tex, box.tex_line) if box.tex_line else None
        prefix = f"{origin.field}: " if origin else ""
        if box.vertical:
            what = f"an entry is taller than a page; {box.points:.0f} pt run off the bottom"
        else:
            what = f"text runs {box.points:.0f} pt past the right margin (shorten it)"
        location = where.location(origin.path) if origin else None
        warnings.append(Warning_(f"{prefix}{what}", location))
    return warnings


def glyph_warnings(where: Locator, cv: CV, chars: list[str]) -> list[Warning_]:
    """One warning per field holding characters no font has, naming field and characters."""
    chars = [ch for ch in chars if not ch.isspace()]  # icon fonts lack a space: nothing is lost
    if not chars:
        return []
    warnings, placed = [], set()
    for path, raw in user_strings(cv, ()):
        value = strip_markup(raw)
        here = [ch for ch in chars if ch in value]
        if not here:
            continue
        placed.update(here)
        shown = ", ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in here)
        warnings.append(
            Warning_(
                f"{format_path(path)}: no font has {shown}; missing from the PDF",
                where.location(path),
            )
        )
    for ch in chars:
        if ch not in placed:
            warnings.append(Warning_(f"no font has {ch!r} (U+{ord(ch):04X})"))
    return warnings


def leak_warnings(where: Locator, selection: Selection) -> list[Warning_]:
    """A hidden value the variant still prints elsewhere: the user must hide it there too."""
    return [
        Warning_(
            f"{format_path(path)}: shows `{hidden.value}`, which this variant hides "
            f"({hidden.field} at {where.location(hidden.path)}); hide or reword it here too",
            where.location(path),
        )
        for hidden, path in leaks(selection)
    ]


_LABEL = re.compile(
    r"\\newlabel\{" + re.escape(SECTION_LABEL) + r"(\d+)(-end)?\}\{\{[^{}]*\}\{(\d+)\}"
)


def overflowing_section(aux: str, titles: list[str], allowed: int | None) -> str:
    """Name the first section whose content reaches past the last allowed page."""
    if allowed is None:
        return ""
    starts: dict[int, int] = {}
    ends: dict[int, int] = {}
    for label in _LABEL.finditer(aux):
        (ends if label.group(2) else starts)[int(label.group(1))] = int(label.group(3))
    for i, title in enumerate(titles):
        if ends.get(i, 0) > allowed:
            start = starts.get(i, 0)
            where = "starts" if start > allowed else "runs"
            return (
                f"Section '{title}' (pages {start}-{ends[i]}) {where} past page {allowed}, "
                "the last allowed page."
            )
    return ""
