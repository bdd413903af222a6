"""Shared fixtures. End-to-end fixtures really run TeX; nothing here mocks the compiler."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import settings

from build_cv.pipeline.build import BuildResult, build_pdf, load_cv
from build_cv.schema.model import CV
from build_cv.typeset.settings import NO_SPEEDUPS

# CI runs the same examples every time, so a red run is reproducible and never random.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT / "data" / "cv.yaml"
DEFAULT_BIB = ROOT / "data" / "publications.bib"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def _speedups_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """A BUILD_CV_NO_SPEEDUPS left set from a bisection (docs/performance.md) must not
    change what the tests check: the tests of the switch set it themselves."""
    monkeypatch.delenv(NO_SPEEDUPS, raising=False)


@pytest.fixture(scope="session")
def default_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The default CV, built once per test session with the real TeX toolchain."""
    out = tmp_path_factory.mktemp("default-out")
    return build_pdf(DEFAULT_DATA, out)


@pytest.fixture
def default_pdf(default_build: BuildResult, tmp_path: Path) -> Path:
    """A private copy of the default PDF that a test may damage."""
    copy = tmp_path / "cv.pdf"
    shutil.copyfile(default_build.pdf, copy)
    return copy


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
