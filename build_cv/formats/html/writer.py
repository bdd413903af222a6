"""The HTML writer: the view (view.py) into one self-contained, script-free page.

Escaping is automatic, as in the LaTeX writer: Jinja's autoescape escapes every string a
template prints, and `finalize` renders `Rich` markup through the markup parser with each
piece escaped on its own, so no character of the data becomes a tag or an attribute.
`Raw` LaTeX prints nothing. The page carries a Content-Security-Policy that forbids
scripts and every request except inline styles, as a second wall behind the escaping.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from build_cv.formats import Choices, Document
from build_cv.formats.templating import environment
from build_cv.markup import render
from build_cv.schema.model import Design
from build_cv.view import Raw, Rich, View

TEMPLATES = Path(__file__).resolve().parent / "templates"

# moderncv's colour1 of each colour scheme (moderncvcolor*.sty), as CSS.
COLORS = {
    "blue": "#3873b3",
    "orange": "#f28c26",
    "green": "#59b34d",
    "red": "#f23333",
    "purple": "#8054cc",
    "grey": "#8c8c8c",
    "black": "#000000",
    "burgundy": "#8b0000",
}


def markup_html(text: str) -> Markup:
    """Inline markup (see markup.py) as HTML; everything else is escaped text."""
    return Markup(
        render(
            text,
            html.escape,
            lambda inner: f"<strong>{inner}</strong>",
            lambda inner: f"<em>{inner}</em>",
            lambda url, label: link(url, Markup(label)),
        )
    )


def link(url: str, label: Markup | str) -> Markup:
    """An anchor; the schema admits only http(s) and mailto targets, escaped here as well."""
    return Markup('<a href="{}">{}</a>').format(url, label)


def _finalize(value: Any) -> Any:
    if value is None or isinstance(value, Raw):
        return ""
    if isinstance(value, Rich):
        return markup_html(value)
    if isinstance(value, bool):
        raise TypeError("a template printed a boolean; this is a template bug")
    return value


def _environment() -> jinja2.Environment:
    env = environment(TEMPLATES, _finalize, autoescape=True)
    env.filters["link"] = link
    return env


def render_html(view: View, design: Design) -> str:
    """The complete page, in the document's language (`design.language`, as the PDF's
    /Lang), which screen readers and translators go by."""
    template = _environment().get_template("cv.html.j2")
    return template.render(
        view=view,
        header=view.header,
        meta=view.metadata,
        labels=view.labels,
        design=design,
        color=COLORS[design.color],
        lang=design.language,
    )


def write(document: Document, choices: Choices) -> str:
    """The page, as the formats table calls a text writer."""
    return render_html(document.view, document.cv.design)
