"""`build-cv check`: the preflight passes our PDF and fails PDFs made to break each check.

Every broken PDF is made here from a PDF as build-cv made it, the default CV's or a
one-page CV's (committed in tests/fixtures/pdf, so that only the tests of a fresh build
need TeX), or from scratch with pypdf; nothing is mocked. Each failure is asserted
through the command line: the exit code, and a message naming the value found and the
limit.
"""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypdf import PdfReader, PdfWriter
from pypdf.annotations import Link
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    RectangleObject,
    TextStringObject,
)

from build_cv import preflight
from build_cv.cli.main import main
from build_cv.pipeline.build import build_pdf
from build_cv.report import Expectations
from tests.conftest import DEFAULT_DATA, default_sections

A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)
ALL_CHECKS = [
    "size",
    "version",
    "encryption",
    "streams",
    "structure",
    "pages",
    "paper",
    "fonts",
    "type3",
    "text",
    "metadata",
    "links",
    "active",
    "bounds",
    "blank",
    "tounicode",
    "codepoints",
    "bookmarks",
    "language",
]
DEFAULT_CV: dict[str, Any] = yaml.safe_load(DEFAULT_DATA.read_text("utf-8"))


# --- running the command --------------------------------------------------------------


class Run:
    """One `build-cv check` run: exit code, stdout, stderr."""

    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def line(self, check: str) -> str:
        """The report line of one check, e.g. `FAIL  pages       5 pages (...)`."""
        found = [ln for ln in self.out.splitlines() if ln[6:].split(" ", 1)[0] == check]
        assert len(found) == 1, f"expected one {check!r} line in:\n{self.out}"
        return found[0]

    def status(self, check: str) -> str:
        return self.line(check)[:4].strip()

    def failures(self) -> list[str]:
        """Each failed check as `name: value, limit`. Standard error only names the checks
        that failed (`build-cv: check failed: text, pages (details in the report)`); the
        report's line for each (`FAIL  pages       5 pages (at most 1 allowed)`) is the one
        place it is described."""
        prefix, suffix = "build-cv: check failed: ", " (details in the report)"
        said = [ln for ln in self.err.splitlines() if ln.startswith(prefix)]
        assert len(said) <= 1, self.err
        if not said:
            return []
        assert said[0].endswith(suffix), said[0]
        found = []
        for name in said[0].removeprefix(prefix).removesuffix(suffix).split(", "):
            shown = self.line(name)[6:].removeprefix(name).strip()
            value, paren, limit = shown.rpartition(" (")
            detail = f"{value}, {limit[:-1]}" if paren and limit.endswith(")") else shown
            found.append(f"{name}: {detail}")
        return found


CheckCLI = Callable[..., Run]


@pytest.fixture
def check(capsys: pytest.CaptureFixture[str]) -> CheckCLI:
    """Run `build-cv check PDF ARGS...` in-process and capture what it prints."""

    def run(pdf: Path, *args: str) -> Run:
        capsys.readouterr()
        code = main(["check", str(pdf), *args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


# --- PDF surgery ----------------------------------------------------------------------


def page_count(pdf: Path) -> int:
    return len(PdfReader(pdf).pages)


def rewrite(src: Path, dst: Path, edit: Callable[[PdfWriter], object]) -> Path:
    """Copy `src` to `dst` through pypdf, applying `edit` to the writer first."""
    writer = PdfWriter(clone_from=src)
    edit(writer)
    writer.write(dst)
    return dst


def resolve(obj: Any) -> Any:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def fonts_of(writer: PdfWriter) -> Iterator[DictionaryObject]:
    """Every font on every page, Type0 fonts followed by their descendant fonts."""
    seen: set[int] = set()
    for page in writer.pages:
        resources = resolve(page.get("/Resources"))
        for ref in resolve(resources.get("/Font", DictionaryObject())).values():
            font = resolve(ref)
            if id(font) in seen:
                continue
            seen.add(id(font))
            yield font
            for desc in resolve(font.get("/DescendantFonts", ArrayObject())):
                yield resolve(desc)


def base_name(font: DictionaryObject) -> str:
    return str(font["/BaseFont"]).lstrip("/")


def font_pair(writer: PdfWriter, family: str) -> tuple[DictionaryObject, DictionaryObject]:
    """The Type0 font whose descendant's name contains `family`, and that descendant."""
    for font in fonts_of(writer):
        if font.get("/Subtype") == "/Type0":
            desc = resolve(resolve(font["/DescendantFonts"])[0])
            if family in base_name(desc):
                return font, desc
    raise AssertionError(f"no Type0 font {family!r} in the PDF")


def unembed(writer: PdfWriter, family: str) -> str:
    """Delete the font program of one font; returns the font's name."""
    _, desc = font_pair(writer, family)
    descriptor = resolve(desc["/FontDescriptor"])
    removed = [k for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in descriptor]
    assert removed, "the font had no embedded program to remove"
    for key in removed:
        del descriptor[key]
    return base_name(desc)


def unsubset(writer: PdfWriter, family: str) -> str:
    """Drop the `ABCDEF+` subset tag from a font and its descendant; returns the new name."""
    font, desc = font_pair(writer, family)
    for obj in (font, desc):
        tag, _, name = base_name(obj).partition("+")
        assert len(tag) == 6 and name, base_name(obj)
        obj[NameObject("/BaseFont")] = NameObject(f"/{name}")
    return base_name(desc)


def set_info(writer: PdfWriter, info: dict[str, str]) -> None:
    """Replace the whole document information dictionary (add_metadata cannot delete)."""
    writer.metadata = None
    writer.add_metadata(info)


def stream(writer: PdfWriter, data: bytes) -> IndirectObject:
    obj = DecodedStreamObject()
    obj.set_data(data)
    return writer._add_object(obj)


INFO = {"/Title": "Notes", "/Author": "Ada Lovelace", "/Subject": "Test", "/Keywords": "pdf"}


def new_writer() -> PdfWriter:
    """An empty writer with complete metadata, so that only the intended check fails."""
    writer = PdfWriter()
    writer.add_metadata(INFO)
    writer._root_object[NameObject("/Lang")] = TextStringObject("en")
    return writer


def content_page(
    writer: PdfWriter, content: bytes, fonts: DictionaryObject, size: tuple[float, float] = A4
) -> None:
    """Append a page drawn by a hand-written content stream using `fonts` (name -> dict)."""
    page = writer.add_blank_page(*size)
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
    page[NameObject("/Contents")] = stream(writer, content)


def helvetica_pdf(path: Path, text: str) -> Path:
    """A one-page A4 PDF showing `text` in the (not embedded) base-14 Helvetica."""
    writer = new_writer()
    helvetica = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    content_page(writer, content, DictionaryObject({NameObject("/F1"): helvetica}))
    writer.write(path)
    return path


def type3_pdf(path: Path) -> Path:
    """A one-page PDF whose only font is a Type 3 font (one glyph: a filled square)."""
    writer = new_writer()
    glyph = stream(writer, b"1000 0 0 0 1000 1000 d1 0 0 1000 1000 re f")
    number = NumberObject
    type3 = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type3"),
            NameObject("/FontBBox"): ArrayObject(
                [number(0), number(0), number(1000), number(1000)]
            ),
            NameObject("/FontMatrix"): ArrayObject(
                [FloatObject(0.001), number(0), number(0), FloatObject(0.001), number(0), number(0)]
            ),
            NameObject("/CharProcs"): DictionaryObject({NameObject("/square"): glyph}),
            NameObject("/Encoding"): DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/Encoding"),
                    NameObject("/Differences"): ArrayObject([number(97), NameObject("/square")]),
                }
            ),
            NameObject("/FirstChar"): number(97),
            NameObject("/LastChar"): number(97),
            NameObject("/Widths"): ArrayObject([number(1000)]),
            NameObject("/Resources"): DictionaryObject(),
        }
    )
    content = b"BT /T3 12 Tf 72 720 Td (" + b"a" * 40 + b") Tj ET"
    content_page(writer, content, DictionaryObject({NameObject("/T3"): type3}))
    writer.write(path)
    return path


def uri_links(pdf: Path) -> int:
    """How many link annotations with a URI action the PDF has."""
    count = 0
    for page in PdfReader(pdf).pages:
        for annot in resolve(page.get("/Annots", ArrayObject())):
            action = resolve(resolve(annot).get("/A"))
            count += isinstance(action, DictionaryObject) and action.get("/S") == "/URI"
    return count


def blank_pdf(path: Path, pages: int, size: tuple[float, float]) -> Path:
    writer = new_writer()
    for _ in range(pages):
        writer.add_blank_page(*size)
    writer.write(path)
    return path


# --- 1. the default PDF passes ---------------------------------------------------------


def test_default_pdf_passes_every_check_against_its_data(
    check: CheckCLI, default_pdf: Path
) -> None:
    run = check(default_pdf, "--data", str(DEFAULT_DATA))
    assert run.code == 0, run.out + run.err
    assert run.err == ""
    assert run.out.splitlines()[0] == f"Preflight of {default_pdf}:"
    for name in ALL_CHECKS:
        assert run.status(name) == "PASS", run.line(name)
    n = page_count(default_pdf)
    assert f"{n} pages (3 to 6 allowed)" in run.line("pages")
    assert "A4 (A4 expected)" in run.line("paper")
    assert "PDF 1." in run.line("version")
    assert "not encrypted" in run.line("encryption")
    assert "fonts embedded" in run.line("fonts")
    assert f"{default_sections()} section titles found" in run.line("text")
    assert "Author 'Jiarui Fang'" in run.line("metadata")
    assert "Creator 'build-cv" in run.line("metadata")
    assert "Producer 'XeTeX" in run.line("metadata")
    assert "all well-formed" in run.line("links")


def test_default_pdf_passes_without_data(check: CheckCLI, default_pdf: Path) -> None:
    run = check(default_pdf)
    assert run.code == 0, run.out + run.err
    assert [run.status(name) for name in ALL_CHECKS] == ["PASS"] * len(ALL_CHECKS)


# --- 2, 3. page budget -----------------------------------------------------------------


def test_page_budget_names_the_count_and_the_limit(check: CheckCLI, committed_pdf: Path) -> None:
    n = page_count(committed_pdf)
    assert n > 1
    run = check(committed_pdf, "--max-pages", "1")
    assert run.code == 1
    assert run.status("pages") == "FAIL"
    assert run.failures() == [f"pages: {n} pages, at most 1 allowed"]


def test_page_budget_is_inclusive(check: CheckCLI, committed_pdf: Path) -> None:
    n = page_count(committed_pdf)
    run = check(committed_pdf, "--min-pages", str(n), "--max-pages", str(n))
    assert run.code == 0, run.err
    assert f"{n} pages ({n} to {n} allowed)" in run.line("pages")


def test_min_pages_above_the_count_fails(check: CheckCLI, committed_pdf: Path) -> None:
    n = page_count(committed_pdf)
    run = check(committed_pdf, "--min-pages", str(n + 1))
    assert run.code == 1
    assert run.failures() == [f"pages: {n} pages, at least {n + 1} required"]


def test_added_pages_break_the_data_budget(
    check: CheckCLI, committed_pdf: Path, tmp_path: Path
) -> None:
    max_pages = DEFAULT_CV["design"]["checks"]["max_pages"]
    extra = max_pages + 1 - page_count(committed_pdf)
    assert extra > 0

    def add_pages(writer: PdfWriter) -> None:  # copies of a page: a blank one fails `blank`
        for _ in range(extra):
            writer.add_page(writer.pages[-1])

    longer = rewrite(committed_pdf, tmp_path / "longer.pdf", add_pages)
    run = check(longer, "--data", str(DEFAULT_DATA))
    assert run.code == 1
    assert run.failures() == [f"pages: {max_pages + 1} pages, at most {max_pages} allowed"]
    # The command line overrides the data's budget.
    assert check(longer, "--data", str(DEFAULT_DATA), "--max-pages", "7").code == 0


# --- 4. paper --------------------------------------------------------------------------


def test_letter_expected_on_a4_fails(check: CheckCLI, committed_minimal_pdf: Path) -> None:
    run = check(committed_minimal_pdf, "--paper", "letter")
    assert run.code == 1
    assert run.failures() == ["paper: A4, LETTER expected on every page"]


def test_letter_pdf_passes_letter_and_fails_a4(
    check: CheckCLI, committed_pdf: Path, tmp_path: Path
) -> None:
    def to_letter(writer: PdfWriter) -> None:
        for page in writer.pages:
            page.mediabox = RectangleObject([0, 0, *LETTER])
            page.cropbox = RectangleObject([0, 0, *LETTER])

    letter = rewrite(committed_pdf, tmp_path / "letter.pdf", to_letter)
    run = check(letter, "--paper", "letter")
    assert run.code == 0, run.err
    assert "LETTER (LETTER expected)" in run.line("paper")
    # The data asks for A4.
    run = check(letter, "--data", str(DEFAULT_DATA))
    assert run.code == 1
    assert run.failures() == ["paper: LETTER, A4 expected on every page"]


def test_blank_letter_pdf_written_by_pypdf_passes_paper(check: CheckCLI, tmp_path: Path) -> None:
    run = check(blank_pdf(tmp_path / "blank.pdf", 2, LETTER), "--paper", "letter")
    assert run.status("paper") == "PASS"
    assert run.code == 1  # it has no text, which is another check
    assert [f.split(":")[0] for f in run.failures()] == ["text"]


def test_mixed_paper_fails_naming_both_sizes(
    check: CheckCLI, committed_minimal_pdf: Path, tmp_path: Path
) -> None:
    mixed = rewrite(
        committed_minimal_pdf, tmp_path / "mixed.pdf", lambda w: w.add_blank_page(*LETTER)
    )
    run = check(mixed, "--paper", "a4")
    assert run.code == 1
    added_blank = [f for f in run.failures() if not f.startswith("blank:")]
    assert added_blank == ["paper: A4, LETTER, A4 expected on every page"]
    assert check(mixed).status("paper") == "WARN"  # no paper asked: mixed sizes only warn


def test_rotated_landscape_a4_counts_as_a4(
    check: CheckCLI, committed_minimal_pdf: Path, tmp_path: Path
) -> None:
    def landscape(writer: PdfWriter) -> None:
        for page in writer.pages:
            page.mediabox = RectangleObject([0, 0, A4[1], A4[0]])
            page.cropbox = RectangleObject([0, 0, A4[1], A4[0]])
            page[NameObject("/Rotate")] = NumberObject(90)

    run = check(
        rewrite(committed_minimal_pdf, tmp_path / "rotated.pdf", landscape), "--paper", "a4"
    )
    assert run.status("paper") == "PASS", run.line("paper")


def test_odd_paper_is_shown_in_points(check: CheckCLI, tmp_path: Path) -> None:
    run = check(blank_pdf(tmp_path / "odd.pdf", 1, (500, 700)), "--paper", "a4")
    assert "paper: 500x700 pt, A4 expected on every page" in run.failures()


# --- 5. encryption ---------------------------------------------------------------------


def test_password_protected_pdf_fails(
    check: CheckCLI, committed_minimal_pdf: Path, tmp_path: Path
) -> None:
    locked = rewrite(
        committed_minimal_pdf,
        tmp_path / "locked.pdf",
        lambda w: w.encrypt(user_password="x", owner_password="y"),
    )
    run = check(locked)
    assert run.code == 1
    assert run.status("encryption") == "FAIL"
    assert "encryption: the file is encrypted, portals need it open" in run.failures()
    assert "content: not checked: the file is encrypted" in run.failures()


def test_owner_password_only_is_still_encrypted(
    check: CheckCLI, committed_pdf: Path, tmp_path: Path
) -> None:
    restricted = rewrite(
        committed_pdf,
        tmp_path / "restricted.pdf",
        lambda w: w.encrypt(user_password="", owner_password="y"),
    )
    run = check(restricted, "--data", str(DEFAULT_DATA))
    assert run.code == 1
    assert run.failures() == ["encryption: the file is encrypted, portals need it open"]
    # It opens without a password, so everything else is still checked.
    assert run.status("text") == "PASS"
    assert run.status("fonts") == "PASS"


# --- 6. fonts not embedded -------------------------------------------------------------


def test_unembedded_font_is_named(check: CheckCLI, committed_pdf: Path, tmp_path: Path) -> None:
    names: list[str] = []
    stripped = rewrite(
        committed_pdf,
        tmp_path / "stripped.pdf",
        lambda w: names.append(unembed(w, "LMSans10-Bold")),
    )
    run = check(stripped)
    assert run.code == 1
    assert names[0].endswith("+LMSans10-Bold")
    assert run.failures() == [f"fonts: not embedded: {names[0]}, every font must be embedded"]


def test_every_unembedded_font_is_listed(
    check: CheckCLI, committed_pdf: Path, tmp_path: Path
) -> None:
    names: list[str] = []

    def strip_two(writer: PdfWriter) -> None:
        names.extend([unembed(writer, "LMSans10-Regular"), unembed(writer, "NotoSansCJK")])

    run = check(rewrite(committed_pdf, tmp_path / "stripped.pdf", strip_two))
    assert run.code == 1
    assert f"not embedded: {', '.join(sorted(names))}" in run.line("fonts")


def test_base14_helvetica_not_embedded_fails(check: CheckCLI, tmp_path: Path) -> None:
    pdf = helvetica_pdf(tmp_path / "helvetica.pdf", "Ada Lovelace, notes on the Analytical Engine")
    run = check(pdf)
    assert run.code == 1
    assert run.failures() == ["fonts: not embedded: Helvetica, every font must be embedded"]
    assert run.status("text") == "PASS"


# --- 7. Type 3 fonts -------------------------------------------------------------------


def test_type3_font_fails(check: CheckCLI, tmp_path: Path) -> None:
    run = check(type3_pdf(tmp_path / "type3.pdf"))
    assert run.code == 1
    assert run.status("type3") == "FAIL"
    assert run.status("fonts") == "PASS"  # a Type 3 font has no font program to embed
    [failure] = [f for f in run.failures() if f.startswith("type3:")]
    assert "Type 3 bitmap fonts" in failure
    assert failure.endswith(", outline fonts only")


# --- 8. text ---------------------------------------------------------------------------


def test_pdf_without_text_fails(check: CheckCLI, tmp_path: Path) -> None:
    run = check(blank_pdf(tmp_path / "blank.pdf", 1, A4))
    assert run.code == 1
    assert run.failures() == ["text: no extractable text, portals parse the text"]


def test_text_lacking_the_name_fails_naming_it(check: CheckCLI, tmp_path: Path) -> None:
    pdf = helvetica_pdf(tmp_path / "other.pdf", "Ada Lovelace, notes on the Analytical Engine")
    run = check(pdf, "--data", str(DEFAULT_DATA))
    assert run.code == 1
    text = run.line("text")
    assert "missing from the text: Jiarui Fang; " in text
    assert DEFAULT_CV["person"]["email"] in text
    assert DEFAULT_CV["sections"][0]["title"]["en"] in text  # the English title


def test_dropping_the_first_page_loses_the_email(
    check: CheckCLI, committed_pdf: Path, tmp_path: Path
) -> None:
    rest = rewrite(committed_pdf, tmp_path / "rest.pdf", lambda w: w.remove_page(0))
    run = check(rest, "--data", str(DEFAULT_DATA))
    assert run.code == 1
    [failure] = [f for f in run.failures() if f.startswith("text:")]
    assert failure.startswith("text: missing from the text: ")
    assert DEFAULT_CV["person"]["email"] in failure
    assert failure.endswith(", name, email and every section title must be extractable")


# --- 9. metadata -----------------------------------------------------------------------


def test_empty_metadata_fails_naming_the_keys(
    check: CheckCLI, committed_pdf: Path, tmp_path: Path
) -> None:
    info = {"/Author": "X", "/Creator": "build-cv with LaTeX and moderncv"}
    bare = rewrite(committed_pdf, tmp_path / "bare.pdf", lambda w: set_info(w, info))
    assert PdfReader(bare).metadata == info
    run = check(bare)
    assert run.code == 1
    assert run.failures() == [
        "metadata: Title is empty; Subject is empty; Keywords is empty, portals show and index them"
    ]
    with_data = check(bare, "--data", str(DEFAULT_DATA))
    assert with_data.line("metadata").endswith("(set from the CV data)")


def test_empty_subject_of_a_foreign_pdf_only_warns(
    check: CheckCLI, committed_pdf: Path, tmp_path: Path
) -> None:
    info = {"/Title": "CV", "/Author": "X", "/Creator": "Word"}
    foreign = rewrite(committed_pdf, tmp_path / "word.pdf", lambda w: set_info(w, info))
    run = check(foreign)
    assert run.code == 0, run.out
    assert run.line("metadata").startswith("WARN  metadata    Subject is empty; Keywords is empty")
    assert check(foreign, "--strict").code == 1
    assert check(foreign, "--data", str(DEFAULT_DATA)).status("metadata") == "FAIL"


def test_no_info_dictionary_at_all_fails(
    check: CheckCLI, committed_minimal_pdf: Path, tmp_path: Path
) -> None:
    def drop(writer: PdfWriter) -> None:
        writer.metadata = None

    run = check(rewrite(committed_minimal_pdf, tmp_path / "noinfo.pdf", drop))
    assert run.code == 1
    assert "Title is empty; Author is empty" in run.line("metadata")


def test_wrong_author_names_both_values(
    check: CheckCLI, committed_pdf: Path, tmp_path: Path
) -> None:
    def wrong_author(writer: PdfWriter) -> None:
        writer.add_metadata({"/Author": "Someone Else"})

    run = check(
        rewrite(committed_pdf, tmp_path / "author.pdf", wrong_author), "--data", str(DEFAULT_DATA)
    )
    assert run.code == 1
    assert run.failures() == [
        "metadata: Author is 'Someone Else', expected 'Jiarui Fang', set from the CV data"
    ]


def test_metadata_is_only_matched_with_data(
    check: CheckCLI, committed_pdf: Path, tmp_path: Path
) -> None:
    pdf = rewrite(
        committed_pdf,
        tmp_path / "author.pdf",
        lambda w: w.add_metadata({"/Author": "Someone Else"}),
    )
    run = check(pdf)
    assert run.code == 0
    assert "Author 'Someone Else'" in run.line("metadata")


def test_info_strings_are_text(check: CheckCLI, committed_pdf: Path, tmp_path: Path) -> None:
    """An indirect /Title in the Info dictionary is read through to its string."""

    def indirect_title(writer: PdfWriter) -> None:
        info = writer._info
        assert info is not None
        info[NameObject("/Title")] = writer._add_object(
            TextStringObject("Jiarui Fang - Curriculum Vitae")
        )

    run = check(
        rewrite(committed_pdf, tmp_path / "t.pdf", indirect_title), "--data", str(DEFAULT_DATA)
    )
    assert run.code == 0, run.err


# --- 10. size --------------------------------------------------------------------------


def test_size_limit_names_the_size_and_the_limit(check: CheckCLI, committed_pdf: Path) -> None:
    size = committed_pdf.stat().st_size
    assert size > 10_000
    run = check(committed_pdf, "--max-size-mb", "0.01")
    assert run.code == 1
    assert run.failures() == [f"size: {size / 1000:.0f} kB, at most 0.01 MB allowed"]
    assert "at most 10 MB allowed" in check(committed_pdf).line("size")  # the default limit


def test_size_limit_is_checked_in_megabytes(
    check: CheckCLI, committed_minimal_pdf: Path, tmp_path: Path
) -> None:
    big = tmp_path / "big.pdf"
    shutil.copyfile(committed_minimal_pdf, big)
    with big.open("ab") as f:  # readers ignore bytes after %%EOF
        f.write(b"%" + b"x" * 1_500_000 + b"\n")
    mb = big.stat().st_size / 1_000_000
    run = check(big, "--max-size-mb", "1")
    assert run.code == 1
    assert run.failures() == [f"size: {mb:.1f} MB, at most 1 MB allowed"]
    assert check(big, "--max-size-mb", "2").code == 0


# --- 11. links -------------------------------------------------------------------------


@pytest.mark.parametrize("uri", ["javascript:alert(1)", "htp:/x", "http://", "mailto:nobody"])
def test_malformed_link_is_named(
    check: CheckCLI, committed_minimal_pdf: Path, tmp_path: Path, uri: str
) -> None:
    def add_link(writer: PdfWriter) -> None:
        writer.add_annotation(0, Link(rect=(50, 50, 150, 70), url=uri))

    run = check(rewrite(committed_minimal_pdf, tmp_path / "link.pdf", add_link))
    assert run.code == 1
    malformed = f"links: malformed: {uri!r}, http(s)://, mailto: or tel: URIs"
    script = "active: a javascript: URI (runs a script) in a Link annotation on page 1, no "
    assert run.failures()[0] == malformed
    assert any(f.startswith(script) for f in run.failures()) == uri.startswith("javascript:")


@pytest.mark.parametrize("uri", ["https://example.org/a?b=c#d", "mailto:ada@example.org"])
def test_well_formed_links_pass(
    check: CheckCLI, committed_minimal_pdf: Path, tmp_path: Path, uri: str
) -> None:
    before = uri_links(committed_minimal_pdf)

    def add_link(writer: PdfWriter) -> None:
        writer.add_annotation(0, Link(rect=(50, 50, 150, 70), url=uri))

    run = check(rewrite(committed_minimal_pdf, tmp_path / "link.pdf", add_link))
    assert run.code == 0, run.err
    assert f"{before + 1} link(s), all well-formed" in run.line("links")


# --- 11b. active content (issue 11) -----------------------------------------------------


def name(text: str) -> NameObject:
    return NameObject(text)


def action(kind: str, **entries: Any) -> DictionaryObject:
    """An action dictionary such as /S /JavaScript /JS (...)."""
    act = DictionaryObject({name("/Type"): name("/Action"), name("/S"): name(kind)})
    for key, value in entries.items():
        act[name(f"/{key}")] = TextStringObject(value) if isinstance(value, str) else value
    return act


def js(code: str = "app.alert(1)") -> DictionaryObject:
    return action("/JavaScript", JS=code)


def annotation(writer: PdfWriter, subtype: str, **entries: Any) -> None:
    annot = DictionaryObject(
        {
            name("/Type"): name("/Annot"),
            name("/Subtype"): name(subtype),
            name("/Rect"): RectangleObject((50, 50, 150, 70)),
        }
    )
    for key, value in entries.items():
        annot[name(f"/{key}")] = value
    page = writer.pages[0]
    annots = page.get("/Annots")
    refs = resolve(annots) if annots is not None else ArrayObject()
    refs.append(writer._add_object(annot))
    page[name("/Annots")] = refs


def names_tree(writer: PdfWriter, key: str, value: Any) -> None:
    tree = DictionaryObject({name("/Names"): ArrayObject([TextStringObject("x"), value])})
    writer.root_object[name("/Names")] = DictionaryObject({name(key): writer._add_object(tree)})


def form_field(writer: PdfWriter, **entries: Any) -> None:
    field = DictionaryObject({name("/FT"): name("/Btn"), name("/T"): TextStringObject("send")})
    for key, value in entries.items():
        field[name(f"/{key}")] = value
    form = DictionaryObject({name("/Fields"): ArrayObject([writer._add_object(field)])})
    writer.root_object[name("/AcroForm")] = form


def file_spec(writer: PdfWriter) -> DictionaryObject:
    payload = stream(writer, b"MZ not really a program")
    return DictionaryObject(
        {
            name("/Type"): name("/Filespec"),
            name("/F"): TextStringObject("run.exe"),
            name("/EF"): DictionaryObject({name("/F"): payload}),
        }
    )


ACTIVE: dict[str, tuple[Callable[[PdfWriter], None], str]] = {
    "document JavaScript": (
        lambda w: names_tree(w, "/JavaScript", w._add_object(js())),
        "JavaScript in the document's /Names",
    ),
    "OpenAction JavaScript": (
        lambda w: w.root_object.__setitem__(name("/OpenAction"), js()),
        "JavaScript in the /OpenAction",
    ),
    "OpenAction Launch": (
        lambda w: w.root_object.__setitem__(name("/OpenAction"), action("/Launch", F="/bin/sh")),
        "a Launch action (runs a program) in the /OpenAction",
    ),
    "document additional action": (
        lambda w: w.root_object.__setitem__(name("/AA"), DictionaryObject({name("/WC"): js()})),
        "JavaScript in the document (/AA /WC)",
    ),
    "page additional action": (
        lambda w: w.pages[0].__setitem__(
            name("/AA"), DictionaryObject({name("/O"): action("/Launch", F="calc.exe")})
        ),
        "a Launch action (runs a program) in page 1 (/AA /O)",
    ),
    "link Launch": (
        lambda w: annotation(w, "/Link", A=action("/Launch", F="calc.exe")),
        "a Launch action (runs a program) in a Link annotation on page 1",
    ),
    "link GoToR": (
        lambda w: annotation(w, "/Link", A=action("/GoToR", F="other.pdf")),
        "a GoToR action (opens another file) in a Link annotation on page 1",
    ),
    "link GoToE": (
        lambda w: annotation(w, "/Link", A=action("/GoToE")),
        "a GoToE action (opens an embedded file) in a Link annotation on page 1",
    ),
    "link file: URI": (
        lambda w: annotation(w, "/Link", A=action("/URI", URI="FILE:///etc/passwd")),
        "a file: URI in a Link annotation on page 1",
    ),
    "JavaScript after a harmless link": (
        lambda w: annotation(w, "/Link", A=action("/URI", URI="https://example.org", Next=js())),
        "JavaScript in a Link annotation on page 1",
    ),
    "annotation additional action": (
        lambda w: annotation(w, "/Widget", AA=DictionaryObject({name("/E"): js()})),
        "JavaScript in a Widget annotation on page 1 (/AA /E)",
    ),
    "embedded files": (
        lambda w: names_tree(w, "/EmbeddedFiles", file_spec(w)),
        "embedded files (/Names /EmbeddedFiles)",
    ),
    "file attachment annotation": (
        lambda w: annotation(w, "/FileAttachment", FS=file_spec(w)),
        "an embedded file (FileAttachment annotation on page 1)",
    ),
    "form SubmitForm": (
        lambda w: form_field(w, A=action("/SubmitForm", F="https://example.org/collect")),
        "a form field ('send') with actions; a SubmitForm action (sends form data) in a form field",
    ),
    "form ImportData": (
        lambda w: form_field(w, A=action("/ImportData", F="data.fdf")),
        "a form field ('send') with actions; an ImportData action (reads a file) in a form field",
    ),
    "form ResetForm on a trigger": (
        lambda w: form_field(w, AA=DictionaryObject({name("/K"): action("/ResetForm")})),
        "a form field ('send') with actions; a ResetForm action in a form field (/AA /K)",
    ),
}


@pytest.mark.parametrize("kind", list(ACTIVE))
def test_active_content_fails_naming_its_kind(
    check: CheckCLI, committed_minimal_pdf: Path, tmp_path: Path, kind: str
) -> None:
    edit, named = ACTIVE[kind]
    run = check(rewrite(committed_minimal_pdf, tmp_path / "active.pdf", edit))
    assert run.code == 1
    assert run.status("active") == "FAIL"
    assert f"active: {named}, no JavaScript" in "\n".join(run.failures())


def test_harmless_actions_pass_the_active_check(
    check: CheckCLI, committed_minimal_pdf: Path, tmp_path: Path
) -> None:
    def add_harmless(writer: PdfWriter) -> None:
        first = writer.pages[0].indirect_reference
        writer.root_object[name("/OpenAction")] = ArrayObject([first, name("/Fit")])
        annotation(writer, "/Link", A=action("/GoTo", D=ArrayObject([first, name("/Fit")])))
        annotation(writer, "/Link", A=action("/Named", N=name("/NextPage")))

    run = check(rewrite(committed_minimal_pdf, tmp_path / "harmless.pdf", add_harmless))
    assert run.code == 0, run.err
    assert run.status("active") == "PASS"


def test_looping_action_chains_end(
    check: CheckCLI, committed_minimal_pdf: Path, tmp_path: Path
) -> None:
    def add_loop(writer: PdfWriter) -> None:
        first = action("/URI", URI="https://example.org")
        ref = writer._add_object(first)
        first[name("/Next")] = ref
        annotation(writer, "/Link", A=ref)

    run = check(rewrite(committed_minimal_pdf, tmp_path / "loop.pdf", add_loop))
    assert run.code == 0, run.err
    assert run.status("active") == "PASS"


# --- 12. portfolio ---------------------------------------------------------------------


def test_portfolio_fails(check: CheckCLI, committed_minimal_pdf: Path, tmp_path: Path) -> None:
    def make_portfolio(writer: PdfWriter) -> None:
        writer.root_object[NameObject("/Collection")] = DictionaryObject(
            {NameObject("/Type"): NameObject("/Collection")}
        )

    run = check(rewrite(committed_minimal_pdf, tmp_path / "portfolio.pdf", make_portfolio))
    assert run.code == 1
    assert run.failures() == ["structure: a PDF portfolio (collection), a plain PDF"]


# --- 13. JSON --------------------------------------------------------------------------


def test_json_report_of_a_passing_pdf(check: CheckCLI, committed_pdf: Path) -> None:
    run = check(committed_pdf, "--json", "--data", str(DEFAULT_DATA))
    assert run.code == 0
    report = json.loads(run.out)
    assert report["ok"] is True
    assert report["pdf"] == str(committed_pdf)
    assert [c["name"] for c in report["checks"]] == ALL_CHECKS
    for c in report["checks"]:
        assert set(c) == {"name", "status", "value", "limit"}
        assert c["status"] == "pass"
    pages = next(c for c in report["checks"] if c["name"] == "pages")
    assert pages["value"] == f"{page_count(committed_pdf)} pages"
    assert pages["limit"] == "3 to 6 allowed"


def test_json_report_of_a_failing_pdf(check: CheckCLI, committed_pdf: Path) -> None:
    run = check(committed_pdf, "--json", "--max-pages", "1")
    assert run.code == 1
    assert run.err == ""  # stdout stays pure JSON; nothing else is printed
    report = json.loads(run.out)
    assert report["ok"] is False
    pages = next(c for c in report["checks"] if c["name"] == "pages")
    assert pages == {
        "name": "pages",
        "status": "fail",
        "value": f"{page_count(committed_pdf)} pages",
        "limit": "at most 1 allowed",
    }


def test_json_ok_follows_strict(
    check: CheckCLI, committed_minimal_pdf: Path, tmp_path: Path
) -> None:
    pdf = rewrite(
        committed_minimal_pdf, tmp_path / "v2.pdf", lambda w: setattr(w, "pdf_header", b"%PDF-2.0")
    )
    assert json.loads(check(pdf, "--json").out)["ok"] is True
    run = check(pdf, "--json", "--strict")
    assert run.code == 1
    assert json.loads(run.out)["ok"] is False


# --- 14. warnings and --strict ---------------------------------------------------------


def test_embedded_but_not_subset_font_warns(
    check: CheckCLI, committed_minimal_pdf: Path, tmp_path: Path
) -> None:
    names: list[str] = []
    full = rewrite(
        committed_minimal_pdf,
        tmp_path / "full.pdf",
        lambda w: names.append(unsubset(w, "LMSans12")),
    )
    assert names == ["LMSans12-Regular"]
    run = check(full)
    assert run.code == 0, run.err
    assert run.status("fonts") == "WARN"
    assert "embedded but not subset: LMSans12-Regular" in run.line("fonts")
    run = check(full, "--strict")
    assert run.code == 1
    assert run.failures() == [
        "fonts: embedded but not subset: LMSans12-Regular, subset fonts keep files small"
    ]


def test_strict_passes_a_clean_pdf(check: CheckCLI, committed_pdf: Path) -> None:
    assert check(committed_pdf, "--strict", "--data", str(DEFAULT_DATA)).code == 0


# --- 15. bad input ---------------------------------------------------------------------


def test_missing_file_is_bad_input(check: CheckCLI, tmp_path: Path) -> None:
    missing = tmp_path / "nope.pdf"
    run = check(missing)
    assert run.code == 2
    assert run.out == ""
    assert run.err.strip() == f"build-cv: {missing}: no such file"


@pytest.mark.parametrize("content", [b"", b"name: not a pdf\n"], ids=["empty", "yaml"])
def test_non_pdf_is_bad_input(check: CheckCLI, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "cv.pdf"
    path.write_bytes(content)
    run = check(path)
    assert run.code == 2
    assert run.out == ""
    assert f"build-cv: {path}: not a PDF (no %PDF- header)" in run.err


def test_header_only_pdf_is_a_damaged_pdf(check: CheckCLI, tmp_path: Path) -> None:
    path = tmp_path / "cv.pdf"
    path.write_bytes(b"%PDF-1.5\n" + b"garbage " * 100)
    run = check(path)
    assert run.code == 1
    assert run.status("structure") == "FAIL"
    assert "unreadable, the PDF is damaged" in run.line("structure")


def test_truncated_pdf_fails_instead_of_crashing(check: CheckCLI, committed_pdf: Path) -> None:
    data = committed_pdf.read_bytes()
    committed_pdf.write_bytes(data[: len(data) // 2])
    run = check(committed_pdf)
    assert run.code == 1
    assert "damaged" in run.out


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(12))
def test_corrupted_bytes_never_crash_the_preflight(
    check: CheckCLI, committed_pdf: Path, seed: int
) -> None:
    data = bytearray(committed_pdf.read_bytes())
    rng = random.Random(seed)
    for _ in range(40):
        data[rng.randrange(len(data))] = rng.randrange(256)
    committed_pdf.write_bytes(bytes(data))
    run = check(committed_pdf)
    assert run.code in (0, 1)
    assert run.out.startswith(f"Preflight of {committed_pdf}:")


def test_directory_is_bad_input(check: CheckCLI, tmp_path: Path) -> None:
    run = check(tmp_path)
    assert run.code == 2
    assert str(tmp_path) in run.err


def test_bad_option_is_usage_error(committed_pdf: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["check", str(committed_pdf), "--max-pages", "0"])
    assert exc.value.code == 2


# --- 16. PDF version -------------------------------------------------------------------


def test_pdf_2_0_warns_but_passes(
    check: CheckCLI, committed_minimal_pdf: Path, tmp_path: Path
) -> None:
    pdf = rewrite(
        committed_minimal_pdf, tmp_path / "v2.pdf", lambda w: setattr(w, "pdf_header", b"%PDF-2.0")
    )
    run = check(pdf)
    assert run.code == 0, run.err
    assert run.status("version") == "WARN"
    assert "PDF 2.0 (1.4 to 1.7 is safest for portals)" in run.line("version")
    run = check(pdf, "--strict")
    assert run.code == 1
    assert run.failures() == ["version: PDF 2.0, 1.4 to 1.7 is safest for portals"]


def test_version_is_read_from_the_header(check: CheckCLI, committed_minimal_pdf: Path) -> None:
    header = committed_minimal_pdf.read_bytes()[:8].decode()
    assert f"PDF {header.removeprefix('%PDF-')}" in check(committed_minimal_pdf).line("version")


# --- robustness: edge cases of the PDF format ---------------------------------------


@pytest.mark.tex
def test_data_without_keywords_still_gets_keywords_and_empty_keywords_fail(
    check: CheckCLI,
    default_pdf: Path,
    tmp_path: Path,
    write_cv: Callable[[dict[str, object]], Path],
) -> None:
    data = dict(DEFAULT_CV)
    del data["keywords"]
    cv_yaml = write_cv(data)
    built = build_pdf(cv_yaml, tmp_path / "built")
    assert built.report.ok()
    meta = PdfReader(built.pdf).metadata
    assert meta is not None
    assert meta.get("/Keywords") == "Jiarui Fang, curriculum vitae"

    def drop_keywords(writer: PdfWriter) -> None:
        info = PdfReader(default_pdf).metadata
        assert info is not None
        set_info(writer, {k: str(v) for k, v in info.items() if k != "/Keywords"})

    pdf = rewrite(default_pdf, tmp_path / "nokw.pdf", drop_keywords)
    run = check(pdf, "--data", str(cv_yaml))
    assert run.code == 1
    assert "Keywords is empty" in run.line("metadata")


def null_resource(key: str) -> Callable[[PdfWriter], None]:
    def edit(writer: PdfWriter) -> None:
        resolve(writer.pages[0]["/Resources"])[NameObject(key)] = NullObject()

    return edit


def null_annotation(writer: PdfWriter) -> None:
    resolve(writer.pages[0]["/Annots"]).append(NullObject())


@pytest.mark.parametrize(
    "edit",
    [null_resource("/XObject"), null_annotation],
    ids=["xobject-null", "annots-null-entry"],
)
def test_null_entries_mean_absent(
    check: CheckCLI, committed_minimal_pdf: Path, tmp_path: Path, edit: Callable[[PdfWriter], None]
) -> None:
    run = check(rewrite(committed_minimal_pdf, tmp_path / "null.pdf", edit))
    assert run.code == 0, run.out + run.err


def test_text_whose_font_is_gone_is_judged_as_a_reader_draws_it(
    check: CheckCLI, committed_pdf: Path, tmp_path: Path
) -> None:
    """With page 1's fonts null, a reader draws its text in a substitute font, as codes
    that mean nothing and at the substitute's widths: the text runs off the page."""
    run = check(rewrite(committed_pdf, tmp_path / "null.pdf", null_resource("/Font")))
    assert "unreadable" not in run.out, run.out
    assert [f.split(":")[0] for f in run.failures()] == ["bounds"], run.out


def test_catalog_version_overrides_header(
    check: CheckCLI, committed_minimal_pdf: Path, tmp_path: Path
) -> None:
    def version_2(writer: PdfWriter) -> None:
        writer.pdf_header = b"%PDF-1.4"
        writer.root_object[NameObject("/Version")] = NameObject("/2.0")

    run = check(rewrite(committed_minimal_pdf, tmp_path / "v.pdf", version_2))
    assert "PDF 2.0" in run.line("version")
    assert run.status("version") == "WARN"


@pytest.mark.parametrize("uri", ["HTTPS://example.org/", "MAILTO:ada@example.org"])
def test_upper_case_scheme_is_well_formed(
    check: CheckCLI, committed_minimal_pdf: Path, tmp_path: Path, uri: str
) -> None:
    def add_link(writer: PdfWriter) -> None:
        writer.add_annotation(0, Link(rect=(50, 50, 150, 70), url=uri))

    run = check(rewrite(committed_minimal_pdf, tmp_path / "link.pdf", add_link))
    assert run.code == 0, run.err


@pytest.mark.parametrize("action", ["/JavaScript", "/Launch"])
def test_links_that_run_code_fail(
    check: CheckCLI, committed_minimal_pdf: Path, tmp_path: Path, action: str
) -> None:
    def add_action(writer: PdfWriter) -> None:
        link = Link(rect=(50, 50, 150, 70), url="https://example.org/")
        annot = writer.add_annotation(0, link)
        resolve(annot)[NameObject("/A")] = DictionaryObject(
            {NameObject("/S"): NameObject(action), NameObject("/JS"): TextStringObject("x")}
        )

    run = check(rewrite(committed_minimal_pdf, tmp_path / "act.pdf", add_action))
    assert run.code == 1
    named = "JavaScript" if action == "/JavaScript" else "a Launch action (runs a program)"
    assert f"FAIL  active      {named} in a Link annotation on page 1" in run.line("active")


BODY = " I build systems for training large models on clusters of many GPUs. " * 2


def test_the_text_in_reading_order_passes() -> None:
    exp = Expectations(leading_name="方佳瑞", section_titles=["工作经历", "教育经历"])
    text = f"方佳瑞\nJiarui Fang\n{BODY}\n工作经历\n腾讯\n教育经历\n清华大学"
    assert preflight._check_text(text, exp).status == "pass"


def test_a_handle_read_before_the_name_fails() -> None:
    """A parser takes the first line for the name: a handle there is the name it files."""
    exp = Expectations(leading_name="Jiarui Fang", section_titles=["Education"])
    result = preflight._check_text(f"feifeibear\nJiarui Fang\n{BODY}\nEducation", exp)
    assert result.status == "fail"
    assert "does not begin with the name 'Jiarui Fang'" in result.value


def test_a_section_extracted_out_of_its_order_fails() -> None:
    exp = Expectations(leading_name="Ada", section_titles=["Experience", "Education"])
    result = preflight._check_text(f"Ada\n{BODY}\nEducation\nOxford\nExperience\nIBM", exp)
    assert result.status == "fail"
    assert "'Education' extracts before 'Experience'" in result.value


def test_a_name_sharing_its_first_line_is_a_warning() -> None:
    exp = Expectations(leading_name="Ada Lovelace", section_titles=["Work"])
    result = preflight._check_text(f"Last updated: Ada Lovelace\nJune 2024\n{BODY}\nWork", exp)
    assert result.status == "warn"
    assert "the first line reads 'Last updated: Ada Lovelace'" in result.value
