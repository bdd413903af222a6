"""The pipeline: load -> validate -> render -> compile -> check -> publish.

Nothing is written to the output directory until the PDF has been compiled and checked,
so a failed build leaves the previous PDF exactly as it was. What a failure leaves for
inspection goes to `<stem>.failed.tex` / `<stem>.failed.pdf` beside it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Literal

from build_cv.errors import (
    BuildCVError,
    CheckFailedError,
    CheckFailure,
    InputError,
    LeakError,
    StrictWarningsError,
    TexError,
    TexTimeoutError,
    Warning_,
)
from build_cv.formats.latex.writer import render_tex, scripts
from build_cv.pipeline.diagnose import (
    Locator,
    glyph_warnings,
    leak_warnings,
    overflowing_section,
    overfull_warnings,
)
from build_cv.pipeline.leakcheck import exposures, secrets_of
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
from build_cv.pipeline.trust import raw_latex_fields, require_isolation
from build_cv.report import Expectations, Report, Secret
from build_cv.schema.model import CV, Design
from build_cv.sources.bib_section import bib_files
from build_cv.sources.load import load_cv
from build_cv.sources.yaml_source import Loaded
from build_cv.typeset import doctor
from build_cv.typeset.engine import Started, compile_tex
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
    inputs: dict[Path, str] = field(default_factory=dict)  # what was read: Loaded.read
    pdf_bytes: bytes = field(default=b"", repr=False)
    tex_text: str = field(default="", repr=False)
    epoch: int = 0  # the SOURCE_DATE_EPOCH it was typeset with

    @property
    def pdf(self) -> Path:
        return self.files["pdf"]

    @property
    def tex(self) -> Path:
        return self.files["tex"]


def variant_expectations(
    cv: CV, variant: str | None, limits: Limits, loaded: Loaded | None = None
) -> Expectations:
    """What a PDF of `variant` must show, and must not (what it hides), for checking a PDF
    made elsewhere or earlier; `loaded` lets a message point at where a hidden value is."""
    selection = select(cv, check_variant(cv, variant))
    view = build_view(selection.cv)
    where = Locator(loaded, view) if loaded is not None else None
    secrets = secrets_of(selection, where)
    return expectations(view, selection.cv, selection.checks, limits, secrets)


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
    trust_raw: bool = False,
    started: Started | None = None,
    allow_outside: bool = False,
    speedups: bool = True,
) -> BuildResult:
    """Build one variant of `data` (the full CV by default) as a PDF and its .tex.

    `started` is a TeX pass the caller began while the data was still unread;
    `allow_outside` lets a `bib:` name a file outside the YAML's folder; without
    `speedups`, nothing is taken from an earlier run or a faster path
    (docs/performance.md, "Bisecting a wrong PDF").
    """
    loaded, cv, targets = _prepare(data, out_dir, [variant], ("pdf",), allow_outside, speedups)
    result = build_target(
        targets[0],
        loaded,
        cv,
        limits=limits,
        strict=strict,
        timeout=timeout,
        verify_reproducible=verify_reproducible,
        trust_raw=trust_raw,
        started=started,
        speedups=speedups,
    )
    result.inputs = dict(loaded.read)
    return result


def _prepare(
    data: Path,
    out_dir: Path,
    variants: list[str | None],
    formats: tuple[str, ...],
    allow_outside: bool = False,
    speedups: bool = True,
) -> tuple[Loaded, CV, list[Target]]:
    """Read the data and plan the targets; refuse before TeX runs to overwrite an input."""
    loaded, cv = load_cv(data, allow_outside=allow_outside, speedups=speedups)
    targets = make_plan(data, out_dir, cv, variants, formats)
    refuse_overwriting(targets, [data, *bib_files(cv, data)])
    return loaded, cv, targets


def build_target(
    target: Target,
    loaded: Loaded,
    cv: CV,
    *,
    limits: Limits | None = None,
    strict: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    verify_reproducible: bool = False,
    trust_raw: bool = False,
    started: Started | None = None,
    speedups: bool = True,
) -> BuildResult:
    """Compile and check one target's PDF, then publish it with its .tex."""
    made = _checked_pdf(
        target,
        loaded,
        cv,
        limits=limits,
        strict=strict,
        timeout=timeout,
        verify_reproducible=verify_reproducible,
        trust_raw=trust_raw,
        started=started,
        speedups=speedups,
    )
    out = target.outputs
    with locked(out.out_dir):
        publish({out.tex: made.tex.encode("utf-8"), out.pdf: made.pdf})
        out.failed_tex.unlink(missing_ok=True)
        out.failed_pdf.unlink(missing_ok=True)
    files = {"pdf": out.pdf, "tex": out.tex}
    return BuildResult(
        target,
        files,
        made.report,
        made.warnings,
        made.digest,
        pdf_bytes=made.pdf,
        tex_text=made.tex,
        epoch=made.epoch,
    )


@dataclass
class _Pdf:
    tex: str
    pdf: bytes
    report: Report
    warnings: list[Warning_]
    digest: str
    epoch: int


def _checked_pdf(
    target: Target,
    loaded: Loaded,
    cv: CV,
    *,
    limits: Limits | None,
    strict: bool,
    timeout: float,
    verify_reproducible: bool,
    trust_raw: bool = False,
    started: Started | None = None,
    speedups: bool = True,
) -> _Pdf:
    """The target's PDF, compiled and preflighted; a failure leaves `.failed` files."""
    out = target.outputs
    selection = select(cv, target.variant)
    cv = selection.cv
    require_isolation(loaded, cv, trust_raw)
    epoch = source_date_epoch(cv)
    view = build_view(cv)
    needs = scripts(view)
    design, warnings = doctor.adjust(cv.design, needs.other, speedups=speedups)
    where = Locator(loaded, view)
    warnings += leak_warnings(where, selection)
    tex = render_tex(view, design, epoch, needs=needs, speedups=speedups)
    secrets = secrets_of(selection, where)
    _refuse_leaks(target, out.tex, tex, secrets, warnings)
    exp = expectations(view, cv, selection.checks, limits or Limits(), secrets)
    tree_free = not raw_latex_fields(cv) and not design.pdfa  # see typeset/fontmap.py
    probe = partial(_while_tex_runs, design, needs.cjk, speedups)
    if started is None:  # a cold build keeps to one core (pipeline/prestart.py)
        probe()
    try:
        with compile_tex(
            tex,
            source_date_epoch=epoch,
            timeout=timeout,
            started=started,
            alongside=None if started is None else probe,
            tree_free=tree_free,
            speedups=speedups,
        ) as compiled:
            warnings += glyph_warnings(where, cv, [g.char for g in compiled.missing])
            warnings += overfull_warnings(where, tex, compiled.overfull)
            from build_cv.preflight import preflight

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
        if any(f.name == "hidden" for f in failures):
            raise _withheld(error, warnings, out)
        raise _failed(error, warnings, out, tex, pdf_bytes)
    digest = hashlib.sha256(pdf_bytes).hexdigest()
    if verify_reproducible:
        try:
            _verify_reproducible(tex, epoch, timeout, digest, tree_free, speedups)
        except CheckFailedError as exc:
            raise _failed(exc, warnings, out, tex, pdf_bytes) from None
    return _Pdf(tex, pdf_bytes, report, warnings, digest, epoch)


def _refuse_leaks(
    target: Target, output: Path, text: str, secrets: list[Secret], warnings: list[Warning_]
) -> None:
    """Stop before `output` is written if it shows a value the variant hides."""
    found = exposures(output.suffix.lstrip("."), text, secrets)
    if found:
        error = LeakError(output, target.variant, [f.describe() for f in found])
        error.warnings = list(warnings)
        raise error


def _while_tex_runs(design: Design, uses_cjk: bool, speedups: bool = True) -> None:
    """Work that TeX need not wait for: probing the machine, and loading the checker
    (pypdf takes a tenth of a second to import), done while TeX typesets when the pass
    was started early, and before it otherwise."""
    doctor.require(design, uses_cjk, speedups=speedups)
    import build_cv.preflight  # noqa: F401


@dataclass
class Written:
    """A target in a format other than PDF: its files by extension, and its warnings."""

    target: Target
    files: dict[str, Path]
    warnings: list[Warning_] = field(default_factory=list)
    inputs: dict[Path, str] = field(default_factory=dict)  # what was read: Loaded.read


@dataclass(frozen=True)
class FormatOptions:
    """Choices that only some formats take: front matter (md), pages (png; None: all)."""

    front_matter: Literal["jekyll", "hugo"] | None = None
    pages: int | None = 1


def render_document(fmt: str, cv: CV, options: FormatOptions = FormatOptions()) -> str:
    """A text format of `cv` as given (already a variant's selection, if any).

    Each writer is imported when its format is asked for: a PDF build never pays for
    jsonschema or the HTML templates.
    """
    view = build_view(cv)
    if fmt == "html":
        from build_cv.formats.html.writer import render_html

        return render_html(view, cv.design)
    if fmt == "md":
        from build_cv.formats.markdown.writer import render_markdown

        return render_markdown(view, options.front_matter)
    if fmt == "txt":
        from build_cv.formats.text.writer import render_text

        return render_text(view)
    if fmt == "json":
        from build_cv.formats.jsonresume.writer import render_json_resume

        return render_json_resume(cv)
    if fmt == "bib":
        from build_cv.formats.bibtex.writer import write_bibtex

        return write_bibtex(cv)
    raise ValueError(f"{fmt} is not a text format")


def write_target(
    target: Target,
    loaded: Loaded,
    cv: CV,
    *,
    strict: bool = False,
    options: FormatOptions = FormatOptions(),
    pdf: bytes | None = None,
) -> Written:
    """Write one target in a text format, or (`png`, given the checked `pdf`) as images."""
    out = target.outputs
    selection = select(cv, target.variant)
    where = Locator(loaded, build_view(selection.cv))
    warnings = leak_warnings(where, selection)
    if strict and warnings:
        raise StrictWarningsError(warnings)
    if target.format == "png":
        if pdf is None:
            raise ValueError("a PNG is drawn from the checked PDF")
        from build_cv.formats.png.writer import encode_png, render_pages

        images = render_pages(pdf, options.pages)
        files = {out.page(i): encode_png(image) for i, image in enumerate(images, 1)}
        with locked(out.out_dir):
            publish(files)
        return Written(target, {p.name.removeprefix(out.stem + "."): p for p in files}, warnings)
    text = render_document(target.format, selection.cv, options)
    _refuse_leaks(target, out.path(target.format), text, secrets_of(selection, where), warnings)
    files = {out.path(target.format): text.encode("utf-8")}
    with locked(out.out_dir):
        publish(files)
    return Written(target, {target.format: out.path(target.format)}, warnings)


@dataclass
class Outcome:
    """How one target of a multi-target build ended: a result, or the error it raised."""

    target: Target
    result: BuildResult | Written | None = None
    error: BuildCVError | None = None

    @property
    def pages(self) -> int | None:
        if isinstance(self.result, BuildResult):
            return self.result.report.pages
        if self.result is not None:
            return None
        return self.error.pages if isinstance(self.error, CheckFailedError) else None


def build_all(
    data: Path,
    out_dir: Path,
    variants: list[str | None],
    *,
    formats: tuple[str, ...] = ("pdf",),
    options: FormatOptions = FormatOptions(),
    limits: Limits | None = None,
    strict: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    verify_reproducible: bool = False,
    trust_raw: bool = False,
    progress: Callable[[Target, str], None] | None = None,
    started: Started | None = None,
    allow_outside: bool = False,
    speedups: bool = True,
) -> list[Outcome]:
    """Build every target; one that fails does not stop the others.

    Bad data (exit 2) stops everything before any TeX runs: it is wrong for every target.
    A variant's PNG is drawn from the PDF of the same run, compiled for it if the PDF is
    not itself a target. `progress` hears of each target's stage (`typesetting`,
    `rendering`, `writing`) as it starts and of its end (`done`, `failed`). `started`, a
    TeX pass begun early, serves the first target that compiles. `allow_outside` lets a
    `bib:` name a file outside the YAML's folder; `speedups` as for `build`.
    """
    loaded, cv, targets = _prepare(data, out_dir, variants, formats, allow_outside, speedups)
    spare = [started] if started is not None else []
    outcomes = []
    pdfs: dict[str | None, bytes | BuildCVError] = {}
    pdf_target = partial(
        build_target,
        limits=limits,
        strict=strict,
        timeout=timeout,
        verify_reproducible=verify_reproducible,
        trust_raw=trust_raw,
        speedups=speedups,
    )
    pdf_only = partial(
        _pdf_or_error,
        limits=limits,
        strict=strict,
        timeout=timeout,
        verify_reproducible=verify_reproducible,
        trust_raw=trust_raw,
        speedups=speedups,
    )
    tell = progress or (lambda target, stage: None)
    for target in targets:
        tell(target, STAGES.get(target.format, "writing"))
        try:
            result: BuildResult | Written
            if target.format == "pdf":
                result = pdf_target(target, loaded, cv, started=spare.pop() if spare else None)
                pdfs[target.variant] = result.pdf_bytes
            else:
                pdf = None
                if target.format == "png":
                    if target.variant not in pdfs:
                        first = spare.pop() if spare else None
                        pdfs[target.variant] = pdf_only(target, loaded, cv, started=first)
                    made = pdfs[target.variant]
                    if isinstance(made, BuildCVError):
                        raise BuildCVError(f"no PNG: the PDF failed ({made.render()})")
                    pdf = made
                result = write_target(target, loaded, cv, strict=strict, options=options, pdf=pdf)
        except InputError:
            raise
        except BuildCVError as exc:
            if target.format == "pdf":
                pdfs[target.variant] = exc
            outcomes.append(Outcome(target, error=exc))
            tell(target, "failed")
        else:
            result.inputs = dict(loaded.read)
            outcomes.append(Outcome(target, result=result))
            tell(target, "done")
    return outcomes


STAGES = {"pdf": "typesetting", "png": "rendering"}


def _pdf_or_error(target: Target, loaded: Loaded, cv: CV, **options: Any) -> bytes | BuildCVError:
    """The checked PDF a PNG is drawn from when the PDF itself is not a target."""
    try:
        return _checked_pdf(target, loaded, cv, **options).pdf
    except InputError:
        raise
    except BuildCVError as exc:
        return exc


def _verify_reproducible(
    tex: str, epoch: int, timeout: float, digest: str, tree_free: bool, speedups: bool = True
) -> None:
    with compile_tex(
        tex, source_date_epoch=epoch, timeout=timeout, tree_free=tree_free, speedups=speedups
    ) as again:
        second = hashlib.sha256(again.pdf.read_bytes()).hexdigest()
    if second != digest:
        raise CheckFailedError(
            [
                CheckFailure(
                    "reproducible", f"two builds differ: sha256 {digest[:16]}… vs {second[:16]}…"
                )
            ]
        )


def _withheld(error: BuildCVError, warnings: list[Warning_], out: Outputs) -> BuildCVError:
    """A PDF that shows what its variant hides is not kept, not even for inspection: the
    out folder is often published as it is. The message says where the value is."""
    unchanged = "is unchanged" if out.pdf.exists() else "was not written"
    error.warnings = [w for w in warnings if w not in error.warnings] + error.warnings
    error.notes.append(
        f"Nothing was kept: the PDF shows what the variant hides; {out.pdf} {unchanged}."
    )
    return error


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
