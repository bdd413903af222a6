"""The inline markup: emphasis opens and closes by CommonMark's flanking idea, with the
letters of scripts written without spaces (Chinese, Japanese, Korean) not counting."""

from __future__ import annotations

import pytest

from build_cv.markup import render, strip_markup


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("超过**4 万**颗星", "超过4 万颗星"),  # bold between Han characters, no spaces
        ("**粗体**文字", "粗体文字"),
        ("中*斜*体", "中斜体"),
        ("강조**굵게**입니다", "강조굵게입니다"),
        ("これは**太字**です", "これは太字です"),
        ("Smith*, Jones*", "Smith*, Jones*"),  # equal-contribution marks stay as typed
        ("x**y**z", "x**y**z"),  # inside a Latin word: as typed
        ("a *b* c", "a b c"),
    ],
)
def test_emphasis_opens_and_closes_as_each_script_is_written(typed: str, shown: str) -> None:
    assert strip_markup(typed) == shown


def test_bold_beside_han_characters_is_bold_in_every_writer() -> None:
    marked = render("超过**4 万**颗星", str, lambda b: f"<b>{b}</b>", str, lambda u, t: t)
    assert marked == "超过<b>4 万</b>颗星"
