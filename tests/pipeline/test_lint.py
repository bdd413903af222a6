"""`build-cv lint`: each kind of problem, named at the line it was written."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from build_cv.cli.main import main
from build_cv.pipeline.build import load_cv
from build_cv.pipeline.lint import clip, lint
from build_cv.sources.starter import starter_yaml
from tests.conftest import DEFAULT_DATA, ROOT

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


def test_the_summary_counts_each_kind_on_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cv.yaml"
    path.write_text(DATA)
    assert main(["lint", "--summary", str(path)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out == (
        f"{path}: 9 lint warnings (3 entries listed twice; 2 years that disagree with their "
        "venue or arXiv id; 1 placeholder left in; 1 tag used once; 1 date in the future; "
        "1 publication without a DOI, arXiv id or URL); "
        f"see them with: build-cv lint {path}\n"
    )
    assert main(["lint", "--summary", "--strict", str(path)]) == 1


@pytest.mark.slow
def test_the_default_data_builds_with_one_line_about_lint() -> None:
    """`make pdf` lints first: one line, not a screenful before the build."""
    recipe = (ROOT / "Makefile").read_text().split("\npdf:", 1)[1].split("\n\n", 1)[0]
    assert "build-cv lint --summary $(DATA)" in recipe
    done = subprocess.run(
        [sys.executable, "-m", "build_cv", "lint", "--summary", "data/cv.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.startswith("data/cv.yaml: 16 lint warnings (13 publications without")
    assert done.stdout.endswith("; see them with: build-cv lint data/cv.yaml\n")


LONG = "Optimizing Complex Spatially-Variant Coefficient Stencils on Sunway TaihuLight Machines"


def test_a_long_title_is_cut_at_a_word_boundary(tmp_path: Path) -> None:
    data = DATA.replace("{title: Lost,", f"{{title: {LONG},")
    (found,) = [w for w in warnings_of(data, tmp_path) if "has no DOI" in w]
    assert found == (
        "18:9: the publication 'Optimizing Complex Spatially-Variant Coefficient Stencils on…' "
        "has no DOI, arXiv id or URL"
    )


@pytest.mark.parametrize(
    ("text", "clipped"),
    [
        ("Short enough", "Short enough"),
        ("a" * 61, "a" * 60 + "…"),  # one word longer than the limit: nothing else to do
        ("Ends with a comma, then more words that run past the limit of it", None),
    ],
)
def test_clip_never_ends_mid_word(text: str, clipped: str | None) -> None:
    shown = clip(text)
    if clipped is not None:
        assert shown == clipped
        return
    head = shown.removesuffix("…")
    assert len(shown) <= 61 and shown.endswith("…")
    assert text.startswith(head) and text[len(head)] in " ,"


KINDS_DATA = """\
person: {name: Ada Lovelace}
updated: 2024-06-15
sections:
  - kind: grants
    entries:
      - {funder: NSF, start: "2023-01", end: "2027-12", status: completed}
      - {funder: ERC, start: "2024-09", end: "2029-08", status: awarded, amount: 1500000,
         currency: EUR, share: 0.4}
      - {funder: DFG, start: "2025-01", status: pending}
  - kind: supervision
    entries:
      - {student: A. Student, level: PhD, status: current, start: "2019-09", end: "2023-06"}
      - {student: B. Student, level: MSc, status: current, start: "2024-09", end: "2026-06"}
  - kind: talks
    entries:
      - {title: Upcoming, date: "2024-11"}
  - kind: service
    entries:
      - {role: Program Committee, body: OSDI, years: [2025]}
  - kind: awards
    entries:
      - {name: Prize, date: "2024-12"}
      - {name: Prize, date: "2024-12"}
"""


def test_the_record_kinds_dates_are_checked_against_their_status(tmp_path: Path) -> None:
    """A grant, a student, a talk and service may lie ahead (none is warned about); an
    award may not, a completed grant has ended and a current student has not."""
    assert warnings_of(KINDS_DATA, tmp_path) == [
        "6:57: status: completed, but `end` 2027-12 is not past",
        "8:25: share: 0.4 reads as 0.4 %; a share is a percentage (write 40 for 40 %)",
        "12:43: status: current, but `end` 2023-06 is past",
        "22:23: date 2024-12 is in the future",
        "23:9: this awards entry is listed twice (also at 22:9)",
        "23:23: date 2024-12 is in the future",
    ]
