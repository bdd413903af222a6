"""The Markdown writer: the view into GitHub-flavoured Markdown that reads well as text.

As in the other writers, escaping is not the template's job: `finalize` escapes every
string a template prints, and `Rich` markup is parsed (markup.py) and rebuilt from escaped
pieces. Escaping is as light as safety allows, so the file stays readable: characters
that act anywhere (`\\ * _ ` [ ] < $ ~ |`, an entity's `&`, `{`) always, except `_` inside a
word; those that act only where a line starts (`# > - + =`, `1.`) only at the start of
a piece. Newlines in the data become spaces, so a piece cannot start a line of its own.

Static site generators read the file before any Markdown parser does: Jekyll runs Liquid
(`{{ }}`, `{% %}`) on every page with front matter, Hugo runs shortcodes (`{{< >}}`,
`{{% %}}`), and their Markdown dialects give `{` meaning too (kramdown's `{::nomarkdown}`
and `{: attributes}`, Goldmark's heading `{#id}`). So every `{` from the data is written
as the entity `&#123;`, which every Markdown parser shows as `{` and no template engine
reads as a delimiter; no `{{` or `{%` can then form, even from two pieces side by side.
A `!` right before a link (`text!` then `[a](url)` from markup) would make it an image:
it is escaped too.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from build_cv.formats import Choices, Document, FrontMatter
from build_cv.formats.templating import environment
from build_cv.markup import render
from build_cv.view import Raw, Rich, SectionView, View

TEMPLATES = Path(__file__).resolve().parent / "templates"


_ALWAYS = re.compile(r"([\\`*_\[\]<$~|{])|&(?=#?\w+;)")
# `!` right before a link's `[`, unless a backslash escapes it (an even run of them is text).
_IMAGE = re.compile(r"(?<!\\)((?:\\\\)*)!\[")
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+(?=[.)]))")


def escape_md(text: str) -> str:
    """Plain text as Markdown that renders exactly as `text` (whitespace runs aside)."""
    text = " ".join(text.split("\n")).replace("\r", " ").replace("\t", " ")
    text = _ALWAYS.sub(_escaped, text)
    m = _LINE_START.match(text)
    if m:
        mark = m.group(2)
        if mark[0].isdigit():
            text = text[: m.end()] + "\\" + text[m.end() :]
        else:
            text = text[: m.start(2)] + "\\" + text[m.start(2) :]
    return text.replace("\u00a0", "&nbsp;") if "\u00a0" in text else text


def _escaped(m: re.Match[str]) -> str:
    """A backslash before the character, but not before `_` inside a word (`MPI_Init`),
    where GitHub never reads it as emphasis."""
    if m.group(0) == "{":
        return "&#123;"  # not `\\{`: Liquid would still read `\\{%` as a tag
    if m.group(0) == "&":
        return "&amp;"  # kramdown (Jekyll) has no `\\&`: it would show the backslash
    text, i = m.string, m.start()
    inside_word = 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()
    if m.group(0) == "_" and inside_word:
        return "_"
    return "\\" + m.group(0)


def markup_md(text: str) -> str:
    """Inline markup (see markup.py) as Markdown; every other character escaped."""
    return no_images(
        render(text, escape_md, lambda inner: f"**{inner}**", lambda inner: f"*{inner}*", link_md)
    )


def no_images(md: str) -> str:
    """Markdown whose every `![` is text: the writer makes no images, so a `!` before a
    link can only be the data's. Escaping twice changes nothing."""
    return _IMAGE.sub(lambda m: m.group(1) + "\\![", md)


# Percent-encoding is the URL's own escape: `{` would let a site generator read `{{` or
# `{%` in the target, and `<` as `%3C` after `{{` would even make Hugo's `{{%`.
_URL_ESCAPES = {ord(c): f"%{ord(c):02X}" for c in "\\<>{}"}


def link_md(url: str, label: str) -> str:
    """`[label](<url>)`: the angle brackets let a URL hold parentheses and spaces."""
    return f"[{label}](<{url.translate(_URL_ESCAPES)}>)"


class _Md(Markup):
    """Already Markdown: printed as it is."""


def _finalize(value: Any) -> Any:
    if value is None or isinstance(value, Raw):
        return ""
    if isinstance(value, _Md):
        return str(value)
    if isinstance(value, Rich):
        return markup_md(value)
    if isinstance(value, bool):
        raise TypeError("a template printed a boolean; this is a template bug")
    return escape_md(str(value))


def _link(url: str, label: str) -> _Md:
    return _Md(link_md(url, label if isinstance(label, _Md) else escape_md(label)))


def _environment() -> jinja2.Environment:
    env = environment(TEMPLATES, _finalize)
    env.filters.update(link=_link, md=lambda s: _Md(s))
    env.tests["descending"] = _descending
    return env


def _descending(section: SectionView) -> bool:
    """Numbers counting down: a Markdown list would renumber them upwards, so none is used."""
    numbers = [int(p.number.rstrip(".")) for g in section.groups for p in g.entries if p.number]
    return len(numbers) > 1 and numbers[0] > numbers[1]


def front_matter(view: View, kind: FrontMatter) -> str:
    """YAML front matter for a static site; JSON strings are valid YAML scalars.

    `{` is written `\\u007b`, the same character to a YAML parser, so the file holds no
    `{{` or `{%` at all, not even where no generator looks today."""
    title = json.dumps(view.metadata.title, ensure_ascii=False).replace("{", "\\u007b")
    lines = ["---", f"title: {title}"]
    if kind == "jekyll":
        lines.append("layout: page")
    else:
        lines += [f"date: {view.header.updated.isoformat()}", "draft: false"]
    return "\n".join([*lines, "---", "", ""])


def render_markdown(view: View, front: FrontMatter | None = None) -> str:
    body = (
        _environment()
        .get_template("cv.md.j2")
        .render(view=view, header=view.header, labels=view.labels)
    )
    body = no_images(re.sub(r"\n{3,}", "\n\n", body))
    return (front_matter(view, front) if front else "") + body


def write(document: Document, choices: Choices) -> str:
    """The Markdown, as the formats table calls a text writer."""
    return render_markdown(document.view, choices.front_matter)
