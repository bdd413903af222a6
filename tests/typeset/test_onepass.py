"""One XeLaTeX pass: the right "i/N" on every page and a complete outline, at any length."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
from pypdf import PdfReader

from build_cv.schema.model import CV
from build_cv.typeset.engine import compile_tex
from tests.render import tex_for

pytestmark = pytest.mark.tex


def cv_of(items: int, sections: int = 2) -> CV:
    text = "A sentence that takes up a line or two of the page, and then some more. " * 6
    data: dict[str, Any] = {
        "person": {"name": "Ada Lovelace", "email": "ada@example.org"},
        "updated": "2024-06-15",
        "design": {"icons": False},
        "sections": [
            {
                "title": f"Section {s}",
                "kind": "items",
                "entries": [{"label": f"{s}.{i}", "text": text} for i in range(items)],
            }
            for s in range(sections)
        ],
    }
    return CV.model_validate(data)


@pytest.mark.parametrize(("items", "pages"), [(1, 1), (7, 2), (25, 7), (40, 11)])
def test_one_pass_numbers_every_page_and_writes_the_outline(
    tmp_path: Path, items: int, pages: int
) -> None:
    """One pass at every length: each footer's "i/N" is drawn from a form of its own,
    defined once N is known, with the text right-aligned however wide the total."""
    cv = cv_of(items)
    with compile_tex(tex_for(cv), source_date_epoch=0) as compiled:
        assert compiled.passes == 1
        pdf = tmp_path / "cv.pdf"
        pdf.write_bytes(compiled.pdf.read_bytes())
        aux = compiled.aux
    reader = PdfReader(pdf)
    assert len(reader.pages) == pages
    for i in range(1, pages + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(i), "-l", str(i), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert re.search(rf"(?m)^{i}/{pages}$", text), (i, text[-200:])
        assert re.search(rf"{i}/\s*{pages}", reader.pages[i - 1].extract_text())
    assert [o.title for o in reader.outline] == ["Section 0", "Section 1"]  # type: ignore[union-attr]
    assert _footer_overhang(pdf) <= 2  # points; a digit with no room would reach 5 past
    last_end = re.findall(r"\\newlabel\{buildcvsection1-end\}\{\{[^{}]*\}\{(\d+)\}", aux)
    assert last_end == [str(pages)]  # held pages are shipped with their own numbers


def test_a_cv_of_a_hundred_pages_takes_one_pass(tmp_path: Path) -> None:
    """A senior academic's CV: page numbers of one, two and three digits over a total of
    three, one pass, each footer right-aligned on the margin."""
    pages = 101
    with compile_tex(tex_for(cv_of(400)), source_date_epoch=0) as compiled:
        assert compiled.passes == 1
        pdf = tmp_path / "cv.pdf"
        pdf.write_bytes(compiled.pdf.read_bytes())
        aux = compiled.aux
    _assert_footers(pdf, pages)
    assert _footer_overhang(pdf) <= 2
    last_end = re.findall(r"\\newlabel\{buildcvsection1-end\}\{\{[^{}]*\}\{(\d+)\}", aux)
    assert last_end == [str(pages)]


def test_a_thousand_pages_take_one_pass_and_number_every_page(tmp_path: Path) -> None:
    """1,001 pages, four digits on both sides of the slash: one pass, every footer read
    right, none past the margin. The pages after the first are short (TeX's own loop), so
    that the test costs seconds, not minutes."""
    pages = 1001
    tex = tex_for(cv_of(1))
    loop = (
        f"\\makeatletter\\count@=1 \\loop\\ifnum\\count@<{pages} \\advance\\count@\\@ne"
        "\\newpage Page \\the\\count@.\\repeat\\makeatother\n"
    )
    end = tex.rindex("\\end{document}")
    with compile_tex(tex[:end] + loop + tex[end:], source_date_epoch=0) as compiled:
        assert compiled.passes == 1
        pdf = tmp_path / "cv.pdf"
        pdf.write_bytes(compiled.pdf.read_bytes())
    _assert_footers(pdf, pages)
    assert _footer_overhang(pdf) <= 2


def _assert_footers(pdf: Path, pages: int) -> None:
    """Every page ends with its "i/N" as pdftotext and PDFium read it, and so does each
    page where the number gains a digit, and the last, as pypdf reads it (a second a
    hundred dense pages)."""
    texts = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    document = pypdfium2.PdfDocument(pdf)
    try:
        assert len(document) == pages
        for i in range(1, pages + 1):
            footer = f"{i}/{pages}"
            assert texts[i - 1].rstrip().endswith(f"\n{footer}"), (i, texts[i - 1][-80:])
            read = document[i - 1].get_textpage().get_text_range()
            assert read.rstrip().endswith(footer), (i, read[-80:])
    finally:
        document.close()
    reader = PdfReader(pdf)
    for i in sorted({1, 9, 10, 99, 100, 999, 1000, pages} & set(range(1, pages + 1))):
        assert reader.pages[i - 1].extract_text().rstrip().endswith(f"{i}/{pages}"), i


def _footer_overhang(pdf: Path) -> float:
    """How far the footer ("i/N", a page's last characters) reaches past the right edge
    of the body text (the widest justified line of the first page), the most on any
    page."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        footers: list[float] = []
        body = float("-inf")
        total = len(document)
        for number, page in enumerate(document, start=1):
            text = page.get_textpage()
            chars = range(text.count_chars()) if number == 1 else _last_chars(text, 40)
            visible = [
                float(text.get_charbox(k)[2]) for k in chars if text.get_text_range(k, 1).strip()
            ]
            footers.append(visible[-1])
            if number == 1:
                body = max(visible[: -len(f"{number}/{total}")])
        return max(footers) - body
    finally:
        document.close()


def _last_chars(text: pypdfium2.PdfTextPage, count: int) -> range:
    return range(max(text.count_chars() - count, 0), text.count_chars())


def test_raw_latex_that_refers_forward_gets_the_passes_it_needs() -> None:
    tex = (
        "\\documentclass{article}\\begin{document}See page~\\pageref{later}."
        "\\newpage Here.\\label{later}\\end{document}\n"
    )
    with compile_tex(tex, source_date_epoch=0) as compiled:
        assert compiled.passes == 2
        text = subprocess.run(
            ["pdftotext", str(compiled.pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
    assert "See page 2." in text
