"""A header that résumé parsers read right: they take the first line of text for the name.

With the native name on the name's line, one parser took the GitHub handle on the next
line for the name. So the name the document leads with stands alone on the first line,
the other on its own line below it, and a handle prints with its site. Built by real
XeLaTeX and read back with pdftotext, as a parser reads it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from build_cv.pipeline.build import BuildResult
from build_cv.schema.model import CV
from build_cv.typeset.engine import compile_tex
from tests.render import tex_for

pytestmark = pytest.mark.tex

STYLES = ["classic", "casual", "banking", "oldstyle", "fancy"]


def first_lines(pdf: Path, n: int = 2) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line.strip() for line in text.splitlines() if line.strip()][:n]


def header_cv(style: str, language: str) -> CV:
    return CV.model_validate(
        {
            "person": {
                "name": "Jiarui Fang",
                "native_name": "方佳瑞",
                "email": "fangjiarui123@gmail.com",
                "github": "feifeibear",
            },
            "updated": "2024-06-15",
            "design": {"style": style, "language": language},
            "summary": "Research on parallel systems for machine learning.",
            "sections": [
                {"title": "Notes", "kind": "items", "entries": [{"label": "A", "text": "Text."}]}
            ],
        }
    )


def built(cv: CV, tmp_path: Path) -> Path:
    with compile_tex(tex_for(cv), source_date_epoch=0) as compiled:
        pdf = tmp_path / "cv.pdf"
        pdf.write_bytes(compiled.pdf.read_bytes())
    return pdf


@pytest.mark.parametrize(
    ("language", "names"), [("en", ["Jiarui Fang", "方佳瑞"]), ("zh", ["方佳瑞", "Jiarui Fang"])]
)
@pytest.mark.parametrize("style", STYLES)
def test_each_name_stands_alone_the_documents_own_first(
    tmp_path: Path, style: str, language: str, names: list[str]
) -> None:
    """An English CV leads with the Latin name, a Chinese one with the Chinese name. In
    every style but fancy (whose contact column is left of the name) it is the first line
    a parser reads."""
    lines = first_lines(built(header_cv(style, language), tmp_path), 8)
    assert lines.index(names[0]) < lines.index(names[1])
    if style != "fancy":
        assert lines[0] == names[0]


@pytest.mark.parametrize("style", ["classic", "fancy"])
def test_the_handle_prints_with_its_site(tmp_path: Path, style: str) -> None:
    pdf = built(header_cv(style, "en"), tmp_path)
    lines = first_lines(pdf, 20)
    assert "github.com/feifeibear" in lines
    assert "feifeibear" not in lines


def test_the_default_cv_leads_with_the_name_alone(default_build: BuildResult) -> None:
    assert first_lines(default_build.pdf, 4) == [
        "Jiarui Fang",
        "方佳瑞",
        "fangjiarui123@gmail.com",
        "github.com/feifeibear",
    ]
