"""The view in the document's language (`design.language`): every label from the
language's file, month names and long dates from CLDR, each language's own date style
unless `design.date_style` says otherwise, and no English label left in another language."""

from __future__ import annotations

import html
import re
from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal, get_args

import pytest
from babel.dates import get_month_names

from build_cv.languages import SUPPORTED, locale
from build_cv.locales import STYLES, read
from build_cv.pipeline.build import load_cv
from build_cv.schema.model import CV, Design
from build_cv.view import EducationView, ExperienceView, build_view
from tests.render import in_language, render_document, tex_for

GOLDEN_CV = Path(__file__).resolve().parent / "formats" / "text" / "golden" / "cv.yaml"
ENGLISH = read("en")
OTHERS = [tag for tag in SUPPORTED if tag != "en"]


@cache
def small_cv() -> CV:
    return load_cv(GOLDEN_CV)[1]


def test_the_schema_offers_the_named_date_styles() -> None:
    assert get_args(Design.model_fields["date_style"].annotation) == STYLES


def _dates(cv: CV) -> list[str]:
    return [
        e.dates
        for s in build_view(cv).sections
        for e in s.entries
        if isinstance(e, ExperienceView | EducationView)
    ]


# What the small CV's first three experience dates and last one (a one-month post) read.
CONVENTIONS = {
    "en": ["Aug 2019 – present", "Sep 2014 – Jul 2019", "2012 – Feb 2013", "May 2011"],
    "zh-Hans": ["2019.08—至今", "2014.09—2019.07", "2012—2013.02", "2011.05"],
    "zh-Hant": ["2019/08～至今", "2014/09～2019/07", "2012～2013/02", "2011/05"],
    "ja": ["2019年8月〜現在", "2014年9月〜2019年7月", "2012年〜2013年2月", "2011年5月"],
    "ko": ["2019.08 ~ 현재", "2014.09 ~ 2019.07", "2012 ~ 2013.02", "2011.05"],
    "de": ["08/2019 – heute", "09/2014 – 07/2019", "2012 – 02/2013", "05/2011"],
    "fr": ["août 2019 – aujourd’hui", "sept. 2014 – juil. 2019", "2012 – févr. 2013", "mai 2011"],
    "es": ["ago 2019 – actualidad", "sept 2014 – jul 2019", "2012 – feb 2013", "may 2011"],
    "pt": ["08/2019 – atual", "09/2014 – 07/2019", "2012 – 02/2013", "05/2011"],
    "it": ["08/2019 – oggi", "09/2014 – 07/2019", "2012 – 02/2013", "05/2011"],
    "ru": ["08.2019 – настоящее время", "09.2014 – 07.2019", "2012 – 02.2013", "05.2011"],
}


@pytest.mark.parametrize("tag", SUPPORTED)
def test_each_language_writes_dates_as_its_cvs_do(tag: str) -> None:
    assert _dates(in_language(small_cv(), tag))[:4] == CONVENTIONS[tag]


def test_a_tag_with_a_region_or_no_script_is_its_language() -> None:
    assert _dates(in_language(small_cv(), "zh"))[:4] == CONVENTIONS["zh-Hans"]
    assert _dates(in_language(small_cv(), "zh-TW"))[:4] == CONVENTIONS["zh-Hant"]
    assert _dates(in_language(small_cv(), "de-AT"))[1] == "09/2014 – 07/2019"


def _started(start: str) -> CV:
    job = {"position": "P", "organization": "O", "start": start}
    section = {"kind": "experience", "title": "E", "entries": [job]}
    return CV.model_validate(
        {"person": {"name": "A"}, "updated": "2024-06-15", "sections": [section]}
    )


@pytest.mark.parametrize("tag", SUPPORTED)
def test_month_names_come_from_cldr(tag: str) -> None:
    """Every month, in the style that names it, is CLDR's name for it in the language, and
    so is the month of the long date."""
    cldr = locale(tag)
    assert cldr is not None

    def names(month: int, widths: tuple[Literal["abbreviated", "wide"], ...]) -> set[str]:
        return {
            get_month_names(width, context, cldr)[month]
            for width in widths
            for context in ("format", "stand-alone")
        }

    for month in range(1, 13):
        (text,) = _dates(in_language(_started(f"2014-{month:02}"), tag, date_style="month-year"))
        assert any(name in text for name in names(month, ("abbreviated",))), (month, text)
    for day in (date(2024, 1, 31), date(2024, 6, 15), date(2024, 12, 1)):
        cv = small_cv().model_copy(update={"updated": day})
        text = build_view(in_language(cv, tag)).header.updated_text
        assert any(name in text for name in names(day.month, ("wide", "abbreviated"))), text


def test_date_style_overrides_the_language() -> None:
    cv = small_cv()
    assert _dates(in_language(cv, "zh-Hans", date_style="month-year"))[1] == "2014年9月—2019年7月"
    assert _dates(in_language(cv, "en", date_style="numeric"))[1] == "09/2014 – 07/2019"
    assert _dates(in_language(cv, "de", date_style="iso"))[:3] == [
        "2019-08 – heute", "2014-09 – 2019-07", "2012 – 2013-02",
    ]  # fmt: skip
    assert _dates(in_language(cv, "en", date_style="auto")) == _dates(cv)


def test_the_updated_date_is_the_languages_long_date() -> None:
    cv = small_cv()
    texts = {
        tag: build_view(in_language(cv, tag)).header.updated_text
        for tag in ("en", "zh-Hans", "ja", "ko", "de", "fr", "ru")
    }
    assert texts == {
        "en": "June 15, 2024",
        "zh-Hans": "2024年6月15日",
        "ja": "2024年6月15日",
        "ko": "2024년 6월 15일",
        "de": "15. Juni 2024",
        "fr": "15 juin 2024",
        "ru": "15 июня 2024\u00a0г.",  # CLDR's narrow no-break space, which no font has
    }
    assert build_view(in_language(cv, "de", date_style="iso")).header.updated_text == "2024-06-15"


def test_a_document_in_a_language_without_a_file_has_cldr_months_and_fallback_labels() -> None:
    cv = in_language(small_cv(), "nl")
    view = build_view(cv)
    assert view.labels == dict(ENGLISH.labels)  # design.fallback_language: en by default
    assert _dates(cv)[:2] == ["aug 2019 – present", "sep 2014 – jul 2019"]
    assert view.header.updated_text == "15 juni 2024"


_URL = re.compile(r"\b(?:https?://|mailto:)\S+")


PUNCTUATION = {"colon", "separator", "comma", "full_stop"}
# What a .bib record gets (tests/sources/test_bib_languages.py): the test CV has none.
BIB_ONLY = {"phd_thesis", "masters_thesis", "technical_report", "pages", "page", "arxiv_preprint"}


@pytest.mark.parametrize("tag", OTHERS)
def test_a_document_in_another_language_prints_no_english_label(tag: str) -> None:
    """Each English label that the language words differently is absent from its text."""
    own = read(tag)
    english = {
        value
        for part in ("labels", "headings")
        for key, value in getattr(ENGLISH, part).items()
        if key not in PUNCTUATION | BIB_ONLY and getattr(own, part)[key] != value
    }
    text = _URL.sub("", render_document("txt", in_language(small_cv(), tag)))
    english_text = _URL.sub("", render_document("txt", small_cv()))
    for word in english:
        pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)")
        if word not in {"Curriculum Vitae", "curriculum vitae"}:  # the PDF's, not the text's
            assert pattern.search(english_text), f"the test CV never shows {word!r}"
        assert not pattern.search(text), f"{tag}: {word!r} is English"


def test_the_pdf_metadata_the_data_leaves_out_is_in_the_documents_language() -> None:
    chinese = build_view(in_language(small_cv(), "zh-Hans")).metadata
    assert (chinese.title, chinese.subject) == ("Ada Lovelace - 个人简历", "个人简历")
    assert chinese.keywords == "Ada Lovelace, 个人简历"
    english = build_view(small_cv()).metadata
    assert (english.title, english.subject) == (
        "Ada Lovelace - Curriculum Vitae",
        "Curriculum Vitae",
    )
    given = small_cv().model_copy(update={"subject": "Lebenslauf (kurz)", "title": "T"})
    given.model_fields_set.update({"subject", "title"})
    german = build_view(in_language(given, "de")).metadata
    assert (german.title, german.subject) == ("T", "Lebenslauf (kurz)")


def _printed(fmt: str, cv: CV) -> str:
    """What a format shows as text: HTML without its tags, the rest as written."""
    if fmt == "tex":
        return tex_for(cv)
    text = render_document(fmt, cv)
    return html.unescape(re.sub(r"<[^>]+>", "", text)) if fmt == "html" else text


@pytest.mark.parametrize("fmt", ["tex", "html", "md", "txt"])
def test_every_format_prints_the_documents_labels_and_dates(fmt: str) -> None:
    english = _printed(fmt, small_cv())
    german = _printed(fmt, in_language(small_cv(), "de"))
    for word in ("Last updated", "Advisors", "equal contribution", "corresponding author"):
        assert word in english and word not in german, word
    for shown in ("Stand:", "Betreuer: ", "gleicher Beitrag", "09/2014 – 07/2019"):
        assert shown in german, shown
    french = _printed(fmt, in_language(small_cv(), "fr"))
    colon = {"tex": "~: ", "md": "&nbsp;: "}.get(fmt, "\u00a0: ")
    assert f"Encadrants{colon}" in french and "sept. 2014 – juil. 2019" in french
