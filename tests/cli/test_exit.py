"""The program skips the interpreter's teardown at exit (cli/main.py `run`), but not what
an exit owes: every byte written reaches its reader, temporary folders are removed, and
the exit code is the command's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import MINIMAL, ROOT


def _program(args: list[str], tmp: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TMPDIR": str(tmp), "XDG_CACHE_HOME": str(tmp.parent / "cache")}
    return subprocess.run(
        [sys.executable, "-m", "build_cv", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_a_long_answer_reaches_its_reader_whole(tmp_path: Path) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    proc = _program(["schema"], tmp)
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout) > 10_000
    assert json.loads(proc.stdout)["type"] == "object"  # complete, not cut at a buffer


def test_a_failure_keeps_its_exit_code(tmp_path: Path) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    bad = tmp_path / "cv.yaml"
    bad.write_text("person: [\n", encoding="utf-8")
    proc = _program(["build", str(bad), "--out", str(tmp_path / "out")], tmp)
    assert proc.returncode == 2
    assert "cv.yaml:2" in proc.stderr


@pytest.mark.tex
def test_a_build_leaves_no_temporary_folder_and_says_all_it_wrote(
    tmp_path: Path, write_cv: Callable[[dict[str, object]], Path]
) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    data = write_cv(MINIMAL)
    proc = _program(["build", str(data), "--out", str(tmp_path / "out")], tmp)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.rstrip().splitlines()[-1].startswith("Wrote ")
    assert "sha256" in proc.stdout
    assert list(tmp.iterdir()) == []


@pytest.mark.parametrize("closed", ["<&- >&- 2>&-", ">&-", "2>&-"])
def test_a_closed_standard_stream_costs_no_traceback(
    tmp_path: Path, write_cv: Callable[[dict[str, object]], Path], closed: str
) -> None:
    """`build-cv build >&-`: what would be printed goes nowhere, the build is done, and the
    same command again (answered before it is parsed, cli/entry.py) does as well."""
    data = write_cv(MINIMAL)
    out = tmp_path / "out"
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    args = ["build", str(data), "--out", str(out), "--format", "md"]
    command = f'exec "$@" {closed}'
    stderr = tmp_path / "stderr.txt"
    if "2>&-" not in closed:
        command += f" 2>{stderr}"
    for _ in range(2):
        proc = subprocess.run(
            ["sh", "-c", command, "sh", sys.executable, "-m", "build_cv", *args],
            cwd=tmp_path,
            env={**env, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        said = stderr.read_text() if stderr.exists() else ""
        assert proc.returncode == 0, said
        assert "Traceback" not in proc.stdout + proc.stderr + said
        assert (out / "cv.md").read_text(encoding="utf-8").startswith("#")
