"""The HTML writer: data stays text (hostile strings included), and the page is semantic."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from hypothesis import given, settings

from build_cv.formats.html.writer import markup_html
from build_cv.markup import strip_markup
from build_cv.pipeline.build import load_cv
from build_cv.schema.model import CV, Project, Publication
from tests.conftest import DEFAULT_DATA, FIXTURES
from tests.formats.latex.test_escape_property import any_text
from tests.render import render_document

# Every tag the writer itself makes; anything else would have come from the data.
OUR_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "h1", "span", "p", "ul", "li",
    "a", "time", "main", "section", "h2", "h3", "article", "div", "strong", "em", "cite",
    "ol", "sup", "dl", "dt", "dd", "br",
}  # fmt: skip
SAFE_SCHEMES = ("https://", "http://", "mailto:", "tel:")


class Page(HTMLParser):
    """The tags, attributes and text of a page, as a browser's parser would split them."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._in: list[str] = []
        self.feed(source)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in ("meta", "br"):
            self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data: str) -> None:
        if "style" not in self._in:
            self.text.append(data)

    def joined(self) -> str:
        return " ".join("".join(self.text).split())

    def named(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def page_of(path: Path) -> tuple[CV, str, Page]:
    cv = load_cv(path)[1]
    source = render_document("html", cv)
    return cv, source, Page(source)


def test_the_page_is_in_the_documents_language() -> None:
    cv = load_cv(DEFAULT_DATA)[1]
    german = cv.model_copy(update={"design": cv.design.model_copy(update={"language": "de-CH"})})
    assert Page(render_document("html", german)).named("html") == [{"lang": "de-CH"}]


def test_hostile_strings_stay_text() -> None:
    _, source, page = page_of(FIXTURES / "injection.yaml")
    assert {tag for tag, _ in page.tags} <= OUR_TAGS
    assert "<script" not in source.lower()
    for _, attrs in page.tags:
        assert not any(name.startswith("on") for name in attrs)
    for attrs in page.named("a"):
        assert (attrs["href"] or "").startswith(SAFE_SCHEMES)
    text = page.joined()
    for typed in (
        "Robert'); DROP TABLE cv;-- Tables",
        "unbalanced { braces } } { and <script>alert(1)</script>",
        "quotes '' `` << >> -- --- ,, \"dq\" and it's",
        "A_b: 100% \\relax{} of $x^2$ & #1.",
        "\\endinput \\end{document} \\csname foo\\endcsname",
        "Specials # $ % & _ { } ~ ^ \\",
    ):
        assert typed in text
    assert '<a href="https://example.org/q?a=1&amp;b=%41#x">a link</a>' in source


def test_the_page_is_semantic_self_contained_and_script_free() -> None:
    cv, source, page = page_of(DEFAULT_DATA)
    assert page.named("html") == [{"lang": "en"}]
    assert [a for a in page.named("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    assert len(page.named("h1")) == 1
    assert len(page.named("h2")) == len(page.named("section")) == len(cv.sections)
    publications = [s for s in cv.sections if s.kind == "publications"]
    assert len(page.named("ol")) == len(publications)
    assert page.named("time") and all(t.get("datetime") for t in page.named("time"))
    for tag in ("script", "link", "img", "iframe", "object"):
        assert not page.named(tag), tag
    assert "url(" not in source and "@import" not in source and " src=" not in source
    assert "@media print" in source and "--accent: #3873b3" in source


def test_every_publication_and_section_title_is_on_the_page() -> None:
    cv, _, page = page_of(DEFAULT_DATA)
    text = page.joined()
    for section in cv.sections:
        assert section.title in text
        for entry in getattr(section, "entries", []):
            if isinstance(entry, Publication | Project):
                assert " ".join(entry.title.split()) in text


def test_colour_follows_the_design() -> None:
    cv = load_cv(DEFAULT_DATA)[1]
    red = cv.model_copy(update={"design": cv.design.model_copy(update={"color": "red"})})
    assert "--accent: #f23333" in render_document("html", red)


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_markup_becomes_our_tags_and_the_text_as_read(text: str) -> None:
    page = Page(f"<p>{markup_html(text)}</p>")
    assert {tag for tag, _ in page.tags} <= {"p", "strong", "em", "a"}
    assert "".join(page.text) == strip_markup(text).replace("\r", "\n")
