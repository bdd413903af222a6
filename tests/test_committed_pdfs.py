"""The PDFs committed under tests/fixtures/pdf are what build-cv makes today.

The preflight tests alter copies of them instead of building the CV with TeX in every
session, so these tests keep them honest: each passes today's preflight against the data
it was made from, and a fresh build of that data is the same document.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from build_cv.cli.main import main
from build_cv.pipeline.build import BuildResult, build_pdf
from build_cv.preflight import normalize
from tests.conftest import COMMITTED_PDFS, DEFAULT_DATA

MADE_FROM = {"default.pdf": DEFAULT_DATA, "minimal.pdf": COMMITTED_PDFS / "minimal.yaml"}
REMAKE = "remake it as tests/fixtures/pdf/README.md says"


@pytest.mark.parametrize("name", sorted(MADE_FROM))
def test_a_committed_pdf_passes_todays_preflight_against_its_data(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check", str(COMMITTED_PDFS / name), "--data", str(MADE_FROM[name]), "--strict"])
    assert code == 0, f"{name} fails today's preflight; {REMAKE}:\n{capsys.readouterr().out}"


def document(pdf: Path) -> dict[str, Any]:
    """What the tests of the preflight rely on: pages, text, fonts, links and metadata.
    Not the bytes: the TeX version shows in them, and that is not what the tests are about."""
    reader = PdfReader(pdf)
    fonts: set[str] = set()
    links: list[str] = []
    for page in reader.pages:
        for resource in (page.get("/Resources") or {}).get("/Font", {}).values():
            base = str(resource.get_object()["/BaseFont"]).lstrip("/")
            fonts.add(re.sub(r"^[A-Z]{6}\+", "", base))  # the subset's tag
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None and "/URI" in action:
                links.append(str(action["/URI"]))
    info = {k: str(v) for k, v in (reader.metadata or {}).items() if k != "/Producer"}
    return {
        "pages": [normalize(page.extract_text() or "") for page in reader.pages],
        "fonts": sorted(fonts),
        "links": links,
        "metadata": info,
    }


@pytest.mark.tex
def test_the_committed_default_pdf_is_what_the_default_cv_builds_to(
    default_build: BuildResult,
) -> None:
    committed = document(COMMITTED_PDFS / "default.pdf")
    assert document(default_build.pdf) == committed, f"default.pdf is out of date; {REMAKE}"


@pytest.mark.tex
def test_the_committed_minimal_pdf_is_what_its_yaml_builds_to(tmp_path: Path) -> None:
    fresh = build_pdf(MADE_FROM["minimal.pdf"], tmp_path).pdf
    committed = document(COMMITTED_PDFS / "minimal.pdf")
    assert document(fresh) == committed, f"minimal.pdf is out of date; {REMAKE}"
