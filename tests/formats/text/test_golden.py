"""The text output of one small CV (golden/cv.yaml) in English, Simplified Chinese and
German, as committed: labels, dates, marks and headings in each language.

After a deliberate change, write the files again and read the diff:
    .venv/bin/python -m tests.formats.text.test_golden
"""

from __future__ import annotations

from pathlib import Path

import pytest

from build_cv.pipeline.build import load_cv
from tests.render import in_language, render_document

GOLDEN = Path(__file__).resolve().parent / "golden"
LANGUAGES = ("en", "zh-Hans", "de")


def text_in(language: str) -> str:
    return render_document("txt", in_language(load_cv(GOLDEN / "cv.yaml")[1], language))


def golden(language: str) -> Path:
    return GOLDEN / f"cv.{language}.txt"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_text_is_the_golden_file(language: str) -> None:
    assert text_in(language) == golden(language).read_text(encoding="utf-8")


if __name__ == "__main__":
    for language in LANGUAGES:
        golden(language).write_text(text_in(language), encoding="utf-8")
