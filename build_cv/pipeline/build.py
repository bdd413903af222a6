"""The pipeline: load -> select -> view -> write or typeset -> check -> publish.

`build` is the one path of every build: one document or many, one format or several.
Each variant is selected and viewed once, and every format of it is written from that
one view (`_Variant`); what a format reads comes from the formats table (formats/), so
the PNG is drawn from the PDF of the same run like any writer that reads the PDF. A
variant fitted to N pages (`--fit`) is first narrowed until its PDF fits (`_fit`); the
view of what is left is then the one every format is written from.

Nothing is written to the output directory until the PDF has been compiled and checked,
so a failed build leaves the previous PDF exactly as it was. What a failure leaves for
inspection goes to `<stem>.failed.tex` / `<stem>.failed.pdf` beside it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, nullcontext
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING

from build_cv.errors import (
    BuildCVError,
    CheckFailedError,
    CheckFailure,
    ComplianceError,
    FitError,
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
from build_cv.pipeline import archival, fit, machine, translations
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
from build_cv.report import Attachment, CheckResult, Expectations, Report, Secret
from build_cv.schema.model import CV, Design, Entry
from build_cv.sources.bib_section import bib_files
from build_cv.sources.load import from_loaded, load_cv
from build_cv.sources.yaml_source import Loaded
from build_cv.typeset.engine import Compiled, Started, compile_tex
from build_cv.variants import Selection, language_of, select
from build_cv.view import View, build_view

if TYPE_CHECKING:
    from build_cv.pipeline.compliance import Compliance

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
    expected = expectations(view, selection.cv, selection.checks, limits, secrets)
    if loaded is not None and cv.design.embed_data:  # the files its PDF/A-3 must carry
        stem = Outputs.of(loaded.path, Path("."), name).stem
        expected.attachments = archival.attachments(Document(view, selection.cv), stem)
    budget = selection.checks.fit_pages
    if budget is not None:  # fitted: only what fitting cannot leave out must be there
        expected.section_titles = [s.title for s in selection.cv.sections if fit.stays(s)]
        expected.max_pages = limits.max_pages or budget
    return expected


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
    compliance = _compliance(cv, name, selection, view, Locator(loaded, view))
    return compliance.results(pages) if compliance is not None else []


def _compliance(
    cv: CV, variant: str | None, selection: Selection, view: View, where: Locator
) -> Compliance | None:
    """The checks of the profile `variant` follows. Their module, and the profiles' own
    schema, load only for a variant that follows one: 25 ms of every other build."""
    if selection.profile is None or variant is None:
        return None
    from build_cv.pipeline.compliance import Compliance

    return Compliance.of(cv, variant, selection, view, where)


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
    fitted: fit.Fitted | None = None  # what fitting left out of the variant, if asked

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
    budgets = {t.variant: _budget(cv, t.variant, options) for t in targets}
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
        outcomes += _build_variant(variant, its_targets, options, spare, tell, budgets[name])
    return Built(outcomes, dict(loaded.read))


def inputs_of(data: Path, out_dir: Path, options: BuildOptions) -> list[Path]:
    """The files a build of `options` reads, as `build` reads them: the YAML and the .bib
    files of every language its targets are in (`bib: {en: en.bib, zh: cv-zh.bib}`), for
    watch mode to rebuild on a save of any of them."""
    loaded, cv = load_cv(data, allow_outside=options.allow_outside, language=options.language)
    targets = make_plan(data, out_dir, cv, [options.variant], options.formats)
    return [data, *_InLanguages(loaded, cv, options).bib_files(targets, data)]


def _budget(cv: CV, variant: str | None, options: BuildOptions) -> int | None:
    """The pages `variant` is fitted to (`--fit`, else its `checks.fit_pages`), or None.

    The fitted PDF has at most that many pages, so limits that want more, or allow
    fewer, contradict it: bad input, told before anything is typeset. `--fit` replaces
    the data's page budget, as `--max-pages` does.
    """
    checks = (
        cv.design.checks if variant is None else cv.variants[variant].checks.over(cv.design.checks)
    )
    budget = options.fit or checks.fit_pages
    if budget is None:
        return None
    whose = "the full CV" if variant is None else f"variant `{variant}`"
    asked = f"--fit {budget}" if options.fit else f"the fit_pages {budget} of {whose}"
    most = options.limits.max_pages
    if most is not None and most < budget:
        raise InputError(
            f"--max-pages {most} is below {asked}: a fitted PDF may have {budget} pages; "
            f"pass --fit {most} to fit it to {most}"
        )
    least = options.limits.min_pages or checks.min_pages
    if least > budget:
        given = f"the min_pages {least} of {whose}"
        if options.limits.min_pages:
            given = f"--min-pages {least}"
        raise InputError(f"{given} is above {asked}: a PDF fitted to it can never be long enough")
    return budget


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
    marks: dict[str, list[str]] | None = None  # where its LaTeX marks entries, when fitted
    fitting: _Fitting | None = None

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
        compliance = _compliance(cv, variant, selection, view, where)
        warnings += compliance.warnings() if compliance is not None else []
        document = Document(view, selection.cv, tuple(secrets))
        return cls(loaded, selection, document, where, secrets, warnings, compliance)

    @property
    def cv(self) -> CV:
        return self.selection.cv

    def narrowed(self, cv: CV, marks: dict[str, list[str]]) -> _Variant:
        """The variant showing only what `cv` (its record, less some entries) holds, its
        LaTeX marked for measuring. It hides what it hid: the same secrets."""
        selection = replace(self.selection, cv=cv)
        view = build_view(cv)
        where = Locator(self.loaded, view)
        warnings = leak_warnings(where, selection)
        compliance = None
        if self.compliance is not None:  # a profile's caps count what is left
            compliance = self.compliance.on(selection, view, where)
        document = Document(view, cv, self.document.secrets)
        return replace(
            self,
            selection=selection,
            document=document,
            where=where,
            warnings=warnings,
            marks=marks,
            compliance=compliance,
        )


@dataclass
class _Fitting:
    """A fitted variant: what was left out, and the TeX run of what is left (its files
    still on disk), which its PDF target publishes rather than typeset it again; `error`
    when it cannot fit."""

    report: fit.Fitted
    run: Compiled
    tex: str
    error: FitError | None = None


@dataclass
class _Run:
    state: _Variant
    tex: str
    compiled: Compiled
    measure: fit.Measure


def _build_variant(
    variant: _Variant,
    targets: list[Target],
    options: BuildOptions,
    spare: list[Started],
    tell: Progress,
    budget: int | None = None,
) -> Iterator[Outcome]:
    """Each of one variant's targets, in order; the PDF that a page writer reads is this
    variant's, typeset for it if the PDF is not itself a target. With a `budget`, the
    variant is first fitted to it, and every format shows what the fitted PDF shows."""
    with ExitStack() as kept:
        if budget is not None:
            tell(targets[0], f"fitting to {budget} page{'s' if budget > 1 else ''}")
            try:
                variant = _fit(variant, targets[0], options, budget, spare, kept)
            except InputError:
                raise
            except BuildCVError as exc:
                for target in targets:
                    tell(target, "failed")
                    yield Outcome(target, error=exc)
                return
        yield from _build_targets(variant, targets, options, spare, tell)


def _build_targets(
    variant: _Variant,
    targets: list[Target],
    options: BuildOptions,
    spare: list[Started],
    tell: Progress,
) -> Iterator[Outcome]:
    pdf: bytes | BuildCVError | None = None
    fitting = variant.fitting
    fitted = fitting.report if fitting is not None else None
    for target in targets:
        fmt = BY_NAME[target.format]
        tell(target, fmt.stage)
        try:
            result: BuildResult | Written
            if fitting is not None and fitting.error is not None and fmt.reads != "typeset":
                raise fitting.error.again()
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
            yield Outcome(target, error=_why_not(fitting, exc), fitted=fitted)
        else:
            tell(target, "done")
            yield Outcome(target, result=result, fitted=fitted)


def _why_not(fitting: _Fitting | None, exc: BuildCVError) -> BuildCVError:
    """A variant that cannot fit fails its page check: said as the fit's failure, with
    what the page check kept for inspection."""
    if fitting is None or fitting.error is None or not isinstance(exc, CheckFailedError):
        return exc
    if isinstance(exc, FitError):
        return exc
    error = fitting.error.again()
    error.failures += [f for f in exc.failures if f.name != "pages"]
    error.warnings, error.notes = exc.warnings, exc.notes
    return error


def _fit(
    variant: _Variant,
    target: Target,
    options: BuildOptions,
    budget: int,
    spare: list[Started],
    kept: ExitStack,
) -> _Variant:
    """The variant without the entries that must go for its PDF to have at most `budget`
    pages (pipeline/fit.py), with the run of that PDF kept open in `kept` for its PDF
    target to publish. Each TeX run is a real one of the document as it would be
    published; a failure of one fails the variant as a build would."""
    cv, out = variant.cv, target.outputs
    plan = fit.candidates(cv)
    runs: dict[int, _Run] = {}
    own: dict[int, ExitStack] = {}

    def pages(k: int) -> int:
        state = variant.narrowed(fit.without(cv, plan[:k]), fit.marks_of(cv, plan, k))
        source = _source(state, options)
        _refuse_leaks(target, out.tex, source.tex, variant.secrets, source.warnings)
        stack = own[k] = ExitStack()
        started = spare.pop() if spare else None
        try:
            compiled = stack.enter_context(_compile(source, options, started, probe=not runs))
        except (TexError, TexTimeoutError) as exc:
            raise _tex_failed(exc, state.where, source.tex, source.warnings, out) from None
        count = _page_count(compiled.pdf)
        runs[k] = _Run(state, source.tex, compiled, fit.measure(count, compiled.aux))
        return count

    try:
        found = fit.search(
            budget,
            len(plan),
            pages,
            lambda lo, hi, before: fit.guess(
                cv,
                plan,
                budget,
                (lo, runs[lo].measure),
                None if hi is None else (hi, runs[hi].measure),
                None if before is None else (before, runs[before].measure),
            ),
        )
    except BaseException:
        for stack in own.values():
            stack.close()
        raise
    chosen = len(plan) if found is None else found
    for k, stack in own.items():
        if k == chosen:
            kept.enter_context(stack)
        else:
            stack.close()
    run = runs[chosen]
    left_out = tuple(_left_out(cv, c, variant.where) for c in plan[:chosen])
    report = fit.Fitted(
        budget, runs[0].measure.pages, run.measure.pages, left_out, found is not None
    )
    error = None
    if found is None:
        error = FitError(budget, run.measure.pages, fit.holding(run.state.cv), chosen)
    checks = run.state.selection.checks.model_copy(update={"max_pages": budget})
    selection = replace(run.state.selection, checks=checks)
    return replace(
        run.state, selection=selection, fitting=_Fitting(report, run.compiled, run.tex, error)
    )


def _page_count(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


def _left_out(cv: CV, candidate: fit.Candidate, where: Locator) -> fit.LeftOut:
    section = cv.sections[candidate.section]
    entry = getattr(section, "entries", [])[candidate.entry]
    assert isinstance(entry, Entry)
    location = where.location(entry.origin.path)
    return fit.LeftOut(
        section.title,
        fit.label(entry),
        str(location.file),
        location.line,
        location.column,
        candidate.priority,
        candidate.date,
    )


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


@dataclass
class _Source:
    """A variant's LaTeX, and what compiling it needs to know."""

    tex: str
    design: Design
    cjk: str | None  # the CJK font family it needs, if any
    epoch: int
    tree_free: bool
    warnings: list[Warning_]
    files: dict[str, bytes] = field(default_factory=dict)  # beside the .tex: the photo


def _source(variant: _Variant, options: BuildOptions) -> _Source:
    cv, view = variant.cv, variant.document.view
    require_isolation(variant.loaded, cv, options.trust_raw)
    epoch = source_date_epoch(cv)
    needs = scripts(view)
    design, warnings = machine.adjust(cv.design, needs.other, speedups=options.speedups)
    tex = render_tex(view, design, epoch, needs=needs, speedups=options.speedups)
    if variant.marks is not None:
        tex = fit.marked(tex, variant.marks)
    tree_free = not raw_latex_fields(cv) and not design.pdfa_part  # see typeset/fontmap.py
    cjk = cjk_font(view, design) if needs.cjk else None
    photo = view.header.photo
    files = {photo.file: photo.data} if photo is not None else {}
    return _Source(tex, design, cjk, epoch, tree_free, [*variant.warnings, *warnings], files)


def _compile(
    source: _Source, options: BuildOptions, started: Started | None, probe: bool = True
) -> AbstractContextManager[Compiled]:
    """A TeX run of `source`; `probe` checks the machine first (or while TeX runs)."""
    check = partial(_while_tex_runs, source.design, source.cjk, options.speedups)
    if probe and started is None:  # a cold build keeps to one core (pipeline/prestart.py)
        check()
    return compile_tex(
        source.tex,
        source_date_epoch=source.epoch,
        timeout=options.timeout,
        started=started,
        alongside=check if probe and started is not None else None,
        tree_free=source.tree_free,
        speedups=options.speedups,
        files=source.files,
    )


def _tex_failed(
    exc: TexError | TexTimeoutError,
    where: Locator,
    tex: str,
    warnings: list[Warning_],
    out: Outputs,
) -> BuildCVError:
    """A TeX failure, located in the data where TeX's line allows, its LaTeX kept."""
    if isinstance(exc, TexError):
        origin = where.origin_at(tex, exc.problem.tex_line or 0)
        if origin is not None:
            exc.problem.source = where.describe(origin)
        exc.tex_file = out.failed_tex
    return _failed(exc, warnings, out, tex)


def _checked_pdf(
    target: Target, variant: _Variant, options: BuildOptions, started: Started | None
) -> _Pdf:
    """The target's PDF, compiled and preflighted; a failure leaves `.failed` files. A
    fitted variant's PDF was compiled by the fitting already: that run is checked."""
    out = target.outputs
    cv, view, where = variant.cv, variant.document.view, variant.where
    source = _source(variant, options)
    tex, epoch, warnings = source.tex, source.epoch, source.warnings
    _refuse_leaks(target, out.tex, tex, variant.secrets, warnings)
    limits = options.limits
    fitting = variant.fitting
    if fitting is not None:  # the budget is the fit's (options: `_budget` checked them)
        limits = replace(limits, max_pages=None)
    exp = expectations(view, cv, variant.selection.checks, limits, variant.secrets)
    if cv.design.embed_data:
        exp.attachments = archival.attachments(variant.document, out.stem)
    finish = partial(_finished, exp.attachments, epoch, target, variant)
    run: AbstractContextManager[Compiled]
    if fitting is not None and fitting.tex == tex:
        run = nullcontext(fitting.run)
    else:
        run = _compile(source, options, started)
    try:
        with run as compiled:
            warnings += glyph_warnings(where, cv, [g.char for g in compiled.missing])
            warnings += overfull_warnings(where, tex, compiled.overfull)
            from build_cv.preflight import preflight

            checked = compiled.pdf
            if exp.attachments:  # the PDF/A-3's files, added to TeX's PDF and read again
                checked = compiled.build_dir / "embedded.pdf"
                checked.write_bytes(finish(compiled.pdf.read_bytes(), warnings))
            report = preflight(checked, exp)
            report.pdf = out.pdf
            pdf_bytes = checked.read_bytes()
            aux = compiled.aux
    except (TexError, TexTimeoutError) as exc:
        raise _tex_failed(exc, where, tex, warnings, out) from None
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
            _verify_reproducible(
                tex,
                epoch,
                options.timeout,
                digest,
                source.tree_free,
                options.speedups,
                source.files,
                lambda pdf: finish(pdf, warnings) if exp.attachments else pdf,
            )
        except CheckFailedError as exc:
            raise _failed(exc, warnings, out, tex, pdf_bytes) from None
    return _Pdf(tex, pdf_bytes, report, warnings, digest, epoch)


def _finished(
    files: list[Attachment],
    epoch: int,
    target: Target,
    variant: _Variant,
    pdf: bytes,
    warnings: list[Warning_],
) -> bytes:
    """TeX's PDF with the variant's files attached (pipeline/archival.py), unless a file
    it now carries shows a value the variant hides: the attachments are read back from
    the PDF itself, decoded as their formats are read."""
    finished = archival.embed(pdf, files, epoch)
    found = archival.embedded_exposures(finished, variant.secrets)
    if found:
        error = LeakError(target.outputs.pdf, target.variant, described(found))
        error.warnings = list(warnings)
        raise error
    return finished


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
    tex: str,
    epoch: int,
    timeout: float,
    digest: str,
    tree_free: bool,
    speedups: bool = True,
    files: dict[str, bytes] | None = None,
    finish: Callable[[bytes], bytes] = lambda pdf: pdf,
) -> None:
    """A second TeX run, finished as the first was (its files attached), must give the
    same bytes."""
    with compile_tex(
        tex,
        source_date_epoch=epoch,
        timeout=timeout,
        tree_free=tree_free,
        speedups=speedups,
        files=files,
    ) as again:
        second = hashlib.sha256(finish(again.pdf.read_bytes())).hexdigest()
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
