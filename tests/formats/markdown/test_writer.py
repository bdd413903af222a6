"""The Markdown writer: what a Markdown renderer shows is the data as typed.

The check renders with markdown-it-py (CommonMark plus GitHub's tables and
strikethrough) and compares the text a reader sees with the text the data holds.
"""

from __future__ import annotations

import html
import re

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from build_cv.formats import Choices
from build_cv.formats.markdown.writer import escape_md, front_matter, link_md, markup_md
from build_cv.markup import strip_markup
from build_cv.pipeline.build import load_cv
from build_cv.view import build_view
from tests.conftest import DEFAULT_DATA, FIXTURES
from tests.formats.html.test_writer import Page
from tests.render import render_document

GFM = MarkdownIt("commonmark").enable(["table", "strikethrough"])
line_text = st.text(
    st.characters(exclude_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp")), max_size=60
)


def rendered(markdown: str) -> Page:
    return Page(GFM.render(markdown))


def shown(text: str) -> str:
    """Text as a paragraph shows it: ends trimmed, no-break spaces kept, runs of spaces kept."""
    return text.strip(" \t")


@pytest.mark.slow
@settings(max_examples=500, deadline=None)
@given(line_text)
def test_escaped_text_renders_as_typed_wherever_a_line_starts(text: str) -> None:
    for prefix in ("", "- ", "1. ", "> ", "## "):
        page = rendered(prefix + escape_md(text))
        assert {tag for tag, _ in page.tags} <= {"p", "ul", "ol", "li", "blockquote", "h2"}
        assert "".join(page.text).strip() == shown(text).strip()


@settings(max_examples=300, deadline=None)
@given(line_text)
def test_markup_renders_as_read(text: str) -> None:
    page = rendered(markup_md(text))
    assert {tag for tag, _ in page.tags} <= {"p", "strong", "em", "a"}
    assert "".join(page.text).strip() == shown(strip_markup(text)).strip()


def test_hostile_strings_stay_text() -> None:
    cv = load_cv(FIXTURES / "injection.yaml")[1]
    page = rendered(render_document("md", cv))
    assert {tag for tag, _ in page.tags} <= {
        "h1", "h2", "h3", "p", "ul", "ol", "li", "strong", "em", "a", "sup",
    }  # fmt: skip
    text = page.joined()
    for typed in (
        "unbalanced { braces } } { and <script>alert(1)</script>",
        "quotes '' `` << >> -- --- ,, \"dq\" and it's",
        "A_b: 100% \\relax{} of $x^2$ & #1.",
        "Specials # $ % & _ { } ~ ^ \\",
        "\\endinput \\end{document} \\csname foo\\endcsname",
    ):
        assert typed in text
    for _, attrs in page.tags:
        href = attrs.get("href")
        assert href is None or href.startswith(("https://", "mailto:"))


def test_the_default_cv_reads_as_a_document() -> None:
    cv = load_cv(DEFAULT_DATA)[1]
    md = render_document("md", cv)
    page = rendered(md)
    assert len(page.named("h1")) == 1
    assert len(page.named("h2")) == len(cv.sections)
    assert "**Jiarui Fang**" in md
    assert md.startswith("# Jiarui Fang\n方佳瑞\n")  # each name on a line of its own
    assert "Ph.D. in Department of Computer Science & Technology" in md  # readable: no \ noise
    noise = re.sub(r"\d\\\.|<sup>\\\*</sup>", "", md)
    assert "\\" not in noise, "only marks and a number ending a piece are escaped here"
    text = page.joined()
    for section in cv.sections:
        assert section.title in text


def test_front_matter_for_static_sites() -> None:
    view = build_view(load_cv(DEFAULT_DATA)[1])
    jekyll, hugo = front_matter(view, "jekyll"), front_matter(view, "hugo")
    assert jekyll.startswith('---\ntitle: "Jiarui Fang - Curriculum Vitae"\nlayout: page\n---\n')
    assert "date: 2024-06-15\n" in hugo
    assert html.unescape(escape_md("a\u00a0b")) == "a\u00a0b"


def images(markdown: str) -> list[Token]:
    """Every image token markdown-it finds, inline ones included."""
    found = []
    for token in GFM.parse(markdown):
        found += [t for t in token.children or [] if t.type == "image"]
    return found


def test_no_data_becomes_an_image() -> None:
    for text in (
        "Wow![a click](https://example.org/x)",  # a `!` ending the text before a link
        "![an image](https://example.org/i.png)",  # an image typed as markup
        "\\\\![x](https://example.org/i.png)",  # an escaped backslash, then the `!`
        "**bold!**[x](https://example.org/)",
    ):
        md = markup_md(text)
        assert images(md) == [], md
        assert rendered(md).joined() == strip_markup(text)
    cv = load_cv(FIXTURES / "sitegen.yaml")[1]
    md = render_document("md", cv)
    assert "Wow![" in (cv.summary or "")  # the fixture tries it
    assert images(md) == []


@settings(max_examples=300, deadline=None)
@given(line_text, st.sampled_from(["", "!", "{", "{%", "!["]))
def test_no_template_delimiter_or_image_is_ever_written(text: str, start: str) -> None:
    """Liquid and Hugo read `{{`, `{%`, `{{<` and `{{%` before any Markdown parser, across
    whatever pieces built them: no `{` from the data is written as itself."""
    for md in (escape_md(start + text), markup_md(start + text + "[a](https://a.org)")):
        assert "{" not in md
        assert images(md) == []


def test_site_generator_syntax_stays_text() -> None:
    """The fast check of fixtures/sitegen.yaml; test_sitegen.py runs Hugo and Jekyll."""
    cv = load_cv(FIXTURES / "sitegen.yaml")[1]
    for kind in ("hugo", "jekyll"):
        md = render_document("md", cv, Choices(front_matter=kind))
        body = md.split("---\n", 2)[2]
        assert "{" not in md
        text = rendered(body).joined()
        for typed in ("{{ 7*7 }}", '{{< readfile "/etc/passwd" >}}', "{% include /etc/passwd %}"):
            assert typed in text
        matter = yaml.safe_load(md.split("---\n", 2)[1])
        assert matter["title"] == "Ada {{ 7*7 }} Lovelace - Curriculum Vitae"


def test_a_link_target_holds_no_template_delimiter() -> None:
    """`<` in a target used to become `%3C`, so `{{<` turned into Hugo's `{{%`."""
    md = link_md("https://example.org/{{<x>}}{%y%}", "label")
    assert "{" not in md and "}" not in md
    assert md == "[label](<https://example.org/%7B%7B%3Cx%3E%7D%7D%7B%y%%7D>)"
