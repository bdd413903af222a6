"""Private fields and the photo end to end (docs/private.md): real XeLaTeX, the PDF read
back. A variant that shows them prints the basic-information block under the name and
the re-encoded photo; one that does not has neither, nor any trace of them."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from build_cv.pipeline.build import BuildOptions, build_pdf
from tests.sources.test_photo import camera_jpeg

pytestmark = pytest.mark.tex

PERSON = {
    "name": "Ada Lovelace",
    "birth_date": "1990-05-17",
    "gender": "女",
    "ethnicity": "汉族",
    "political_status": "群众",
    "hometown": "北京顺义",
    "nationality": "Ruritanian",
    "photo": "me.jpg",
}
SHOWN = ["person.birth_date", "person.gender", "person.ethnicity", "person.political_status",
         "person.hometown", "person.photo", "publications.ranks"]  # fmt: skip
PAPER = {
    "title": "Notes on the Engine", "authors": ["Ada Lovelace"], "venue": "Memoirs",
    "year": 1843, "contribution": "I wrote the first program.", "credit": ["software"],
    "ranks": {"ccf": {"rank": "A", "edition": 2022}},
}  # fmt: skip


def pdf_lines(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [line.strip() for line in text.splitlines() if line.strip()]


def images(pdf: Path) -> int:
    return sum(len(page.images) for page in PdfReader(pdf).pages)


def build(tmp_path: Path, variant: str) -> Path:
    (tmp_path / "me.jpg").write_bytes(camera_jpeg())
    data = {
        "person": PERSON,
        "updated": "2024-06-15",
        "sections": [{"title": "Papers", "kind": "publications", "entries": [PAPER]}],
        "variants": {"cn": {"language": "zh", "show": SHOWN}, "plain": {}},
    }
    path = tmp_path / "cv.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = build_pdf(path, tmp_path / "out", BuildOptions(variant=variant))
    assert result.report.ok(), result.report
    return result.pdf


def test_a_variant_that_shows_them_prints_the_block_and_the_photo(tmp_path: Path) -> None:
    pdf = build(tmp_path, "cn")
    lines = pdf_lines(pdf)
    assert lines[0] == "Ada Lovelace"  # the name is still the first line
    text = " ".join(lines)
    for wanted in ("出生年月", "1990年5月", "性别", "民族 汉族", "政治面貌 群众", "籍贯 北京顺义",
                   "CCF A（2022）", "I wrote the first program."):  # fmt: skip
        assert wanted in text, wanted
    assert "Ruritanian" not in text  # given, not shown
    assert images(pdf) == 1
    raw = pdf.read_bytes()
    assert b"SECRET" not in raw  # the camera, the comment: gone with the re-encoding
    tex = (tmp_path / "out" / "cv-cn.tex").read_text(encoding="utf-8")
    assert r"\photo[64pt][0.4pt]{photo.jpg}" in tex


def test_a_variant_that_does_not_show_them_has_no_trace_of_them(tmp_path: Path) -> None:
    pdf = build(tmp_path, "plain")
    text = " ".join(pdf_lines(pdf))
    for value in ("1990", "May 1990", "汉族", "群众", "北京", "Ruritanian", "Date of birth",
                  "CCF"):  # fmt: skip
        assert value not in text, value
    assert "I wrote the first program." in text  # a narrative is printed unless hidden
    assert images(pdf) == 0
    assert "photo" not in (tmp_path / "out" / "cv-plain.tex").read_text(encoding="utf-8")
