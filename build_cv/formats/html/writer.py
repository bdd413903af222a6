"""The HTML writer: the view (view.py) into one self-contained, script-free page.

Escaping is automatic, as in the LaTeX writer: Jinja's autoescape escapes every string a
template prints, and `finalize` renders `Rich` markup through the markup parser with each
piece escaped on its own, so no character of the data becomes a tag or an attribute.
`Raw` LaTeX prints nothing. The page carries a Content-Security-Policy that forbids
scripts and every request except inline styles, as a second wall behind the escaping.
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from build_cv.formats import Choices, Document
from build_cv.formats.templating import environment
from build_cv.languages import canonical, is_cjk, same_language, script
from build_cv.markup import render
from build_cv.schema.model import Design, Person
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


# Letters by script, for the language of a string (see `Languages`). Han includes the
# ideographic iteration marks; kana the half-width forms.
_HAN = re.compile("[\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3038-\u303b\u3400-\u4dbf"
                  "\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")  # fmt: skip
_KANA = re.compile("[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
_LATIN = re.compile("[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
_HAN_LANGUAGES = ("zh-Hans", "zh-Hant", "ja")


@dataclass(frozen=True)
class Languages:
    """Which language to mark a string as, when it is not the page's.

    The data does not say what language each string is in, so its script decides, against
    the page's: on a page in a Latin-script language, a string mostly of CJK letters is
    Korean if it is mostly hangul, Japanese if it has kana, else Chinese (written as the
    native name is, Simplified unless `native_name_language` says otherwise); on a CJK
    page, a string mostly of Latin letters is in the fallback language (an English paper
    title in a Chinese CV), and a CJK string of another CJK language (kana on a Chinese
    page) is marked too. Anything else, digits and punctuation alone included, is taken
    to be in the page's language. Browsers pick CJK glyph forms by `lang`, and screen
    readers their voice."""

    document: str
    fallback: str
    han: str

    @classmethod
    def of(cls, design: Design, person: Person) -> Languages:
        native = canonical(person.native_name_language)
        fallback = canonical(design.fallback_language)
        return cls(design.language, fallback, native if native in _HAN_LANGUAGES else "zh-Hans")

    def of_text(self, text: str) -> str | None:
        """The language to mark `text` with, or None for the page's own."""
        han, kana, hangul = (len(r.findall(text)) for r in (_HAN, _KANA, _HANGUL))
        cjk, latin = han + kana + hangul, len(_LATIN.findall(text))
        page_cjk = is_cjk(self.document)
        if latin > cjk and page_cjk:
            return self.fallback if script(self.fallback) == "Latn" else None
        if cjk <= latin:
            return None
        found = "ko" if hangul >= han + kana else "ja" if kana else None
        if not page_cjk:
            return found or self.han
        return None if found is None or same_language(found, self.document) else found

    def of_line(self, language: str) -> str | None:
        """A name line's own language, when it is not the page's."""
        return None if canonical(language) == canonical(self.document) else language


def _finalize(value: Any) -> Any:
    if value is None or isinstance(value, Raw):
        return ""
    if isinstance(value, Rich):
        return markup_html(value)
    if isinstance(value, bool):
        raise TypeError("a template printed a boolean; this is a template bug")
    return value


@jinja2.pass_context
def _lang(context: jinja2.runtime.Context, value: str | None) -> Markup:
    """`value` as the page prints it, in a `<span lang>` when it is in another language
    than the page's (`Languages`)."""
    if value is None:
        return Markup("")
    shown = Markup(_finalize(value)) if isinstance(value, Rich) else Markup.escape(value)
    language = context["languages"].of_text(str(value))
    if language is None:
        return shown
    return Markup('<span lang="{}">{}</span>').format(language, shown)


def _environment() -> jinja2.Environment:
    env = environment(TEMPLATES, _finalize, autoescape=True)
    env.filters["link"] = link
    env.filters["lang"] = _lang
    env.filters["b64"] = lambda data: base64.b64encode(data).decode("ascii")
    return env


def render_html(view: View, design: Design, person: Person) -> str:
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
        languages=Languages.of(design, person),
    )


def write(document: Document, choices: Choices) -> str:
    """The page, as the formats table calls a text writer."""
    return render_html(document.view, document.cv.design, document.cv.person)
