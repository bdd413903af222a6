"""The archival PDF's data: a variant's JSON Resume and BibTeX carried inside its PDF/A-3b.

`design.embed_data` asks for a PDF that a repository can keep alone and still get the
record back out of. The files are added after TeX, by pypdf, as an incremental update:

- the bytes are the writers' own (`--format json`, `--format bib`), written from the same
  view, so what the variant hides is in neither, and no byte passes through TeX (which
  strips trailing spaces from each line it reads, and would read data inside a
  `filecontents` block as LaTeX's end marker);
- nothing the data holds is handed to the sandbox or the driver, and typeset/ knows
  nothing of the formats;
- TeX's bytes stay the first bytes of the file, and everything appended is a function
  of them, the files and SOURCE_DATE_EPOCH, so the result is as reproducible as TeX's.

The preflight then reads the finished file: the validator judges it as PDF/A-3b, the
`active` check accepts exactly these files and no other, and `embedded_exposures` below
reads them back, decoded as their formats are read, for any value the variant hides.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from io import BytesIO
from typing import Any

from build_cv.exposure import Exposure, View, find
from build_cv.formats import BY_NAME, Choices, Document
from build_cv.pipeline.leakcheck import views
from build_cv.report import Attachment, Secret

JSON_MIME = "application/json"
BIB_MIME = "application/x-bibtex"
# The format each attachment's MIME type is decoded as by the leak check.
FORMAT_OF = {JSON_MIME: "json", BIB_MIME: "bib"}


def attachments(document: Document, stem: str) -> list[Attachment]:
    """The files a variant's PDF/A-3 carries, named as `--format json,bib` names them: the
    JSON Resume (/Data: the record the pages present) and, when the variant lists any
    publications, the BibTeX (/Source: what its citations are printed from)."""
    json_text = BY_NAME["json"].writer().write(document, Choices())
    bib_text = BY_NAME["bib"].writer().write(document, Choices())
    found = [
        Attachment(
            f"{stem}.json",
            JSON_MIME,
            "Data",
            json_text.encode("utf-8"),
            "The CV as JSON Resume (build-cv --format json)",
        )
    ]
    if bib_text.strip():
        found.append(
            Attachment(
                f"{stem}.bib",
                BIB_MIME,
                "Source",
                bib_text.encode("utf-8"),
                "The publications as BibTeX (build-cv --format bib)",
            )
        )
    return found


def pdf_date(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("D:%Y%m%d%H%M%SZ")


def embed(pdf: bytes, files: Sequence[Attachment], epoch: int) -> bytes:
    """`pdf` with `files` as the document's associated files (/AF) and embedded files
    (/Names /EmbeddedFiles), appended as an incremental update."""
    from pypdf import PdfWriter
    from pypdf.generic import (
        ArrayObject,
        ByteStringObject,
        DictionaryObject,
        NameObject,
        NumberObject,
        StreamObject,
        TextStringObject,
    )

    writer = PdfWriter(BytesIO(pdf), incremental=True)
    root = writer.root_object
    specs = []
    for item in files:
        params = {
            NameObject("/Size"): NumberObject(len(item.data)),
            NameObject("/ModDate"): TextStringObject(pdf_date(epoch)),
            NameObject("/CheckSum"): ByteStringObject(hashlib.md5(item.data).digest()),
        }
        fields: dict[Any, Any] = {
            NameObject("/Type"): NameObject("/EmbeddedFile"),
            NameObject("/Subtype"): NameObject(f"/{item.mime}"),
            NameObject("/Params"): DictionaryObject(params),
        }
        encoded = _deflated(item.data)
        if encoded is not None:
            fields[NameObject("/Filter")] = NameObject("/FlateDecode")
        fields["__streamdata__"] = encoded if encoded is not None else item.data
        ref = writer._add_object(StreamObject.initialize_from_dictionary(fields))
        spec = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Filespec"),
                NameObject("/F"): TextStringObject(item.name),
                NameObject("/UF"): TextStringObject(item.name),
                NameObject("/Desc"): TextStringObject(item.description),
                NameObject("/AFRelationship"): NameObject(f"/{item.relationship}"),
                NameObject("/EF"): DictionaryObject(
                    {NameObject("/F"): ref, NameObject("/UF"): ref}
                ),
            }
        )
        specs.append((item.name, writer._add_object(spec)))
    root[NameObject("/AF")] = ArrayObject(ref for _, ref in specs)
    tree = ArrayObject(x for name, ref in sorted(specs) for x in (TextStringObject(name), ref))
    if "/Names" not in root:
        root[NameObject("/Names")] = writer._add_object(DictionaryObject())
    names: Any = root["/Names"].get_object()
    names[NameObject("/EmbeddedFiles")] = DictionaryObject({NameObject("/Names"): tree})
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _deflated(data: bytes) -> bytes | None:
    """`data` compressed, or None when the compressed bytes end in a carriage return.

    A stream ends with an end-of-line before `endstream`, and a validator reads a final
    CR of the data as part of a CR LF there: one byte short of the stream's /Length
    (PDFA3B-STREAM-LENGTH-001). The last byte is the Adler-32 checksum's, the same at
    every level, so such a file (one in 256) is stored as it is: the writers end their
    files with a newline, never a CR."""
    encoded = zlib.compress(data, 9)
    return None if encoded.endswith(b"\r") else encoded


def embedded_files(pdf: bytes) -> Iterator[tuple[str, str, bytes]]:
    """Every file the PDF carries, by the name, MIME type and bytes a reader extracts:
    the embedded files' name tree and the document's associated files, each once."""
    from pypdf import PdfReader

    reader = PdfReader(BytesIO(pdf))
    root: Any = reader.trailer["/Root"].get_object()
    names: Any = _resolved(root.get("/Names")) or {}
    specs = [_resolved(s) for s in _tree(names.get("/EmbeddedFiles"))]
    specs += [_resolved(s) for s in _resolved(root.get("/AF")) or []]
    seen: set[int] = set()
    for spec in specs:
        ef: Any = _resolved(spec.get("/EF")) or {}
        for key in ("/UF", "/F"):
            stream = _resolved(ef.get(key))
            if stream is None or id(stream) in seen:
                continue
            seen.add(id(stream))
            name = str(spec.get("/UF") or spec.get("/F") or "")
            yield name, str(stream.get("/Subtype", "")).lstrip("/"), stream.get_data()


def _resolved(obj: Any) -> Any:
    return obj.get_object() if hasattr(obj, "get_object") else obj


def _tree(node: Any, depth: int = 0) -> Iterator[Any]:
    """The values of a name tree (its /Names pairs, its /Kids followed a few levels)."""
    node = _resolved(node)
    if not isinstance(node, dict) or depth > 8:
        return
    pairs = list(_resolved(node.get("/Names")) or [])
    yield from pairs[1::2]
    for kid in _resolved(node.get("/Kids")) or []:
        yield from _tree(kid, depth + 1)


def embedded_exposures(pdf: bytes, secrets: list[Secret]) -> list[Exposure]:
    """Each hidden value that a file the PDF carries shows, read as its format is read
    (JSON escapes, BibTeX's braces and accents): the leak check of the attachments."""
    if not secrets:
        return []
    found: list[View] = []
    for name, mime, data in embedded_files(pdf):
        text = data.decode("utf-8", "replace")
        for view in views(FORMAT_OF.get(mime, "txt"), text):
            how = f"the attached {name}" + (f" ({view.how})" if view.how else "")
            found.append(View(view.text, how, lines=False))
    return find(secrets, found)
