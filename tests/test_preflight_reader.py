"""The checks that judge a PDF as a reader sees it, each broken by a PDF made for it.

A text extractor reads text wherever it is drawn, so these checks look at where the text
is (on the page or off it), whether a page shows anything, and whether what extracts is
plain letters. The broken PDFs are cut from the real default CV or written with pypdf.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from build_cv.preflight import Expectations, preflight
from tests.conftest import DEFAULT_DATA, default_sections
from tests.test_preflight import (
    CheckCLI,
    Run,
    check,
    content_page,
    font_pair,
    helvetica_pdf,
    new_writer,
    rewrite,
    stream,
)

__all__ = ["check"]  # the fixture, used by name


def helvetica() -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )


def text_pdf(path: Path, *pages: bytes) -> Path:
    """A PDF whose pages draw the given content streams with /F1 = Helvetica."""
    writer = new_writer()
    for content in pages:
        content_page(writer, content, DictionaryObject({NameObject("/F1"): helvetica()}))
    writer.write(path)
    return path


def failures(run: Run) -> list[str]:
    """The failures besides `fonts`: these hand-made PDFs use base-14 Helvetica, unembedded."""
    return [f for f in run.failures() if not f.startswith("fonts:")]


BODY = b"BT /F1 12 Tf 72 720 Td (Ada Lovelace, notes on the Analytical Engine) Tj ET"


def test_default_pdf_passes_the_reader_checks(check: CheckCLI, default_pdf: Path) -> None:
    run = check(default_pdf, "--data", str(DEFAULT_DATA))
    assert run.code == 0, run.out + run.err
    assert run.line("bounds").endswith("every word inside its page")
    assert f"{default_sections()} bookmark(s)" in run.line("bookmarks")
    assert "/Lang en" in run.line("language")


def test_words_below_the_page_fail_naming_them(check: CheckCLI, tmp_path: Path) -> None:
    lost = b"BT /F1 12 Tf 72 -40 Td (Publications that ran off) Tj ET"
    run = check(text_pdf(tmp_path / "off.pdf", BODY + b"\n" + lost))
    assert run.code == 1
    assert failures(run) == [
        "bounds: 4 word(s) outside the page (page 1: Publications that ran off), "
        "text runs off a page"
    ]


def test_words_right_of_the_page_fail(check: CheckCLI, tmp_path: Path) -> None:
    wide = b"BT /F1 12 Tf 700 400 Td (overprinted) Tj ET"
    run = check(text_pdf(tmp_path / "wide.pdf", BODY + b"\n" + wide))
    assert run.status("bounds") == "FAIL"
    assert "overprinted" in run.line("bounds")


def test_a_text_matrix_that_moves_text_off_counts(check: CheckCLI, tmp_path: Path) -> None:
    moved = b"q 1 0 0 1 0 -900 cm BT /F1 12 Tf 72 720 Td (moved) Tj ET Q"
    run = check(text_pdf(tmp_path / "cm.pdf", BODY + b"\n" + moved))
    assert run.status("bounds") == "FAIL"
    assert "moved" in run.line("bounds")


def test_blank_page_between_pages_fails(check: CheckCLI, tmp_path: Path) -> None:
    number = b"BT /F1 9 Tf 500 40 Td (3/4) Tj ET"
    run = check(text_pdf(tmp_path / "blank.pdf", BODY, BODY, number, BODY))
    assert run.code == 1
    assert failures(run) == ["blank: blank page(s): 3, every page shows content"]


def test_page_with_text_is_not_blank(check: CheckCLI, tmp_path: Path) -> None:
    run = check(text_pdf(tmp_path / "two.pdf", BODY, BODY))
    assert failures(run) == [], run.out
    assert run.status("blank") == "PASS"


def test_font_without_tounicode_fails(check: CheckCLI, committed_pdf: Path, tmp_path: Path) -> None:
    def strip(writer: PdfWriter) -> None:
        font, _ = font_pair(writer, "LMSans10-Regular")
        del font["/ToUnicode"]

    run = check(rewrite(committed_pdf, tmp_path / "nomap.pdf", strip))
    assert run.status("tounicode") == "FAIL"
    assert "LMSans10-Regular" in run.line("tounicode")
    assert run.line("tounicode").endswith("(their glyphs extract as junk)")


def ligature_pdf(path: Path, text: str) -> Path:
    """A page whose font maps its code 0x01 to `text` through a ToUnicode map."""
    writer = new_writer()
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "1 begincodespacerange <00> <FF> endcodespacerange\n"
        f"1 beginbfchar <01> <{text.encode('utf-16-be').hex()}> endbfchar\n"
        "endcmap CMapName currentdict /CMap defineresource pop end end\n"
    ).encode()
    font = helvetica()
    font[NameObject("/ToUnicode")] = stream(writer, cmap)
    content = b"BT /F1 12 Tf 72 720 Td (Ada Lovelace, O\x01icer of the Engine) Tj ET"
    content_page(writer, content, DictionaryObject({NameObject("/F1"): font}))
    writer.write(path)
    return path


def test_ligature_code_points_fail(check: CheckCLI, tmp_path: Path) -> None:
    run = check(ligature_pdf(tmp_path / "ffi.pdf", "\ufb03"))
    assert run.code == 1
    assert failures(run) == [
        "codepoints: ligature or private-use characters: U+FB03 x1, plain letters"
    ]


def test_private_use_icon_code_points_fail(check: CheckCLI, tmp_path: Path) -> None:
    run = check(ligature_pdf(tmp_path / "icon.pdf", "\uf0e0"))
    assert run.status("codepoints") == "FAIL"
    assert "U+F0E0 x1" in run.line("codepoints")


def test_letters_pass_codepoints(check: CheckCLI, tmp_path: Path) -> None:
    run = check(ligature_pdf(tmp_path / "plain.pdf", "ff"))
    assert run.status("codepoints") == "PASS"


def test_missing_bookmarks_fail_naming_the_sections(
    check: CheckCLI, committed_pdf: Path, tmp_path: Path
) -> None:
    def drop(writer: PdfWriter) -> None:
        del writer._root_object["/Outlines"]

    pdf = rewrite(committed_pdf, tmp_path / "nobookmarks.pdf", drop)
    assert check(pdf).status("bookmarks") == "PASS"  # without data the sections are unknown
    run = check(pdf, "--data", str(DEFAULT_DATA))
    assert run.code == 1
    assert run.line("bookmarks").startswith(
        f"FAIL  bookmarks   0 bookmark(s) for {default_sections()} sections"
    )
    assert "none for: Work Experience; Education;" in run.line("bookmarks")


def test_bookmark_with_another_title_fails(committed_pdf: Path, tmp_path: Path) -> None:
    exp = Expectations(section_titles=["Work Experience", "Hobbies"])
    result = preflight(committed_pdf, exp).get("bookmarks")
    assert result.status == "fail"
    assert result.value == f"{default_sections()} bookmark(s) for 2 sections; none for: Hobbies"


def test_missing_language_fails(check: CheckCLI, committed_pdf: Path, tmp_path: Path) -> None:
    def drop(writer: PdfWriter) -> None:
        del writer._root_object["/Lang"]

    run = check(rewrite(committed_pdf, tmp_path / "nolang.pdf", drop))
    assert run.code == 1
    assert run.failures() == ["language: no /Lang, screen readers need the language"]


def test_language_is_shown(check: CheckCLI, tmp_path: Path) -> None:
    writer = new_writer()
    writer._root_object[NameObject("/Lang")] = TextStringObject("de-CH")
    content_page(writer, BODY, DictionaryObject({NameObject("/F1"): helvetica()}))
    writer.write(tmp_path / "de.pdf")
    assert "/Lang de-CH" in check(tmp_path / "de.pdf").line("language")


def test_over_portal_size_warns(check: CheckCLI, tmp_path: Path) -> None:
    pdf = helvetica_pdf(tmp_path / "big.pdf", "Ada Lovelace, notes on the Analytical Engine")
    with pdf.open("ab") as f:
        f.write(b"%" + b"x" * 2_600_000 + b"\n")
    run = check(pdf)
    assert failures(run) == [], run.out
    assert run.line("size") == "WARN  size        2.6 MB (Greenhouse parses at most 2.5 MB)"
    assert check(pdf, "--max-size-mb", "2").status("size") == "FAIL"


def test_within_portal_size_passes(check: CheckCLI, tmp_path: Path) -> None:
    pdf = helvetica_pdf(tmp_path / "small.pdf", "Ada Lovelace, notes on the Analytical Engine")
    assert check(pdf).status("size") == "PASS"


@pytest.mark.slow
def test_checks_in_parallel_threads_share_pdfium_safely(committed_pdf: Path) -> None:
    """PDFium is not thread-safe, and the gallery checks PDFs in threads: without the
    lock (build_cv/pdfium.py) this run crashes the interpreter. It runs in a child
    process so that a crash fails this test instead of ending the test session."""
    code = (
        "import sys; from pathlib import Path;"
        "from concurrent.futures import ThreadPoolExecutor;"
        "from build_cv.preflight import Expectations, preflight;"
        "pdf = Path(sys.argv[1]);"
        "pool = ThreadPoolExecutor(4);"
        "ok = all(pool.map(lambda _: preflight(pdf, Expectations()).ok(), range(40)));"
        "print('ALL OK' if ok else 'FAILED')"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(committed_pdf)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "ALL OK"


@pytest.mark.parametrize("lang", ["en{-}GB", "zh{-}Hant", "en GB", "en_GB", "1en", "en-"])
def test_a_language_that_is_not_a_bcp47_tag_fails(
    check: CheckCLI, tmp_path: Path, lang: str
) -> None:
    """TeX's escaping once wrote `/Lang en{-}GB`: no screen reader can read that tag."""
    writer = new_writer()
    writer._root_object[NameObject("/Lang")] = TextStringObject(lang)
    content_page(writer, BODY, DictionaryObject({NameObject("/F1"): helvetica()}))
    writer.write(tmp_path / "bad.pdf")
    run = check(tmp_path / "bad.pdf")
    assert run.code == 1
    assert run.status("language") == "FAIL"
    assert f"/Lang '{lang}'" in run.line("language")


@pytest.mark.parametrize(
    "lang", ["en", "en-GB", "zh-Hant", "zh-Hant-TW", "de-CH-1996", "x-klingon"]
)
def test_a_well_formed_language_tag_passes(check: CheckCLI, tmp_path: Path, lang: str) -> None:
    writer = new_writer()
    writer._root_object[NameObject("/Lang")] = TextStringObject(lang)
    content_page(writer, BODY, DictionaryObject({NameObject("/F1"): helvetica()}))
    writer.write(tmp_path / "good.pdf")
    assert check(tmp_path / "good.pdf").status("language") == "PASS"
