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
_FOLLOWS_ERROR = re.compile(
    r"^(?:l\.\d+\b|<read [*\d]+>|Enter file name:|<\*> |<argument> |<to be read again>)"
)
_FATAL = "==> Fatal error occurred, no output PDF file produced!"
_DRIVER_FATAL = re.compile(r"^xdvipdfmx:fatal: (.+)$", re.MULTILINE)
# What asks for another pass. Not "Label(s) may have changed": a first pass always says it
# (no .aux came before), and the engine compares the .aux files itself.
_RERUN = re.compile(
    r"^LaTeX Warning: There were undefined references|"
    r"^Package rerunfilecheck Warning: File .* has changed|"
    r"^LaTeX Warning: Citation .* undefined",
    re.MULTILINE,
)
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


def _confirmed(log: str, m: re.Match[str], end: int) -> bool:
    """TeX follows a real error with its context (`l.42 ...`) or a prompt; a `\\typeout`
    that merely looks like an error is followed by ordinary log lines."""
    after = [line for line in log[m.end() : end].splitlines()[1:8] if line.strip()][:3]
    return any(_FOLLOWS_ERROR.match(line) for line in after)


def first_error(log: str, job: str = "cv") -> TexProblem | None:
    """The first error; its line is a line of `job`.tex, or None when TeX was elsewhere.

    Call it only for a run that failed: the log alone cannot tell a real error from text
    that LaTeX printed.
    """
    found = sorted(
        [*_FILE_LINE_ERROR.finditer(log), *_BANG_ERROR.finditer(log)], key=lambda m: m.start()
    )
    found = [m for m in found if not m.group(0).rstrip().endswith(_FATAL)]
    ends = [n.start() for n in found[1:]] + [len(log)] if found else []
    real = (m for m, end in zip(found, ends, strict=True) if _confirmed(log, m, end))
    m = next(real, found[0] if found else None)
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


def driver_error(output: str) -> TexProblem | None:
    """What xdvipdfmx said went wrong; it does not reach TeX's log."""
    m = _DRIVER_FATAL.search(output)
    if m:
        return TexProblem(f"the PDF driver failed: {m.group(1).strip()[:300]}")
    return None


def needs_another_pass(log: str) -> bool:
    """The document refers to something only a later pass knows (raw LaTeX's `\ref`)."""
    return _RERUN.search(log) is not None


def _invisible(ch: str) -> bool:
    """Joiners and variation selectors only steer the glyphs around them: a font needs no
    glyph of its own for them, and nothing is missing from the page when it has none."""
    code = ord(ch)
    return (
        code in (0x200C, 0x200D, 0x034F)
        or 0xFE00 <= code <= 0xFE0F
        or 0xE0100 <= code <= 0xE01EF
        or 0x180B <= code <= 0x180D
        or code == 0x180F
    )


def missing_glyphs(log: str) -> list[MissingGlyph]:
    """Characters no font had, each once; joiners and variation selectors never count."""
    seen: dict[str, MissingGlyph] = {}
    for m in _MISSING.finditer(log):
        ch = chr(int(m.group(2), 16))
        seen.setdefault(ch, MissingGlyph(ch, m.group(3).strip()))
    for m in _MISSING_OLD.finditer(log):
        seen.setdefault(m.group(1), MissingGlyph(m.group(1), m.group(2).strip()))
    return [glyph for glyph in seen.values() if not _invisible(glyph.char)]
