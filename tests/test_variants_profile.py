"""A variant that follows a profile: the profile lays it out (order, titles, paper, dates,
marks), and what the variant sets itself wins."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from build_cv.formats.text.writer import render_text
from build_cv.schema import model as m
from build_cv.sources.load import from_loaded
from build_cv.sources.yaml_source import load_yaml_text
from build_cv.variants import language_of, select
from build_cv.view import PublicationView, build_view

BASE: dict[str, Any] = {
    "person": {"name": "Ada Lovelace"},
    "updated": "2024-06-15",
    "sections": [
        {"title": "Skills", "kind": "items", "entries": [{"label": "Languages", "text": "C"}]},
        {
            "title": "Work",
            "kind": "experience",
            "entries": [
                {"position": "Analyst", "organization": "Engine Co", "start": "2020-09",
                 "end": "present"},
            ],
        },
        {
            "title": "Papers",
            "kind": "publications",
            "entries": [
                {"title": "Notes", "authors": ["Ada Lovelace", "Charles Babbage"], "year": 1843,
                 "venue": "Taylor's Scientific Memoirs", "corresponding": ["Charles Babbage"]},
            ],
        },
        {
            "title": "Schooling",
            "kind": "education",
            "entries": [
                {"degree": "PhD", "institution": "London", "start": "2014-09", "end": "2019-07",
                 "advisors": ["De Morgan"]},
            ],
        },
    ],
    "variants": {"grant": {"profile": "nsfc"}},
}  # fmt: skip


def cv_of(data: dict[str, Any]) -> m.CV:
    return from_loaded(load_yaml_text(yaml.safe_dump(data, allow_unicode=True), Path("cv.yaml")))


def with_variant(**variant: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data["variants"] = {"grant": variant}
    return data


def test_the_profile_orders_and_titles_the_sections_and_drops_what_it_has_no_place_for() -> None:
    selection = select(cv_of(BASE), "grant")
    titles = [(s.kind, s.title) for s in selection.cv.sections]
    assert titles == [
        ("education", "教育经历"),
        ("experience", "科研与学术工作经历"),
        ("publications", "代表性论著"),
    ]  # nsfc has no place for items (`other_sections: drop`)
    assert selection.profile is not None and selection.profile.name == "nsfc"
    assert selection.retitled == (("sections", 3), ("sections", 1), ("sections", 2))


def test_a_profile_that_keeps_other_sections_puts_them_after_its_own() -> None:
    selection = select(cv_of(with_variant(profile="us-faculty")), "grant")
    assert [s.title for s in selection.cv.sections] == [
        "Education", "Appointments", "Publications", "Skills",
    ]  # fmt: skip


def test_the_variants_own_sections_win_over_the_profiles_order() -> None:
    data = with_variant(profile="nsfc", sections=["Papers", "Work"])
    selection = select(cv_of(data), "grant")
    assert [(s.kind, s.title) for s in selection.cv.sections] == [
        ("publications", "代表性论著"),
        ("experience", "科研与学术工作经历"),
    ]


def test_several_sections_of_a_kind_keep_their_own_titles() -> None:
    data = with_variant(profile="nsfc")
    papers = copy.deepcopy(data["sections"][2])
    papers["title"] = "Preprints"
    data["sections"].append(papers)
    titles = [s.title for s in select(cv_of(data), "grant").cv.sections]
    assert titles == ["教育经历", "科研与学术工作经历", "Papers", "Preprints"]


def test_the_profile_gives_the_paper_dates_and_marks() -> None:
    data = with_variant(profile="nsfc")
    data["design"] = {"paper": "letter", "date_style": "month-year"}
    design = select(cv_of(data), "grant").cv.design
    assert design.paper == "a4"
    assert design.date_style == "iso"
    assert design.date_range == m.DateRange(closed="{start} 至 {end}", open="{start} 至今")
    assert (design.marks.equal, design.marks.corresponding, design.marks.first_author) == (
        "#", "*", True,
    )  # fmt: skip


def test_the_variants_own_marks_win() -> None:
    data = with_variant(profile="nsfc", marks={"equal": "§", "corresponding": "✉"})
    marks = select(cv_of(data), "grant").cv.design.marks
    assert (marks.equal, marks.corresponding, marks.first_author) == ("§", "✉", False)


def test_the_profile_gives_the_language_unless_the_variant_has_its_own() -> None:
    cv = cv_of(BASE)
    assert language_of(cv, "grant") == "zh"
    assert language_of(cv_of(with_variant(profile="nsfc", language="en")), "grant") == "en"
    assert language_of(cv_of(with_variant(description="plain")), "grant") is None
    assert language_of(cv, None) is None


def test_an_nsfc_document_writes_its_dates_and_marks_as_the_form_does() -> None:
    data = with_variant(profile="nsfc", language="zh")
    cv = cv_of(data)
    text = render_text(build_view(select(cv, "grant").cv))
    assert "2014-09 至 2019-07" in text
    assert "2020-09 至今" in text
    assert "Ada Lovelace#, Charles Babbage*" in text
    assert "# 第一作者（含共同第一作者）" in text and "* 通讯作者" in text


def test_the_html_keeps_an_open_range_readable() -> None:
    view = build_view(select(cv_of(with_variant(profile="nsfc")), "grant").cv)
    work = next(s for s in view.sections if s.kind == "experience").entries[0]
    period = getattr(work, "period", None)
    assert period is not None
    assert (period.start_text, period.between, period.end_text) == ("2020-09", "", " 至今")


def test_without_a_profile_nothing_changes() -> None:
    data = with_variant(description="plain")
    cv = cv_of(data)
    selection = select(cv, "grant")
    assert [s.title for s in selection.cv.sections] == [s.title for s in cv.sections]
    assert selection.cv.design == cv.design
    assert selection.profile is None and selection.retitled == ()
    view = build_view(selection.cv)
    pub = next(s for s in view.sections if s.kind == "publications").entries[0]
    assert isinstance(pub, PublicationView)
    assert [a.marks for a in pub.authors] == ["", "†"]  # no first-author mark by default


@pytest.mark.parametrize(
    ("closed", "open_", "says"),
    [
        ("{start}–{end}", "{start} to date", None),
        ("{start}", "{start}", "must start with {start} and {end}"),
        ("{end} - {start}", "{start}", "must start with {start} and {end}"),
        ("{start} to {end} ({year})", "{start}", "no other"),
        ("{start} to {end}.", "{start}", "must end with {end}"),
        ("{start}–{end}", "since {start}", "must start with {start}"),
    ],
)
def test_a_date_range_pattern_is_checked(closed: str, open_: str, says: str | None) -> None:
    if says is None:
        m.DateRange(closed=closed, open=open_)
        return
    with pytest.raises(ValidationError, match=says.replace("{", r"\{").replace("}", r"\}")):
        m.DateRange(closed=closed, open=open_)


def test_a_profile_name_is_a_plain_name() -> None:
    with pytest.raises(ValidationError, match="a profile name"):
        m.Variant(profile="../nsfc")
