"""The one brace scanner every BibTeX and LaTeX reader asks (values, decode, names)."""

from __future__ import annotations

import re

import pytest

from build_cv.sources.bibtex.braces import TooDeep, scan, split_outside


def test_groups_close_at_their_match_and_escapes_open_nothing() -> None:
    text = r"{a {b} \{ c} \} {d"
    braces = scan(text)
    assert braces.closing == {0: 11, 3: 5, 16: len(text)}  # `{d` runs to the end
    assert braces.depth == 2


def test_a_stray_closing_brace_closes_nothing() -> None:
    braces = scan("a} {b}")
    assert (braces.closing, braces.stray) == ({3: 5}, [1])


def test_quotes_and_spans_outside_every_group() -> None:
    braces = scan(r'"x {"} y" \" z')
    assert braces.quotes == [0, 8]  # not the one in the group, nor the escaped one
    assert braces.outside == [(1, 3), (6, 8), (9, 10), (12, 14)]


def test_split_outside_skips_groups_and_escapes() -> None:
    text = r"A and {B and C} and D\ and E"
    assert split_outside(text, re.compile(r"\s+and(?=\s)")) == ["A", " {B and C}", r" D\ and E"]


def test_nesting_past_the_limit_stops_the_scan() -> None:
    with pytest.raises(TooDeep):
        scan("{" * 101 + "}" * 101, limit=100)
    assert scan("{" * 100 + "}" * 100, limit=100).depth == 100
