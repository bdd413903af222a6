"""An experience without a position and a publication without authors (every publication
imported from JSON Resume) read cleanly in every format: no stray comma, full stop or
empty heading where the missing value would be."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError
from pypdf import PdfReader

from build_cv.cli.main import main
from build_cv.preflight import extract_text, normalize
from build_cv.schema.model import CV, ExperienceSection, PublicationSection
from build_cv.sources.load import from_loaded
from build_cv.sources.yaml_source import load_yaml_text
from tests.render import render_document, tex_for

DATA: dict[str, Any] = {
    "person": {"name": "Ada Lovelace"},
    "updated": "2024-06-15",
    "sections": [
        {
            "title": "Work",
            "kind": "experience",
            "entries": [
                {"organization": "Engine Co", "location": "London", "start": "2020-01"},
                {"organization": "Loom Ltd", "summary": "Punched cards."},
            ],
        },
        {
            "title": "Papers",
            "kind": "publications",
            "entries": [{"title": "Notes on the Engine", "venue": "Memoirs", "year": 1843}],
        },
    ],
}


def cv(data: dict[str, Any] = DATA) -> CV:
    return from_loaded(load_yaml_text(yaml.safe_dump(data), Path("cv.yaml")))


def test_the_schema_lets_both_values_be_missing() -> None:
    work, papers = cv().sections[:2]
    assert isinstance(work, ExperienceSection) and isinstance(papers, PublicationSection)
    assert work.entries[0].position is None
    assert papers.entries[0].authors == []


def test_et_al_needs_authors_to_follow() -> None:
    data = json.loads(json.dumps(DATA))
    data["sections"][1]["entries"][0]["et_al"] = True
    with pytest.raises(ValidationError, match="has `et_al` but no `authors`"):
        CV.model_validate(data)


def test_the_latex_puts_the_organization_in_the_title_and_no_empty_authors() -> None:
    tex = tex_for(cv())
    assert r"\cventry{Jan 2020}{Engine Co}{}{London}{}{%" in tex
    assert r"\cventry{}{Loom Ltd}{}{}{}{%" in tex
    assert "\\cvnumbered{1.}{%\nNotes on the Engine. \\emph{Memoirs}, 1843.%" in tex


def test_html_markdown_and_text_read_cleanly() -> None:
    html = render_document("html", cv())
    assert '<h3>Engine Co</h3>\n<p class="where">London</p>' in html
    assert "<h3></h3>" not in html and '<span class="authors">' not in html
    assert '<cite class="title">Notes on the Engine.</cite>' in html
    md = render_document("md", cv())
    assert "### Engine Co\n\n*London* · Jan 2020\n" in md
    assert "### Loom Ltd\n\nPunched cards." in md
    assert "1. **Notes on the Engine.** *Memoirs*, 1843" in md
    txt = render_document("txt", cv())
    assert "Engine Co\nLondon | Jan 2020\n" in txt
    assert "1. Notes on the Engine. Memoirs, 1843." in txt
    for text in (md, txt):
        assert not re.search(r"(^|\n)[*, ]*, ", text), "a comma where a value is missing"


def test_json_resume_and_bibtex_leave_the_fields_out() -> None:
    document = json.loads(render_document("json", cv()))
    assert "position" not in document["work"][0]
    assert "x-authors" not in document["publications"][0]
    bib = render_document("bib", cv())
    assert "author" not in bib and "title = {{Notes on the Engine}}" in bib


@pytest.mark.tex
@pytest.mark.parametrize("style", ["classic", "casual", "banking", "oldstyle", "fancy"])
def test_the_pdf_reads_cleanly_in_every_style(style: str, tmp_path: Path) -> None:
    path = tmp_path / "cv.yaml"
    path.write_text(yaml.safe_dump({**DATA, "design": {"style": style}}))
    assert main(["build", str(path), "--out", str(tmp_path / "out")]) == 0
    text = normalize(extract_text(PdfReader(tmp_path / "out" / "cv.pdf")))
    assert "Engine Co" in text and "Loom Ltd" in text
    assert "Notes on the Engine. Memoirs, 1843." in text
    assert not re.search(r"(^|\n)\s*[,.]", text), "a line starts with a stray , or ."
    assert ", ," not in text and ". ." not in text
