"""Text in another language than the page's says so with `lang`: browsers pick CJK glyph
forms by it, and screen readers their voice. The native name in an English CV, an
English paper title in a Chinese one (the rule: formats/html/writer.py, `Languages`)."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest

from build_cv.formats.html.writer import Languages
from build_cv.pipeline.build import load_cv
from build_cv.schema.model import CV
from tests.conftest import DEFAULT_DATA
from tests.render import render_document

VOID = {"meta", "br", "link", "img"}


class Langs(HTMLParser):
    """Each piece of text of a page with the language it is in: the nearest `lang`."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []
        self.pieces: list[tuple[str, str]] = []
        self.feed(source)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.stack.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag: str) -> None:
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        if data.strip() and not any(tag in ("style", "title") for tag, _ in self.stack):
            lang = next(lang for _, lang in reversed(self.stack) if lang is not None)
            self.pieces.append((data.strip(), lang))

    def of(self, text: str) -> str:
        (found,) = {lang for piece, lang in self.pieces if piece == text}
        return found


def default_in(language: str, **person: Any) -> CV:
    cv = load_cv(DEFAULT_DATA)[1]
    return cv.model_copy(
        update={
            "design": cv.design.model_copy(update={"language": language}),
            "person": cv.person.model_copy(update=person),
        }
    )


def test_an_english_cv_marks_the_native_name_and_nothing_else() -> None:
    page = Langs(render_document("html", default_in("en")))
    assert page.of("Jiarui Fang") == "en"
    assert page.of("方佳瑞") == "zh-Hans"
    assert {lang for _, lang in page.pieces} == {"en", "zh-Hans"}
    assert [p for p, lang in page.pieces if lang == "zh-Hans"] == ["方佳瑞"]


def test_a_chinese_cv_marks_what_is_in_latin_script_as_the_fallback_language() -> None:
    cv = default_in("zh")
    page = Langs(render_document("html", cv))
    assert page.of("方佳瑞") == "zh"  # the page's own language, as the data writes it
    assert page.of("Jiarui Fang") == "en"
    title = "PipeFusion: Displaced Patch Pipeline Parallelism for Inference of Diffusion"
    assert any(piece.startswith(title) and lang == "en" for piece, lang in page.pieces)
    assert page.of("Work Experience") == "en"  # an untranslated section title


def test_a_native_name_in_another_language_is_marked_as_that() -> None:
    page = Langs(render_document("html", default_in("en", native_name_language="zh-Hant")))
    assert page.of("方佳瑞") == "zh-Hant"


@pytest.mark.parametrize(
    ("text", "page", "expected"),
    [
        ("清华大学", "en", "zh-Hans"),
        ("東京大学 (とうきょう)", "en", "ja"),
        ("서울대학교", "en", "ko"),
        ("Tsinghua University", "en", None),
        ("Tsinghua University", "zh", "en"),
        ("Tsinghua University", "zh-TW", "en"),
        ("清华大学", "zh", None),
        ("清华大学", "ja", None),
        ("とうきょう", "zh", "ja"),
        ("2014.09—2019.07", "zh", None),  # no letters: the page's own
        ("计算机 Ph.D.", "en", None),  # mostly Latin letters
        ("GPU 上的并行训练", "zh", None),  # mostly Han
        ("Москва", "en", None),  # only CJK and Latin are told apart
    ],
)
def test_the_script_of_a_string_decides_its_language(
    text: str, page: str, expected: str | None
) -> None:
    languages = Languages(document=page, fallback="en", han="zh-Hans")
    assert languages.of_text(text) == expected


def test_han_text_on_a_latin_page_is_written_as_the_native_name_is() -> None:
    assert (
        Languages(document="en", fallback="en", han="zh-Hant").of_text("國立臺灣大學") == "zh-Hant"
    )
