"""The LaTeX writer: the view (view.py) into moderncv LaTeX, through Jinja2 templates.

Escaping is not left to the template author: the environment's `finalize` hook escapes
every value a template prints, unless it is already LaTeX (`NoEscape`, made only by the
`url` and `raw` filters) or a view value that says what it is: `Rich` markup is rendered,
`Raw` LaTeX passed through. A forgotten filter therefore prints text, never code.

The templates mark each entry with a `% build-cv source: <path>` comment naming the
entry's origin, so a TeX error at a line of the generated file can be traced back to the
place the entry was written, whatever was filtered out before it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from pylatex.utils import NoEscape

from build_cv.errors import Origin
from build_cv.formats.latex.escape import CJK, OTHER_SCRIPT, escape, escape_url, markup
from build_cv.formats.templating import environment
from build_cv.languages import canonical
from build_cv.schema.model import Design
from build_cv.view import Raw, Rich, View, texts


def _templates() -> Path:
    """The templates: installed as build_cv/tex_templates, or at the top of a checkout."""
    package = Path(__file__).resolve().parents[2]
    installed = package / "tex_templates"
    return installed if installed.is_dir() else package.parent / "tex_templates"


TEMPLATES = _templates()
SOURCE_MARK = "% build-cv source: "
SECTION_LABEL = "buildcvsection"
# The \social type of each profile, which names the symbol beside the link: moderncv's
# own where icons.tex.j2 draws one; a name moderncv has no symbol for otherwise, since its
# letter symbols ("gs", "tw") would print, and extract, as stray text.
SOCIALS = {
    "github": "github", "linkedin": "linkedin", "orcid": "orcid", "scholar": "cvscholar",
    "researchgate": "cvresearchgate", "dblp": "cvdblp", "semantic_scholar": "cvsemanticscholar",
    "mastodon": "cvmastodon", "bluesky": "cvbluesky", "x": "cvx",
}  # fmt: skip


def _finalize(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, NoEscape):
        return value
    if isinstance(value, Rich):
        return markup(value)
    if isinstance(value, Raw):
        return NoEscape(value)
    if isinstance(value, bool):
        raise TypeError("a template printed a boolean; this is a template bug")
    return escape(str(value))


def marker_of(origin: Origin) -> str:
    """An origin's path inside a TeX comment: only characters that cannot end the comment."""
    return _UNSAFE_IN_MARKER.sub("?", origin.field)


def _marker(origin: Origin) -> NoEscape:
    return NoEscape(marker_of(origin))


_UNSAFE_IN_MARKER = re.compile(r"[^\w.\[\]@:/+-]")


def _raw(value: str) -> NoEscape:
    return NoEscape(value)


def _xml(value: str) -> NoEscape:
    """For text copied verbatim into an XML file; a backslash can never end the copy."""
    text = " ".join(value.split())  # as the Info dictionary has it: no newlines
    return NoEscape(html.escape(text, quote=False).replace("\\", "&#92;"))


@cache
def _environment(templates: Path, compiled: bool = True) -> jinja2.Environment:
    env = environment(
        templates,
        _finalize,
        compiled=compiled,
        block_start_string=r"\BLOCK{",
        block_end_string="}",
        variable_start_string=r"\VAR{",
        variable_end_string="}",
        comment_start_string="((#",
        comment_end_string="#))",
        line_statement_prefix="%%",
        line_comment_prefix="%#",
    )
    env.filters.update(url=escape_url, raw=_raw, xml=_xml, marker=_marker)
    return env


# The Noto Sans CJK face (fonts-noto-cjk) of each CJK language: the face decides glyph
# forms (骨, 直 and 户 differ between them) and where punctuation sits in its square.
CJK_FACES = {"zh-Hans": "SC", "zh-Hant": "TC", "ja": "JP", "ko": "KR"}
# ICU's line breaking (XeTeX's linebreak locale) for CJK text: between any two Han
# characters or kana, never before closing punctuation or after opening; Japanese by
# its strict rules (no line starts with a small kana or ー); Korean only at spaces, as
# Korean is written.
BREAK_LOCALES = {"zh-Hans": "zh", "zh-Hant": "zh", "ja": "ja@lb=strict", "ko": ""}


@dataclass(frozen=True)
class CJKSetting:
    """How CJK text is set: as the document's language when it is one of these, else as
    the native name's (Simplified Chinese unless `native_name_language` says otherwise)."""

    language: str
    face: str
    locale: str
    document: bool  # the document itself is in that language


def cjk_of(view: View, design: Design) -> CJKSetting:
    document = canonical(design.language)
    header = view.header
    native = next((n.language for n in header.names if n.text == header.native_name), "zh-Hans")
    language = document if document in CJK_FACES else canonical(native)
    language = language if language in CJK_FACES else "zh-Hans"
    return CJKSetting(language, CJK_FACES[language], BREAK_LOCALES[language], document in CJK_FACES)


def cjk_font(view: View, design: Design) -> str:
    """The font family CJK text is set in (a requirement `doctor` knows)."""
    return f"Noto Sans CJK {cjk_of(view, design).face}"


@dataclass(frozen=True)
class Scripts:
    """Which scripts beyond Latin the text has: each needs a font family of its own, which
    costs part of every TeX pass, so one is loaded only for text that needs it."""

    cjk: bool
    other: bool  # Greek or Cyrillic


def scripts(view: View) -> Scripts:
    text = "".join(texts(view))
    return Scripts(cjk=bool(CJK.search(text)), other=bool(OTHER_SCRIPT.search(text)))


def render_tex(
    view: View,
    design: Design,
    source_date_epoch: int,
    templates: Path = TEMPLATES,
    needs: Scripts | None = None,
    *,
    speedups: bool = True,
) -> str:
    """The complete .tex document; the epoch dates the XMP packet of PDF/A output.

    `needs` is `scripts(view)`, when the caller has it already. Without `speedups`, the
    templates are compiled afresh, not taken from the user's cache."""
    template = _environment(templates, speedups).get_template("cv.tex.j2")
    created = datetime.fromtimestamp(source_date_epoch, tz=UTC)
    needs = scripts(view) if needs is None else needs
    return template.render(
        uses_cjk=needs.cjk,
        cjk=cjk_of(view, design),
        uses_other_script=needs.other,
        view=view,
        header=view.header,
        meta=view.metadata,
        labels=view.labels,
        design=design,
        created_iso=created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        section_label=NoEscape(SECTION_LABEL),
        socials=SOCIALS,
    )


_MARK = re.compile(re.escape(SOURCE_MARK) + r"(\S+)")


def source_at(tex: str, line: int) -> str | None:
    """The origin marker (a data path) of the nearest entry at or above 1-based `line`."""
    lines = tex.split("\n")  # as TeX counts: not at U+2028 and friends
    for text in reversed(lines[: max(line, 0)]):
        m = _MARK.search(text)
        if m:
            return m.group(1)
    return None
