"""`build-cv lint`: each kind of problem, named at the line it was written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from build_cv.cli.main import main
from build_cv.pipeline.build import load_cv
from build_cv.pipeline.lint import lint
from build_cv.sources.starter import starter_yaml
from tests.conftest import DEFAULT_DATA

TODAY = date(2024, 6, 15)
DATA = """\
person: {name: Ada Lovelace, location: "Zurich, TBD"}
updated: 2024-06-15
sections:
  - title: Work
    kind: experience
    entries:
      - {position: Analyst, organization: Engine Co, start: "2023-01", end: present,
         tags: [curent]}
      - {position: Analyst, organization: Engine Co, start: "2023-01", end: present}
      - {position: Future, organization: Later Co, start: "2030-01"}
  - title: Papers
    kind: publications
    entries:
      - {title: Notes, authors: [Ada Lovelace], venue: ICLR 2024, year: 2023, doi: 10.1000/x}
      - {title: "Notes.", authors: [Ada Lovelace], venue: Journal, year: 2020, url: "https://x.org"}
      - {title: Sketch, authors: [Ada Lovelace], venue: arXiv preprint, year: 2023,
         arxiv: "2405.07719"}
      - {title: Lost, authors: [Ada Lovelace], venue: Somewhere, year: 2021}
  - title: Patents
    kind: patents
    entries:
      - organization: Engine Co
        patents: [{number: CN1A}, {number: CN2A}, {number: CN1A}]
"""


def warnings_of(text: str, tmp_path: Path) -> list[str]:
    path = tmp_path / "cv.yaml"
    path.write_text(text)
    loaded, cv = load_cv(path)
    return [str(w).replace(f"{path}:", "") for w in lint(loaded, cv, TODAY)]


def test_each_problem_is_named_at_its_line(tmp_path: Path) -> None:
    also = "(also at"
    assert warnings_of(DATA, tmp_path) == [
        "1:30: person.location: `TBD` is a placeholder: fill it in or leave the field out "
        "('Zurich, TBD')",
        "8:17: the tag `curent` is used once and no variant names it (a typo?)",
        f"9:9: this experience entry is listed twice {also} 7:9)",
        "10:52: start 2030-01 is in the future",
        "14:67: year: 2023, but the venue says 2024 ('ICLR 2024')",
        f"15:10: the publication 'Notes.' is listed twice {also} 14:10)",
        "16:73: year: 2023, but arXiv:2405.07719 appeared in 2024-05",
        "18:9: the publication 'Lost' has no DOI, arXiv id or URL",
        f"23:52: patent CN1A is listed twice {also} 23:20)",
    ]


def test_the_seed_patent_listed_twice_is_found() -> None:
    loaded, cv = load_cv(DEFAULT_DATA)
    found = [str(w) for w in lint(loaded, cv, TODAY) if "CN115061804A" in str(w)]
    assert len(found) == 1 and "is listed twice (also at data/cv.yaml:" in found[0].replace(
        str(DEFAULT_DATA.parent.parent) + "/", ""
    )


def test_the_starter_lints_clean(tmp_path: Path) -> None:
    assert warnings_of(starter_yaml("Ada Lovelace", TODAY), tmp_path) == []


def test_cli_warns_and_strict_fails(
    write_cv: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cv.yaml"
    path.write_text(DATA)
    assert main(["lint", str(path)]) == 0
    out, err = capsys.readouterr()
    assert out == f"{path}: 9 warnings\n"
    assert f"build-cv: warning: {path}:18:9: the publication 'Lost'" in err
    assert main(["lint", str(path), "--strict"]) == 1
    assert "warnings are errors (--strict)" in capsys.readouterr().err
