"""docs/architecture.md is true: the layers it shows are the contract `make lint` checks,
every module it names exists, and the contract holds."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.conftest import ROOT

DOC = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
CONTRACTS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
    "importlinter"
]["contracts"]


def contract(kind: str) -> dict[str, list[str]]:
    (found,) = [c for c in CONTRACTS if c["type"] == kind]
    return {k: v for k, v in found.items() if isinstance(v, list)}


def test_the_layers_shown_are_the_layers_checked() -> None:
    block = re.search(r"## The layers.*?```text\n(.*?)```", DOC, re.S)
    assert block is not None
    assert block.group(1).splitlines() == contract("layers")["layers"]


def test_the_writers_named_independent_are_the_ones_checked() -> None:
    section = DOC[DOC.index("## The layers") : DOC.index("## The path of one build")]
    named = set(re.findall(r"`(build_cv\.formats\.\w+)`", section))
    assert named == set(contract("independence")["modules"])


def test_every_module_and_file_the_page_names_exists() -> None:
    modules = set(re.findall(r"\b(build_cv(?:\.\w+)+)\b", DOC))
    for module in modules:
        path = ROOT / module.replace(".", "/")
        assert path.is_dir() or path.with_suffix(".py").is_file(), module
    for name in set(re.findall(r"\*\*([\w/]+\.py)\*\*", DOC)):
        assert (ROOT / "build_cv" / name).is_file(), name
    for package in set(re.findall(r"`(\w+)/`", DOC)) - {"tests"}:
        assert any((ROOT / "build_cv").rglob(package)), package


def test_the_contracts_hold() -> None:
    run = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout[-2000:]
    assert "0 broken" in run.stdout
