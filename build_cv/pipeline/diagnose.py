"""Turn what TeX reports (errors, overfull boxes, missing glyphs) into located messages.

TeX speaks in lines of the generated file; the user thinks in entries of their data. The
LaTeX writer marks each entry with its origin, and this module maps a TeX line back to
that origin, so a message names the entry as written even when the variant filtered out
the entries before it.
"""

from __future__ import annotations

import re

from build_cv.errors import Location, PathKey, Warning_, format_path
from build_cv.formats.latex.writer import SECTION_LABEL, source_at
from build_cv.markup import strip_markup
from build_cv.schema.model import CV, user_strings
from build_cv.sources.yaml_source import Loaded
from build_cv.typeset.texlog import Overfull
from build_cv.variants import Selection, leaks

_PART = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


def parse_path(marker: str) -> PathKey:
    return tuple(int(p.group(2)) if p.group(2) else p.group(1) for p in _PART.finditer(marker))


def source_of(tex: str, line: int) -> PathKey | None:
    """The data path of the entry that produced 1-based `line` of the generated LaTeX."""
    marker = source_at(tex, line)
    return parse_path(marker) if marker is not None else None


def describe(loaded: Loaded, path: PathKey) -> str:
    """`file:line:col (path)`, the way a TeX error names the entry it came from."""
    return f"{loaded.locate(path)} ({format_path(path)})"


def _location(loaded: Loaded, path: PathKey) -> Location:
    loc = loaded.locate(path)
    return Location(loc.file, loc.line, loc.column)


def overfull_warnings(loaded: Loaded, tex: str, boxes: list[Overfull]) -> list[Warning_]:
    """Text TeX could not fit: past the right margin, or an entry taller than a page."""
    warnings = []
    for box in boxes:
        path = source_of(tex, box.tex_line) if box.tex_line else None
        where = f"{format_path(path)}: " if path else ""
        if box.vertical:
            what = f"an entry is taller than a page; {box.points:.0f} pt run off the bottom"
        else:
            what = f"text runs {box.points:.0f} pt past the right margin (shorten it)"
        location = _location(loaded, path) if path else None
        warnings.append(Warning_(f"{where}{what}", location))
    return warnings


def glyph_warnings(loaded: Loaded, cv: CV, chars: list[str]) -> list[Warning_]:
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
                _location(loaded, path),
            )
        )
    for ch in chars:
        if ch not in placed:
            warnings.append(Warning_(f"no font has {ch!r} (U+{ord(ch):04X})"))
    return warnings


def leak_warnings(loaded: Loaded, selection: Selection) -> list[Warning_]:
    """A hidden value the variant still prints elsewhere: the user must hide it there too."""
    return [
        Warning_(
            f"{format_path(path)}: shows `{hidden.value}`, which this variant hides "
            f"({hidden.field} at {_location(loaded, hidden.path)}); hide or reword it here too",
            _location(loaded, path),
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
