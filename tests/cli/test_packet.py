"""`build-cv packet`: the CV and other PDFs joined into one checked PDF.

The bad-input tests stop before any TeX runs (the parts are read first); the others run
real TeX through the ordinary build, and read the packet back with pypdf.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, NumberObject

from build_cv.cli.main import main
from tests.conftest import MINIMAL
from tests.test_preflight import helvetica_pdf, js, rewrite

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    def go(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(["packet", *args])
        out, err = capsys.readouterr()
        return code, out, err

    return go


SECTIONS = [
    {"kind": "items", "title": "Notes", "entries": [{"label": "Note", "text": "placeholder"}]},
    {"kind": "items", "title": "Talks", "entries": [{"label": "1843", "text": "On engines"}]},
]


@pytest.fixture
def cv(write_cv: Callable[..., Path]) -> Path:
    return write_cv(
        {
            **MINIMAL,
            "person": {
                "name": "Ada Lovelace",
                "email": "ada@example.org",
                "phone": "+44 20 7946 0958",
            },
            "sections": SECTIONS,
            "variants": {"public": {"hide": ["person.phone"]}},
            "packets": {
                "faculty": {
                    "max_pages": 5,
                    "parts": [
                        {"file": "letter.pdf", "title": "Cover letter", "label": "Letter"},
                        {"variant": "public", "title": "Curriculum vitae"},
                    ],
                }
            },
        }
    )


# --- bad input, told before any TeX runs --------------------------------------------------


def test_a_missing_part_is_bad_input_naming_it(run: Run, cv: Path) -> None:
    code, _, err = run("faculty", "--data", str(cv), "--out", str(cv.parent / "o"))
    assert code == 2
    assert f"{cv.parent / 'letter.pdf'}: no such file" in err
    assert not (cv.parent / "o").exists()


def test_a_part_that_is_not_a_pdf_is_bad_input(run: Run, cv: Path) -> None:
    (cv.parent / "letter.pdf").write_text("Dear committee,\n", "utf-8")
    code, _, err = run("faculty", "--data", str(cv), "--out", str(cv.parent / "o"))
    assert (code, err.strip()) == (
        2,
        f"build-cv: {cv.parent / 'letter.pdf'}: not a PDF (no %PDF- header)",
    )


def test_a_damaged_pdf_is_bad_input(run: Run, cv: Path) -> None:
    (cv.parent / "letter.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <</Type/Catalog>>\ntrailer\n")
    code, _, err = run("faculty", "--data", str(cv), "--out", str(cv.parent / "o"))
    assert code == 2 and "letter.pdf: not a readable PDF" in err


def test_a_fifo_is_refused_without_waiting(run: Run, cv: Path) -> None:
    os.mkfifo(cv.parent / "letter.pdf")
    code, _, err = run("faculty", "--data", str(cv), "--out", str(cv.parent / "o"))
    assert code == 2 and "letter.pdf: is a pipe (FIFO), not a regular file" in err


def test_a_part_outside_the_cv_folder_needs_consent(run: Run, cv: Path, tmp_path: Path) -> None:
    outside = helvetica_pdf(tmp_path.parent / f"{tmp_path.name}-letter.pdf", "Dear committee")
    code, _, err = run(
        "--part", f"../{outside.name}", "--data", str(cv), "--out", str(tmp_path / "o")
    )
    assert code == 2
    assert "is outside the CV's folder" in err and "--allow-outside" in err


def test_an_encrypted_part_is_refused(run: Run, cv: Path) -> None:
    plain = helvetica_pdf(cv.parent / "plain.pdf", "Dear committee")
    writer = PdfWriter(clone_from=plain)
    writer.encrypt("", "owner")
    writer.write(cv.parent / "letter.pdf")
    code, _, err = run("faculty", "--data", str(cv), "--out", str(cv.parent / "o"))
    assert code == 2 and "letter.pdf: it is encrypted" in err


def test_a_part_with_javascript_is_refused_naming_it(run: Run, cv: Path) -> None:
    plain = helvetica_pdf(cv.parent / "plain.pdf", "Dear committee")

    def script(writer: PdfWriter) -> None:
        writer._root_object[NameObject("/OpenAction")] = js()

    rewrite(plain, cv.parent / "letter.pdf", script)
    code, _, err = run("faculty", "--data", str(cv), "--out", str(cv.parent / "o"))
    assert code == 1
    assert "part: Cover letter (" in err and "letter.pdf): active content: JavaScript" in err


def test_a_packet_name_and_parts_on_the_command_line_are_refused_together(
    run: Run, cv: Path
) -> None:
    code, _, err = run("faculty", "--part", "x.pdf", "--data", str(cv))
    assert code == 2 and "packet `faculty` names its own parts" in err
    code, _, err = run("facluty", "--data", str(cv))
    assert code == 2 and "unknown packet `facluty` (did you mean `faculty`?)" in err
    code, _, err = run("--data", str(cv))
    assert code == 2 and "a packet needs its parts" in err


def test_a_part_is_a_variant_or_a_file_not_both(run: Run, write_cv: Callable[..., Path]) -> None:
    both = {"variant": "public", "file": "letter.pdf"}
    data = write_cv({**MINIMAL, "packets": {"p": {"parts": [both]}}})
    code, _, err = run("p", "--data", str(data))
    assert code == 2 and "a part is either `variant: NAME` or `file: NAME.pdf`" in err


# --- the packet, through real TeX ---------------------------------------------------------


@pytest.fixture
def letter(cv: Path, write_cv: Callable[..., Path], tmp_path: Path) -> Path:
    """A two-page letter with embedded fonts and bookmarks of its own: a second small CV
    built by build-cv."""
    data = write_cv(
        {**MINIMAL, "person": {"name": "Ada Lovelace"}, "sections": SECTIONS * 12}, "letter.yaml"
    )
    assert main(["build", str(data), "--out", str(tmp_path / "letter-out")]) == 0
    made = tmp_path / "letter-out" / "letter.pdf"
    assert len(PdfReader(made).pages) == 2
    (cv.parent / "letter.pdf").write_bytes(made.read_bytes())
    return cv.parent / "letter.pdf"


def outline(reader: PdfReader) -> list[tuple[int, str, int | None]]:
    found: list[tuple[int, str, int | None]] = []

    def walk(items: list[Any], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, str(item.title), reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return found


@pytest.mark.tex
def test_a_packet_of_a_letter_and_a_variant(run: Run, cv: Path, letter: Path) -> None:
    out = cv.parent / "o"
    code, printed, err = run("faculty", "--data", str(cv), "--out", str(out))
    assert code == 0, err
    packet = out / "cv-packet-faculty.pdf"
    reader = PdfReader(packet)
    assert reader.page_labels == ["Letter-1", "Letter-2", "CV-1"]
    tops = [(t, p) for d, t, p in outline(reader) if d == 0]
    assert tops == [("Cover letter", 0), ("Curriculum vitae", 2)]
    nested = [
        (t, p)
        for d, t, p in outline(reader)[outline(reader).index((0, "Curriculum vitae", 2)) + 1 :]
    ]
    assert nested == [("Notes", 2), ("Talks", 2)]  # the CV's own, under its part, on its page
    assert b"7946" not in packet.read_bytes()  # the public CV, built by the ordinary build
    assert (out / "cv-public.pdf").exists()
    assert "PASS  part        Cover letter (" in printed and "letter.pdf): 2 pages" in printed
    assert "Curriculum vitae: page 3, labelled CV-1" in printed
    first = hashlib.sha256(packet.read_bytes()).hexdigest()
    code, printed, _ = run("faculty", "--data", str(cv), "--out", str(out))  # from the cache
    assert code == 0 and "Nothing changed since the last build" in printed
    assert hashlib.sha256(packet.read_bytes()).hexdigest() == first  # the same bytes


@pytest.mark.tex
def test_page_budgets_of_a_part_and_of_the_whole(run: Run, cv: Path, letter: Path) -> None:
    out = cv.parent / "o"
    code, _, err = run(
        "--part", "letter.pdf", "--data", str(cv), "--out", str(out), "--max-pages", "2"
    )
    assert code == 1 and "pages: 3 pages, at most 2 allowed" in err
    assert not (out / "cv-packet.pdf").exists()
    data = yaml.safe_load(cv.read_text("utf-8"))
    data["packets"]["faculty"]["parts"][0]["max_pages"] = 1
    cv.write_text(yaml.safe_dump(data), "utf-8")
    code, _, err = run("faculty", "--data", str(cv), "--out", str(out))
    assert code == 1
    assert "part: Cover letter (" in err and "letter.pdf): 2 pages, at most 1" in err


def scanned_pdf(path: Path) -> Path:
    """A page that is only a picture: no text layer, as a scan without OCR."""
    writer = PdfWriter()
    page = writer.add_blank_page(595.28, 841.89)
    image = DecodedStreamObject()
    image.set_data(b"\x80")
    image.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(1),
            NameObject("/Height"): NumberObject(1),
            NameObject("/ColorSpace"): NameObject("/DeviceGray"),
            NameObject("/BitsPerComponent"): NumberObject(8),
        }
    )
    xobjects = DictionaryObject({NameObject("/Im1"): writer._add_object(image)})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): xobjects})
    content = DecodedStreamObject()
    content.set_data(b"q 400 0 0 600 90 100 cm /Im1 Do Q")
    page[NameObject("/Contents")] = writer._add_object(content)
    writer.write(path)
    return path


@pytest.mark.tex
def test_a_part_with_no_text_layer_is_warned_about(run: Run, cv: Path) -> None:
    scanned_pdf(cv.parent / "scan.pdf")
    args = ["--part", "scan.pdf", "--part", "cv", "--data", str(cv), "--out", str(cv.parent / "o")]
    code, _, err = run(*args)
    assert code == 0, err
    assert f"build-cv: warning: {cv.parent / 'scan.pdf'}: no text layer" in err
    assert PdfReader(cv.parent / "o" / "cv-packet.pdf").page_labels == ["scan-1", "CV-1"]
    code, _, err = run(*args, "--strict")
    assert code == 1 and "no text layer" in err
