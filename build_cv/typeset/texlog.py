"""Read the few facts we need out of a TeX log: the first error and missing glyphs.

TeX logs are long and cryptic; the user gets the first error, its line in the generated
file and the line's text, never the log itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from build_cv.errors import TexProblem

_FILE_LINE_ERROR = re.compile(
    r"^(\S*?\.(?:tex|sty|cls|def|cfg|fd|ldf|clo)):(\d+): (.+)$", re.MULTILINE
)
_BANG_ERROR = re.compile(r"^! (.+)$", re.MULTILINE)
_CONTEXT = re.compile(r"^l\.(\d+) (.*)$", re.MULTILINE)
_READ_PROMPT = re.compile(r"\s*<read [*\d]+>")
_MISSING = re.compile(
    r"Missing character: There is no (.+?) \(U\+([0-9A-F]{4,6})\) in font ([^!\n]+)!"
)
_MISSING_OLD = re.compile(r"Missing character: There is no (.) in font ([^!\n]+)!")


_OVERFULL = re.compile(
    r"^Overfull \\(?P<box>[hv])box \((?P<pt>[\d.]+)pt too (?:wide|high)\)"
    r"(?:.*? at lines? (?P<line>\d+))?",
    re.MULTILINE,
)
OVERFULL_LIMIT_PT = 10.0  # smaller overruns are invisible in print


@dataclass(frozen=True)
class Overfull:
    """Text that runs past the margin (hbox) or off the bottom of the page (vbox)."""

    vertical: bool
    points: float
    tex_line: int | None


def overfull_boxes(log: str) -> list[Overfull]:
    found = []
    for m in _OVERFULL.finditer(log):
        points = float(m.group("pt"))
        if points > OVERFULL_LIMIT_PT:
            line = int(m.group("line")) if m.group("line") else None
            found.append(Overfull(m.group("box") == "v", points, line))
    return found


@dataclass(frozen=True)
class MissingGlyph:
    char: str
    font: str


def first_error(log: str, job: str = "cv") -> TexProblem | None:
    """The first error; its line is a line of `job`.tex, or None when TeX was elsewhere."""
    found = [m for m in (_FILE_LINE_ERROR.search(log), _BANG_ERROR.search(log)) if m]
    m = min(found, key=lambda match: match.start()) if found else None
    if m is None:
        if "Emergency stop" in log or "no legal \\end found" in log:
            return TexProblem("TeX stopped early (emergency stop)")
        return None
    ours = True
    if m.re is _FILE_LINE_ERROR:
        line: int | None = int(m.group(2))
        message = m.group(3).strip().removeprefix("LaTeX Error: ")
        name = m.group(1).rsplit("/", 1)[-1]
        if name != f"{job}.tex":
            message = f"{message} (in {name}, line {line})"
            line, ours = None, False
    else:
        line = None
        message = m.group(1).strip().removeprefix("LaTeX Error: ")
    if message == "Emergency stop." and _READ_PROMPT.match(log, m.end() + 1):
        message = "Emergency stop: TeX asked for input from the terminal (a \\read)"
    context = ""
    ctx = _CONTEXT.search(log, m.end())
    if ctx is not None and ours:
        line = line or int(ctx.group(1))
        context = ctx.group(2).strip()
    return TexProblem(message=message[:300], tex_line=line, tex_context=context[:200])


def missing_glyphs(log: str) -> list[MissingGlyph]:
    seen: dict[str, MissingGlyph] = {}
    for m in _MISSING.finditer(log):
        ch = chr(int(m.group(2), 16))
        seen.setdefault(ch, MissingGlyph(ch, m.group(3).strip()))
    for m in _MISSING_OLD.finditer(log):
        seen.setdefault(m.group(1), MissingGlyph(m.group(1), m.group(2).strip()))
    return list(seen.values())
