"""Render the validated CV into moderncv LaTeX through Jinja2 templates.

Escaping is not left to the template author: the environment's `finalize` hook escapes
every value a template prints, unless it is already LaTeX (`NoEscape`), which only the
filters `md`, `url` and `raw` produce. A forgotten filter therefore prints text, never code.

The templates mark each entry with a `% build-cv source: <path>` comment, so a TeX error
at a line of the generated file can be traced back to the YAML entry it came from.
"""

from __future__ import annotations

import html
import re
import unicodedata
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from pylatex.utils import NoEscape

from build_cv.formats.latex.escape import escape, escape_url, markup
from build_cv.schema.model import CV, YearMonth
from build_cv.sources.yaml_source import PathKey


def _templates() -> Path:
    """The templates: installed as build_cv/tex_templates, or at the top of a checkout."""
    package = Path(__file__).resolve().parents[2]
    installed = package / "tex_templates"
    return installed if installed.is_dir() else package.parent / "tex_templates"


TEMPLATES = _templates()
SOURCE_MARK = "% build-cv source: "
SECTION_LABEL = "buildcvsection"


def _finalize(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, NoEscape):
        return value
    if isinstance(value, bool):
        raise TypeError("a template printed a boolean; this is a template bug")
    return escape(str(value))


def _date_range(start: YearMonth | None, end: YearMonth | str | None) -> str:
    if start is None:
        return ""
    if end is None:
        return start.display()
    last = end.display() if isinstance(end, YearMonth) else "present"
    return f"{start.display()} – {last}"


def _long_date(value: date) -> str:
    return f"{value:%B} {value.day}, {value.year}"


def _sentence(value: str) -> NoEscape:
    """Text ending a sentence: a full stop is added unless it already ends with one."""
    text = str(value).rstrip()
    return NoEscape(escape(text) + ("" if text.endswith((".", "?", "!")) else "."))


def same_name(value: str) -> str:
    """A name as compared for bolding: Unicode forms and runs of spaces do not matter."""
    return " ".join(unicodedata.normalize("NFKC", value).split()).casefold()


def _doi_url(doi: str) -> NoEscape:
    """doi.org takes the DOI as a path: `#`, `?`, `%`, `<`, `>` and the like encoded."""
    return escape_url("https://doi.org/" + quote(doi, safe="/()"))


def _raw(value: str) -> NoEscape:
    return NoEscape(value)


def _xml(value: str) -> NoEscape:
    """For text copied verbatim into an XML file; a backslash can never end the copy."""
    text = " ".join(value.split())  # as the Info dictionary has it: no newlines
    return NoEscape(html.escape(text, quote=False).replace("\\", "&#92;"))


def _environment(templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        block_start_string=r"\BLOCK{",
        block_end_string="}",
        variable_start_string=r"\VAR{",
        variable_end_string="}",
        comment_start_string="((#",
        comment_end_string="#))",
        line_statement_prefix="%%",
        line_comment_prefix="%#",
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        finalize=_finalize,
    )
    env.filters.update(
        md=markup,
        url=escape_url,
        doi_url=_doi_url,
        raw=_raw,
        xml=_xml,
        sentence=_sentence,
        samename=same_name,
        daterange=_date_range,
        longdate=_long_date,
    )
    return env


def render_tex(cv: CV, source_date_epoch: int | None = None, templates: Path = TEMPLATES) -> str:
    """The complete .tex document for `cv`; the epoch (default: `updated`) dates the XMP."""
    template = _environment(templates).get_template("cv.tex.j2")
    if source_date_epoch is None:
        source_date_epoch = cv.updated_epoch
    created = datetime.fromtimestamp(source_date_epoch, tz=UTC)
    return template.render(
        cv=cv,
        person=cv.person,
        design=cv.design,
        owner_names={same_name(n) for n in (cv.person.name, *cv.person.author_names)},
        created_iso=created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        section_label=NoEscape(SECTION_LABEL),
    )


_MARK = re.compile(re.escape(SOURCE_MARK) + r"(\S+)")
_PART = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


def source_at(tex: str, line: int) -> PathKey | None:
    """The data path of the nearest entry marker at or above 1-based `line`."""
    lines = tex.split("\n")  # as TeX counts: not at U+2028 and friends
    for text in reversed(lines[: max(line, 0)]):
        m = _MARK.search(text)
        if m:
            return tuple(
                int(p.group(2)) if p.group(2) else p.group(1) for p in _PART.finditer(m.group(1))
            )
    return None
