"""The plain text of the record kinds (docs/kinds.md): each entry as three lines a form
field takes as they are, in the document's language."""

from __future__ import annotations

from tests.kinds import EVERY_FIELD, ISSUE, hostile, hostile_texts, load
from tests.render import render_document

ISSUE_TEXT = """\
Grants
======

Verified Schedulers
National Science Foundation, CAREER, CNS-0000000 | Jul 2024 – Jun 2029
PI; Amount: $550,000; Awarded

Teaching
========

Operating Systems
CS 4410, Example University | Fall 2023, Fall 2024
Instructor; Undergraduate; Enrolment: 180

Supervision
===========

A. Student
MSc | Sep 2021 – Jun 2023
Graduated; Co-advisor: B. Person; Thesis: Lock-free Queues in Practice; First position: \
Example Systems

Talks
=====

Schedulers You Can Trust
Dagstuhl Seminar, Wadern, Germany | Jul 2024
Invited talk

Service
=======

Program Committee
OSDI | 2024 – 2025

Awards
======

Best Paper Award
EuroSys | May 2023
"""


def test_the_issues_entries_as_text() -> None:
    text = render_document("txt", load(ISSUE))
    assert text.endswith(ISSUE_TEXT), text


def test_a_talks_link_an_awards_citation_and_german_labels() -> None:
    text = render_document("txt", load(EVERY_FIELD))
    assert "Keynote\nlink: https://example.org/slides.pdf\n" in text
    assert "Amount: €5,000\nFor work on verified schedulers.\n" in text
    german = render_document("txt", load(EVERY_FIELD, "de"))
    assert "Drittmittel\n===========\n" in german
    assert "Ko-Projektleitung; Fördersumme: 550.000\u00a0$; Anteil: 40\u00a0%; bewilligt" in german
    assert "Aspirant" not in german and "Betreuung\n=========\n" in german


def test_every_string_of_the_data_is_kept_as_typed() -> None:
    text = render_document("txt", hostile())
    for typed in hostile_texts():
        assert typed in text, typed
