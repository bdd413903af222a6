"""Shared fixtures. End-to-end fixtures really run TeX; nothing here mocks the compiler.

The test tiers (README, Development): a test that runs TeX, Chromium or a site generator
carries the marker `tex`, `browser` or `sitegen`, and `make quick` leaves it out. A
fixture that runs one of them says so with `needs`, and every test that uses it, however
indirectly, is marked by `pytest_collection_modifyitems`, so no such test can forget.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
import yaml
from hypothesis import settings

from build_cv.pipeline.build import BuildResult, build_pdf, load_cv
from build_cv.pipeline.options import BuildOptions
from build_cv.schema.model import CV
from build_cv.typeset.settings import NO_SPEEDUPS

# CI runs the same examples every time, so a red run is reproducible and never random.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT / "data" / "cv.yaml"


def default_sections(variant: str | None = None) -> int:
    """How many sections the default data's document (or `variant`'s) has."""
    from build_cv.variants import language_of, select

    cv = load_cv(DEFAULT_DATA)[1]
    language = language_of(cv, variant) if variant else None
    if language not in (None, cv.design.language):
        cv = load_cv(DEFAULT_DATA, language=language)[1]
    return len(select(cv, variant).cv.sections)


DEFAULT_BIB = ROOT / "data" / "publications.bib"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

F = TypeVar("F", bound=Callable[..., object])
_NEEDS = "_build_cv_needs"


def needs(*markers: str) -> Callable[[F], F]:
    """Put under `@pytest.fixture`: the markers (`tex`, `browser`, ...) of what the
    fixture runs, which every test using it then gets (see the hook below)."""

    def record(function: F) -> F:
        setattr(function, _NEEDS, markers)
        return function

    return record


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by what the fixtures it uses (directly or through others) run."""
    for item in items:
        if not isinstance(item, pytest.Function):
            continue
        # name2fixturedefs covers the whole closure of the test's fixtures
        for defs in item._fixtureinfo.name2fixturedefs.values():
            for marker in getattr(defs[-1].func, _NEEDS, ()):
                item.add_marker(marker)


@pytest.fixture(autouse=True)
def _speedups_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """A BUILD_CV_NO_SPEEDUPS left set from a bisection (docs/performance.md) must not
    change what the tests check: the tests of the switch set it themselves."""
    monkeypatch.delenv(NO_SPEEDUPS, raising=False)


@pytest.fixture(scope="session")
@needs("tex")
def default_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The default CV, built once per test session with the real TeX toolchain."""
    out = tmp_path_factory.mktemp("default-out")
    return build_pdf(DEFAULT_DATA, out)


@pytest.fixture(scope="session")
@needs("tex")
def zh_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The default data's Chinese CV (variant `zh`), built once per test session."""
    return build_pdf(DEFAULT_DATA, tmp_path_factory.mktemp("zh-out"), BuildOptions(variant="zh"))


@pytest.fixture
def default_pdf(default_build: BuildResult, tmp_path: Path) -> Path:
    """A private copy of the default PDF that a test may damage."""
    copy = tmp_path / "cv.pdf"
    shutil.copyfile(default_build.pdf, copy)
    return copy


COMMITTED_PDFS = FIXTURES / "pdf"  # how each was made, and how to remake it: README.md there


def _copy(committed: str, tmp_path: Path) -> Path:
    copy = tmp_path / "committed" / "cv.pdf"  # beside, not over, what a test writes
    copy.parent.mkdir()
    shutil.copyfile(COMMITTED_PDFS / committed, copy)
    return copy


@pytest.fixture
def committed_pdf(tmp_path: Path) -> Path:
    """A private copy of the default CV's PDF as build-cv made it, committed: for the
    tests of what the preflight says of a PDF, which need no fresh build (and no TeX)."""
    return _copy("default.pdf", tmp_path)


@pytest.fixture
def committed_minimal_pdf(tmp_path: Path) -> Path:
    """The same for a one-page CV (tests/fixtures/pdf/minimal.yaml), checked in a quarter
    of the time: for tests of what they add to a PDF, whichever CV it shows."""
    return _copy("minimal.pdf", tmp_path)


MINIMAL: dict[str, object] = {
    "person": {"name": "Ada Lovelace", "email": "ada@example.org"},
    "updated": "2024-06-15",
    "design": {"icons": False},
    "sections": [
        {
            "kind": "items",
            "title": "Notes",
            "entries": [{"label": "Note", "text": "placeholder"}],
        }
    ],
}


@pytest.fixture
def write_cv(tmp_path: Path) -> Callable[[dict[str, object]], Path]:
    """Write a CV mapping to a YAML file in the test's directory; returns its path."""

    def write(data: dict[str, object], name: str = "cv.yaml") -> Path:
        path = tmp_path / name
        shutil.copyfile(DEFAULT_BIB, tmp_path / DEFAULT_BIB.name)  # the default data reads it
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def default_cv() -> CV:
    return load_cv(DEFAULT_DATA)[1]


def cv_reading(folder: Path, bib: str, **top: Any) -> Path:
    """A CV in `folder` whose one section reads the .bib `bib`; `top` adds top-level keys."""
    folder.mkdir(parents=True, exist_ok=True)
    data = {
        "person": {"name": "Ada Lovelace"},
        "updated": "2024-06-15",
        "sections": [{"title": "Papers", "kind": "publications", "bib": bib}],
        **top,
    }
    path = folder / "cv.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    return path
