"""The plain-text writer: the whole CV in reading order, as typed, one paragraph a line."""

from __future__ import annotations

from build_cv.formats.text.writer import markup_text, width
from build_cv.pipeline.build import load_cv
from build_cv.schema.model import Publication
from tests.conftest import DEFAULT_DATA, FIXTURES
from tests.render import render_document


def test_sections_and_entries_come_in_reading_order() -> None:
    cv = load_cv(DEFAULT_DATA)[1]
    text = render_document("txt", cv)
    lines = text.splitlines()
    assert lines[:2] == ["Jiarui Fang", "方佳瑞"]  # each name on a line of its own
    positions = [lines.index(s.title) for s in cv.sections]
    assert positions == sorted(positions)
    for title, rule in ((s.title, lines[lines.index(s.title) + 1]) for s in cv.sections):
        assert set(rule) == {"="} and len(rule) == len(title)
    titles = [
        " ".join(e.title.split())
        for s in cv.sections
        for e in getattr(s, "entries", [])
        if isinstance(e, Publication)
    ]
    found = [text.index(t) for t in titles]
    assert found == sorted(found)
    assert "CN115061804A" in text and "* equal contribution" in text
    assert "**" not in text and "](" not in text, "markup is applied, not shown"


def test_hostile_strings_are_kept_as_typed() -> None:
    text = render_document("txt", load_cv(FIXTURES / "injection.yaml")[1])
    for typed in (
        "\\input{/etc/passwd}",
        "unbalanced { braces } } { and <script>alert(1)</script>",
        "Specials # $ % & _ { } ~ ^ \\",
        "a link (https://example.org/q?a=1&b=%41#x)",
    ):
        assert typed in text


def test_links_show_their_address_unless_it_is_the_text() -> None:
    assert markup_text("see [docs](https://x.org/d) and [a@b.org](mailto:a@b.org)") == (
        "see docs (https://x.org/d) and a@b.org"
    )
    assert markup_text("**bold**\nand \\*star") == "bold and *star"


def test_a_heading_is_underlined_as_wide_as_it_shows() -> None:
    assert width("Journal Articles") == 16 and width("期刊论文") == 8 and width("Ｇ") == 2
    cv = load_cv(FIXTURES / "injection.yaml")[1]
    section = cv.sections[0].model_copy(update={"title": "教育经历 (PhD)"})
    lines = render_document("txt", cv.model_copy(update={"sections": [section]})).splitlines()
    assert lines[lines.index("教育经历 (PhD)") + 1] == "=" * 14
