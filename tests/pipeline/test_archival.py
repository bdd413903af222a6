"""The archival PDF: a PDF/A-3b carrying its variant's JSON Resume and BibTeX, judged by a
real validator (page-validation), and the preflight's verdicts on PDF/A and attachments.

The end-to-end tests run real TeX and the real validator; the others attach files to a PDF
build-cv made and committed (tests/fixtures/pdf), with the same code the build uses.
"""

from __future__ import annotations

import hashlib
import json
import sys
import zlib
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject

from build_cv.cli.main import main
from build_cv.pipeline import archival
from build_cv.preflight import preflight
from build_cv.report import Attachment, Expectations, Secret
from tests.conftest import MINIMAL

PHONE = "+44 20 7946 0958"
JSON_FILE = Attachment("cv.json", archival.JSON_MIME, "Data", b'{"basics": {}}\n')
BIB_FILE = Attachment("cv.bib", archival.BIB_MIME, "Source", b"@misc{a,\n  title = {T},\n}\n")


def attached(pdf: Path, dst: Path, files: list[Attachment]) -> Path:
    dst.write_bytes(archival.embed(pdf.read_bytes(), files, 1718409600))
    return dst


def active(pdf: Path, expected: list[Attachment]) -> tuple[str, str]:
    result = preflight(pdf, Expectations(attachments=expected)).get("active")
    return result.status, result.value


# --- what the preflight accepts: exactly our own files ------------------------------------


def test_the_active_check_accepts_exactly_the_expected_files(
    committed_minimal_pdf: Path, tmp_path: Path
) -> None:
    ours = attached(committed_minimal_pdf, tmp_path / "ours.pdf", [JSON_FILE, BIB_FILE])
    assert active(ours, [JSON_FILE, BIB_FILE])[0] == "pass"
    status, value = active(ours, [])  # `check` without --data cannot know them
    assert status == "fail" and "embedded files (/Names /EmbeddedFiles)" in value
    assert "associated files (/AF) of the document" in value


OTHER = Attachment("x.js", "text/javascript", "Data", b"app.alert(1)")


@pytest.mark.parametrize(
    ("carried", "expected"),
    [
        ([JSON_FILE, BIB_FILE, OTHER], [JSON_FILE, BIB_FILE]),
        ([Attachment("cv.json", archival.JSON_MIME, "Data", b'{"phone": 1}\n')], [JSON_FILE]),
        ([Attachment("cv.json", "application/octet-stream", "Data", JSON_FILE.data)], [JSON_FILE]),
        ([Attachment("cv.json", archival.JSON_MIME, "Alternative", JSON_FILE.data)], [JSON_FILE]),
        ([JSON_FILE], [JSON_FILE, BIB_FILE]),
    ],
    ids=["one-more", "other-bytes", "other-type", "other-relationship", "one-missing"],
)
def test_any_other_file_is_still_refused(
    committed_minimal_pdf: Path,
    tmp_path: Path,
    carried: list[Attachment],
    expected: list[Attachment],
) -> None:
    pdf = attached(committed_minimal_pdf, tmp_path / "other.pdf", carried)
    status, value = active(pdf, expected)
    assert status == "fail" and "embedded files" in value, value


def test_a_file_attached_to_a_page_is_refused_beside_ours(
    committed_minimal_pdf: Path, tmp_path: Path
) -> None:
    ours = attached(committed_minimal_pdf, tmp_path / "ours.pdf", [JSON_FILE])
    writer = PdfWriter(clone_from=ours)
    root: Any = writer.root_object
    writer.pages[0][NameObject("/AF")] = root["/AF"]
    writer.write(tmp_path / "page.pdf")
    status, value = active(tmp_path / "page.pdf", [JSON_FILE])
    assert status == "fail" and value == "associated files (/AF) of page 1"


def test_attaching_is_reproducible_and_keeps_the_typeset_bytes(
    committed_minimal_pdf: Path,
) -> None:
    pdf = committed_minimal_pdf.read_bytes()
    once = archival.embed(pdf, [JSON_FILE, BIB_FILE], 1718409600)
    assert once == archival.embed(pdf, [JSON_FILE, BIB_FILE], 1718409600)
    assert once.startswith(pdf)  # an incremental update: TeX's bytes untouched
    found = {n: (m, d) for n, m, d in archival.embedded_files(once)}
    assert found == {
        "cv.json": (archival.JSON_MIME, JSON_FILE.data),
        "cv.bib": (archival.BIB_MIME, BIB_FILE.data),
    }


def test_no_attached_stream_ends_in_a_carriage_return(committed_minimal_pdf: Path) -> None:
    """A validator takes a final CR of a stream's data for half of the CR LF before
    `endstream`, and the stream's /Length for one byte too many: a real build of a
    two-section CV failed PDF/A-3b so."""
    data = next(
        d for i in range(99999) if zlib.compress(d := f"{i:05d}\n".encode(), 9).endswith(b"\r")
    )
    pdf = archival.embed(
        committed_minimal_pdf.read_bytes(),
        [Attachment("a.json", archival.JSON_MIME, "Data", data)],
        0,
    )
    reader = PdfReader(BytesIO(pdf))
    root: Any = reader.trailer["/Root"]
    stream = root["/AF"][0].get_object()["/EF"]["/F"].get_object()
    assert not stream._data.endswith(b"\r") and stream.get_data() == data


def test_the_leak_check_reads_the_attachments_decoded(committed_minimal_pdf: Path) -> None:
    """A hidden value planted in an attached file is found, even written as JSON escapes."""
    secret = Secret("person.phone", PHONE, "cv.yaml:2")
    planted = json.dumps({"basics": {"phone": PHONE.replace("+", "\\u002b")}}).encode()
    planted = planted.replace(b"\\\\", b"\\")
    pdf = committed_minimal_pdf.read_bytes()
    clean = archival.embed(pdf, [JSON_FILE], 0)
    assert archival.embedded_exposures(clean, [secret]) == []
    leaky = archival.embed(pdf, [Attachment("cv.json", archival.JSON_MIME, "Data", planted)], 0)
    (found,) = archival.embedded_exposures(leaky, [secret])
    assert found.secret.field == "person.phone"
    assert found.where.startswith("the attached cv.json")


# --- the validator's verdict --------------------------------------------------------------


def test_without_the_validator_the_line_says_it_was_not_run(
    committed_minimal_pdf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "page", None)  # `import page` raises ImportError
    report = preflight(committed_minimal_pdf, Expectations(pdfa=True))
    valid = report.get("pdfa-valid")
    assert (valid.status, valid.value) == ("skip", archival_not_installed())
    assert report.get("pdfua").status == "info"
    assert [r.name for r in report.failed(strict=True)] == ["pdfa"]  # the markers alone


def archival_not_installed() -> str:
    return "not run: the validator (page-validation) is not installed"


def test_the_validator_fails_a_pdf_that_only_claims_pdfa(committed_minimal_pdf: Path) -> None:
    pytest.importorskip("page")
    report = preflight(committed_minimal_pdf, Expectations(pdfa=True))
    valid = report.get("pdfa-valid")
    assert valid.status == "fail" and valid.value.startswith("PDF/A-2b: "), valid
    assert "rules broken" in valid.value or "rule broken" in valid.value


# --- end to end: real TeX, the real validator ---------------------------------------------


@pytest.fixture
def archival_cv(write_cv: Callable[..., Path]) -> Path:
    return write_cv(
        {
            **MINIMAL,
            "person": {"name": "Ada Lovelace", "email": "ada@example.org", "phone": PHONE},
            "design": {"icons": False, "embed_data": True},
            "sections": [
                *MINIMAL["sections"],  # type: ignore[misc]
                {
                    "kind": "publications",
                    "title": "Papers",
                    "entries": [
                        {
                            "title": "Notes on the Engine",
                            "authors": ["Ada Lovelace"],
                            "venue": "Taylor's Memoirs",
                            "year": 1843,
                        }
                    ],
                },
            ],
            "variants": {"public": {"hide": ["person.phone"]}},
        }
    )


@pytest.mark.tex
def test_embed_data_makes_a_valid_pdfa3_carrying_the_json_and_bib(
    archival_cv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("page")
    out = tmp_path / "o"
    args = ["build", str(archival_cv), "--out", str(out), "--no-cache"]
    assert main([*args, "--variant", "public"]) == 0
    printed = capsys.readouterr().out
    assert main([*args, "--variant", "public", "--format", "json,bib"]) == 0
    assert "PASS  pdfa        PDF/A-3b XMP identification" in printed
    assert "PASS  pdfa-valid  PDF/A-3b: conformant (page-validation" in printed
    assert "INFO  pdfua       not PDF/UA-1" in printed
    pdf = out / "cv-public.pdf"
    reader = PdfReader(pdf)
    root: Any = reader.trailer["/Root"]
    specs = {str(s.get_object()["/F"]): s.get_object() for s in root["/AF"]}
    assert {n: str(s["/AFRelationship"]) for n, s in specs.items()} == {
        "cv-public.json": "/Data",
        "cv-public.bib": "/Source",
    }
    subtypes = {n: str(s["/EF"]["/F"].get_object()["/Subtype"]) for n, s in specs.items()}
    assert subtypes == {
        "cv-public.json": "/application/json",
        "cv-public.bib": "/application/x-bibtex",
    }
    for name, data in reader.attachments.items():  # byte-identical to --format json,bib
        assert data == [(out / name).read_bytes()], name
    json_data = (out / "cv-public.json").read_bytes()
    assert b"7946" not in json_data and b"Ada Lovelace" in json_data  # hidden: not carried
    first = hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert main([*args, "--variant", "public", "--verify-reproducible"]) == 0
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() == first
    capsys.readouterr()
    assert main(["check", str(pdf), "--data", str(archival_cv), "--variant", "public"]) == 0
    checked = capsys.readouterr().out
    assert "PASS  active" in checked
    assert "PASS  pdfa-valid  PDF/A-3b: conformant" in checked  # the data says embed_data
    assert main(["check", str(pdf)]) == 1  # without the data, the files are anybody's
    assert "FAIL  active      embedded files" in capsys.readouterr().out


@pytest.mark.tex
def test_the_full_cv_carries_the_phone_its_variant_hides_and_pdfa_alone_is_2b(
    archival_cv: Path,
    write_cv: Callable[..., Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    pytest.importorskip("page")
    assert main(["build", str(archival_cv), "--out", str(tmp_path / "o"), "--no-cache"]) == 0
    assert PHONE.encode() in PdfReader(tmp_path / "o" / "cv.pdf").attachments["cv.json"][0]
    plain = write_cv({**MINIMAL, "design": {"icons": False, "pdfa": True}}, "plain.yaml")
    capsys.readouterr()
    assert main(["build", str(plain), "--out", str(tmp_path / "p"), "--no-cache"]) == 0
    printed = capsys.readouterr().out
    assert "PASS  pdfa-valid  PDF/A-2b: conformant" in printed
    assert not PdfReader(tmp_path / "p" / "plain.pdf").attachments
