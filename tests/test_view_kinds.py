"""The view of the record kinds (docs/kinds.md): the order an academic reads them in, and
every name, label, date and amount in the document's language."""

from __future__ import annotations

from typing import Any

import pytest

from build_cv.view import Fact, RecordView, SectionView, build_view
from tests.kinds import EVERY_FIELD, ISSUE, data_of, from_data, load


def section(kind: str, language: str | None = None, **changes: Any) -> SectionView:
    data = data_of(EVERY_FIELD)
    for s in data["sections"]:
        if s["kind"] == kind:
            s.update(changes)
    view = build_view(from_data(data, language))
    return next(s for s in view.sections if s.kind == kind)


def headings(s: SectionView) -> list[str]:
    return [e.heading for e in s.entries if isinstance(e, RecordView)]


def facts(e: object) -> list[str]:
    assert isinstance(e, RecordView)
    return [f"{f.label}={f.text}" if f.label else f.text for f in e.facts]


@pytest.mark.parametrize(
    ("kind", "order", "written"),
    [
        ("grants", ["Pending Proposal", "Verified Schedulers", "Royal Society"],  # by start
         ["Royal Society", "Verified Schedulers", "Pending Proposal"]),
        ("teaching", ["Distributed Systems", "Operating Systems"],  # by the latest term
         ["Operating Systems", "Distributed Systems"]),
        ("supervision", ["D. Current", "A. Student", "C. Graduate"],  # current first
         ["C. Graduate", "A. Student", "D. Current"]),
        ("talks", ["Schedulers You Can Trust", "Old Seminar Talk"],
         ["Old Seminar Talk", "Schedulers You Can Trust"]),
        ("service", ["Program Committee", "Reviewer"], ["Reviewer", "Program Committee"]),
        ("awards", ["Best Paper Award", "Early Career Prize"],
         ["Early Career Prize", "Best Paper Award"]),
    ],
)  # fmt: skip
def test_entries_are_newest_first_unless_the_section_says_as_written(
    kind: str, order: list[str], written: list[str]
) -> None:
    assert headings(section(kind)) == order
    assert headings(section(kind, order="as-written")) == written


def test_an_entry_without_a_date_goes_after_the_dated_ones() -> None:
    data = data_of(ISSUE)
    data["sections"][1]["entries"] = [
        {"course": "Undated", "terms": ["Summer school"]},
        {"course": "Dated", "terms": ["WS 2023/24"]},
    ]
    view = build_view(from_data(data))
    assert headings(view.sections[1]) == ["Dated", "Undated"]


def test_the_issues_entries_in_english() -> None:
    view = build_view(load(ISSUE))
    grant, course, student, talk, service, award = (s.entries[0] for s in view.sections)
    assert isinstance(grant, RecordView)
    assert (grant.dates, grant.heading, grant.where) == (
        "Jul 2024 – Jun 2029", "Verified Schedulers",
        "National Science Foundation, CAREER, CNS-0000000",
    )  # fmt: skip
    assert facts(grant) == ["PI", "Amount=$550,000", "Awarded"]
    assert grant.period is not None and (grant.period.start, grant.period.end) == (
        "2024-07", "2029-06"
    )  # fmt: skip
    assert isinstance(course, RecordView) and course.dates == "Fall 2023, Fall 2024"
    assert course.where == "CS 4410, Example University"
    assert facts(course) == ["Instructor", "Undergraduate", "Enrolment=180"]
    assert isinstance(student, RecordView) and student.where == "MSc"
    assert facts(student) == [
        "Graduated", "Co-advisor=B. Person", "Thesis=Lock-free Queues in Practice",
        "First position=Example Systems",
    ]  # fmt: skip
    assert [f.title for f in student.facts] == [False, False, True, False]
    assert isinstance(talk, RecordView) and talk.where == "Dagstuhl Seminar, Wadern, Germany"
    assert (talk.dates, facts(talk)) == ("Jul 2024", ["Invited talk"])
    assert isinstance(service, RecordView) and service.dates == "2024 – 2025"
    assert facts(service) == [], "the role says it is the program committee"
    assert isinstance(award, RecordView) and (award.dates, award.where) == ("May 2023", "EuroSys")


@pytest.mark.parametrize(
    ("language", "title", "grant", "student"),
    [
        ("zh", "科研项目", ["共同主持", "经费=US$550,000", "个人份额=40%", "获资助"],
         ["已毕业", "联合导师=B. Person", "学位论文=Lock-free Queues in Practice"]),
        ("de", "Drittmittel",
         ["Ko-Projektleitung", "Fördersumme=550.000\u00a0$", "Anteil=40\u00a0%", "bewilligt"],
         ["abgeschlossen", "Zweitbetreuung=B. Person",
          "Abschlussarbeit=Lock-free Queues in Practice"]),
        ("ja", "研究資金", ["共同研究代表者", "金額=$550,000", "配分率=40%", "採択"],
         ["修了", "副指導教員=B. Person", "学位論文=Lock-free Queues in Practice"]),
    ],
)  # fmt: skip
def test_names_labels_dates_and_amounts_are_the_documents_language(
    language: str, title: str, grant: list[str], student: list[str]
) -> None:
    view = build_view(load(EVERY_FIELD, language))
    grants, supervision = view.sections[0], view.sections[2]
    assert grants.title == title
    assert facts(grants.entries[1]) == grant
    assert facts(supervision.entries[1]) == student


def test_chinese_dates_text_and_lists() -> None:
    view = build_view(load(EVERY_FIELD, "zh"))
    grant = view.sections[0].entries[1]
    assert isinstance(grant, RecordView)
    assert (grant.dates, grant.heading) == ("2024.07—2029.06", "可验证的调度器")
    assert grant.where == "美国国家科学基金会，CAREER，CNS-0000000"
    assert grant.between == "；"
    service = view.sections[4].entries[1]
    assert isinstance(service, RecordView) and service.dates == "2018—2020，2022"
    student = view.sections[2].entries[0]
    assert isinstance(student, RecordView) and student.dates == "2023.01—至今"


def test_service_years_print_as_runs_and_a_type_the_role_does_not_say() -> None:
    reviewer = section("service").entries[1]
    assert isinstance(reviewer, RecordView) and reviewer.dates == "2018 – 2020, 2022"
    assert reviewer.period is None, "2018 to 2022 would claim 2021"
    assert facts(reviewer) == [], "a Reviewer of type reviewer"
    data = data_of(ISSUE)
    data["sections"][4]["entries"][0]["role"] = "Track chair"
    view = build_view(from_data(data))
    (chair,) = view.sections[4].entries
    assert facts(chair) == ["Program committee"]


def test_a_grant_without_a_title_is_headed_by_its_funder() -> None:
    fellowship = section("grants").entries[2]
    assert isinstance(fellowship, RecordView)
    assert (fellowship.heading, fellowship.where) == (
        "Royal Society", "University Research Fellowship"
    )  # fmt: skip
    assert facts(fellowship) == ["PI", "Amount=£1,234,567.50", "Completed"]


def test_an_award_keeps_its_citation_as_markup_and_a_talk_its_link() -> None:
    prize = section("awards").entries[1]
    assert isinstance(prize, RecordView)
    assert prize.summary == "For work on *verified* schedulers."
    assert type(prize.summary).__name__ == "Rich"
    assert prize.facts == (Fact("amount", "Amount", "€5,000"),)
    keynote = section("talks").entries[0]
    assert isinstance(keynote, RecordView)
    assert [(link.label, link.url) for link in keynote.links] == [
        ("link", "https://example.org/slides.pdf")
    ]
