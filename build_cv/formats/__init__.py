"""Writers, one per output format, each fed by the format-neutral view (view.py), and the
table that names them.

The table is the one place a format is declared (as Sphinx registers its builders by
name): its module, what it reads, what progress shows while it is made and its file
extension. The build dispatches on what a format reads, never on its name, so a new
format is a folder with a `write` function plus one row here. Modules are named, not
imported: this module stays light, so the command line can check `--format` before the
build cache answers, and a PDF build never pays for jsonschema or the HTML templates.

A text writer's `write(document, choices) -> str` gets the variant's `Document`; a page
writer's `write(pdf, choices) -> list[bytes]` gets the variant's checked PDF. The PDF
itself is typeset by the pipeline from the LaTeX writer's document.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any, Literal

from build_cv.errors import InputError, did_you_mean

if TYPE_CHECKING:
    from build_cv.report import Secret
    from build_cv.schema.model import CV
    from build_cv.view import View

FrontMatter = Literal["jekyll", "hugo"]
FRONT_MATTERS: tuple[FrontMatter, ...] = ("jekyll", "hugo")
ALL_FORMATS = "all"
Reads = Literal["typeset", "document", "pdf"]


@dataclass(frozen=True)
class Format:
    """One output format: `reads` is `document` for a text writer, `pdf` for one drawn
    from the checked PDF, and `typeset` for the PDF itself."""

    name: str
    module: str
    reads: Reads
    stage: str  # what a build of several targets shows while this one is made
    extension: str

    def writer(self) -> Any:
        """The format's module, imported now that the format is wanted."""
        return import_module(self.module)


# In the order a build makes them: the PNG is drawn from the PDF.
TABLE = (
    Format("pdf", "build_cv.formats.latex.writer", "typeset", "typesetting", "pdf"),
    Format("png", "build_cv.formats.png.writer", "pdf", "rendering", "png"),
    Format("html", "build_cv.formats.html.writer", "document", "writing", "html"),
    Format("md", "build_cv.formats.markdown.writer", "document", "writing", "md"),
    Format("txt", "build_cv.formats.text.writer", "document", "writing", "txt"),
    Format("json", "build_cv.formats.jsonresume.writer", "document", "writing", "json"),
    Format("bib", "build_cv.formats.bibtex.writer", "document", "writing", "bib"),
)
BY_NAME = {f.name: f for f in TABLE}
FORMATS = tuple(BY_NAME)


@dataclass(frozen=True)
class Choices:
    """What only some writers take: front matter (md), how many pages (png; None: all)."""

    front_matter: FrontMatter | None = None
    pages: int | None = 1


@dataclass(frozen=True)
class Document:
    """One variant as every writer gets it: the view, and the selected CV behind it, which
    the writers that export the record itself (JSON Resume, BibTeX) read."""

    view: View
    cv: CV
    # What the variant hides, for a writer whose output is made from values in ways no
    # field records (the .bib exporter's citation keys).
    secrets: tuple[Secret, ...] = ()


def parse_formats(text: str) -> tuple[str, ...]:
    """`pdf,html` or `all` as formats in build order; a misspelt one is named, with a hint."""
    names = [n.strip().lower() for n in text.split(",") if n.strip()]
    if not names:
        raise InputError("--format needs at least one format")
    if ALL_FORMATS in names:
        return FORMATS
    for name in names:
        if name not in BY_NAME:
            did = did_you_mean(name, FORMATS, cutoff=0.5)
            known = ", ".join(FORMATS)
            raise InputError(f"unknown format `{name}`{did}; known: {known}, and `all`")
    return tuple(f for f in FORMATS if f in names)
