"""Balanced braces in BibTeX and LaTeX text, found by one scanner in one pass.

BibTeX delimits a value with braces or quotes, LaTeX groups with braces, and in both a
backslash escapes the character after it (`\\{` is a brace character, not a group). The
value expander, the LaTeX decoder and the name splitter all ask this module where groups
open and close, so they agree on what an escaped, unclosed or stray brace means: an
escaped brace opens nothing, a `}` that closes nothing is skipped, and a `{` never closed
runs to the end of the text.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# Braces nested deeper than this are refused (TooDeep): each level costs the decoder a
# few stack frames, and no bibliography nests a tenth as deep.
MAX_DEPTH = 100

# A brace, a quote, or the backslash of an escape: a character class, which the regex
# engine finds several times as fast as an alternation that matches the escape whole.
_TOKEN = re.compile(r'[\\{}"]')


class TooDeep(ValueError):
    """The text nests braces deeper than MAX_DEPTH."""

    def __init__(self) -> None:
        super().__init__(f"braces are nested more than {MAX_DEPTH} deep")


class Braces(NamedTuple):
    """The groups of one text.

    `closing` maps each `{` to its `}` (the text's length when it is never closed),
    `depth` is how deep the groups nest, `quotes` are the `"` outside every group,
    `outside` the spans outside every group that hold no brace, quote or escape, and
    `stray` the `}` that close nothing.
    """

    closing: dict[int, int]
    depth: int
    quotes: list[int]
    outside: list[tuple[int, int]]
    stray: list[int]


def scan(text: str, limit: int | None = None) -> Braces:
    """The groups of `text`, found in one pass (so every later lookup is constant time,
    and reading stays linear however the groups nest). Raises TooDeep when they nest
    deeper than `limit`."""
    first = _TOKEN.search(text)
    if first is None:  # most decoded values: nothing to scan
        return Braces({}, 0, [], [(0, len(text))] if text else [], [])
    closing: dict[int, int] = {}
    open_at: list[int] = []
    quotes: list[int] = []
    outside: list[tuple[int, int]] = []
    stray: list[int] = []
    deepest = last = 0  # `last`: where the text outside every group resumes
    escaped = -1  # the position of the character a backslash escapes
    for m in _TOKEN.finditer(text, first.start()):
        at = m.start()
        if at == escaped:
            continue
        if not open_at and at > last:
            outside.append((last, at))
        c = text[at]
        if c == "{":
            open_at.append(at)
            if len(open_at) > deepest:
                deepest = len(open_at)
                if limit is not None and deepest > limit:
                    raise TooDeep()
        elif c == "}":
            if open_at:
                closing[open_at.pop()] = at
            else:
                stray.append(at)
            last = at + 1
        elif c == "\\":
            escaped = at + 1
            last = at + 2
        elif not open_at:  # a quote
            quotes.append(at)
            last = at + 1
    if not open_at and len(text) > last:
        outside.append((last, len(text)))
    for start in open_at:
        closing[start] = len(text)
    return Braces(closing, deepest, quotes, outside, stray)


def brace_depth(text: str) -> int:
    """How deep `{` groups nest in `text` (an escaped brace does not count)."""
    return scan(text).depth


def split_outside(text: str, separator: re.Pattern[str]) -> list[str]:
    """`text` split where `separator` matches outside every group and escape (an `and`
    inside `{Bill and Melinda Gates Foundation}` separates nothing)."""
    parts: list[str] = []
    start = 0
    for begin, end in scan(text).outside:
        for m in separator.finditer(text, begin, end):
            if m.end() > m.start():
                parts.append(text[start : m.start()])
                start = m.end()
    parts.append(text[start:])
    return parts
