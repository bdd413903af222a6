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
    """One pass, and a second only where the total has two digits: the footers left room
    for one, and the second pass makes room for the total the first one found."""
    cv = cv_of(items)
    with compile_tex(tex_for(cv), source_date_epoch=0) as compiled:
        assert compiled.passes == (1 if pages < 10 else 2)
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


def _footer_overhang(pdf: Path) -> float:
    """How far the footer ("i/N", a page's last characters) reaches past the right edge
    of the body text (the widest justified line in the document), the most on any page."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        footers: list[float] = []
        body = float("-inf")
        for page in document:
            text = page.get_textpage()
            boxes = [
                (text.get_text_range(k, 1), text.get_charbox(k)) for k in range(text.count_chars())
            ]
            visible = [float(right) for ch, (_, _, right, _) in boxes if ch.strip()]
            footers.append(visible[-1])
            body = max(body, *visible[:-6])
        return max(footers) - body
    finally:
        document.close()


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
