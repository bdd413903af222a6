"""JSON Resume: valid against the official schema, and a round trip back to the same CV."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from build_cv.cli.main import main
from build_cv.errors import InputError, SchemaError
from build_cv.formats.jsonresume.importer import import_json_resume, read_json_resume
from build_cv.formats.jsonresume.writer import SCHEMA_FILE, json_resume, schema_problems
from build_cv.formats.latex.writer import SOURCE_MARK
from build_cv.pipeline.build import build_pdf, load_cv
from build_cv.schema.model import CV
from build_cv.sources.validate import validate
from build_cv.sources.yaml_source import load_yaml_text
from tests.conftest import DEFAULT_DATA, FIXTURES
from tests.render import render_document, tex_for

EVERY_SECTION = FIXTURES / "jsonresume" / "every-section.json"
SCHEMA_SECTIONS = {
    "basics", "work", "volunteer", "education", "awards", "certificates", "publications",
    "skills", "languages", "interests", "references", "projects", "meta",
}  # fmt: skip


def reimported(cv: CV) -> CV:
    text = import_json_resume(json_resume(cv)).yaml()
    return validate(load_yaml_text(text, Path("imported.yaml")))


def test_the_vendored_schema_is_the_official_one() -> None:
    schema = json.loads(SCHEMA_FILE.read_text())
    assert set(schema["properties"]) == SCHEMA_SECTIONS | {"$schema"}
    assert (SCHEMA_FILE.parent / "LICENSE.md").read_text().startswith("The MIT License")


@pytest.mark.parametrize("data", [DEFAULT_DATA, FIXTURES / "injection.yaml"])
def test_the_json_is_valid_and_comes_back_as_the_same_cv(data: Path) -> None:
    cv = load_cv(data)[1]
    document = json.loads(render_document("json", cv))
    assert schema_problems(document) == []
    again = reimported(cv)
    assert json_resume(again) == document
    assert typeset(again) == typeset(cv), "the same LaTeX, so the same PDF"


def typeset(cv: CV) -> list[str]:
    """The LaTeX without its origin comments (a .bib entry's origin is its key)."""
    return [line for line in tex_for(cv).splitlines() if not line.startswith(SOURCE_MARK)]


def test_what_json_resume_lacks_goes_into_x_keys() -> None:
    document = json_resume(load_cv(DEFAULT_DATA)[1])
    groups = document["x-patents"]
    assert sum(len(g["patents"]) for g in groups) == 21
    preprint = next(p for p in document["publications"] if p["name"].startswith("PipeFusion"))
    assert preprint["x-equalContribution"] == ["Jiannan Wang", "Jiarui Fang"]
    assert preprint["x-authors"][1] == "Jiarui Fang"
    assert preprint["url"] == "https://arxiv.org/abs/2405.14430"
    phd = document["education"][0]
    assert phd["x-advisors"] == ["Prof. Guangwen Yang", "Prof. Haohuan Fu (co-advisor)"]
    assert phd["x-dissertation"].startswith("Parallel Deep Learning")
    current = document["work"][0]
    assert current["startDate"] == "2023-11" and "endDate" not in current


def test_a_resume_with_every_section_imports_with_notes_for_what_is_left_out() -> None:
    document = read_json_resume(EVERY_SECTION)
    assert set(document) >= SCHEMA_SECTIONS
    imported = import_json_resume(document, today=date(2024, 1, 1))
    cv = validate(load_yaml_text(imported.yaml(), Path("grace.yaml")))
    titles = [s.title for s in cv.sections]
    assert titles == [
        "Work Experience", "Volunteering", "Education", "Projects", "Publications", "Awards",
        "Certificates", "Skills", "Languages", "Interests", "References",
    ]  # fmt: skip
    assert cv.updated == date(2024, 6, 15)
    assert cv.person.github == "ghopper" and cv.person.homepage == "https://example.org/grace"
    text = render_document("txt", cv)
    shown = [
        "Ph.D. in Mathematics", "Score: summa cum laude", "A-0, FLOW-MATIC, COBOL (Master)",
        "National Medal of Technology", "Native speaker",
    ]  # fmt: skip
    assert [s for s in shown if s not in text] == []
    assert "She was a good man." not in text  # a referee's quote is no position
    notes = "\n".join(imported.notes)
    assert cv.person.mastodon == "@grace@example.social", "a profile with a place is kept"
    assert "basics.image is left out" in notes
    assert "projects[0].roles is left out (COBOL)" in notes
    assert "references[0].reference is left out" in notes


def test_broken_input_is_named_with_its_place(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"basics": {"name": "A"},\n "work": [}\n')
    with pytest.raises(InputError, match=r"bad\.json:2:11: not JSON"):
        read_json_resume(bad)
    bad.write_text('{"basics": {"name": 7}, "work": [{"startDate": "June"}]}')
    with pytest.raises(SchemaError) as info:
        read_json_resume(bad)
    fields = [p.location.field for p in info.value.problems]
    assert fields == ["basics.name", "work[0].startDate"]


@pytest.mark.tex
def test_import_writes_yaml_that_builds(tmp_path: Path) -> None:
    out = tmp_path / "grace.yaml"
    assert main(["import", str(EVERY_SECTION), "-o", str(out)]) == 0
    result = build_pdf(out, tmp_path / "out")
    assert result.report.ok() and result.report.pages
