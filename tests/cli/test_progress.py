"""Progress of a several-target build: plain lines without a terminal, rich on one."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from build_cv.cli.main import main
from tests.conftest import DEFAULT_DATA
from tests.processes import on_a_terminal


def test_without_a_terminal_plain_lines_and_a_plain_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", str(DEFAULT_DATA), "--out", str(tmp_path), "--format", "md,txt"]) == 0
    out, err = capsys.readouterr()
    assert err.splitlines()[:2] == ["build-cv: full md: writing", err.splitlines()[1]]
    assert err.splitlines()[1].startswith("build-cv: full md: done in ")
    assert "\x1b[" not in out + err
    assert out.splitlines()[0].split() == ["variant", "format", "pages", "result"]


@pytest.mark.slow
def test_on_a_terminal_a_live_status_and_a_rich_table(tmp_path: Path) -> None:
    code, seen = on_a_terminal(
        ["build", str(DEFAULT_DATA), "--out", str(tmp_path), "--format", "html,json"]
    )
    assert code == 0
    text = seen.decode()
    assert "full html: writing" in text and "full json" in text
    assert "┏" in text and "│ full    │ json   │" in text


def test_a_target_that_failed_before_its_first_stage_shows_no_time() -> None:
    """It showed `failed in 13280.1 s`: the seconds since boot, from a start never set."""
    from build_cv.cli.progress import Progress
    from build_cv.pipeline.plan import Outputs, Target

    err = io.StringIO()
    progress = Progress(tty=False, err=err)
    outputs = Outputs.of(Path("cv.yaml"), Path("out"), "zh")
    first, second = (Target("zh", f, outputs) for f in ("txt", "md"))
    progress(first, "failed")
    progress(second, "failed")
    progress(first, "writing")
    progress(first, "done")
    lines = err.getvalue().splitlines()
    assert lines[:3] == [
        "build-cv: zh txt: failed",
        "build-cv: zh md: failed",
        "build-cv: zh txt: writing",
    ]
    assert lines[3].startswith("build-cv: zh txt: done in 0.")
