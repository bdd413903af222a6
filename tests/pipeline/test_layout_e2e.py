"""Layout end to end: content that moderncv used to lose or mangle, built by real XeLaTeX.

moderncv sets items as boxes TeX cannot break; these CVs are made to need a break where
that used to cut text off, and the PDF is read back to find every word on a page.
"""

from __future__ import annotations

import copy
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader

from build_cv.pipeline.build import build_pdf
from build_cv.preflight import extract_text, normalize
from build_cv.view import page_ranges
from tests.conftest import MINIMAL

pytestmark = pytest.mark.tex

AUTHORS = [f"Author{i:03d} Person" for i in range(700)]


def huge_paper_cv(style: str) -> dict[str, object]:
    """A CV whose one publication (700 authors) is taller than a page."""
    data = copy.deepcopy(MINIMAL)
    data["design"] = {"icons": True, "style": style}
    data["sections"] = [
        {
            "kind": "publications",
            "title": "Publications",
            "entries": [
                {
                    "title": "Observation of a new particle",
                    "authors": AUTHORS,
                    "venue": "Physics Letters B",
                    "year": 2012,
                    "details": "pp. 1-29",
                },
                {
                    "title": "A short paper after the long one",
                    "authors": ["Ada Lovelace"],
                    "venue": "Notes",
                    "year": 1843,
                },
            ],
        }
    ]
    return data


def pdftotext(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.parametrize("style", ["classic", "banking", "fancy"])
def test_an_entry_taller_than_a_page_breaks_inside_itself(
    style: str, write_cv: Callable[[dict[str, object]], Path], tmp_path: Path
) -> None:
    result = build_pdf(write_cv(huge_paper_cv(style)), tmp_path / "out")
    report = result.report
    assert report.get("bounds").status == "pass", report.text()
    assert report.get("blank").status == "pass", report.text()
    assert report.pages is not None and report.pages >= 2
    footer = r"^\d+/\d+$"  # "i/N", a form object that pypdf reads as a line of its own
    body = re.sub(footer, "", extract_text(PdfReader(result.pdf)), flags=re.M)
    flat = normalize(body).replace(" ", "").replace("-", "")
    missing = [a for a in AUTHORS if a.replace(" ", "") not in flat]
    assert missing == []
    assert "Ashortpaperafterthelongone" in flat
    layout = pdftotext(result.pdf)
    assert "1. " in layout and "1.:" not in layout  # numbered "1." in every style
    assert "pp. 1–29" in layout
    for page in range(1, report.pages + 1):  # "i/N" on every page
        assert f"{page}/{report.pages}" in layout


def test_page_ranges_take_an_en_dash() -> None:
    assert page_ranges("pp. 921-931, Hyderabad") == "pp. 921–931, Hyderabad"
    assert page_ranges("pages 615 -- 624") == "pages 615–624"
    assert page_ranges("no. 3-A, ISBN x") == "no. 3-A, ISBN x"


@pytest.mark.parametrize("style", ["classic", "oldstyle"])
def test_a_long_homepage_shrinks_instead_of_overprinting(
    style: str, write_cv: Callable[[dict[str, object]], Path], tmp_path: Path
) -> None:
    data = copy.deepcopy(MINIMAL)
    long_url = "https://example.org/" + "a-very-long-path-segment/" * 5 + "index.html"
    data["person"] = {**MINIMAL["person"], "homepage": long_url}  # type: ignore[dict-item]
    data["design"] = {"icons": True, "style": style}
    result = build_pdf(write_cv(data), tmp_path / "out")
    assert result.report.get("bounds").status == "pass", result.report.text()
    assert not [w for w in result.warnings if "past the right margin" in str(w)]
    text = normalize(extract_text(PdfReader(result.pdf))).replace(" ", "")
    assert long_url.removeprefix("https://") in text
