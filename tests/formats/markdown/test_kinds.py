"""The Markdown of the record kinds (docs/kinds.md): a heading per entry, where and when in
italics, the facts on a line, and every string of the data rendering as typed."""

from __future__ import annotations

from tests.formats.markdown.test_writer import rendered
from tests.kinds import EVERY_FIELD, ISSUE, KINDS, hostile, hostile_texts, load
from tests.render import render_document


def test_the_issues_entries_read_as_a_document() -> None:
    md = render_document("md", load(ISSUE))
    for wanted in (
        "## Grants\n\n### Verified Schedulers\n\n"
        "*National Science Foundation, CAREER, CNS-0000000* · Jul 2024 – Jun 2029\n\n"
        "PI; Amount: \\$550,000; Awarded\n",
        "*CS 4410, Example University* · Fall 2023, Fall 2024\n\n"
        "Instructor; Undergraduate; Enrolment: 180\n",
        "Thesis: *Lock-free Queues in Practice*; First position: Example Systems\n",
        "### Program Committee\n\n*OSDI* · 2024 – 2025\n\n## Awards",
    ):
        assert wanted in md, wanted
    page = rendered(md)
    assert len(page.named("h2")) == len(KINDS) and len(page.named("h3")) == 6


def test_a_talks_link_and_an_awards_citation() -> None:
    md = render_document("md", load(EVERY_FIELD))
    assert "Keynote\n\n[link](<https://example.org/slides.pdf>)\n" in md
    assert "Amount: €5,000\n\nFor work on *verified* schedulers.\n" in md


def test_every_string_of_the_data_renders_as_typed() -> None:
    page = rendered(render_document("md", hostile()))
    assert {tag for tag, _ in page.tags} <= {"h1", "h2", "h3", "p", "em", "a"}
    assert all(attrs.get("href") is None for _, attrs in page.tags)
    text = page.joined()
    for typed in hostile_texts():
        assert typed in text, typed
