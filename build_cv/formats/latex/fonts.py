"""Which characters the PDF can show: the font family `escape` sets each piece of text in
(Latin Modern Sans, unless it is Greek, Cyrillic or CJK), and the characters that family
has, from the table `scripts/font_coverage.py` reads out of the fonts (fonts.txt).

TeX leaves out a character its font lacks, with only a line in its log: the build turns
that into a warning, and fails when the character is in the name or a section title,
which the PDF check must find. `import` and `new` ask here first, so that neither writes
a CV the build rejects.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from functools import cache
from pathlib import Path

from build_cv.formats.latex.escape import font_runs

TABLE = Path(__file__).with_name("fonts.txt")
MAIN = "main"
# What the families above cover, in words, for a message that says what to write instead.
SCRIPTS = "Latin, Greek, Cyrillic, Chinese, Japanese or Korean"


@cache
def _families() -> dict[str, tuple[list[int], list[int]]]:
    """Each family's ranges, as sorted starts and their ends, for a binary search."""
    text: dict[str, list[str]] = {}
    name = ""
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        if not line.startswith(" "):
            name, _, line = line.partition(" ")
        text.setdefault(name, []).extend(line.split())
    families = {}
    for family, items in text.items():
        pairs = [(int(a, 16), int(b or a, 16)) for a, _, b in (i.partition("-") for i in items)]
        families[family] = ([a for a, _ in pairs], [b for _, b in pairs])
    return families


def _has(family: str, char: str) -> bool:
    starts, ends = _families()[family]
    i = bisect_right(starts, ord(char)) - 1
    return i >= 0 and ord(char) <= ends[i]


def missing_glyphs(text: str, script_fallback: bool = True) -> list[str]:
    """The characters of `text` that the font they would be set in lacks, each once, in
    order. `script_fallback` is design.script_fallback: without it, Greek and Cyrillic
    are set in the document's font. Spaces and invisible format characters are not
    counted (a soft hyphen, a zero-width space): nothing that shows is lost with them,
    and the PDF check ignores them too."""
    missing: list[str] = []
    for family, piece in font_runs(text):
        font = family if family and (script_fallback or family != "cvscript") else MAIN
        for char in piece:
            if char in missing or char.isspace():
                continue
            if unicodedata.category(char) != "Cf" and not _has(font, char):
                missing.append(char)
    return missing


def shown(chars: list[str], limit: int = 5) -> str:
    """`'م' (U+0645), 'ح' (U+062D) and 3 more`: the characters of a message."""
    named = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in chars[:limit])
    return named + (f" and {len(chars) - limit} more" if len(chars) > limit else "")


def name_problem(name: str, script_fallback: bool = True) -> str | None:
    """Why the PDF cannot show `name`, and what to do; None when it can."""
    missing = missing_glyphs(name, script_fallback)
    if not missing:
        return None
    return (
        f"no font build-cv typesets with has {shown(missing)}, so the PDF would leave them "
        f"out and fail its check that the name is there; write the name in a script "
        f"build-cv can typeset ({SCRIPTS}), without emoji or symbols"
    )
