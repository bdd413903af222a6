"""A `bib:` outside the CV's own folder is read only with the user's consent.

Outside means after symlinks and `..`: a CV someone else wrote must not make the build
read `../../.ssh/id_rsa` or a symlink to it. The consent is `--allow-outside` (threaded
down as `allow_outside=True`) or `allow_outside: true` in the CV.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from build_cv.errors import SchemaError
from build_cv.schema.model import PublicationSection
from build_cv.sources.load import load_cv
from tests.conftest import cv_reading

GOOD = "@article{a, title = {T}, author = {Ada Lovelace}, journal = {J}, year = 2020}\n"


def titles(data: Path, allow_outside: bool = False) -> list[str]:
    section = load_cv(data, allow_outside=allow_outside)[1].sections[0]
    assert isinstance(section, PublicationSection)
    return [p.title for p in section.entries]


def refusal(data: Path) -> str:
    with pytest.raises(SchemaError) as info:
        load_cv(data)
    (problem,) = info.value.problems
    assert (problem.location.file, problem.location.line) == (data, 7)  # the `bib:` line
    return str(problem)


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A .bib beside the CV's folder, not in it."""
    path = tmp_path / "papers.bib"
    path.write_text(GOOD, "utf-8")
    return path


def test_a_parent_folder_path_is_refused_naming_the_file_and_the_consent(
    tmp_path: Path, outside: Path
) -> None:
    data = cv_reading(tmp_path / "cv", "../papers.bib")
    shown = refusal(data)
    folder = re.escape(str((tmp_path / "cv").resolve()))
    assert re.fullmatch(
        rf".*cv\.yaml:7:\d+: sections\[0\]\.bib: .*\.\./papers\.bib: is outside the CV's "
        rf"folder \({folder}\), at {re.escape(str(outside.resolve()))}; build-cv reads such a "
        r"file only with your consent: pass --allow-outside, or set `allow_outside: true` in "
        r"the CV",
        shown,
    ), shown


def test_an_absolute_path_outside_is_refused(tmp_path: Path, outside: Path) -> None:
    assert "is outside the CV's folder" in refusal(cv_reading(tmp_path / "cv", str(outside)))


def test_a_symlink_inside_that_leads_outside_is_refused(tmp_path: Path, outside: Path) -> None:
    data = cv_reading(tmp_path / "cv", "papers.bib")
    (tmp_path / "cv" / "papers.bib").symlink_to(outside)
    assert "is outside the CV's folder" in refusal(data)


def test_a_path_that_stays_inside_is_read(tmp_path: Path) -> None:
    folder = tmp_path / "cv"
    (folder / "bib").mkdir(parents=True)
    (folder / "bib" / "real.bib").write_text(GOOD, "utf-8")
    (folder / "papers.bib").symlink_to(folder / "bib" / "real.bib")
    assert titles(cv_reading(folder, "bib/../papers.bib")) == ["T"]


def test_a_cv_reached_through_a_symlinked_folder_reads_its_own_files(tmp_path: Path) -> None:
    real = tmp_path / "real"
    cv_reading(real, "papers.bib")
    (real / "papers.bib").write_text(GOOD, "utf-8")
    (tmp_path / "link").symlink_to(real)
    assert titles(tmp_path / "link" / "cv.yaml") == ["T"]


def test_the_command_lines_consent_reads_it(tmp_path: Path, outside: Path) -> None:
    assert titles(cv_reading(tmp_path / "cv", "../papers.bib"), allow_outside=True) == ["T"]


def test_the_cvs_own_consent_reads_it(tmp_path: Path, outside: Path) -> None:
    data = cv_reading(tmp_path / "cv", "../papers.bib", allow_outside=True)
    assert titles(data) == ["T"]


def test_a_symlink_loop_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    folder = tmp_path / "cv"
    data = cv_reading(folder, "loop.bib")
    (folder / "loop.bib").symlink_to(folder / "loop.bib")
    shown = refusal(data)
    assert "loop.bib: " in shown and "Traceback" not in shown
