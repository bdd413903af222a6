from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from build_cv.formats.latex.writer import source_at
from build_cv.pipeline.build import load_cv
from build_cv.pipeline.diagnose import Locator
from build_cv.schema.model import CV
from build_cv.view import build_view
from tests.conftest import DEFAULT_DATA, ROOT
from tests.render import tex_for


def make(**extra: Any) -> CV:
    data: dict[str, Any] = {
        "person": {"name": "Ada Lovelace", "native_name": "艾达", "email": "ada_l@example.org"},
        "updated": "2024-06-15",
        **extra,
    }
    return CV.model_validate(data)


PUB = {
    "title": "Notes on the Analytical Engine",
    "authors": ["Charles Babbage", "Ada Lovelace"],
    "venue": "Taylor's Memoirs",
    "year": 1843,
    "equal_contribution": ["Charles Babbage", "Ada Lovelace"],
    "arxiv": "2405.14430",
}


def test_owner_is_bolded_and_equal_contribution_marked() -> None:
    tex = tex_for(make(sections=[{"kind": "publications", "title": "P", "entries": [PUB]}]))
    assert r"\textbf{Ada Lovelace}\textsuperscript{*}" in tex
    assert r"Charles Babbage\textsuperscript{*}, " in tex
    assert "equal contribution" in tex
    assert r"\href{https://arxiv.org/abs/2405.14430}{arXiv:2405.14430}" in tex


def test_author_aliases_are_bolded_too() -> None:
    cv = make(sections=[{"kind": "publications", "title": "P", "entries": [PUB]}])
    cv = cv.model_copy(
        update={"person": cv.person.model_copy(update={"author_names": ["Charles Babbage"]})}
    )
    assert r"\textbf{Charles Babbage}" in tex_for(cv)


def test_metadata_and_header_come_from_the_data() -> None:
    tex = tex_for(make(keywords=["HPC", "C++"], subject="CV 50%"))
    assert r"pdftitle={Ada Lovelace {-} Curriculum Vitae}" in tex
    assert r"pdfauthor={Ada Lovelace}" in tex
    assert r"pdfsubject={CV 50\%}" in tex
    assert r"pdfkeywords={HPC, C++}" in tex
    assert r"\name{\cvnohyphens{Ada Lovelace}}{\cvsecondname{\cvcjk{艾达}}}" in tex
    assert r"\email{ada\_l@example.org}" in tex


def test_every_data_string_is_escaped_by_default() -> None:
    evil = r"\input{/etc/passwd} 100% #1"
    tex = tex_for(
        make(
            summary=evil,
            sections=[
                {
                    "kind": "experience",
                    "title": evil,
                    "entries": [{"position": evil, "organization": evil, "highlights": [evil]}],
                }
            ],
        )
    )
    assert r"\input{/etc/passwd}" not in tex
    assert tex.count(r"\textbackslash{}input\{/etc/passwd\} 100\% \#1") == 5


def test_raw_fields_pass_through_only_where_the_schema_says_raw() -> None:
    tex = tex_for(
        make(
            sections=[{"kind": "raw", "title": "Raw", "latex": r"\textbf{raw}"}],
            design={"preamble_latex": r"\newcommand{\foo}{bar}"},
        )
    )
    assert r"\textbf{raw}" in tex
    assert r"\newcommand{\foo}{bar}" in tex


def test_phone_and_missing_fields_are_not_printed() -> None:
    tex = tex_for(make())
    assert r"\phone" not in tex
    assert r"\homepage{" not in tex


@pytest.mark.parametrize("style", ["classic", "casual", "banking", "oldstyle", "fancy"])
def test_design_options_reach_the_preamble(style: str) -> None:
    tex = tex_for(
        make(
            design={
                "style": style,
                "color": "green",
                "paper": "letter",
                "font_size": 10,
                "icons": False,
            }
        )
    )
    assert r"\documentclass[10pt,letterpaper,sans]{moderncv}" in tex
    assert rf"\moderncvstyle[nosymbols]{{{style}}}" in tex
    assert r"\moderncvcolor{green}" in tex


def test_source_markers_map_tex_lines_to_the_line_written() -> None:
    loaded, cv = load_cv(DEFAULT_DATA)
    view = build_view(cv)
    tex = tex_for(cv)
    where = Locator(loaded, view)
    lines = tex.splitlines()

    def line_of(phrase: str) -> int:
        return next(i for i, t in enumerate(lines, 1) if phrase in t)

    project = where.origin_at(tex, line_of("Data Curation for Large Language Model"))
    assert project is not None and project.path == ("sections", 2, "entries", 1)
    yaml_line = where.location(project.path).line
    assert yaml_line is not None
    assert "Data Curation" in DEFAULT_DATA.read_text().splitlines()[yaml_line - 1]

    paper = where.origin_at(tex, line_of("a Parallel Framework for Accelerating"))
    assert paper is not None and paper.file == DEFAULT_DATA.parent / "publications.bib"
    assert paper.line is not None
    bib = paper.file.read_text().splitlines()
    assert bib[paper.line - 1].startswith("@inproceedings{li2018swcaffe,")
    assert str(where.location(paper.path)).endswith(f"publications.bib:{paper.line}")
    assert source_at(tex, 1) is None


def test_default_tex_has_every_paper_title_and_patent(default_cv: CV, tmp_path: Path) -> None:
    tex = tex_for(default_cv)
    for section in default_cv.sections:
        for entry in getattr(section, "entries", []):
            if hasattr(entry, "patents"):
                for p in entry.patents:
                    assert p.number in tex
    assert "RedSync: Reducing Synchronization Traffic" in tex


@pytest.mark.slow
def test_a_regular_install_carries_the_templates(tmp_path: Path) -> None:
    """Built as a wheel, the package must find its templates and every module without the
    checkout (a package missing from pyproject.toml's list installs without its files). It
    is built from a copy: setuptools reuses the checkout's `build/`, whose files from an
    earlier build would hide a package the list has lost."""
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for name in ("build_cv", "tex_templates"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("build_cv-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "build_cv/tex_templates/cv.tex.j2" in names
    assert "build_cv/tex_templates/sections/publications.tex.j2" in names
    modules = {str(p.relative_to(ROOT)) for p in (ROOT / "build_cv").rglob("*.py")}
    assert modules - set(names) == set()


@pytest.mark.parametrize(
    ("name", "cjk", "cmu"),
    [("Ada Lovelace", False, False), ("Ada 方", True, False), ("Ἀδά Lovelace", False, True)],
)
def test_font_families_load_only_for_text_that_needs_them(name: str, cjk: bool, cmu: bool) -> None:
    cv = make()
    cv = cv.model_copy(update={"person": cv.person.model_copy(update={"name": name})})
    cv = cv.model_copy(update={"person": cv.person.model_copy(update={"native_name": None})})
    tex = tex_for(cv)
    assert ("{cvcjk}{Noto Sans CJK SC:" in tex) == cjk
    assert ("{cvscript}{[cmunss.otf]" in tex) == cmu
    assert "fontspec" not in tex and "xeCJK" not in tex


def test_a_cjk_document_has_no_wider_space_after_a_sentence() -> None:
    cv = make()
    zh = cv.model_copy(update={"design": cv.design.model_copy(update={"language": "zh"})})
    assert "\\frenchspacing" in tex_for(zh) and "\\frenchspacing" not in tex_for(cv)
