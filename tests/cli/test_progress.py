"""Progress of a several-target build: plain lines without a terminal, rich on one."""

from __future__ import annotations

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
