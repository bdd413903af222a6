"""The pipeline: load -> select -> view -> write or typeset -> check -> publish.

`build` is the one path of every build: one document or many, one format or several.
Each variant is selected and viewed once, and every format of it is written from that
one view (`_Variant`); what a format reads comes from the formats table (formats/), so
the PNG is drawn from the PDF of the same run like any writer that reads the PDF.

Nothing is written to the output directory until the PDF has been compiled and checked,
so a failed build leaves the previous PDF exactly as it was. What a failure leaves for
inspection goes to `<stem>.failed.tex` / `<stem>.failed.pdf` beside it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from itertools import groupby
from pathlib import Path

from build_cv.errors import (
    BuildCVError,
    CheckFailedError,
    CheckFailure,
    ComplianceError,
    InputError,
    LeakError,
    StrictWarningsError,
    TexError,
    TexTimeoutError,
    Warning_,
)
from build_cv.exposure import described
from build_cv.formats import BY_NAME, Choices, Document, Format
from build_cv.formats.latex.writer import cjk_font, render_tex, scripts
from build_cv.pipeline import machine, translations
from build_cv.pipeline.compliance import Compliance
from build_cv.pipeline.diagnose import (
    Locator,
    glyph_warnings,
    leak_warnings,
    overflowing_section,
    overfull_warnings,
)
from build_cv.pipeline.leakcheck import exposures, secrets_of
from build_cv.pipeline.options import BuildOptions, Limits
from build_cv.pipeline.plan import (
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
from build_cv.report import CheckResult, Expectations, Report, Secret
from build_cv.schema.model import CV, Design
from build_cv.sources.bib_section import bib_files
from build_cv.sources.load import from_loaded, load_cv
from build_cv.sources.yaml_source import Loaded
from build_cv.typeset.engine import Started, compile_tex
from build_cv.variants import Selection, language_of, select
from build_cv.view import build_view

Progress = Callable[[Target, str], None]


@dataclass
class BuildResult:
    """One target's files (by extension), its preflight report and what it warned about."""

    target: Target
    files: dict[str, Path]
    report: Report
    warnings: list[Warning_] = field(default_factory=list)
    sha256: str = ""
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
    cv: CV,
    variant: str | None,
    limits: Limits,
    loaded: Loaded | None = None,
    *,
    allow_outside: bool = False,
) -> Expectations:
    """What a PDF of `variant` must show, and must not (what it hides), for checking a PDF
    made elsewhere or earlier; `loaded` lets a message point at where a hidden value is,
    and reads the record again in the variant's language."""
    name = check_variant(cv, variant, all_too=False)
    language = language_of(cv, name)
    if loaded is not None and language not in (None, cv.design.language):
        cv = from_loaded(loaded, allow_outside=allow_outside, language=language)
    selection = select(cv, name)
    view = build_view(selection.cv)
    where = Locator(loaded, view) if loaded is not None else None
    secrets = secrets_of(selection, where)
    return expectations(view, selection.cv, selection.checks, limits, secrets)


def profile_results(
    cv: CV, variant: str | None, loaded: Loaded, pages: int | None, *, allow_outside: bool = False
) -> list[CheckResult]:
    """The checks of the profile `variant` follows, for a PDF of it made elsewhere or
    earlier (`check --data --variant`): as a build reports them, the page limits read
    from that PDF's `pages`."""
    name = check_variant(cv, variant, all_too=False)
    language = language_of(cv, name)
    if language not in (None, cv.design.language):
        cv = from_loaded(loaded, allow_outside=allow_outside, language=language)
    selection = select(cv, name)
    view = build_view(selection.cv)
    compliance = Compliance.of(cv, name, selection, view, Locator(loaded, view))
    return compliance.results(pages) if compliance is not None else []


@dataclass
class Written:
    """A target in a format other than PDF: its files by extension, and its warnings."""

    target: Target
    files: dict[str, Path]
    warnings: list[Warning_] = field(default_factory=list)


@dataclass
class Outcome:
    """How one target ended: a result, or the error it raised."""

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


@dataclass
class Built:
    """What one build made: each target's outcome, and the files it read, each with the
    SHA-256 of the bytes it parsed (`Loaded.read`, what the cache keys a build on)."""

    outcomes: list[Outcome]
    inputs: dict[Path, str]


def build(
    data: Path,
    out_dir: Path,
    options: BuildOptions = BuildOptions(),
    *,
    progress: Progress | None = None,
    started: Started | None = None,
) -> Built:
    """Build every target `options` asks for; one that fails does not stop the others.

    Bad data (exit 2) stops everything before any TeX runs: it is wrong for every target.
    `progress` hears of each target's stage (the formats table's `stage`) as it starts and
    of its end (`done`, `failed`). `started`, a TeX pass begun while the data was still
    unread, serves the first target that typesets.
    """
    loaded, cv = load_cv(
        data,
        allow_outside=options.allow_outside,
        speedups=options.speedups,
        language=options.language,
    )
    targets = make_plan(data, out_dir, cv, [options.variant], options.formats)
    documents = _InLanguages(loaded, cv, options)
    refuse_overwriting(targets, [data, *documents.bib_files(targets, data)])
    spare = [started] if started is not None else []
    tell = progress or (lambda target, stage: None)
    outcomes: list[Outcome] = []
    for name, group in groupby(targets, key=lambda t: t.variant):
        its_targets = list(group)
        try:
            variant = _Variant.of(loaded, documents.of(name), name)
        except InputError:
            raise
        except BuildCVError as exc:  # wrong for this variant only (translations missing)
            for target in its_targets:
                tell(target, "failed")
                outcomes.append(Outcome(target, error=exc))
            continue
        outcomes += _build_variant(variant, its_targets, options, spare, tell)
    return Built(outcomes, dict(loaded.read))


@dataclass
class _InLanguages:
    """The record validated once per language its documents are in: a field written in
    several languages is chosen as the record becomes the model (schema/model.py)."""

    loaded: Loaded
    cv: CV
    options: BuildOptions
    cache: dict[str, CV] = field(default_factory=dict)

    def of(self, variant: str | None) -> CV:
        """The record in `variant`'s language: `--language`, else the variant's own (or its
        profile's), else the design's."""
        language = self.options.language or language_of(self.cv, variant)
        if language is None or language == self.cv.design.language:
            return self.cv
        if language not in self.cache:
            self.cache[language] = from_loaded(
                self.loaded, allow_outside=self.options.allow_outside, language=language
            )
        return self.cache[language]

    def bib_files(self, targets: list[Target], data: Path) -> list[Path]:
        """The .bib files of every language these targets are in: `bib: {en: en.bib, zh:
        cv-zh.bib}` reads cv-zh.bib for the zh variant only, and that variant's .bib
        output is named cv-zh.bib too. Reading each language here also stops bad data in
        any of them before a first target is written."""
        variants = dict.fromkeys(t.variant for t in targets)
        paths = [path for v in variants for path in bib_files(self.of(v), data)]
        return list(dict.fromkeys(paths))


def build_pdf(data: Path, out_dir: Path, options: BuildOptions = BuildOptions()) -> BuildResult:
    """The one PDF `options` asks for (the full CV unless it names a variant), built by
    `build`; its error, if it failed, is raised."""
    (outcome,) = build(data, out_dir, options).outcomes
    if outcome.error is not None:
        raise outcome.error
    assert isinstance(outcome.result, BuildResult)
    return outcome.result


@dataclass
class _Variant:
    """One variant, selected and viewed once for all its formats, with what every one of
    them is checked against: the values it hides, and the warnings about them."""

    loaded: Loaded
    selection: Selection
    document: Document
    where: Locator
    secrets: list[Secret]
    warnings: list[Warning_]
    compliance: Compliance | None = None  # the rules of the profile it follows

    @classmethod
    def of(cls, loaded: Loaded, cv: CV, variant: str | None) -> _Variant:
        selection = select(cv, variant)
        if selection.checks.translations == "required":
            untranslated = translations.missing(loaded, selection)
            if untranslated:
                raise translations.TranslationsMissing(untranslated, variant)
        view = build_view(selection.cv)
        where = Locator(loaded, view)
        secrets = secrets_of(selection, where)
        warnings = leak_warnings(where, selection)
        compliance = Compliance.of(cv, variant, selection, view, where)
        warnings += compliance.warnings() if compliance is not None else []
        document = Document(view, selection.cv)
        return cls(loaded, selection, document, where, secrets, warnings, compliance)

    @property
    def cv(self) -> CV:
        return self.selection.cv


def _build_variant(
    variant: _Variant,
    targets: list[Target],
    options: BuildOptions,
    spare: list[Started],
    tell: Progress,
) -> Iterator[Outcome]:
    """Each of one variant's targets, in order; the PDF that a page writer reads is this
    variant's, typeset for it if the PDF is not itself a target."""
    pdf: bytes | BuildCVError | None = None
    for target in targets:
        fmt = BY_NAME[target.format]
        tell(target, fmt.stage)
        try:
            result: BuildResult | Written
            if fmt.reads == "typeset":
                result = _typeset(target, variant, options, spare.pop() if spare else None)
                pdf = result.pdf_bytes
            elif fmt.reads == "pdf":
                if pdf is None:
                    pdf = _pdf_or_error(target, variant, options, spare.pop() if spare else None)
                if isinstance(pdf, BuildCVError):
                    raise BuildCVError(f"no {fmt.name.upper()}: the PDF failed ({pdf.render()})")
                result = _draw(target, fmt, variant, pdf, options)
            else:
                result = _write(target, fmt, variant, options)
        except InputError:
            raise
        except BuildCVError as exc:
            if fmt.reads == "typeset":
                pdf = exc
            tell(target, "failed")
            yield Outcome(target, error=exc)
        else:
            tell(target, "done")
            yield Outcome(target, result=result)


def _typeset(
    target: Target, variant: _Variant, options: BuildOptions, started: Started | None
) -> BuildResult:
    """Compile and check one target's PDF, then publish it with its .tex."""
    made = _checked_pdf(target, variant, options, started)
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
    target: Target, variant: _Variant, options: BuildOptions, started: Started | None
) -> _Pdf:
    """The target's PDF, compiled and preflighted; a failure leaves `.failed` files."""
    out = target.outputs
    cv, view, where, timeout = variant.cv, variant.document.view, variant.where, options.timeout
    require_isolation(variant.loaded, cv, options.trust_raw)
    epoch = source_date_epoch(cv)
    needs = scripts(view)
    design, warnings = machine.adjust(cv.design, needs.other, speedups=options.speedups)
    warnings = [*variant.warnings, *warnings]
    tex = render_tex(view, design, epoch, needs=needs, speedups=options.speedups)
    _refuse_leaks(target, out.tex, tex, variant.secrets, warnings)
    exp = expectations(view, cv, variant.selection.checks, options.limits, variant.secrets)
    tree_free = not raw_latex_fields(cv) and not design.pdfa  # see typeset/fontmap.py
    cjk = cjk_font(view, design) if needs.cjk else None
    probe = partial(_while_tex_runs, design, cjk, options.speedups)
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
            speedups=options.speedups,
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
    if variant.compliance is not None:  # a profile's limits fail as the page budget does
        past = partial(overflowing_section, aux, exp.section_titles)
        report.results += variant.compliance.results(report.pages, past)
    if options.strict and warnings:
        raise _failed(StrictWarningsError(warnings), warnings, out, tex, pdf_bytes)
    if not report.ok(options.strict):
        failures = [CheckFailure(r.name, r.detail()) for r in report.failed(options.strict)]
        error = CheckFailedError(failures, report.pages)
        overflow = overflowing_section(aux, exp.section_titles, exp.max_pages)
        if overflow and target.variant:
            overflow = f"In variant `{target.variant}`: {overflow}"
        error.notes += [overflow] if overflow else []
        if any(f.name == "hidden" for f in failures):
            raise _withheld(error, warnings, out)
        raise _failed(error, warnings, out, tex, pdf_bytes)
    digest = hashlib.sha256(pdf_bytes).hexdigest()
    if options.verify_reproducible:
        try:
            _verify_reproducible(tex, epoch, timeout, digest, tree_free, options.speedups)
        except CheckFailedError as exc:
            raise _failed(exc, warnings, out, tex, pdf_bytes) from None
    return _Pdf(tex, pdf_bytes, report, warnings, digest, epoch)


def _refuse_leaks(
    target: Target, output: Path, text: str, secrets: list[Secret], warnings: list[Warning_]
) -> None:
    """Stop before `output` is written if it shows a value the variant hides."""
    found = exposures(output.suffix.lstrip("."), text, secrets)
    if found:
        error = LeakError(output, target.variant, described(found))
        error.warnings = list(warnings)
        raise error


def _while_tex_runs(design: Design, cjk: str | None, speedups: bool = True) -> None:
    """Work that TeX need not wait for: probing the machine, and loading the checker
    (pypdf takes a tenth of a second to import), done while TeX typesets when the pass
    was started early, and before it otherwise."""
    machine.require(design, cjk, speedups=speedups)
    import build_cv.preflight  # noqa: F401


def _write(target: Target, fmt: Format, variant: _Variant, options: BuildOptions) -> Written:
    """One target in a text format, written from the variant's view, unless it shows a
    value the variant hides."""
    out = target.outputs
    _refuse_strict(variant.warnings, options)
    path = out.path(fmt.extension)
    _refuse_breaking(variant, path)
    text = fmt.writer().write(variant.document, _choices(options))
    _refuse_leaks(target, path, text, variant.secrets, variant.warnings)
    with locked(out.out_dir):
        publish({path: text.encode("utf-8")})
    return Written(target, {fmt.name: path}, list(variant.warnings))


def _refuse_breaking(variant: _Variant, output: Path) -> None:
    """Stop before `output` is written if the variant breaks its profile's rules (the
    page limits need the PDF, and are checked with it)."""
    failures = variant.compliance.failures() if variant.compliance is not None else []
    if failures:
        results = [f.check_result() for f in failures]
        error = ComplianceError(output, [CheckFailure(r.name, r.detail()) for r in results])
        error.warnings = list(variant.warnings)
        raise error


def _draw(
    target: Target, fmt: Format, variant: _Variant, pdf: bytes, options: BuildOptions
) -> Written:
    """One target drawn from the variant's checked PDF: a file per page asked for."""
    out = target.outputs
    _refuse_strict(variant.warnings, options)
    pages = fmt.writer().write(pdf, _choices(options))
    files = {out.page(i): data for i, data in enumerate(pages, 1)}
    with locked(out.out_dir):
        publish(files)
        for stale in out.pages_beyond(len(files)):  # a longer CV's, or `--pages all`'s
            stale.unlink(missing_ok=True)
    named = {p.name.removeprefix(out.stem + "."): p for p in files}
    return Written(target, named, list(variant.warnings))


def _choices(options: BuildOptions) -> Choices:
    return Choices(front_matter=options.front_matter, pages=options.pages)


def _refuse_strict(warnings: list[Warning_], options: BuildOptions) -> None:
    if options.strict and warnings:
        raise StrictWarningsError(warnings)


def _pdf_or_error(
    target: Target, variant: _Variant, options: BuildOptions, started: Started | None
) -> bytes | BuildCVError:
    """The checked PDF a page writer reads when the PDF itself is not a target."""
    try:
        return _checked_pdf(target, variant, options, started).pdf
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


__all__ = [
    "BuildCVError",
    "BuildOptions",
    "BuildResult",
    "Limits",
    "Outputs",
    "build",
    "build_pdf",
    "expectations",
    "load_cv",
]
