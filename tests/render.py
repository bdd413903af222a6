"""A CV's LaTeX or text format straight from its writer, without a build: what many tests
read. The build itself writes every format of a variant from one view (pipeline/build.py)
and never needs these."""

from __future__ import annotations

from build_cv.formats import BY_NAME, Choices, Document
from build_cv.formats.latex.writer import render_tex
from build_cv.schema.model import CV
from build_cv.view import build_view


def tex_for(cv: CV, source_date_epoch: int | None = None) -> str:
    """The LaTeX of `cv` as given (already a variant's selection, if any)."""
    epoch = cv.updated_epoch if source_date_epoch is None else source_date_epoch
    return render_tex(build_view(cv), cv.design, epoch)


def render_document(fmt: str, cv: CV, choices: Choices = Choices()) -> str:
    """A text format of `cv` as given (already a variant's selection, if any)."""
    return str(BY_NAME[fmt].writer().write(Document(build_view(cv), cv), choices))


def in_language(cv: CV, language: str, **design: object) -> CV:
    """`cv` as a document in `language` (`design.language`), with any other design fields
    given, as the YAML's `design:` would set them."""
    changed = cv.design.model_copy(update={"language": language, **design})
    return cv.model_copy(update={"design": changed})
