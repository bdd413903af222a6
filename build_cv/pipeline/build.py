"""The pipeline: load -> validate -> render -> compile -> check -> publish.

Nothing is written to the output directory until the PDF has been compiled and checked,
so a failed build leaves the previous PDF exactly as it was. What a failure leaves for
inspection goes to `<stem>.failed.tex` / `<stem>.failed.pdf` beside it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from build_cv.errors import (
    BuildCVError,
    CheckFailedError,
    CheckFailure,
    InputError,
    StrictWarningsError,
    TexError,
    TexTimeoutError,
    Warning_,
)
from build_cv.formats.latex.writer import render_tex
from build_cv.pipeline.diagnose import (
    Locator,
    glyph_warnings,
    leak_warnings,
    overflowing_section,
    overfull_warnings,
)
from build_cv.pipeline.plan import (
    FULL,
    Limits,
    Outputs,
    Target,
    check_variant,
    expectations,
    make_plan,
    refuse_overwriting,
    source_date_epoch,
)
from build_cv.pipeline.publish import locked, publish
from build_cv.preflight import Expectations, Report, preflight
from build_cv.schema.model import CV
from build_cv.sources.bib_section import bib_files
from build_cv.sources.load import load_cv
from build_cv.sources.yaml_source import Loaded
from build_cv.typeset import doctor
from build_cv.typeset.engine import compile_tex
from build_cv.typeset.settings import DEFAULT_TIMEOUT
from build_cv.variants import select
from build_cv.view import build_view


@dataclass
class BuildResult:
    """One target's files (by extension), its preflight report and what it warned about."""

    target: Target
    files: dict[str, Path]
    report: Report
    warnings: list[Warning_] = field(default_factory=list)
    sha256: str = ""
    inputs: list[Path] = field(default_factory=list)

    @property
    def pdf(self) -> Path:
        return self.files["pdf"]

    @property
    def tex(self) -> Path:
        return self.files["tex"]


def variant_expectations(cv: CV, variant: str | None, limits: Limits) -> Expectations:
    """What a PDF of `variant` must show, for checking a PDF made elsewhere or earlier."""
    selection = select(cv, check_variant(cv, variant))
    return expectations(build_view(selection.cv), selection.cv, selection.checks, limits)


def tex_for(cv: CV, source_date_epoch: int | None = None) -> str:
    """The LaTeX of `cv` as given (already a variant's selection, if any)."""
    epoch = cv.updated_epoch if source_date_epoch is None else source_date_epoch
    return render_tex(build_view(cv), cv.design, epoch)


def build(
    data: Path,
    out_dir: Path,
    *,
    variant: str | None = FULL,
    limits: Limits | None = None,
    strict: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    verify_reproducible: bool = False,
) -> BuildResult:
    """Build one variant of `data` (the full CV by default) as a PDF and its .tex."""
    loaded, cv = load_cv(data)
    targets = make_plan(data, out_dir, cv, [variant])
    inputs = [data, *bib_files(cv, data)]
    refuse_overwriting(targets, inputs)
    result = build_target(
        targets[0],
        loaded,
        cv,
        limits=limits,
        strict=strict,
        timeout=timeout,
        verify_reproducible=verify_reproducible,
    )
    result.inputs = inputs
    return result


def build_target(
    target: Target,
    loaded: Loaded,
    cv: CV,
    *,
    limits: Limits | None = None,
    strict: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    verify_reproducible: bool = False,
) -> BuildResult:
    out = target.outputs
    design, warnings = doctor.ensure(cv.design)
    selection = select(cv.model_copy(update={"design": design}), target.variant)
    cv = selection.cv
    epoch = source_date_epoch(cv)
    view = build_view(cv)
    where = Locator(loaded, view)
    warnings += leak_warnings(where, selection)
    tex = render_tex(view, design, epoch)
    exp = expectations(view, cv, selection.checks, limits or Limits())
    try:
        with compile_tex(tex, source_date_epoch=epoch, timeout=timeout) as compiled:
            warnings += glyph_warnings(where, cv, [g.char for g in compiled.missing])
            warnings += overfull_warnings(where, tex, compiled.overfull)
            report = preflight(compiled.pdf, exp)
            report.pdf = out.pdf
            pdf_bytes = compiled.pdf.read_bytes()
            aux = compiled.aux
    except TexError as exc:
        origin = where.origin_at(tex, exc.problem.tex_line or 0)
        if origin is not None:
            exc.problem.source = where.describe(origin)
        exc.tex_file = out.failed_tex
        raise _failed(exc, warnings, out, tex) from None
    except TexTimeoutError as exc:
        raise _failed(exc, warnings, out, tex) from None
    if strict and warnings:
        raise _failed(StrictWarningsError(warnings), warnings, out, tex, pdf_bytes)
    if not report.ok(strict):
        failures = [CheckFailure(r.name, r.detail()) for r in report.failed(strict)]
        error = CheckFailedError(failures, report.pages)
        overflow = overflowing_section(aux, exp.section_titles, exp.max_pages)
        if overflow and target.variant:
            overflow = f"In variant `{target.variant}`: {overflow}"
        error.notes += [overflow] if overflow else []
        raise _failed(error, warnings, out, tex, pdf_bytes)
    digest = hashlib.sha256(pdf_bytes).hexdigest()
    if verify_reproducible:
        try:
            _verify_reproducible(tex, epoch, timeout, digest)
        except CheckFailedError as exc:
            raise _failed(exc, warnings, out, tex, pdf_bytes) from None
    with locked(out.out_dir):
        publish({out.tex: tex.encode("utf-8"), out.pdf: pdf_bytes})
        out.failed_tex.unlink(missing_ok=True)
        out.failed_pdf.unlink(missing_ok=True)
    return BuildResult(target, {"pdf": out.pdf, "tex": out.tex}, report, warnings, digest)


@dataclass
class Outcome:
    """How one target of a multi-target build ended: a result, or the error it raised."""

    target: Target
    result: BuildResult | None = None
    error: BuildCVError | None = None

    @property
    def pages(self) -> int | None:
        if self.result is not None:
            return self.result.report.pages
        return self.error.pages if isinstance(self.error, CheckFailedError) else None


def build_all(
    data: Path,
    out_dir: Path,
    variants: list[str | None],
    *,
    limits: Limits | None = None,
    strict: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    verify_reproducible: bool = False,
) -> list[Outcome]:
    """Build every target; one that fails does not stop the others.

    Bad data (exit 2) stops everything before any TeX runs: it is wrong for every target.
    """
    loaded, cv = load_cv(data)
    targets = make_plan(data, out_dir, cv, variants)
    inputs = [data, *bib_files(cv, data)]
    refuse_overwriting(targets, inputs)
    outcomes = []
    for target in targets:
        try:
            result = build_target(
                target,
                loaded,
                cv,
                limits=limits,
                strict=strict,
                timeout=timeout,
                verify_reproducible=verify_reproducible,
            )
        except InputError:
            raise
        except BuildCVError as exc:
            outcomes.append(Outcome(target, error=exc))
        else:
            result.inputs = inputs
            outcomes.append(Outcome(target, result=result))
    return outcomes


def _verify_reproducible(tex: str, epoch: int, timeout: float, digest: str) -> None:
    with compile_tex(tex, source_date_epoch=epoch, timeout=timeout) as again:
        second = hashlib.sha256(again.pdf.read_bytes()).hexdigest()
    if second != digest:
        raise CheckFailedError(
            [
                CheckFailure(
                    "reproducible", f"two builds differ: sha256 {digest[:16]}… vs {second[:16]}…"
                )
            ]
        )


def _failed(
    error: BuildCVError, warnings: list[Warning_], out: Outputs, tex: str, pdf: bytes | None = None
) -> BuildCVError:
    """Leave what a failed build made beside the output, never over it, and say so."""
    files = {out.failed_tex: tex.encode("utf-8")}
    with locked(out.tex.parent):
        if pdf is None:
            out.failed_pdf.unlink(missing_ok=True)
        else:
            files[out.failed_pdf] = pdf
        publish(files)
    kept = f"{out.failed_pdf} and {out.failed_tex}" if pdf is not None else str(out.failed_tex)
    unchanged = "is unchanged" if out.pdf.exists() else "was not written"
    error.warnings = [w for w in warnings if w not in error.warnings] + error.warnings
    error.notes.append(f"Kept for inspection: {kept}; {out.pdf} {unchanged}.")
    return error


__all__ = ["BuildCVError", "BuildResult", "Limits", "Outputs", "build", "expectations", "load_cv"]
