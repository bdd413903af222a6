"""BibTeX field values as written: delimiters, `@string` macros, `#` joins, months.

bibtexparser v2 replaces a value only when it is a single macro name and keeps an
undefined name as if it were text; `"IEEE " # tpds` stays as written. A CV must neither
print a macro's name nor drop a title silently, so values are expanded here and every
undefined name is returned to be reported.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

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

_TOKEN = re.compile(r"\s*(?:(?P<brace>\{)|(?P<quote>\")|(?P<number>\d+)|(?P<name>[^\s#{}\"]+))")


def expand(value: str, macros: Mapping[str, str]) -> tuple[str, list[str]]:
    """The LaTeX text a value stands for, and the macros it uses that are not defined.

    `macros` has lower-case names (BibTeX's are case-insensitive). An undefined macro
    adds nothing to the text, as in BibTeX.
    """
    out: list[str] = []
    unknown: list[str] = []
    pos = 0
    while pos < len(value):
        m = _TOKEN.match(value, pos)
        if m is None:
            break
        if m.group("brace") is not None or m.group("quote") is not None:
            start = m.end() - 1
            end = _closing(value, start)
            out.append(value[start + 1 : end])
            pos = end + 1
        else:
            name = m.group("number") or m.group("name")
            if m.group("number") is not None:
                out.append(name)
            elif name.lower() in macros:
                out.append(macros[name.lower()])
            else:
                unknown.append(name)
            pos = m.end()
        rest = value[pos:].lstrip()
        if not rest.startswith("#"):
            break
        pos = len(value) - len(rest) + 1
    return "".join(out), unknown


def _closing(value: str, start: int) -> int:
    """The index of the delimiter that closes the `{` or `"` at `start`."""
    quoted = value[start] == '"'
    depth = 0
    i = start + 1
    while i < len(value):
        c = value[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            if depth == 0 and not quoted:
                return i
            depth -= 1
        elif c == '"' and quoted and depth == 0:
            return i
        i += 1
    return len(value)


def month_number(text: str) -> int | None:
    """1-12 from `5`, `05`, `may`, `May.` or `May`; None for anything else."""
    text = text.strip().rstrip(".").lower()
    if text.isdigit():
        return int(text) if 1 <= int(text) <= 12 else None
    for i, name in enumerate(MONTH_NAMES):
        if text and text in (name, name[:3]):
            return i + 1
    return None
