"""The benchmark runs and reports every figure; its times are judged only by `make bench`."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.tex


def test_bench_quick_run_reports_every_ratio() -> None:
    proc = subprocess.run(
        [sys.executable, "bench/bench.py", "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr
    for name in (
        "cold build, 17 publications / a bare pass over its .tex",
        "cold build, 24 publications / a bare pass over its .tex",
        "rebuild, nothing changed / reference pass",
        "rebuild after a one-word edit, 20 publications / its bare pass",
        "watch: rebuild after a one-word edit, 20 publications / its bare pass",
        "scaling: cost per publication",
        "make -j2 time / make -j1 time",
        "batch -j2 time / -j1 time",
        "batch: 2 shards built apart / whole run, files equal",
        "batch rebuilt, nothing changed: cache hits / targets",
        "batch: seconds per variant added",
    ):
        assert name in proc.stdout
