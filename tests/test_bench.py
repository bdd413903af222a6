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
        "cold build (--no-cache) / reference pass",
        "rebuild, nothing changed / reference pass",
        "rebuild after a one-word edit / reference pass",
        "scaling: cost per publication",
        "make -j2 throughput / make -j1",
        "batch -j2 throughput / -j1",
        "batch: 2 shards built apart / whole run, files equal",
        "batch rebuilt, nothing changed: cache hits / targets",
        "batch: seconds per variant added",
    ):
        assert name in proc.stdout
