"""The HTML of the record kinds (docs/kinds.md): an article per entry with machine-readable
dates, each fact in a span a stylesheet can reach, every string of the data as text."""

from __future__ import annotations

from build_cv.formats.html.writer import TEMPLATES
from tests.formats.html.test_writer import OUR_TAGS, Page
from tests.kinds import EVERY_FIELD, ISSUE, KINDS, hostile, hostile_texts, load
from tests.render import render_document


def test_each_kind_has_its_template() -> None:
    for kind in KINDS:
        assert (TEMPLATES / "sections" / f"{kind}.html.j2").is_file()


def test_the_issues_entries_are_articles_with_their_dates_and_facts() -> None:
    source = render_document("html", load(ISSUE))
    page = Page(source)
    assert [a["class"] for a in page.named("section")] == [f"kind-{k}" for k in KINDS]
    assert len(page.named("article")) == 6
    assert [t["datetime"] for t in page.named("time")][1:] == [  # after the header's date
        "2024-07", "2029-06", "2021-09", "2023-06", "2024-07", "2024", "2025", "2023-05"
    ]  # fmt: skip
    assert '<p class="when">Fall 2023, Fall 2024</p>' in source
    assert (
        '<span class="fact-role">PI</span>; <span class="fact-amount">Amount: $550,000</span>; '
        '<span class="fact-status">Awarded</span>'
    ) in source
    assert '<span class="fact-thesis">Thesis: <cite>Lock-free Queues in Practice</cite></span>' in (
        source
    )
    text = page.joined()
    for wanted in (
        "Verified Schedulers National Science Foundation, CAREER, CNS-0000000",
        "Instructor; Undergraduate; Enrolment: 180",
        "A. Student MSc Graduated; Co-advisor: B. Person",
        "Schedulers You Can Trust Dagstuhl Seminar, Wadern, Germany Invited talk",
        "Program Committee OSDI",
        "Best Paper Award EuroSys",
    ):
        assert wanted in text, wanted


def test_a_talks_link_and_an_awards_citation() -> None:
    page = Page(render_document("html", load(EVERY_FIELD)))
    assert {"href": "https://example.org/slides.pdf"} in page.named("a")
    assert "Amount: €5,000 For work on verified schedulers." in page.joined()
    assert "em" in {tag for tag, _ in page.tags}


def test_every_string_of_the_data_stays_text() -> None:
    source = render_document("html", hostile())
    page = Page(source)
    assert {tag for tag, _ in page.tags} <= OUR_TAGS
    assert "<i>x</i>" not in source
    text = page.joined()
    for typed in hostile_texts():
        assert typed in text, typed


def test_labels_in_chinese() -> None:
    text = Page(render_document("html", load(EVERY_FIELD, "zh"))).joined()
    assert "科研项目" in text and "共同主持；经费：US$550,000；个人份额：40%；获资助" in text
