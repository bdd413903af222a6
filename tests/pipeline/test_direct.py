"""The shortcut for a rebuild with nothing changed (pipeline/direct.py): the same command,
run again where nothing it read or wrote has changed, is answered before its arguments
are parsed, and prints what the cache's answer prints; any change runs the command the
ordinary way. The builds here write Markdown, so no test needs TeX."""

from __future__ import annotations

import marshal
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from build_cv.pipeline import cache, direct
from build_cv.typeset.settings import NO_SPEEDUPS
from tests.conftest import ROOT

YAML = (
    "person: {name: Ada Lovelace, email: ada@example.org}\nupdated: 2024-06-15\n"
    "sections:\n"
    "  - {kind: items, title: Notes, entries: [{text: hi}]}\n"
    "  - {kind: publications, title: Papers, bib: papers.bib}\n"
)
BIB = "@article{a, author = {Lovelace, Ada}, title = {Notes}, journal = {J}, year = {1843}}\n"


class Ran:
    """One run of the program: what it printed (without the import timings), and which
    modules it imported."""

    def __init__(self, proc: subprocess.CompletedProcess[str]) -> None:
        self.code = proc.returncode
        self.stdout = proc.stdout
        lines = proc.stderr.splitlines(keepends=True)
        self.stderr = "".join(line for line in lines if not line.startswith("import time:"))
        self.imported = {
            line.split("|")[-1].strip() for line in lines if line.startswith("import time:")
        }

    @property
    def parsed(self) -> bool:
        """Whether the command line was parsed: the ordinary way, not the shortcut."""
        return "argparse" in self.imported


def program(*args: str, env: dict[str, str] | None = None) -> Ran:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "build_cv", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=300,
        check=False,
    )
    return Ran(proc)


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.delenv(NO_SPEEDUPS, raising=False)
    return home


def records(cache_home: Path) -> Path:
    return cache_home / "build-cv" / "builds" / direct.FOLDER


@pytest.fixture
def cv(tmp_path: Path) -> Path:
    data = tmp_path / "cv.yaml"
    data.write_text(YAML, encoding="utf-8")
    (tmp_path / "papers.bib").write_text(BIB, encoding="utf-8")
    return data


def command(cv: Path, out: Path) -> list[str]:
    return ["build", str(cv), "--out", str(out), "--format", "md"]


def test_the_same_command_is_answered_before_it_is_parsed_as_the_cache_answers_it(
    cv: Path, tmp_path: Path, cache_home: Path
) -> None:
    out = tmp_path / "out"
    cold = program(*command(cv, out))
    assert cold.code == 0, cold.stderr
    assert cold.parsed and "Nothing changed" not in cold.stdout
    written = (out / "cv.md").read_bytes()
    assert len(list(records(cache_home).iterdir())) == 1

    shortcut = program(*command(cv, out))
    assert shortcut.code == 0, shortcut.stderr
    assert not shortcut.parsed
    assert not {"pydantic", "jinja2", "yaml", "pathlib"} & shortcut.imported
    assert "Nothing changed since the last build" in shortcut.stdout
    assert (out / "cv.md").read_bytes() == written

    shutil.rmtree(records(cache_home))  # the cache's own answer, to compare with
    hit = program(*command(cv, out))
    assert hit.parsed and "Nothing changed since the last build" in hit.stdout
    assert (shortcut.stdout, shortcut.stderr) == (hit.stdout, hit.stderr)
    assert len(list(records(cache_home).iterdir())) == 1  # a hit records too


def test_what_the_shortcut_prints_is_shown_as_main_shows_it(
    cv: Path, tmp_path: Path, cache_home: Path
) -> None:
    """A path with an escape sequence in it is printed escaped, never obeyed, both ways."""
    out = tmp_path / "out\x1b]0;owned\x07"
    assert program(*command(cv, out)).code == 0
    shortcut = program(*command(cv, out))
    assert not shortcut.parsed
    shutil.rmtree(records(cache_home))
    hit = program(*command(cv, out))
    assert hit.parsed
    assert shortcut.stdout == hit.stdout
    assert "\x1b" not in shortcut.stdout and "\\x1b]0;owned\\x07" in shortcut.stdout


def _edit(change: str, cv: Path, out: Path, cache_home: Path) -> dict[str, str]:
    """Make one change; the environment the next run has."""
    if change == "yaml":
        cv.write_text(YAML.replace("text: hi", "text: hello"), encoding="utf-8")
    elif change == "bib":
        (cv.parent / "papers.bib").write_text(BIB.replace("Notes", "Sketch"), encoding="utf-8")
    elif change == "output edited":
        (out / "cv.md").write_text("edited by hand\n", encoding="utf-8")
    elif change == "output removed":
        (out / "cv.md").unlink()
    elif change == "entry gone":
        entries = [p for p in (cache_home / "build-cv" / "builds").iterdir()]
        for entry in entries:
            if not entry.name.startswith("."):
                shutil.rmtree(entry)
    elif change == "record damaged":
        for record in records(cache_home).iterdir():
            record.write_bytes(record.read_bytes()[:40])
    elif change == "record of another shape":
        for record in records(cache_home).iterdir():
            record.write_bytes(marshal.dumps(["version", "1"]))
    elif change == "environment":
        return {"SOURCE_DATE_EPOCH": "1000000000"}
    elif change == "speed-ups off":
        return {NO_SPEEDUPS: "1"}
    return {}


@pytest.mark.parametrize(
    "change",
    [
        "yaml",
        "bib",
        "output edited",
        "output removed",
        "entry gone",
        "record damaged",
        "record of another shape",
        "environment",
        "speed-ups off",
    ],
)
def test_any_change_runs_the_command_the_ordinary_way(
    cv: Path, tmp_path: Path, cache_home: Path, change: str
) -> None:
    out = tmp_path / "out"
    assert program(*command(cv, out)).code == 0
    env = _edit(change, cv, out, cache_home)
    again = program(*command(cv, out), env=env)
    assert again.code == 0, again.stderr
    assert again.parsed
    text = (out / "cv.md").read_text(encoding="utf-8")
    assert "edited by hand" not in text
    if change == "yaml":
        assert "hello" in text and "Nothing changed" not in again.stdout
    if change == "bib":
        assert "Sketch" in text and "Nothing changed" not in again.stdout
    if change == "output edited":  # the cache writes its copy back
        assert "Nothing changed" in again.stdout
    if change == "speed-ups off":  # and no record is kept for it
        assert "speed-ups off" in again.stderr
        assert program(*command(cv, out), env=env).parsed


def test_another_command_is_never_answered_for_this_one(
    cv: Path, tmp_path: Path, cache_home: Path
) -> None:
    """The same build asked another way (another spelling of the folder, another folder
    to run from) is parsed: the record is of the command as it was typed."""
    out = tmp_path / "out"
    assert program(*command(cv, out)).code == 0
    respelled = ["build", str(cv), "--out", f"{out}/", "--format", "md"]
    assert program(*respelled).parsed
    assert program("build", str(cv), "--format", "md", "--out", str(out)).parsed
    assert not program(*command(cv, out)).parsed


def test_a_page_image_the_recorded_build_did_not_make_is_not_skipped(tmp_path: Path) -> None:
    """A hit removes page images of an older, longer build (cache.py), so a folder that
    has one cannot be answered without the cache."""
    outputs = {str(tmp_path / "cv.png"): "0" * 64, str(tmp_path / "cv.pdf"): "0" * 64}
    assert not direct._other_pages(str(tmp_path / "cv.png"), outputs)
    (tmp_path / "cv.page-2.png").write_bytes(b"x")
    (tmp_path / "other.page-3.png").write_bytes(b"x")
    assert direct._other_pages(str(tmp_path / "cv.png"), outputs)
    assert not direct._other_pages(str(tmp_path / "cv.pdf"), outputs)
    outputs[str(tmp_path / "cv.page-2.png")] = "0" * 64
    assert not direct._other_pages(str(tmp_path / "cv.png"), outputs)


def test_only_a_regular_file_of_bounded_size_is_read(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert direct.read_bounded(str(fifo), 100) is None  # no wait for a writer
    big = tmp_path / "big"
    big.write_bytes(b"x" * 101)
    assert direct.read_bounded(str(big), 100) is None
    assert direct.read_bounded(str(big), 101) == b"x" * 101
    assert direct.read_bounded(str(tmp_path), 100) is None


def test_the_records_used_last_are_kept(tmp_path: Path) -> None:
    folder = tmp_path / direct.FOLDER
    folder.mkdir()
    for i in range(5):
        (folder / f"r{i}").write_bytes(b"")
        os.utime(folder / f"r{i}", (1000 + i, 1000 + i))
    cache._prune(tmp_path, 2)
    assert sorted(p.name for p in folder.iterdir()) == ["r3", "r4"]
