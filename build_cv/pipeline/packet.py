"""An application packet: the CV and other PDFs (a cover letter, statements) joined into
the one file a portal's upload slot takes (docs/packet.md).

A packet is planned from the CV's `packets:` or the command line (`plan`), its CV parts
are built by the ordinary build (the command line asks the cache first), and its other
parts are read as `check` reads any PDF: bounded, refused when encrypted or carrying
active content, warned about when they have no text (`read`). `join` then puts them
together with pypdf, one top-level bookmark per part (a CV's own section bookmarks
nested under its part's), page labels per part (`Letter-1`, `CV-1`...), the budgets of
each part and of the whole checked, and the result preflighted and published like a
build's PDF. The same parts give the same bytes: the dates are the CV's
SOURCE_DATE_EPOCH and the file identifier is a hash of the parts.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

from build_cv.errors import CheckFailedError, CheckFailure, InputError, Warning_, did_you_mean
from build_cv.pipeline.archival import pdf_date
from build_cv.pipeline.plan import Outputs, check_variant, source_date_epoch
from build_cv.pipeline.publish import locked, publish
from build_cv.preflight import read_part
from build_cv.report import CheckResult, Expectations, Report
from build_cv.schema.model import CV, PacketPart
from build_cv.sources.bib_section import require_inside
from build_cv.sources.text import read_input

MAX_PART_BYTES = 64 * 2**20  # a letter or a statement is some hundred kilobytes
FULL = "full"  # a part's `variant: full`: the full CV, unless a variant has that name
CV_PART = "cv"  # `--part cv`: the CV goes here among the files


@dataclass(frozen=True)
class Part:
    """One part as planned: the CV of `variant` (`file` None), or the PDF `file`."""

    title: str
    label: str
    variant: str | None = None
    file: Path | None = None
    max_pages: int | None = None

    @property
    def named(self) -> str:
        """The part as a message names it: its title, and its file if it has one."""
        return f"{self.title} ({self.file})" if self.file else f"{self.title} (the CV)"


@dataclass(frozen=True)
class Plan:
    """A packet as the data or the command line describes it."""

    name: str | None
    parts: tuple[Part, ...]
    max_pages: int | None
    output: str
    title: str

    @property
    def variants(self) -> list[str | None]:
        """The CV variants its parts show, each once, in order (None: the full CV)."""
        found = [p.variant for p in self.parts if p.file is None]
        return list(dict.fromkeys(found))


def plan(
    data: Path,
    cv: CV,
    name: str | None,
    files: list[Path],
    variant: str | None,
    max_pages: int | None = None,
) -> Plan:
    """The packet `name` of the CV's `packets:`, or, without a name, the command line's:
    each `--part` in order, the CV (`variant`) where `--part cv` stands, else last."""
    if name is not None:
        if files or variant is not None:
            raise InputError(
                f"packet `{name}` names its own parts: leave out --part and --variant, or "
                "leave out the name to join the parts given on the command line"
            )
        return _of_data(data, cv, name, max_pages)
    if not files:
        raise InputError(_NO_PARTS + _known(cv))
    check_variant(cv, variant, all_too=False)
    cv_part = Part(_cv_title(cv), CV_LABEL, variant)
    parts = [cv_part if str(f) == CV_PART else _file_part(data, str(f)) for f in files]
    if cv_part not in parts:
        parts.append(cv_part)
    return Plan(None, tuple(parts), max_pages, f"{data.stem}-packet.pdf", _title(cv))


_NO_PARTS = (
    "a packet needs its parts: name a packet of the CV's `packets:`, or give --part FILE "
    "for each PDF to join with the CV"
)


def _known(cv: CV) -> str:
    return f" (the data defines: {', '.join(cv.packets)})" if cv.packets else ""


def _of_data(data: Path, cv: CV, name: str, max_pages: int | None) -> Plan:
    packet = cv.packets.get(name)
    if packet is None:
        did = did_you_mean(name, list(cv.packets))
        known = ", ".join(cv.packets) or "none"
        raise InputError(f"unknown packet `{name}`{did}; the data defines: {known}")
    parts = tuple(_part(data, cv, p) for p in packet.parts)
    output = packet.output or f"{data.stem}-packet-{name}.pdf"
    title = packet.title or _title(cv)
    return Plan(name, parts, max_pages or packet.max_pages, output, title)


def _part(data: Path, cv: CV, part: PacketPart) -> Part:
    if part.file is not None:
        found = _file_part(data, part.file)
        title = part.title or found.title
        return Part(title, part.label or title, file=found.file, max_pages=part.max_pages)
    name = part.variant
    variant = None if name == FULL and FULL not in cv.variants else name
    check_variant(cv, variant, all_too=False)
    title = part.title or _cv_title(cv)
    return Part(title, part.label or CV_LABEL, variant, None, part.max_pages)


def _file_part(data: Path, file: str) -> Part:
    """A PDF part, named relative to the CV's folder; its title, until one is given, is
    its file name without `.pdf`."""
    path = data.parent / file
    title = Path(file).stem or file
    return Part(title, title, file=path)


def _cv_title(cv: CV) -> str:
    return cv.subject


CV_LABEL = "CV"  # the CV part's pages are labelled CV-1, CV-2...


def _title(cv: CV) -> str:
    return f"{cv.person.name} - Application"


@dataclass
class Read:
    """A part's bytes, pages and what reading it warned about."""

    part: Part
    pdf: bytes
    pages: int
    warnings: list[Warning_] = field(default_factory=list)


def read(data: Path, part: Part, allow_outside: bool) -> Read:
    """A PDF part, read within bounds from inside the CV's folder (unless the user
    consents, as for `bib:`): missing, not a PDF or damaged is bad input (exit 2), as is
    an encrypted one; active content fails it as the `active` check fails a PDF."""
    assert part.file is not None
    if not allow_outside:
        require_inside(part.file, data)
    pdf = read_input(part.file, "the PDF part", MAX_PART_BYTES)
    facts = read_part(part.file, pdf)
    if facts.refused is not None and facts.refused.startswith("it is encrypted"):
        raise InputError(f"{part.file}: {facts.refused}; save it without a password")
    if facts.refused is not None:
        raise CheckFailedError([CheckFailure("part", f"{part.named}: {facts.refused}")])
    warnings = []
    if facts.text < 20:
        warnings.append(
            Warning_(
                f"{part.file}: no text layer ({facts.text} characters extract): a scan? "
                "portals and screen readers read nothing of it; export it from its "
                "editor, or run OCR on it"
            )
        )
    return Read(part, pdf, facts.pages, warnings)


@dataclass
class Joined:
    """The packet as written: where, its preflight report, its parts' page ranges."""

    pdf: Path
    report: Report
    sha256: str
    ranges: list[tuple[Part, int, int]]  # each part's first and last page, from 1
    warnings: list[Warning_] = field(default_factory=list)


def join(data: Path, out_dir: Path, cv: CV, packet: Plan, parts: list[Read]) -> Joined:
    """Join the parts, check the budgets and the whole, and publish the packet; nothing
    is written unless every check passes."""
    target = out_dir / packet.output
    _refuse_overwriting(target, [data, *(r.part.file for r in parts if r.part.file)])
    budgets = _budgets(packet, parts)
    epoch = source_date_epoch(cv)
    pdf = _joined(cv, packet, parts, epoch)
    with tempfile.TemporaryDirectory(prefix="build-cv-packet-") as temp:
        work = Path(temp) / packet.output
        work.write_bytes(pdf)
        from build_cv.preflight import preflight

        report = preflight(work, _expectations(cv, packet))
    with locked(out_dir):
        report.pdf = target
        report.results[1:1] = budgets
        warnings = [w for r in parts for w in r.warnings]
        if not report.ok():
            failures = [CheckFailure(r.name, r.detail()) for r in report.failed()]
            error = CheckFailedError(failures, report.pages)
            error.warnings = warnings
            unchanged = "is unchanged" if target.exists() else "was not written"
            error.notes.append(f"{target} {unchanged}.")
            raise error
        publish({target: pdf})
    ranges, at = [], 1
    for r in parts:
        ranges.append((r.part, at, at + r.pages - 1))
        at += r.pages
    return Joined(target, report, hashlib.sha256(pdf).hexdigest(), ranges, warnings)


def _refuse_overwriting(target: Path, inputs: list[Path]) -> None:
    for path in inputs:
        try:
            same = path.exists() and target.exists() and target.samefile(path)
        except OSError:
            same = False
        if same or target.resolve() == path.resolve():
            raise InputError(
                f"{target}: the packet would be written over its input {path}; "
                "choose another --out or `output:`"
            )


def _budgets(packet: Plan, parts: list[Read]) -> list[CheckResult]:
    """Each part's page budget as a check line; any over it fails the packet, named."""
    lines = []
    for r in parts:
        most = r.part.max_pages
        pages = f"{r.pages} page{'s' if r.pages != 1 else ''}"
        if most is not None and r.pages > most:
            lines.append(CheckResult("part", "fail", f"{r.part.named}: {pages}", f"at most {most}"))
        else:
            limit = f"at most {most}" if most is not None else ""
            lines.append(CheckResult("part", "pass", f"{r.part.named}: {pages}", limit))
    return lines


def _expectations(cv: CV, packet: Plan) -> Expectations:
    """What the whole must show: the applicant's name, the metadata set here, and at most
    the packet's pages. Section titles and what a variant hides are its CV part's
    build's to check; a letter may well give the phone a public CV leaves out."""
    return Expectations(
        max_pages=packet.max_pages,
        name=cv.person.name,
        metadata={"Title": packet.title, "Author": cv.person.name},
        ours=True,
    )


def _joined(cv: CV, packet: Plan, parts: list[Read], epoch: int) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.constants import PageLabelStyle
    from pypdf.generic import ArrayObject, ByteStringObject, NameObject, TextStringObject

    writer = PdfWriter()
    at = 0
    for r in parts:
        reader = PdfReader(BytesIO(r.pdf))
        writer.append(reader, import_outline=False)
        top = writer.add_outline_item(title=r.part.title, page_number=at)
        _nest(writer, reader, reader.outline, top, at)
        writer.set_page_label(at, at + r.pages - 1, PageLabelStyle.DECIMAL, f"{r.part.label}-", 1)
        at += r.pages
    date = pdf_date(epoch)
    writer.add_metadata(
        {
            "/Title": packet.title,
            "/Author": cv.person.name,
            "/Subject": f"{cv.subject}: " + ", ".join(r.part.title for r in parts),
            "/Keywords": ", ".join(str(k) for k in cv.keywords) or cv.subject,
            "/Creator": "build-cv packet",
            "/Producer": "pypdf",
            "/CreationDate": date,
            "/ModDate": date,
        }
    )
    root: Any = writer.root_object
    root[NameObject("/Lang")] = TextStringObject(cv.design.language)
    root[NameObject("/PageMode")] = NameObject("/UseOutlines")  # open on the bookmarks
    digest = hashlib.md5(b"".join(hashlib.sha256(r.pdf).digest() for r in parts)).digest()
    writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _nest(writer: Any, reader: Any, items: list[Any], parent: Any, at: int, depth: int = 0) -> None:
    """A part's own bookmarks under its part's, each pointing at its page in the packet.

    pypdf's own import keeps a bookmark's named destination, and two parts made by TeX
    name theirs alike (`section.1`): every CV's sections would open the first part's."""
    last = parent
    for item in items:
        if isinstance(item, list):
            if depth < 8:
                _nest(writer, reader, item, last, at, depth + 1)
            continue
        try:
            page = reader.get_destination_page_number(item)
        except Exception:  # a bookmark to nowhere (or damaged): left out
            continue
        if page is None or page < 0:
            continue
        last = writer.add_outline_item(
            title=str(item.title or ""), page_number=at + page, parent=parent
        )


def cv_output(data: Path, out_dir: Path, variant: str | None) -> Path:
    """Where the ordinary build writes the CV part of `variant`."""
    return Outputs.of(data, out_dir, variant).pdf


def built(part: Part, pdf: bytes) -> Read:
    """A CV part, as its build checked and wrote it."""
    from pypdf import PdfReader

    return Read(part, pdf, len(PdfReader(BytesIO(pdf)).pages))
