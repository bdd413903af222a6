"""The versions `make` installs are pinned in constraints.txt, so that a new release of a
dependency or a tool (ruff, mypy, pypdf...) cannot change a build or turn the tests red
by itself; pyproject.toml keeps the ranges a user's `pip install` resolves."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.conftest import ROOT

PINS = ROOT / "constraints.txt"


def pins() -> dict[str, Version]:
    pinned: dict[str, Version] = {}
    for line in PINS.read_text("utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", line)
        assert m, f"constraints.txt: {line!r} is not an exact pin (name==version)"
        pinned[canonicalize_name(m.group(1))] = Version(m.group(2))
    return pinned


def declared() -> list[Requirement]:
    """What pyproject.toml asks for: the package's dependencies, the dev extra, and what
    builds the package itself."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    wanted = [*project["project"]["dependencies"], *project["build-system"]["requires"]]
    for extra in project["project"]["optional-dependencies"].values():
        wanted += extra
    return [Requirement(spec) for spec in wanted]


def test_every_declared_package_is_pinned_within_its_range() -> None:
    pinned = pins()
    for req in declared():
        name = canonicalize_name(req.name)
        assert name in pinned, f"{req.name} is not pinned in constraints.txt (make pins)"
        assert req.specifier.contains(pinned[name], prereleases=True), (
            f"constraints.txt pins {req.name}=={pinned[name]}, outside {req}"
        )
    assert "pip" in pinned  # the installer too: `make` upgrades to it first


def _make(*args: str) -> str:
    if shutil.which("make") is None:
        pytest.skip("no make")
    done = subprocess.run(
        ["make", "--no-print-directory", "-n", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "MAKEFLAGS": ""},
        check=True,
    )
    return done.stdout


def test_the_makefile_installs_the_pins(tmp_path: Path) -> None:
    """Every `pip install` of the venv's set-up is constrained by the pins, with -c (which
    adds to the machine's own constraint file, where PIP_CONSTRAINT would replace it), and
    so is the build of build-cv itself."""
    venv = tmp_path / "venv"
    commands = _make("-B", f"VENV={venv}", f"{venv}/.installed").splitlines()
    installs = [c for c in commands if "pip install" in c]
    assert len(installs) == 2
    assert all(" -c constraints.txt " in c for c in installs), installs
    assert "--build-constraint constraints.txt" in installs[-1]
    assert "-e '.[dev,pdfa]'" in installs[-1]  # the PDF/A validator too (docs/pdfa.md)
    assert not [c for c in commands if "PIP_CONSTRAINT" in c]


def test_new_pins_reinstall_the_venv(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    venv.mkdir()
    (venv / ".installed").touch()  # newer than pyproject.toml and the pins
    stamp = [f"VENV={venv}", f"{venv}/.installed"]
    assert "pip install" not in _make(*stamp)
    assert "pip install" in _make("-W", "constraints.txt", *stamp)
