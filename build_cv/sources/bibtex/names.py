"""Author names in BibTeX's forms, split into their parts.

BibTeX writes a name as "First von Last", "von Last, First" or "von Last, Jr, First",
and a list of names joined by `and`; the CV prints "First von Last". Which of the names
is the CV's owner is decided in owners.py.
"""

from __future__ import annotations

import re
from functools import lru_cache

from build_cv.schema.bibentry import Name
from build_cv.sources.bibtex.braces import scan, split_outside
from build_cv.sources.bibtex.decode import decode_latex, encode_latex

_AND = re.compile(r"\s+and(?=\s)", re.IGNORECASE)
_COMMA = re.compile(r",")
_BLANK = re.compile(r"[\s~]+")


def split_names(value: str) -> tuple[list[str], bool]:
    """The raw names of a BibTeX name list, and whether it ended in `and others`.

    `value` is the field as written (LaTeX, braces kept): an `and` inside braces, as in
    `{Bill and Melinda Gates Foundation}`, does not separate names.
    """
    names = [n.strip() for n in split_outside(f" {value.strip()} ", _AND)]
    et_al = bool(names) and names[-1].lower() == "others"
    if et_al:
        names.pop()
    return names, et_al


def _token_case(token: str) -> str | None:
    """'lower' or 'upper' by the first letter outside braces, as BibTeX decides von parts.

    A brace group that starts with a backslash is a special character and counts by its
    letter (`{\\"u}ber` is lower case); any other brace group is caseless.
    """
    closing: dict[int, int] | None = None
    i = 0
    while i < len(token):
        c = token[i]
        if c == "{":
            if closing is None:
                closing = scan(token).closing
            end = closing.get(i)  # None: an escaped `\\{`, which opens no group
            if end is not None:
                if token.startswith("{\\", i):
                    letters = [ch for ch in decode_latex(token[i : end + 1]) if ch.isalpha()]
                    if letters:
                        return "lower" if letters[0].islower() else "upper"
                i = end + 1
                continue
        if c.isalpha():
            return "lower" if c.islower() else "upper"
        i += 1
    return None


def _tokens(text: str) -> list[str]:
    return [t for t in split_outside(text.strip(), _BLANK) if t]


def _von_last(tokens: list[str]) -> tuple[list[str], list[str]]:
    lower = [i for i, t in enumerate(tokens[:-1]) if _token_case(t) == "lower"]
    if not lower:
        return [], tokens
    return tokens[: lower[-1] + 1], tokens[lower[-1] + 1 :]


@lru_cache(maxsize=4096)
def parse_name(raw: str) -> Name:
    """Parse one BibTeX name in any of its three forms; the parts come back decoded.
    Remembered (a Name is frozen): a long list names the same co-authors again and
    again, and decoding is the costly part of reading a .bib."""
    parts = [p.strip() for p in split_outside(raw.strip(), _COMMA)]
    if len(parts) == 1:
        tokens = _tokens(parts[0])
        lower = [i for i, t in enumerate(tokens[:-1]) if _token_case(t) == "lower"]
        if lower:
            first, von = tokens[: lower[0]], tokens[lower[0] : lower[-1] + 1]
            last = tokens[lower[-1] + 1 :]
        else:
            first, von, last = tokens[:-1], [], tokens[-1:]
        jr = ""
    else:
        von, last = _von_last(_tokens(parts[0]))
        jr = parts[1] if len(parts) > 2 else ""
        first = _tokens(", ".join(parts[2:] if len(parts) > 2 else parts[1:]))
    return Name(
        first=decode_latex(" ".join(first)),
        von=decode_latex(" ".join(von)),
        last=decode_latex(" ".join(last)),
        jr=decode_latex(jr),
    )


_JR = re.compile(r"^(?:Jr|Sr)\.?$|^[IVX]+$")


def parse_display_name(text: str) -> Name:
    """Parse a plain-text name as a CV prints it ("First von Last", ", Jr" after).

    For names that come from YAML rather than BibTeX: the text is taken literally (no
    LaTeX), and a comma only separates a "Jr"-like suffix.
    """
    head, comma, tail = text.rpartition(",")
    if comma and _JR.match(tail.strip()):
        name = parse_name(encode_latex(head).replace(",", "{,}"))
        return Name(first=name.first, von=name.von, last=name.last, jr=tail.strip())
    return parse_name(encode_latex(text).replace(",", "{,}"))
