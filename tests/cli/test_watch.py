"""build-cv watch, driven as a person would: save, wait for the PDF, save a broken file."""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.processes import alive, command, descendants, zombies

pytestmark = pytest.mark.tex

YAML = (
    "person: {name: Ada Lovelace, email: ada@example.org}\nupdated: 2024-06-15\n"
    "design: {icons: false}\nsections:\n"
    "  - {kind: items, title: Notes, entries: [{text: WORD}]}\n"
    "  - {kind: publications, title: Papers, bib: papers.bib}\n"
)
BIB = "@article{a, author = {Lovelace, Ada}, title = {TITLE}, journal = {J}, year = {1843}}\n"


def digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def wait_for(condition: Callable[[], bool], seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.2)


def save(path: Path, text: str) -> None:
    """As editors do: write a new file and rename it over the old one."""
    temp = path.with_name(f".{path.name}.swp")
    temp.write_text(text, encoding="utf-8")
    temp.replace(path)


@dataclass
class Watching:
    """A `build-cv watch` of a CV and its .bib in the test's folder, logging to a file."""

    data: Path
    bib: Path
    out: Path
    log: Path
    proc: subprocess.Popen[str]
    code: int | None = None


@contextmanager
def watching(tmp_path: Path, word: str) -> Iterator[Watching]:
    """Watch a CV whose item says `word`; Ctrl-C at the end, its exit code kept."""
    data, bib, out = tmp_path / "cv.yaml", tmp_path / "papers.bib", tmp_path / "out"
    data.write_text(YAML.replace("WORD", word), encoding="utf-8")
    bib.write_text(BIB.replace("TITLE", "One"), encoding="utf-8")
    log = tmp_path / "watch.log"
    with log.open("w") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "build_cv", "watch", str(data), "--out", str(out)],
            cwd=ROOT,
            stdout=sink,
            stderr=subprocess.STDOUT,
            text=True,
        )
        run = Watching(data, bib, out, log, proc)
        try:
            yield run
        finally:
            proc.send_signal(signal.SIGINT)
            run.code = proc.wait(timeout=60)


def test_watch_rebuilds_on_save_keeps_the_pdf_on_error_and_stops_cleanly(
    tmp_path: Path,
) -> None:
    with watching(tmp_path, "first") as run:
        data, bib, out, log = run.data, run.bib, run.out, run.log
        tex = out / "cv.tex"
        wait_for(lambda: "watching for changes" in log.read_text())
        assert "first" in tex.read_text() and "One" in tex.read_text()

        save(data, YAML.replace("WORD", "second"))
        wait_for(lambda: "second" in tex.read_text())

        save(bib, BIB.replace("TITLE", "Two"))
        wait_for(lambda: "Two" in tex.read_text())
        good = digest(out / "cv.pdf")
        assert good is not None

        save(data, YAML.replace("WORD", "third").replace("items", "itemz"))
        wait_for(lambda: "unknown kind `itemz`" in log.read_text())
        assert "; the previous files stay" in log.read_text()
        assert digest(out / "cv.pdf") == good

        before = log.read_text().count(" built in ")
        for word in ("fourth", "fifth"):  # two quick saves: one batch, one build
            save(data, YAML.replace("WORD", word))
        wait_for(lambda: log.read_text().count(" built in ") > before)
        assert "fifth" in tex.read_text()
        time.sleep(3)
        assert log.read_text().count(" built in ") == before + 1
    text = log.read_text()
    assert run.code == 0, text
    assert "stopped watching" in text and "Traceback" not in text


def test_after_a_burst_of_saves_the_pdf_shows_the_last_one_and_no_process_is_left(
    tmp_path: Path,
) -> None:
    """Saves that land while a build runs (its cache entry must not claim them) and
    builds that fail along the way: the last save is what the PDF shows, and every TeX
    run the watch started has been waited for."""
    with watching(tmp_path, "start") as run:
        data, out, log, proc = run.data, run.out, run.log, run.proc
        wait_for(lambda: "watching for changes" in log.read_text())
        words = [f"save{i}" for i in range(12)]
        for i, word in enumerate(words):
            text = YAML.replace("WORD", word)
            if i % 5 == 4:  # now and then a save that TeX rejects
                text += "  - {kind: raw, title: R, latex: '\\undefinedcommand'}\n"
            save(data, text)
            # some inside the debounce (300 ms), the rest into the build they started
            time.sleep(0.55 if i == len(words) - 2 else 0.05 + 0.1 * (i % 4))
        pdf_text = tmp_path / "pdf.txt"

        def shows_last() -> bool:
            subprocess.run(["pdftotext", str(out / "cv.pdf"), str(pdf_text)], check=False)
            return pdf_text.exists() and words[-1] in pdf_text.read_text()

        def idle() -> bool:  # a build ends with its PDF first, its log line after
            return log.read_text().endswith("(Ctrl-C stops)\n") and shows_last()

        wait_for(idle, seconds=90)
        settled = log.read_text().count("watching for changes")
        time.sleep(3)
        assert log.read_text().count("watching for changes") == settled  # quiet now
        assert shows_last() and words[-1] in (out / "cv.tex").read_text()
        assert zombies(proc.pid) == []
    assert run.code == 0, log.read_text()
    assert "Traceback" not in log.read_text()


def tex_passes(pid: int) -> set[int]:
    """The XeLaTeX passes under the watch `pid` (its own processes only)."""
    return {c for c in descendants(pid) if {"xelatex", "cv.tex"} <= set(command(c).split())}


def test_between_saves_a_pass_waits_on_the_head_and_ends_with_the_watch(
    tmp_path: Path,
) -> None:
    """watch starts the next TeX pass on the head of the build it just made, so a save
    waits for TeX's body only; each save takes the waiting pass and leaves a new one,
    and none outlives the watch."""
    with watching(tmp_path, "first") as run:
        data, out, log, proc = run.data, run.out, run.log, run.proc
        wait_for(lambda: "watching for changes" in log.read_text())
        wait_for(lambda: bool(tex_passes(proc.pid)))
        first = tex_passes(proc.pid)
        save(data, YAML.replace("WORD", "second"))
        wait_for(lambda: log.read_text().count(" built in ") == 2)
        assert "second" in (out / "cv.tex").read_text()
        wait_for(lambda: bool(tex_passes(proc.pid)) and not tex_passes(proc.pid) & first)
        seen = first | tex_passes(proc.pid)
    assert run.code == 0, log.read_text()
    wait_for(lambda: not any(alive(pid) for pid in seen), seconds=10)


def test_the_waiting_pass_builds_the_next_save_with_the_bytes_of_a_plain_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from build_cv.cli.build import run
    from build_cv.pipeline.options import BuildOptions
    from build_cv.pipeline.prestart import Spare
    from build_cv.typeset import engine

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    data, out = tmp_path / "cv.yaml", tmp_path / "out"
    data.write_text(YAML.replace("WORD", "first"), encoding="utf-8")
    (tmp_path / "papers.bib").write_text(BIB.replace("TITLE", "One"), encoding="utf-8")
    assert run(data, out, BuildOptions()).code == 0  # leaves its head for the next pass
    spare = Spare()
    spare.refill(data, out, speedups=True)
    waiting = spare.started
    assert waiting is not None
    save(data, YAML.replace("WORD", "second"))

    def no_second_pass(*_: object, **__: object) -> None:
        raise AssertionError("the build started a pass of its own")

    monkeypatch.setattr(engine.Started, "__init__", no_second_pass)
    assert run(data, out, BuildOptions(), spare=spare).code == 0
    assert spare.started is None and "second" in (out / "cv.tex").read_text()
    plain = tmp_path / "plain"
    assert run(data, plain, BuildOptions(speedups=False)).code == 0
    assert (out / "cv.pdf").read_bytes() == (plain / "cv.pdf").read_bytes()
