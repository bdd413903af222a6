"""BibTeX field values as written: delimiters, `@string` macros, `#` joins, months.

bibtexparser v2 replaces a value only when it is a single macro name and keeps an
undefined name as if it were text; `"IEEE " # tpds` stays as written. A CV must neither
print a macro's name nor drop a title silently, so values are expanded here and every
undefined name is returned to be reported.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field

from build_cv.sources.bibtex.braces import Braces, scan

MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
# BibTeX's own: `month = jan` works without any @string.
PREDEFINED_MACROS = {name[:3]: name.capitalize() for name in MONTH_NAMES}

# A value is parts joined by `#`: `{...}`, `"..."`, a number or an @string name. A name
# may not hold BibTeX's delimiters (`"#%'(),={}`) or spaces.
_TOKEN = re.compile(r"(?:(?P<brace>\{)|(?P<quote>\")|(?P<number>\d+)|(?P<name>[^\s\"#%'(),={}]+))")
_FIELD_START = re.compile(r"[^\s\"#%'(),={}]+\s*=")

# One value may expand to this many characters: a whole abstract is some ten thousand,
# so only a file built to exhaust memory (each @string doubling the last) comes near it.
MAX_VALUE_CHARS = 1_000_000


class ValueTooLong(Exception):
    """A value would expand past its limit; raised before that text is built."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"expands to over {limit:,} characters")
        self.limit = limit


@dataclass(frozen=True)
class Expansion:
    """What a value stands for, the macros it uses that are undefined, and what is wrong
    with how it is written (`problem`, starting at index `problem_at` of the value)."""

    text: str
    unknown: list[str] = field(default_factory=list)
    problem: str | None = None
    problem_at: int = 0


def expand(value: str, macros: Mapping[str, str], limit: int = MAX_VALUE_CHARS) -> Expansion:
    """The LaTeX text a value stands for, read by BibTeX's rules.

    `macros` has lower-case names (BibTeX's are case-insensitive). An undefined macro
    adds nothing to the text, as in BibTeX. Whatever BibTeX would stop at (text after
    the value, a `#` with nothing after it, an unclosed `{`) is returned as a problem:
    bibtexparser keeps such text inside the value, and dropping it would drop the
    field that a missing comma glued on. Raises ValueTooLong past `limit` characters.
    """
    out: list[str] = []
    unknown: list[str] = []
    size = 0
    braces = scan(value)
    pos = _skip_spaces(value, 0)
    if pos == len(value):
        return Expansion("", problem="has no value (write `{}` for an empty one)")
    while True:
        m = _TOKEN.match(value, pos)
        if m is None:
            return _stopped(out, unknown, value, pos, "is not a value")
        if m.group("brace") is not None or m.group("quote") is not None:
            end = _closing(value, pos, braces)
            if end == len(value):
                what = "{" if m.group("brace") is not None else '"'
                return _stopped(out, unknown, value, pos, f"has a `{what}` that is never closed")
            if bisect_right(braces.stray, pos) != bisect_right(braces.stray, end):
                return _stopped(out, unknown, value, pos, "has a `}` that closes no `{`")
            part = value[pos + 1 : end]
            pos = end + 1
        else:
            name = m.group()
            pos = m.end()
            if m.group("number") is not None:
                part = name
            elif name.lower() in macros:
                part = macros[name.lower()]
            else:
                unknown.append(name)
                part = ""
        size += len(part)
        if size > limit:
            raise ValueTooLong(limit)
        out.append(part)
        pos = _skip_spaces(value, pos)
        if pos == len(value):
            return Expansion("".join(out), unknown)
        if value[pos] != "#":
            return _stopped(out, unknown, value, pos, "follows the value")
        hash_at = pos
        pos = _skip_spaces(value, pos + 1)
        if pos == len(value):
            return Expansion("".join(out), unknown, "ends in `#` with nothing after it", hash_at)


def _skip_spaces(value: str, pos: int) -> int:
    while pos < len(value) and value[pos].isspace():
        pos += 1
    return pos


def _stopped(out: list[str], unknown: list[str], value: str, at: int, what: str) -> Expansion:
    rest = value[at:]
    problem = f"`{excerpt(rest)}` {what}"
    if _FIELD_START.match(rest):
        problem += "; a `,` is missing before it"
    elif what == "follows the value":
        problem += " (a `,` or `#` missing?)"
    return Expansion("".join(out), unknown, problem, at)


def excerpt(text: str, limit: int = 40) -> str:
    """The start of `text` on one line, so a message shows where, never a file's content."""
    line = " ".join(text[: limit * 4].split())
    return line if len(line) <= limit else line[:limit] + "…"


def _closing(value: str, start: int, braces: Braces) -> int:
    """The index of the delimiter that closes the `{` or `"` at `start` (len(value) when
    none does): a brace's match, or the next quote outside every group."""
    if value[start] == "{":
        return braces.closing[start]
    after = bisect_right(braces.quotes, start)
    return braces.quotes[after] if after < len(braces.quotes) else len(value)


def month_number(text: str) -> int | None:
    """1-12 from `5`, `05`, `may`, `May.` or `May`; None for anything else."""
    text = text.strip().rstrip(".").lower()
    if text.isdigit():
        return int(text) if 1 <= int(text) <= 12 else None
    for i, name in enumerate(MONTH_NAMES):
        if text and text in (name, name[:3]):
            return i + 1
    return None
