"""The pipeline: load -> validate -> render -> compile -> check -> publish.

Nothing is written to the output directory until the PDF has been compiled and checked,
so a failed build leaves the previous PDF exactly as it was. What a failure leaves for
inspection goes to `<stem>.failed.tex` / `<stem>.failed.pdf` beside it.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from build_cv.errors import (
    BuildCVError,
    CheckFailedError,
    CheckFailure,
    InputError,
    Location,
    StrictWarningsError,
    TexError,
    TexTimeoutError,
    Warning_,
)
from build_cv.formats.latex.writer import SECTION_LABEL, render_tex, source_at
from build_cv.markup import strip_markup
from build_cv.pipeline.publish import locked, publish
from build_cv.preflight import Expectations, Report, preflight
from build_cv.schema.model import CV
from build_cv.sources.validate import validate
from build_cv.sources.yaml_source import Loaded, PathKey, format_path, load_yaml
from build_cv.typeset import doctor
from build_cv.typeset.engine import DEFAULT_TIMEOUT, compile_tex
from build_cv.typeset.texlog import Overfull


@dataclass
class Limits:
    """Command-line overrides of the CV's `design.checks`; None keeps the CV's value."""

    min_pages: int | None = None
    max_pages: int | None = None
    max_size_mb: float | None = None


@dataclass
class BuildResult:
    pdf: Path
    tex: Path
    report: Report
    warnings: list[Warning_] = field(default_factory=list)
    sha256: str = ""


@dataclass(frozen=True)
class Outputs:
    """Where a build of `<stem>.yaml` writes, and where a failed one leaves its work."""

    pdf: Path
    tex: Path
    failed_pdf: Path
    failed_tex: Path

    @classmethod
    def of(cls, data: Path, out_dir: Path) -> Outputs:
        if data.stem.endswith(".failed"):
            raise InputError(
                f"{data}: a CV file name may not end in .failed (reserved for leftovers)"
            )
        stem = data.stem
        return cls(
            pdf=out_dir / f"{stem}.pdf",
            tex=out_dir / f"{stem}.tex",
            failed_pdf=out_dir / f"{stem}.failed.pdf",
            failed_tex=out_dir / f"{stem}.failed.tex",
        )


MAX_EPOCH = 253402300799  # 9999-12-31T23:59:59Z


def source_date_epoch(cv: CV) -> int:
    env = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if env:
        if not re.fullmatch(r"[0-9]{1,12}", env) or int(env) > MAX_EPOCH:
            raise InputError(
                f"SOURCE_DATE_EPOCH={env!r} is not a number of seconds from 1970 to 9999"
            )
        return int(env)
    return cv.updated_epoch


def expectations(cv: CV, limits: Limits) -> Expectations:
    checks = cv.design.checks
    return Expectations(
        min_pages=limits.min_pages or checks.min_pages,
        max_pages=limits.max_pages or checks.max_pages,
        paper=cv.design.paper,
        max_size_mb=limits.max_size_mb or checks.max_size_mb,
        name=cv.person.name,
        native_name=cv.person.native_name,
        email=cv.person.email,
        section_titles=[s.title for s in cv.sections],
        pdfa=cv.design.pdfa,
        metadata={
            "Title": cv.pdf_title,
            "Author": cv.person.name,
            "Subject": cv.subject,
            "Keywords": cv.pdf_keywords,
        },
    )


def load_cv(data: Path) -> tuple[Loaded, CV]:
    loaded = load_yaml(data)
    return loaded, validate(loaded)


def build(
    data: Path,
    out_dir: Path,
    *,
    limits: Limits | None = None,
    strict: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    verify_reproducible: bool = False,
) -> BuildResult:
    out = Outputs.of(data, out_dir)
    loaded, cv = load_cv(data)
    design, warnings = doctor.ensure(cv.design)
    cv = cv.model_copy(update={"design": design})
    epoch = source_date_epoch(cv)
    tex = render_tex(cv, epoch)
    exp = expectations(cv, limits or Limits())
    try:
        with compile_tex(tex, source_date_epoch=epoch, timeout=timeout) as compiled:
            warnings += glyph_warnings(loaded, cv, [g.char for g in compiled.missing])
            warnings += overfull_warnings(loaded, tex, compiled.overfull)
            report = preflight(compiled.pdf, exp)
            report.pdf = out.pdf
            pdf_bytes = compiled.pdf.read_bytes()
            aux = compiled.aux
    except TexError as exc:
        path = source_at(tex, exc.problem.tex_line or 0)
        if path is not None:
            exc.problem.source = f"{loaded.locate(path)} ({format_path(path)})"
        exc.tex_file = out.failed_tex
        raise _failed(exc, warnings, out, tex) from None
    except TexTimeoutError as exc:
        raise _failed(exc, warnings, out, tex) from None
    if strict and warnings:
        raise _failed(StrictWarningsError(warnings), warnings, out, tex, pdf_bytes)
    if not report.ok(strict):
        failures = [CheckFailure(r.name, r.detail()) for r in report.failed(strict)]
        error = CheckFailedError(failures)
        overflow = overflowing_section(aux, [s.title for s in cv.sections], exp.max_pages)
        error.notes += [overflow] if overflow else []
        raise _failed(error, warnings, out, tex, pdf_bytes)
    digest = hashlib.sha256(pdf_bytes).hexdigest()
    if verify_reproducible:
        try:
            _verify_reproducible(tex, epoch, timeout, digest)
        except CheckFailedError as exc:
            raise _failed(exc, warnings, out, tex, pdf_bytes) from None
    with locked(out_dir):
        publish({out.tex: tex.encode("utf-8"), out.pdf: pdf_bytes})
        out.failed_tex.unlink(missing_ok=True)
        out.failed_pdf.unlink(missing_ok=True)
    return BuildResult(out.pdf, out.tex, report, warnings, digest)


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


_LABEL = re.compile(
    r"\\newlabel\{" + re.escape(SECTION_LABEL) + r"(\d+)(-end)?\}\{\{[^{}]*\}\{(\d+)\}"
)


def overflowing_section(aux: str, titles: list[str], allowed: int | None) -> str:
    """Name the first section whose content reaches past the last allowed page."""
    if allowed is None:
        return ""
    starts: dict[int, int] = {}
    ends: dict[int, int] = {}
    for label in _LABEL.finditer(aux):
        (ends if label.group(2) else starts)[int(label.group(1))] = int(label.group(3))
    for i, title in enumerate(titles):
        if ends.get(i, 0) > allowed:
            start = starts.get(i, 0)
            where = "starts" if start > allowed else "runs"
            return (
                f"Section '{title}' (pages {start}-{ends[i]}) {where} past page {allowed}, "
                "the last allowed page."
            )
    return ""


def overfull_warnings(loaded: Loaded, tex: str, boxes: list[Overfull]) -> list[Warning_]:
    """Text TeX could not fit: past the right margin, or an entry taller than a page."""
    warnings = []
    for box in boxes:
        path = source_at(tex, box.tex_line) if box.tex_line else None
        where = f"{format_path(path)}: " if path else ""
        if box.vertical:
            what = f"an entry is taller than a page; {box.points:.0f} pt run off the bottom"
        else:
            what = f"text runs {box.points:.0f} pt past the right margin (shorten it)"
        location = _location(loaded, path) if path else None
        warnings.append(Warning_(f"{where}{what}", location))
    return warnings


def glyph_warnings(loaded: Loaded, cv: CV, chars: list[str]) -> list[Warning_]:
    """One warning per field holding characters no font has, naming field and characters."""
    chars = [ch for ch in chars if not ch.isspace()]  # icon fonts lack a space: nothing is lost
    if not chars:
        return []
    strings = list(_strings(cv.model_dump(mode="python", exclude_unset=True), ()))
    warnings, placed = [], set()
    for path, value in strings:
        here = [ch for ch in chars if ch in value]
        if not here:
            continue
        placed.update(here)
        shown = ", ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in here)
        warnings.append(
            Warning_(
                f"{format_path(path)}: no font has {shown}; missing from the PDF",
                _location(loaded, path),
            )
        )
    for ch in chars:
        if ch not in placed:
            warnings.append(Warning_(f"no font has {ch!r} (U+{ord(ch):04X})"))
    return warnings


def _location(loaded: Loaded, path: PathKey) -> Location:
    loc = loaded.locate(path)
    return Location(loc.file, loc.line, loc.column)


def _strings(node: Any, path: PathKey) -> Iterator[tuple[PathKey, str]]:
    if isinstance(node, str):
        yield path, strip_markup(node)
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from _strings(v, (*path, k))
    elif isinstance(node, list | tuple):
        for i, v in enumerate(node):
            yield from _strings(v, (*path, i))


__all__ = ["BuildCVError", "BuildResult", "Limits", "build"]
