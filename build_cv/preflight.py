"""Preflight a PDF the way job portals will judge it, before the applicant uploads it.

Portals (Interfolio, AcademicJobsOnline, university and grant systems) reject or mangle
PDFs with unembedded or bitmap fonts, unextractable text, encryption, portfolios, wrong
paper, too many pages or too many bytes, and never say why. Each check here reports the
value found and the limit, works on any PDF, and only reads the file.
"""

from __future__ import annotations

import html
import os
import re
import stat
import tempfile
import unicodedata
import zlib
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import unquote

from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    StreamObject,
)

from build_cv import pdfium
from build_cv.errors import InputError, shorten
from build_cv.exposure import View, described, find, searchable
from build_cv.report import Attachment, CheckResult, Expectations, Report, Status
from build_cv.sources.text import open_input
from build_cv.uri import URI

__all__ = ["CheckResult", "Expectations", "Report", "Status", "preflight"]

PAPER_SIZES = {"a4": (595.28, 841.89), "letter": (612.0, 792.0)}
BASE14 = {
    "Courier",
    "Courier-Bold",
    "Courier-Oblique",
    "Courier-BoldOblique",
    "Helvetica",
    "Helvetica-Bold",
    "Helvetica-Oblique",
    "Helvetica-BoldOblique",
    "Times-Roman",
    "Times-Bold",
    "Times-Italic",
    "Times-BoldItalic",
    "Symbol",
    "ZapfDingbats",
}
_SUBSET = re.compile(r"^[A-Z]{6}\+")


def preflight(pdf: Path, exp: Expectations, source: BinaryIO | None = None) -> Report:
    """Check `pdf`; read from `source` instead when given (standard input, shown as `pdf`).

    Standard input, when a pipe, is copied to a temporary file first, since a PDF is read
    from its end; a named file must be a regular file.
    """
    with _opened(pdf, source) as (file, size):
        return _preflight(pdf, file, size, exp)


MAX_STREAMED = 1_000_000_000  # a PDF read from a pipe is copied to disk, up to this size


@contextmanager
def _opened(pdf: Path, source: BinaryIO | None) -> Iterator[tuple[BinaryIO, int]]:
    with ExitStack() as stack:
        if source is None:
            source = stack.enter_context(_open(pdf))
        if source.seekable() and stat.S_ISREG(os.fstat(source.fileno()).st_mode):
            file, size = source, os.fstat(source.fileno()).st_size
        else:
            file = stack.enter_context(tempfile.TemporaryFile(prefix="build-cv-check-"))
            size = _copy(pdf, source, file)
        file.seek(0)
        if b"%PDF-" not in file.read(1024):
            raise InputError(f"{pdf}: not a PDF (no %PDF- header)")
        file.seek(0)
        yield file, size


def _open(pdf: Path) -> BinaryIO:
    """A named PDF must be a regular file: a FIFO with no writer made `check` wait forever,
    and a device is no PDF. A pipe is read from standard input (`check - < cv.pdf`)."""
    return open_input(pdf, "the PDF", MAX_STREAMED)


def _copy(pdf: Path, source: BinaryIO, target: BinaryIO) -> int:
    size = 0
    try:
        while chunk := source.read(1 << 20):
            size += len(chunk)
            if size > MAX_STREAMED:
                raise InputError(f"{pdf}: over {MAX_STREAMED // 1_000_000} MB; not a CV")
            target.write(chunk)
    except OSError as exc:
        raise InputError(f"{pdf}: cannot read: {exc.strerror}") from None
    return size


def _preflight(pdf: Path, file: BinaryIO, size: int, exp: Expectations) -> Report:
    results = [_check_size(size, exp)]
    try:
        reader = PdfReader(file)
    except Exception as exc:  # pypdf raises many kinds of error on damaged files
        results.append(_damaged("structure", exc))
        return Report(pdf, results)
    encryption = _guarded("encryption", lambda: [_check_encryption(reader)])
    results += _guarded("version", lambda: [_check_version(reader)]) + encryption
    if encryption[0].status == "fail" and not _try_decrypt(reader):
        results.append(CheckResult("content", "fail", "not checked: the file is encrypted"))
        return Report(pdf, results)
    streams = _guarded("streams", lambda: [_check_streams(reader)])
    results += streams
    if streams[0].status == "fail":  # nothing below may inflate a stream past the budget
        return Report(pdf, results)
    pages = _PageTexts(file)
    checks: list[tuple[str, Callable[[], list[CheckResult]]]] = [
        ("structure", lambda: [_check_structure(reader)]),
        ("pages", lambda: [_check_pages(reader, exp)]),
        ("paper", lambda: [_check_paper(reader, exp)]),
        ("fonts", lambda: _check_fonts(reader)),
        ("text", lambda: [_check_text(pages.text(), exp)]),
        ("metadata", lambda: [_check_metadata(reader, exp)]),
        ("links", lambda: [_check_links(reader)]),
        ("active", lambda: [_check_active(reader, exp)]),
        ("bounds", lambda: [_check_bounds(pages)]),
        ("blank", lambda: [_check_blank_pages(reader, pages)]),
        ("tounicode", lambda: [_check_tounicode(reader)]),
        ("codepoints", lambda: [_check_codepoints(reader)]),
        ("bookmarks", lambda: [_check_bookmarks(reader, exp)]),
        ("language", lambda: [_check_language(reader, exp)]),
    ]
    if exp.pdfa:
        checks.append(("pdfa", lambda: [_check_pdfa(reader, exp)]))
        checks.append(("pdfa-valid", lambda: [_check_pdfa_valid(file, reader)]))
        checks.append(("pdfua", lambda: [_check_pdfua(file)]))
    if exp.hidden:
        checks.append(("hidden", lambda: [_check_hidden(reader, pages, exp)]))
    for name, check in checks:
        results += _guarded(name, check)
    return Report(pdf, results, _page_count(reader))


@dataclass
class Part:
    """A PDF to be joined into a packet, as `check` reads it: its pages, how much text
    it has, and why it may not be joined (None: it may)."""

    pages: int
    text: int  # characters of extractable text
    refused: str | None = None


def read_part(pdf: Path, data: bytes) -> Part:
    """`data`, the bytes of `pdf`, read within the preflight's bounds. A file that is not
    a readable PDF is an InputError naming it; an encrypted one, a decompression bomb or
    one with active content is `refused`, said as `check` says it."""
    if b"%PDF-" not in data[:1024]:
        raise InputError(f"{pdf}: not a PDF (no %PDF- header)")
    try:
        reader = PdfReader(BytesIO(data))
        pages = len(reader.pages)
    except Exception as exc:  # pypdf raises many kinds of error on damaged files
        raise InputError(f"{pdf}: not a readable PDF ({_damaged('', exc).value})") from None
    if reader.is_encrypted:
        return Part(pages, 0, "it is encrypted (a packet cannot open it, nor can portals)")
    (streams,) = _guarded("streams", lambda: [_check_streams(reader)])
    if streams.status == "fail":  # nothing below may inflate a stream past the budget
        return Part(pages, 0, f"streams: {streams.value}")
    (active,) = _guarded("active", lambda: [_check_active(reader)])
    if active.status == "fail":
        return Part(pages, 0, f"active content: {active.value}")
    text = normalize(_PageTexts(BytesIO(data)).text())
    return Part(pages, len(text))


def _page_count(reader: PdfReader) -> int | None:
    try:
        return len(reader.pages)
    except Exception:  # a damaged page tree: the pages check already failed
        return None


class _Refused(Exception):
    """The file is past a bound the preflight keeps to (pages read, bytes inflated)."""


def _guarded(name: str, check: Callable[[], list[CheckResult]]) -> list[CheckResult]:
    try:
        return check()
    except _Refused as exc:
        return [CheckResult(name, "fail", f"not read: {exc}")]
    except Exception as exc:  # a damaged file fails its check; it never crashes the preflight
        return [_damaged(name, exc)]


def _damaged(name: str, exc: Exception) -> CheckResult:
    detail = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
    return CheckResult(name, "fail", f"unreadable, the PDF is damaged ({detail})")


PORTAL_SIZE_MB = 2.5


def _check_size(size: int, exp: Expectations) -> CheckResult:
    mb = size / 1_000_000
    shown = f"{size / 1000:.0f} kB" if mb < 1 else f"{mb:.1f} MB"
    if mb > exp.max_size_mb:
        return CheckResult("size", "fail", shown, f"at most {exp.max_size_mb:g} MB allowed")
    if mb > PORTAL_SIZE_MB:
        return CheckResult("size", "warn", shown, f"Greenhouse parses at most {PORTAL_SIZE_MB} MB")
    return CheckResult("size", "pass", shown, f"at most {exp.max_size_mb:g} MB allowed")


def _check_version(reader: PdfReader) -> CheckResult:
    version = reader.pdf_header.removeprefix("%PDF-")
    if not re.fullmatch(r"\d\.\d", version):
        return CheckResult("version", "fail", f"no valid PDF header ({reader.pdf_header!r})")
    try:
        catalog = str(_dict(reader.trailer["/Root"]).get("/Version", "")).lstrip("/")
    except (PdfReadError, KeyError, ValueError):
        catalog = ""
    if re.fullmatch(r"\d\.\d", catalog) and catalog > version:
        version = catalog  # the catalog's /Version overrides an older header
    status: Status = "pass" if version <= "1.7" else "warn"
    return CheckResult("version", status, f"PDF {version}", "1.4 to 1.7 is safest for portals")


def _check_encryption(reader: PdfReader) -> CheckResult:
    if reader.is_encrypted:
        return CheckResult("encryption", "fail", "the file is encrypted", "portals need it open")
    return CheckResult("encryption", "pass", "not encrypted")


def _try_decrypt(reader: PdfReader) -> bool:
    try:
        return bool(reader.decrypt(""))
    except Exception:
        return False


def _root(reader: PdfReader) -> DictionaryObject:
    root = _resolve(reader.trailer["/Root"])
    if not isinstance(root, DictionaryObject):
        raise ValueError("the catalog is not a dictionary")
    return root


def _check_structure(reader: PdfReader) -> CheckResult:
    root = _root(reader)
    if "/Collection" in root:
        return CheckResult("structure", "fail", "a PDF portfolio (collection)", "a plain PDF")
    return CheckResult("structure", "pass", "a plain PDF document")


# --- what one PDF may cost ----------------------------------------------------------------
# A PDF of one megabyte can hold a stream that inflates to a gigabyte, or a page content
# that a thousand pages share. Every check that reads text (PDFium, pypdf's extraction,
# the XMP, the fonts' maps) inflates streams, so before any of them runs, what reading the
# file would inflate is measured, without keeping the bytes, and a file past the budget is
# refused: a CV inflates to a few megabytes.

MAX_INFLATED = 100_000_000  # bytes: every stream once, plus each page's content per page
MAX_OBJECTS = 200_000
MAX_PAGES_READ = 500
_CHUNK = 1 << 20
_FEED = 1 << 16
_FLATE = ("/FlateDecode", "/Fl")
# Only a renderer decodes images; no check here does (PNG pages are drawn only from a PDF
# this tool made and checked).
_IMAGE_FILTERS = {"/DCTDecode", "/DCT", "/JPXDecode", "/JBIG2Decode", "/CCITTFaxDecode", "/CCF"}


def _objects(reader: PdfReader) -> Iterator[tuple[int, Any]]:
    """Every indirect object of the file with its number, each once; a damaged one is
    skipped (the check that needs it says so)."""
    numbers = [(n, g) for g, table in reader.xref.items() for n in table]
    numbers += [(n, 0) for n in reader.xref_objStm]
    if len(numbers) > MAX_OBJECTS:
        raise _Refused(f"{len(numbers):,} objects, over the {MAX_OBJECTS:,} a CV could need")
    seen: set[int] = set()
    for number, generation in numbers:
        if number in seen:
            continue
        seen.add(number)
        try:
            obj = reader.get_object(IndirectObject(number, generation, reader))
        except Exception:
            continue
        yield number, obj


def _filters(stream: StreamObject) -> list[str]:
    found = _resolve(stream.get("/Filter"))
    items = _list(found) if isinstance(found, ArrayObject) else [found] if found else []
    return [str(_resolve(f)) for f in items]


def _inflated_size(stream: StreamObject, budget: int) -> int:
    """How many bytes `stream` decodes to, counted without keeping them; past `budget`
    the count stops (the caller only needs to know it is too many)."""
    raw: bytes = getattr(stream, "_data", b"")
    filters = _filters(stream)
    if not filters or set(filters) & _IMAGE_FILTERS:
        return len(raw)
    if len(filters) == 1 and filters[0] in _FLATE:
        return _flate_size(raw, budget)
    from pypdf.filters import decode_stream_data

    try:  # a rare chain (LZW, run-length, ASCII85): pypdf's own output limits hold
        return len(decode_stream_data(stream))
    except Exception:
        return budget + 1


def _flate_size(raw: bytes | memoryview, budget: int) -> int:
    """The inflated size of the Flate data at the start of `raw`, fed in small pieces:
    inline image data runs on into the rest of its page, which must not be copied."""
    inflate = zlib.decompressobj()
    view = memoryview(raw)
    total = pos = 0
    try:
        while not inflate.eof and total <= budget:
            data: bytes | memoryview = inflate.unconsumed_tail
            if not data:
                data, pos = view[pos : pos + _FEED], pos + _FEED
            chunk = inflate.decompress(data, _CHUNK)
            total += len(chunk)
            if not chunk and not inflate.unconsumed_tail and pos >= len(view):
                break
    except zlib.error:  # damaged: readers stop where it breaks, and so does the count
        pass
    return total


# Inline images (BI ... ID data EI) sit inside a page's content, and a reader inflates
# each while it parses the page, however small the image says it is.
_INLINE = re.compile(rb"(?<![^\s])BI(?=[\s/])")
_INLINE_DATA = re.compile(rb"\sID\s")
_INLINE_FLATE = re.compile(rb"/(?:Fl|FlateDecode)\b")
MAX_INLINE_IMAGES = 1000


def _inline_images_size(content: bytes, budget: int) -> int:
    total = 0
    for count, start in enumerate(_INLINE.finditer(content), 1):
        data = _INLINE_DATA.search(content, start.end())
        if data is None:
            break
        if count > MAX_INLINE_IMAGES:
            return budget + 1
        if _INLINE_FLATE.search(content, start.end(), data.start()):
            total += _flate_size(memoryview(content)[data.end() :], budget - total)
        if total > budget:
            break
    return total


_FONT_PROGRAM = ("/Length1", "/Length2", "/Length3")


def _readable(stream: StreamObject) -> bool:
    """A stream that may hold text: not an image, not a font program."""
    if str(stream.get("/Subtype")) == "/Image" or any(k in stream for k in _FONT_PROGRAM):
        return False
    return not set(_filters(stream)) & _IMAGE_FILTERS


def _decoded(stream: StreamObject) -> bytes:
    from pypdf.filters import decode_stream_data

    if not _filters(stream):
        return bytes(getattr(stream, "_data", b""))
    try:
        return decode_stream_data(stream)
    except Exception:  # damaged or unsupported: nothing readable in it
        return b""


def _page_streams(page: Any) -> Iterator[int]:
    """The streams a reader inflates again for each page that uses them: its contents
    and the form XObjects it draws (fonts and images are kept across pages)."""
    contents = page.get("/Contents")
    for ref in [contents] if isinstance(contents, IndirectObject) else _list(contents):
        if isinstance(ref, IndirectObject):
            yield ref.idnum
    todo, seen = [(page.get("/Resources"), 0)], 0
    while todo and seen < _MAX_ACTIONS:
        resources, depth = todo.pop()
        seen += 1
        for ref in _dict(_dict(resources).get("/XObject")).values():
            form = _dict(ref)
            if isinstance(ref, IndirectObject) and str(form.get("/Subtype")) == "/Form":
                yield ref.idnum
                if depth < 8:
                    todo.append((form.get("/Resources"), depth + 1))


def _check_streams(reader: PdfReader) -> CheckResult:
    limit = f"at most {MAX_INFLATED // 1_000_000} MB inflated"
    sizes: dict[int, int] = {}
    total = 0
    readable: list[tuple[int, StreamObject]] = []
    for number, obj in _objects(reader):
        if isinstance(obj, StreamObject):
            sizes[number] = _inflated_size(obj, MAX_INFLATED - total)
            total += sizes[number]
            if total > MAX_INFLATED:
                return _bomb(f"object {number} inflates past {MAX_INFLATED // 1_000_000} MB", limit)
            if _readable(obj):
                readable.append((number, obj))
    for number, obj in readable:  # within the budget now, so safe to decode
        inline = _inline_images_size(_decoded(obj), MAX_INFLATED - total)
        sizes[number] += inline  # inflated again on each page that draws it
        total += inline
        if total > MAX_INFLATED:
            return _bomb(f"an inline image in object {number} inflates past the budget", limit)
    pages = len(reader.pages)
    if pages > MAX_PAGES_READ:
        shown = f"{pages:,} pages, over the {MAX_PAGES_READ} the preflight reads"
        return CheckResult("streams", "fail", shown, limit)
    for page in reader.pages:
        total += sum(sizes.get(n, 0) for n in _page_streams(page))
        if total > MAX_INFLATED:
            return _bomb("its pages share content that inflates past the budget", limit)
    streams = f"{len(sizes)} stream{'s' if len(sizes) != 1 else ''}"
    return CheckResult("streams", "pass", f"{streams}, {_shown_size(total)} inflated", limit)


def _bomb(what: str, limit: str) -> CheckResult:
    return CheckResult("streams", "fail", f"{what}: a decompression bomb, not read further", limit)


def _shown_size(size: int) -> str:
    return f"{size / 1000:.0f} kB" if size < 1_000_000 else f"{size / 1_000_000:.1f} MB"


def _check_pages(reader: PdfReader, exp: Expectations) -> CheckResult:
    n = len(reader.pages)
    noun = "page" if n == 1 else "pages"
    if exp.max_pages is not None and n > exp.max_pages:
        return CheckResult("pages", "fail", f"{n} {noun}", f"at most {exp.max_pages} allowed")
    if n < exp.min_pages:
        return CheckResult("pages", "fail", f"{n} {noun}", f"at least {exp.min_pages} required")
    limit = f"{exp.min_pages} to {exp.max_pages} allowed" if exp.max_pages else ""
    return CheckResult("pages", "pass", f"{n} {noun}", limit)


def paper_name(width: float, height: float) -> str:
    for name, (w, h) in PAPER_SIZES.items():
        if abs(width - w) < 2 and abs(height - h) < 2:
            return name
    return f"{width:.0f}x{height:.0f} pt"


def _check_paper(reader: PdfReader, exp: Expectations) -> CheckResult:
    sizes = []
    for page in reader.pages:
        box = page.mediabox
        w, h = float(box.width), float(box.height)
        if int(page.get("/Rotate", 0) or 0) % 180:
            w, h = h, w
        sizes.append(paper_name(w, h))
    found = sorted(set(sizes))
    shown = ", ".join(s if s.endswith("pt") else s.upper() for s in found)
    if exp.paper is None:
        return CheckResult("paper", "pass" if len(found) == 1 else "warn", shown)
    want = exp.paper.upper()
    if found != [exp.paper]:
        return CheckResult("paper", "fail", shown, f"{want} expected on every page")
    return CheckResult("paper", "pass", shown, f"{want} expected")


def _fonts(reader: PdfReader) -> Iterator[DictionaryObject]:
    seen: set[int] = set()

    def walk(resources: Any, depth: int = 0) -> Iterator[DictionaryObject]:
        resources = _dict(resources)
        if depth > 8:
            return
        for ref in _dict(resources.get("/Font")).values():
            font = _resolve(ref)
            key = id(font) if not isinstance(ref, IndirectObject) else ref.idnum
            if key in seen or not isinstance(font, DictionaryObject):
                continue
            seen.add(key)
            yield font
            for desc in _list(font.get("/DescendantFonts")):
                if isinstance(_resolve(desc), DictionaryObject):
                    yield _resolve(desc)
            yield from walk(font.get("/Resources"), depth + 1)
        for xobj in _dict(resources.get("/XObject")).values():
            yield from walk(_dict(xobj).get("/Resources"), depth + 1)

    for page in reader.pages:
        yield from walk(page.get("/Resources"))


def _resolve(obj: Any) -> Any:
    """The object itself (indirect references followed); a PDF null is None."""
    obj = obj.get_object() if isinstance(obj, IndirectObject) else obj
    return None if isinstance(obj, NullObject) else obj


def _dict(obj: Any) -> DictionaryObject:
    obj = _resolve(obj)
    return obj if isinstance(obj, DictionaryObject) else DictionaryObject()


def _list(obj: Any) -> list[Any]:
    obj = _resolve(obj)
    return list(obj) if isinstance(obj, ArrayObject) else []


def _check_fonts(reader: PdfReader) -> list[CheckResult]:
    unembedded, type3, unsubset, names = [], [], [], set()
    for font in _fonts(reader):
        subtype = str(font.get("/Subtype", ""))
        base = str(font.get("/BaseFont") or font.get("/Name") or "(unnamed Type 3)").lstrip("/")
        if subtype == "/Type0":
            continue  # judged through its descendant
        names.add(base)
        if subtype == "/Type3":
            type3.append(base)
            continue
        desc = _resolve(font.get("/FontDescriptor"))
        embedded = isinstance(desc, DictionaryObject) and any(
            k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")
        )
        if not embedded:
            unembedded.append(base)
        elif not _SUBSET.match(base) and base not in BASE14:
            unsubset.append(base)
    results = []
    if unembedded:
        results.append(
            CheckResult(
                "fonts",
                "fail",
                f"not embedded: {', '.join(sorted(set(unembedded)))}",
                "every font must be embedded",
            )
        )
    elif unsubset:
        results.append(
            CheckResult(
                "fonts",
                "warn",
                f"embedded but not subset: {', '.join(sorted(unsubset))}",
                "subset fonts keep files small",
            )
        )
    else:
        results.append(CheckResult("fonts", "pass", f"all {len(names)} fonts embedded"))
    if type3:
        results.append(
            CheckResult(
                "type3",
                "fail",
                f"Type 3 bitmap fonts: {', '.join(sorted(set(type3)))}",
                "outline fonts only",
            )
        )
    else:
        results.append(CheckResult("type3", "pass", "no Type 3 bitmap fonts"))
    return results


_PLAIN_QUOTES = str.maketrans({"’": "'", "‘": "`", "“": '"', "”": '"', "\u00a0": " "})


def normalize(text: str) -> str:
    """Extraction-friendly form: compatibility forms folded, quotes plain, spaces collapsed,
    invisible format characters (soft hyphen, zero-width space, joiners) dropped."""
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():  # no format character is ASCII: skip the per-character look-up
        text = "".join(ch for ch in text if ch < "\x80" or unicodedata.category(ch) != "Cf")
    text = text.translate(_PLAIN_QUOTES)
    return " ".join(text.split())


def _searchable(text: str) -> str:
    """Spaces and hyphens dropped: a line may break at a hyphen or hyphenate a word."""
    return _unbroken(normalize(text))


def _unbroken(normalized: str) -> str:
    """`_searchable` of text that is normalized already (the whole document's, once)."""
    return normalized.replace(" ", "").replace("-", "")


def extract_text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _check_text(extracted: str, exp: Expectations) -> CheckResult:
    text = normalize(extracted)
    if len(text) < 20:
        return CheckResult("text", "fail", "no extractable text", "portals parse the text")
    wanted = [s for s in [exp.name, exp.native_name, exp.email, *exp.section_titles] if s]
    flat = _unbroken(text)
    missing = [s for s in wanted if _searchable(s) not in flat]
    if missing:
        return CheckResult(
            "text",
            "fail",
            f"missing from the text: {'; '.join(missing)}",
            "name, email and every section title must be extractable",
        )
    disorder = _out_of_order(extracted, flat, exp)
    if disorder:
        return CheckResult("text", "fail", disorder, "the text must extract in reading order")
    found = f"{len(text)} characters extractable"
    if wanted:
        found += f"; name, email and {len(exp.section_titles)} section titles found"
    if exp.leading_name and not flat.startswith(_searchable(exp.leading_name)):
        first = normalize(_first_line(extracted))
        return CheckResult(
            "text", "warn", f"{found}; the first line reads {first!r}", "the name alone on it"
        )
    return CheckResult("text", "pass", found)


def _first_line(extracted: str) -> str:
    lines = extracted.strip().splitlines()
    return lines[0] if lines else ""


def _out_of_order(extracted: str, flat: str, exp: Expectations) -> str | None:
    """Where the extracted text leaves the printed order: parsers take its first line for
    the name and file what follows a heading under it. The name may share its line with
    other text (fancy's header with only the date beside it reads `Last updated: Ada
    Lovelace`), which is a warning; a line before the name's is a failure."""
    name = _searchable(exp.leading_name or "")
    if name and not flat.startswith(name) and name not in _searchable(_first_line(extracted)):
        return f"the text does not begin with the name {exp.leading_name!r}"
    at = 0
    for before, title in zip([None, *exp.section_titles], exp.section_titles, strict=False):
        found = flat.find(_searchable(title), at)
        if found < 0:
            return f"section {title!r} extracts before {before!r}"
        at = found + len(_searchable(title))
    return None


OUR_CREATOR = "build-cv"


def _ours(reader: PdfReader, exp: Expectations) -> bool:
    """Whether build-cv made the PDF (checked against CV data, or its Creator says so):
    it sets Subject, Keywords and /Lang, so their absence is a fault, not a choice."""
    if exp.ours:
        return True
    info: Any = reader.metadata or {}
    return str(info.get("/Creator", "") or "").startswith(OUR_CREATOR)


def _check_metadata(reader: PdfReader, exp: Expectations) -> CheckResult:
    info: Any = reader.metadata or {}
    got = {
        k: str(info.get(f"/{k}", "") or "")
        for k in ("Title", "Author", "Subject", "Keywords", "Creator", "Producer")
    }
    required = ["Title", "Author"]
    ours = _ours(reader, exp)
    optional = [] if ours else ["Subject", "Keywords"]
    required += [] if optional else ["Subject", "Keywords"]
    problems = [f"{k} is empty" for k in required if not got[k]]
    for key, want in exp.metadata.items():
        if got.get(key) and normalize(got[key]) != normalize(want):
            problems.append(f"{key} is {got[key]!r}, expected {want!r}")
    if problems:
        hint = "set from the CV data" if exp.ours else "portals show and index them"
        return CheckResult("metadata", "fail", "; ".join(problems), hint)
    gaps = [f"{k} is empty" for k in optional if not got[k]]
    if gaps:
        return CheckResult("metadata", "warn", "; ".join(gaps), "portals index them")
    shown = f"Title {got['Title']!r}, Author {got['Author']!r}"
    extra = [f"{k} {got[k]!r}" for k in ("Creator", "Producer") if got[k]]
    return CheckResult("metadata", "pass", ", ".join([shown, *extra]))


def _check_links(reader: PdfReader) -> CheckResult:
    bad, count = [], 0
    for page in reader.pages:
        for annot in _list(page.get("/Annots")):
            annot = _dict(annot)
            if str(annot.get("/Subtype")) != "/Link":
                continue
            action = _dict(annot.get("/A"))
            kind = str(action.get("/S", ""))
            if kind == "/URI":  # other actions are judged by the `active` check
                count += 1
                uri = str(action.get("/URI", ""))
                if not URI.match(uri):
                    bad.append(uri)
    if bad:
        return CheckResult(
            "links",
            "fail",
            f"malformed: {', '.join(map(repr, bad[:5]))}",
            "http(s)://, mailto: or tel: URIs",
        )
    return CheckResult("links", "pass", f"{count} link(s), all well-formed")


# Actions that run something, open another file or send data; each is named when found.
_RUNS = {
    "/JavaScript": "JavaScript",
    "/Launch": "a Launch action (runs a program)",
    "/GoToR": "a GoToR action (opens another file)",
    "/GoToE": "a GoToE action (opens an embedded file)",
    "/SubmitForm": "a SubmitForm action (sends form data)",
    "/ImportData": "an ImportData action (reads a file)",
    "/ResetForm": "a ResetForm action",
    "/Rendition": "a Rendition action (media, may run JavaScript)",
    "/RichMediaExecute": "a RichMediaExecute action",
    "/Sound": "a Sound action (plays media)",
    "/Movie": "a Movie action (plays media)",
}
# Not here, as they neither run nor load anything: GoTo, Named, Thread, Hide (shows or
# hides an annotation), SetOCGState (switches a layer), Trans, GoTo3DView (a 3D view of a
# 3D annotation, which fails on its own), URI to http(s), mailto or tel.
_SCRIPT_SCHEMES = ("javascript", "vbscript")  # URIs that run what follows in the reader
_MAX_ACTIONS = 1000  # a chain of /Next actions may loop or be huge
_MAX_BOOKMARKS = 10_000  # no CV has more; more is not checked, and so fails
# Annotations that carry a file, media or a model; each is named when found.
_EMBEDDING = {
    "FileAttachment": "an embedded file (FileAttachment annotation",
    "RichMedia": "rich media (RichMedia annotation",
    "Movie": "a movie (Movie annotation",
    "Sound": "a sound (Sound annotation",
    "Screen": "media (Screen annotation",
    "3D": "a 3D model (3D annotation",
}


def _actions(obj: Any) -> Iterator[DictionaryObject]:
    """An action and every action its /Next chain leads to, each once."""
    todo: list[Any] = [obj]
    seen: set[int] = set()
    while todo and len(seen) < _MAX_ACTIONS:
        item = todo.pop()
        key = item.idnum if isinstance(item, IndirectObject) else id(item)
        resolved = _resolve(item)
        if key in seen:
            continue
        seen.add(key)
        if isinstance(resolved, ArrayObject):
            todo.extend(resolved)
        elif isinstance(resolved, DictionaryObject):
            yield resolved
            if "/Next" in resolved:
                todo.append(resolved["/Next"])


def _judge(action: Any, where: str) -> list[str]:
    found = []
    for act in _actions(action):
        kind = str(act.get("/S", ""))
        if kind in _RUNS:
            found.append(f"{_RUNS[kind]} in {where}")
        elif "/JS" in act:
            found.append(f"JavaScript in {where}")
        elif kind == "/URI" and (scheme := _scheme(act.get("/URI"))) in _SCRIPT_SCHEMES:
            found.append(f"a {scheme}: URI (runs a script) in {where}")
        elif kind == "/URI" and scheme == "file":
            found.append(f"a file: URI in {where}")
    return found


def _scheme(uri: Any) -> str:
    """The scheme of a URI as a reader takes it: case, blanks and control characters
    anywhere in it ignored (a browser drops a tab or newline inside a URL, so
    `java\tscript:` runs as `javascript:`)."""
    uri = _resolve(uri)
    text = uri.decode("latin-1") if isinstance(uri, bytes) else str(uri or "")
    scheme, colon, _ = re.sub(r"[\x00-\x20\x7f]+", "", text).partition(":")
    return scheme.lower() if colon else ""


def _bookmarks(root: DictionaryObject) -> Iterator[DictionaryObject | None]:
    """Every bookmark of the outline, each once, however its /First and /Next links loop
    or nest; None after _MAX_BOOKMARKS of them, when the rest goes unchecked."""
    todo: list[Any] = [_dict(root.get("/Outlines")).get("/First")]
    seen: set[int] = set()
    while todo:
        item = todo.pop()
        key = item.idnum if isinstance(item, IndirectObject) else id(item)
        bookmark = _resolve(item)
        if key in seen or not isinstance(bookmark, DictionaryObject):
            continue
        if len(seen) == _MAX_BOOKMARKS:
            yield None
            return
        seen.add(key)
        yield bookmark
        todo += [bookmark[k] for k in ("/Next", "/First") if k in bookmark]


def _bookmark_actions(root: DictionaryObject) -> list[str]:
    """A bookmark runs its /A when clicked, as a link does: the same actions are judged."""
    found: list[str] = []
    for bookmark in _bookmarks(root):
        if bookmark is None:
            return [*found, f"more than {_MAX_BOOKMARKS} bookmarks (not all checked)"]
        title = str(bookmark.get("/Title", ""))
        shown = repr(title if len(title) <= 40 else title[:39] + "…")
        found += _judge(bookmark.get("/A"), f"the bookmark {shown}")
    return found


def _additional(aa: Any, where: str) -> list[str]:
    """Additional actions (/AA): triggers such as page open or document close."""
    found = []
    for trigger, action in _dict(aa).items():
        found += _judge(action, f"{where} (/AA {trigger})")
    return found


def _associated(owner: DictionaryObject, where: str) -> list[str]:
    """Associated files (/AF, PDF 2.0 and PDF/A-3): files carried inside the PDF."""
    files = _resolve(owner.get("/AF"))
    if isinstance(files, ArrayObject | DictionaryObject):
        return [f"associated files (/AF) of {where}"]
    return []


def _only_ours(root: DictionaryObject, expected: list[Attachment]) -> bool:
    """Whether the document's embedded and associated files are exactly `expected`: one
    flat name tree and one /AF array naming the same file specifications, each with the
    expected name, MIME type and relationship, and the expected bytes."""
    tree = _dict(_dict(root.get("/Names")).get("/EmbeddedFiles"))
    if set(tree) - {"/Names"}:  # /Kids or /Limits: not the flat tree build-cv writes
        return False
    pairs = _list(tree.get("/Names"))
    named = {str(_resolve(k)): v for k, v in zip(pairs[::2], pairs[1::2], strict=False)}
    associated = _list(root.get("/AF"))
    want = {a.name: a for a in expected}
    if len(pairs) != 2 * len(want) or set(named) != set(want) or len(associated) != len(want):
        return False
    refs = {v.idnum for v in named.values() if isinstance(v, IndirectObject)}
    if {r.idnum for r in associated if isinstance(r, IndirectObject)} != refs or len(refs) != len(
        want
    ):
        return False
    return all(_is_file(_dict(named[name]), item) for name, item in want.items())


def _is_file(spec: DictionaryObject, item: Attachment) -> bool:
    ef = _dict(spec.get("/EF"))
    streams = {id(_resolve(v)) for v in ef.values()}
    stream = _resolve(ef.get("/F"))
    return (
        str(spec.get("/Type")) == "/Filespec"
        and str(spec.get("/F")) == str(spec.get("/UF")) == item.name
        and str(spec.get("/AFRelationship")) == f"/{item.relationship}"
        and set(ef) <= {"/F", "/UF"}
        and len(streams) == 1
        and "/RF" not in spec
        and isinstance(stream, StreamObject)
        and str(stream.get("/Subtype")) == f"/{item.mime}"
        and _decoded(stream) == item.data
    )


def _form_fields(fields: Any) -> Iterator[DictionaryObject]:
    todo, seen = list(_list(fields)), 0
    while todo and seen < _MAX_ACTIONS:
        field_ = _dict(todo.pop())
        seen += 1
        yield field_
        todo.extend(_list(field_.get("/Kids")))


def _check_active(reader: PdfReader, exp: Expectations | None = None) -> CheckResult:
    """Portals and readers treat scripts, launches and attachments as malware, and a CV
    needs none: links to web pages and mail addresses are the only actions it has. The
    one exception is our own PDF/A-3 (`design.embed_data`): the files `exp` names, byte
    for byte, as the document's associated files, and nothing else."""
    root = _root(reader)
    found = []
    names = _dict(root.get("/Names"))
    if "/JavaScript" in names:
        found.append("JavaScript in the document's /Names")
    ours = exp is not None and bool(exp.attachments) and _only_ours(root, exp.attachments)
    if "/EmbeddedFiles" in names and not ours:
        found.append("embedded files (/Names /EmbeddedFiles)")
    if isinstance(_resolve(root.get("/OpenAction")), DictionaryObject):
        found += _judge(root["/OpenAction"], "the /OpenAction")
    found += _additional(root.get("/AA"), "the document")
    if not ours:
        found += _associated(root, "the document")
    found += _bookmark_actions(root)
    for number, page in enumerate(reader.pages, 1):
        found += _additional(page.get("/AA"), f"page {number}")
        found += _associated(page, f"page {number}")
        for annot in _list(page.get("/Annots")):
            annot = _dict(annot)
            kind = str(annot.get("/Subtype", "")).lstrip("/") or "an"
            if kind in _EMBEDDING:
                found.append(f"{_EMBEDDING[kind]} on page {number})")
            found += _judge(annot.get("/A"), f"a {kind} annotation on page {number}")
            found += _additional(annot.get("/AA"), f"a {kind} annotation on page {number}")
            found += _associated(annot, f"a {kind} annotation on page {number}")
    form = _dict(root.get("/AcroForm"))
    if "/XFA" in form:
        found.append("an XFA form")
    for field_ in _form_fields(form.get("/Fields")):
        if "/A" in field_ or "/AA" in field_:
            found.append(f"a form field ({str(field_.get('/T', 'unnamed'))!r}) with actions")
            found += _judge(field_.get("/A"), "a form field")
            found += _additional(field_.get("/AA"), "a form field")
    found = list(dict.fromkeys(found))
    if found:
        more = f" and {len(found) - 5} more" if len(found) > 5 else ""
        return CheckResult(
            "active",
            "fail",
            "; ".join(found[:5]) + more,
            "no JavaScript, actions that run or open files, embedded files, media or form actions",
        )
    return CheckResult("active", "pass", "no JavaScript, launch actions, embedded files or media")


def _has_profile(intent: Any) -> bool:
    """A PDF/A OutputIntent carries its ICC profile: a stream with /N components."""
    profile = _resolve(_dict(intent).get("/DestOutputProfile"))
    return isinstance(profile, DictionaryObject) and "/N" in profile


def _pdfa_claim(reader: PdfReader) -> tuple[str, str] | None:
    """The PDF/A part and conformance level the XMP claims (`2`, `B`), if any."""
    xmp = reader.xmp_metadata
    raw = xmp.stream.get_data().decode("utf-8", "replace") if xmp is not None else ""
    part = re.search(r"pdfaid:part(?:>|=[\"'])\s*(\d)", raw)
    level = re.search(r"pdfaid:conformance(?:>|=[\"'])\s*([ABUabu])", raw)
    return (part.group(1), level.group(1).upper()) if part and level else None


def _check_pdfa(reader: PdfReader, exp: Expectations | None = None) -> CheckResult:
    """The markers: an XMP identification of PDF/A-2 (or -3, which alone may carry
    files: ours does when `exp` expects attachments) and an OutputIntent with a profile."""
    root = _root(reader)
    claim = _pdfa_claim(reader)
    parts = "3" if exp is not None and exp.attachments else "23"
    intents = _list(root.get("/OutputIntents"))
    problems = []
    if claim is None:
        problems.append("no XMP pdfaid identification")
    elif claim[0] not in parts or claim[1] not in "BUA":
        problems.append(f"XMP says PDF/A-{claim[0]}{claim[1]}")
    if not intents:
        problems.append("no OutputIntent")
    elif not _has_profile(intents[0]):
        problems.append("the OutputIntent has no ICC colour profile")
    expected = "PDF/A-3b" if parts == "3" else "PDF/A-2b"
    if problems:
        return CheckResult("pdfa", "fail", "; ".join(problems), f"{expected} markers expected")
    found = f"PDF/A-{claim[0]}{claim[1].lower()}" if claim else ""
    return CheckResult("pdfa", "pass", f"{found} XMP identification and an OutputIntent")


VALIDATOR = "page-validation"
_NOT_INSTALLED = f"not run: the validator ({VALIDATOR}) is not installed"
_INSTALL = "pip install 'build-cv[pdfa]'"


def _validate(file: BinaryIO, profile: str) -> Any:
    """page's report on the file against `profile` (`2b`, `ua1`); None without page."""
    try:
        import page
    except ImportError:
        return None
    file.seek(0)
    return page.validate_pdf_bytes(file.read(), profile=profile)


def _rules(report: Any) -> str:
    ids = list(dict.fromkeys(f.rule_id for f in report.failures))
    more = f" and {len(ids) - 4} more" if len(ids) > 4 else ""
    return ", ".join(ids[:4]) + more


def _check_pdfa_valid(file: BinaryIO, reader: PdfReader) -> CheckResult:
    """The markers say what the file claims; a validator (page, which passes veraPDF's
    test corpus) says whether it is so, against the part and level it claims."""
    claim = _pdfa_claim(reader) or ("2", "B")
    name = f"PDF/A-{claim[0]}{claim[1].lower()}"
    report = _validate(file, f"{claim[0]}{claim[1].lower()}")
    if report is None:
        return CheckResult("pdfa-valid", "skip", _NOT_INSTALLED, _INSTALL)
    import page

    by = f"{VALIDATOR} {page.__version__}"
    if report.is_compliant:
        return CheckResult("pdfa-valid", "pass", f"{name}: conformant", by)
    failed = report.rules.failed
    shown = f"{name}: {failed} rule{'s' if failed != 1 else ''} broken ({_rules(report)})"
    return CheckResult("pdfa-valid", "fail", shown, by)


def _check_pdfua(file: BinaryIO) -> CheckResult:
    """PDF/UA-1 readiness, said and never failed: XeTeX and moderncv write an untagged
    PDF, so the accessible form of the CV is its HTML page (docs/accessibility.md)."""
    report = _validate(file, "ua1")
    if report is None:
        return CheckResult("pdfua", "info", _NOT_INSTALLED, _INSTALL)
    if report.is_compliant:
        return CheckResult("pdfua", "info", "PDF/UA-1: conformant")
    return CheckResult(
        "pdfua",
        "info",
        f"not PDF/UA-1: untagged ({report.rules.failed} rules broken)",
        "XeTeX cannot tag; the HTML page is the accessible form, docs/accessibility.md",
    )


# --- what a reader sees ------------------------------------------------------------------
# A text extractor reads text wherever it is drawn, so the text check alone passes a PDF
# whose sections ran off the page, whose page is empty, or whose words extract as ligature
# or icon code points. These checks look at where and how the text is drawn.

_BOUNDS_SLACK = 2.0  # points: a glyph's origin may sit on the edge


@dataclass
class _PageText:
    text: str
    outside: list[str]  # words drawn outside the page's media box


class _PageTexts:
    """Each page's text and the words drawn off the page, read once with PDFium.

    Three checks read the text. PDFium reads it in a tenth of the time pypdf takes, with
    every character's box, so one pass serves them all. A page that cannot be read
    raises inside whichever guarded check asked first, and again for the next.
    """

    def __init__(self, file: BinaryIO) -> None:
        self._file = file
        self._pages: list[_PageText] | None = None

    def pages(self) -> list[_PageText]:
        if self._pages is None:
            self._pages = _read_pages(self._file)
        return self._pages

    def text(self) -> str:
        return "\n".join(p.text for p in self.pages())


_PDFIUM_TEXT = str.maketrans({"\ufffe": "-", "\r": None})  # PDFium marks line-end hyphens


def _read_pages(file: BinaryIO) -> list[_PageText]:
    import pypdfium2

    file.seek(0)
    with pdfium.LOCK:
        document = pypdfium2.PdfDocument(file, autoclose=False)  # read in place, no copy
        try:
            return [_read_page(document[i]) for i in range(len(document))]
        finally:
            document.close()


def page_texts(pdf: Path) -> list[str]:
    """The text of each page of `pdf`, as the checks read it (`build-cv diff` compares
    two PDFs sent by it)."""
    with _opened(pdf, None) as (file, _size):
        try:
            return [page.text for page in _read_pages(file)]
        except Exception as exc:  # PDFium raises its own errors on a damaged file
            raise InputError(f"{pdf}: cannot read its text ({shorten(str(exc))})") from None


def _read_page(page: Any) -> _PageText:
    left, bottom, right, top = page.get_mediabox()
    textpage = page.get_textpage()
    raw = textpage.get_text_range()
    outside: list[str] = []
    slack = _BOUNDS_SLACK
    on_page = textpage.get_text_bounded(left - slack, bottom - slack, right + slack, top + slack)
    if _visible(on_page) != _visible(raw):  # some glyph lies off the page: find its words
        for word in re.finditer(r"\S+", raw):
            boxes = [textpage.get_charbox(i) for i in range(word.start(), word.end())]
            if any(not _inside(box, left, bottom, right, top) for box in boxes):
                outside.append(word.group().translate(_PDFIUM_TEXT))
    return _PageText(raw.translate(_PDFIUM_TEXT), outside)


def _visible(text: str) -> int:
    return len(text) - sum(text.count(ch) for ch in " \r\n\t")


def _inside(box: tuple[float, float, float, float], *page: float) -> bool:
    """The glyph's centre lies on the page (a glyph may overhang an edge a little)."""
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    left, bottom, right, top = page
    return (
        left - _BOUNDS_SLACK <= x <= right + _BOUNDS_SLACK
        and bottom - _BOUNDS_SLACK <= y <= top + _BOUNDS_SLACK
    )


def _check_bounds(pages: _PageTexts) -> CheckResult:
    found = [(i, p.outside) for i, p in enumerate(pages.pages(), 1)]
    bad = [(i, words) for i, words in found if words]
    if bad:
        shown = "; ".join(f"page {i}: {' '.join(w[:6])}" for i, w in bad[:3])
        count = sum(len(w) for _, w in bad)
        return CheckResult(
            "bounds", "fail", f"{count} word(s) outside the page ({shown})", "text runs off a page"
        )
    return CheckResult("bounds", "pass", "every word inside its page")


_PAGE_NUMBER = re.compile(r"\d+\s*(/|of)\s*\d+|\d+")


def _check_blank_pages(reader: PdfReader, pages: _PageTexts) -> CheckResult:
    """A page with no text beyond a page number and no image is a layout accident."""
    blank = []
    for i, (page, read) in enumerate(zip(reader.pages, pages.pages(), strict=True), 1):
        text = _PAGE_NUMBER.sub("", normalize(read.text)).strip()
        images = [
            x
            for x in _dict(_dict(page.get("/Resources")).get("/XObject")).values()
            if str(_dict(x).get("/Subtype")) in ("/Image", "/Form")
        ]
        if not text and not images:
            blank.append(str(i))
    if blank and len(blank) < len(reader.pages):
        return CheckResult(
            "blank", "fail", f"blank page(s): {', '.join(blank)}", "every page shows content"
        )
    return CheckResult("blank", "pass", "no blank pages")


def _check_tounicode(reader: PdfReader) -> CheckResult:
    """Fonts whose glyphs a portal cannot map back to characters."""
    missing = set()
    for font in _fonts(reader):
        subtype = str(font.get("/Subtype", ""))
        if "/ToUnicode" in font or subtype in ("/CIDFontType0", "/CIDFontType2", "/Type3"):
            continue  # a descendant is judged through its Type0 parent
        base = str(font.get("/BaseFont") or "(unnamed)").lstrip("/")
        encoding = font.get("/Encoding")
        if subtype == "/Type0":
            if not str(encoding).startswith("/Uni"):
                missing.add(base)
        elif not (isinstance(_resolve(encoding), str) or _SUBSET.sub("", base) in BASE14):
            missing.add(base)
    if missing:
        return CheckResult(
            "tounicode",
            "fail",
            f"no ToUnicode map: {', '.join(sorted(missing))}",
            "their glyphs extract as junk",
        )
    return CheckResult("tounicode", "pass", "every font maps its glyphs to Unicode")


def _odd_codepoint(ch: str) -> bool:
    code = ord(ch)
    return (
        0xFB00 <= code <= 0xFB06  # Latin ligatures: "ﬃ" is not "ffi" to a search
        or 0xE000 <= code <= 0xF8FF  # private use: icon glyphs
        or code >= 0xF0000
    )


def _check_codepoints(reader: PdfReader) -> CheckResult:
    """Text that extracts as ligature or private-use characters, which a search misses.

    PDFium (which reads the text for the other checks) splits ligatures itself, as many
    portals' readers do not, so the fonts' own maps decide: only when one maps a glyph
    to such a character is the text extracted again, by pypdf, to count them.
    """
    if not any(_maps_odd_codepoints(font) for font in _fonts(reader)):
        return CheckResult("codepoints", "pass", "no ligature or private-use characters")
    odd: dict[str, int] = {}
    for ch in extract_text(reader):
        if _odd_codepoint(ch):
            odd[ch] = odd.get(ch, 0) + 1
    if odd:
        shown = ", ".join(f"U+{ord(c):04X} x{n}" for c, n in sorted(odd.items()))
        return CheckResult(
            "codepoints", "fail", f"ligature or private-use characters: {shown}", "plain letters"
        )
    return CheckResult("codepoints", "pass", "no ligature or private-use characters")


_LIGATURE_GLYPHS = {"/ff", "/fi", "/fl", "/ffi", "/ffl", "/ft", "/st"}
_CMAP_TARGET = re.compile(rb"<([0-9A-Fa-f]{4,})>")


def _maps_odd_codepoints(font: DictionaryObject) -> bool:
    """Whether the font's ToUnicode map, or its encoding's glyph names, can yield one."""
    encoding = _resolve(font.get("/Encoding"))
    if isinstance(encoding, DictionaryObject):
        names = {str(x) for x in _list(encoding.get("/Differences"))}
        if names & _LIGATURE_GLYPHS:
            return True
    cmap = _resolve(font.get("/ToUnicode"))
    if cmap is None or not hasattr(cmap, "get_data"):
        return False
    for target in _CMAP_TARGET.findall(cmap.get_data()):
        if len(target) % 4:
            continue
        text = bytes.fromhex(target.decode()).decode("utf-16-be", "replace")
        if any(_odd_codepoint(ch) for ch in text):
            return True
    return False


def _outline_titles(reader: PdfReader) -> list[str]:
    titles: list[str] = []

    def walk(items: Any) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(str(item.title or ""))

    walk(reader.outline)
    return titles


def _check_bookmarks(reader: PdfReader, exp: Expectations) -> CheckResult:
    """Interfolio builds its navigation from the bookmarks: one per section."""
    titles = _outline_titles(reader)
    have = {_searchable(t) for t in titles}
    missing = [s for s in exp.section_titles if _searchable(s) not in have]
    if len(titles) < len(exp.section_titles) or missing:
        shown = f"{len(titles)} bookmark(s) for {len(exp.section_titles)} sections"
        if missing:
            shown += f"; none for: {'; '.join(missing)}"
        return CheckResult("bookmarks", "fail", shown, "one bookmark per section")
    return CheckResult("bookmarks", "pass", f"{len(titles)} bookmark(s)")


# A well-formed BCP 47 tag (RFC 5646 section 2.1, without the grandfathered tags): the
# language, then script, region, variants, extensions and private use, each in its shape.
_BCP47 = re.compile(
    r"(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})"
    r"(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"
    r"(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"
    r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"
    r"(?:-x(?:-[A-Za-z0-9]{1,8})+)?"
    r"|x(?:-[A-Za-z0-9]{1,8})+"
)


def _check_language(reader: PdfReader, exp: Expectations) -> CheckResult:
    """A `/Lang` that is not a language tag (TeX's `en{-}GB`) is worse than none: a screen
    reader picks a voice from it, and PDF/UA requires a tag."""
    lang = str(_root(reader).get("/Lang", "") or "")
    if not lang:
        status: Status = "fail" if _ours(reader, exp) else "warn"
        return CheckResult("language", status, "no /Lang", "screen readers need the language")
    if not _BCP47.fullmatch(lang):
        return CheckResult(
            "language", "fail", f"/Lang '{lang[:40]}'", "a BCP 47 language tag such as en-GB"
        )
    return CheckResult("language", "pass", f"/Lang {lang}")


# --- what a variant hides -----------------------------------------------------------------
# A variant's PDF must show none of the values the variant hides: not in its text, a link,
# its metadata, nor any stream a tool can read (XMP, attachments, scripts).


def _check_hidden(reader: PdfReader, pages: _PageTexts, exp: Expectations) -> CheckResult:
    found = find(exp.hidden, _pdf_views(reader, pages))
    if found:
        shown = "; ".join(described(found))
        return CheckResult(
            "hidden",
            "fail",
            f"shows what this variant hides: {shown}",
            "a hidden field appears nowhere",
        )
    count = len(searchable(exp.hidden))
    return CheckResult(
        "hidden",
        "pass",
        f"none of the {count} hidden value{'s' if count != 1 else ''} found",
        "in text, links, metadata, streams",
    )


def _pdf_views(reader: PdfReader, pages: _PageTexts) -> Iterator[View]:
    """Every text a reader or a tool can get out of the PDF, decoded, labelled by where."""
    for number, page in enumerate(pages.pages(), 1):
        where = f"the text of page {number}"
        yield View(page.text, where, lines=False)
        yield View(re.sub(r"-\s*\n\s*", "", page.text), where, lines=False)  # hyphenated
    info: Any = reader.metadata or {}
    for key, value in info.items():
        yield View(str(value or ""), f"the document info ({key})", lines=False)
    for number, obj in _objects(reader):
        for key, text in _strings(obj):
            where = f"a link ({key})" if key == "/URI" else f"object {number} ({key})"
            yield View(text, where, lines=False)
            if "%" in text:
                yield View(unquote(text, errors="replace"), where, lines=False)
        if isinstance(obj, StreamObject) and _readable(obj):
            data = _decoded(obj).decode("utf-8", "replace")
            meta = str(obj.get("/Type")) == "/Metadata"
            where = "the XMP metadata" if meta else f"the stream of object {number}"
            yield View(data, where, lines=False, spaced_digits=meta)
            yield View(html.unescape(data), where, lines=False, spaced_digits=meta)


def _strings(obj: Any, key: str = "", depth: int = 0) -> Iterator[tuple[str, str]]:
    """The strings of one object (not following references: each object is walked on its
    own), with the key each is stored under."""
    if depth > 16:
        return
    if isinstance(obj, str) and not isinstance(obj, NameObject):
        yield key, str(obj)
    elif isinstance(obj, bytes):
        yield key, obj.decode("latin-1")
    elif isinstance(obj, DictionaryObject):
        for k, v in obj.items():
            if not isinstance(v, IndirectObject):
                yield from _strings(v, str(k), depth + 1)
    elif isinstance(obj, ArrayObject):
        for v in obj:
            if not isinstance(v, IndirectObject):
                yield from _strings(v, key, depth + 1)
