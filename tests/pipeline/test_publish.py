"""Nothing lost: atomic replacement and concurrent builds into one output directory."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from build_cv.errors import InputError
from build_cv.pipeline.publish import locked, publish
from tests.conftest import DEFAULT_BIB, DEFAULT_DATA


def test_publish_replaces_whole_files_and_leaves_no_temporaries(tmp_path: Path) -> None:
    target = tmp_path / "cv.pdf"
    target.write_bytes(b"old")
    publish({target: b"new contents"})
    assert target.read_bytes() == b"new contents"
    assert [p.name for p in tmp_path.iterdir()] == ["cv.pdf"]


@pytest.mark.tex
def test_concurrent_builds_into_one_directory_give_a_matching_whole_pair(tmp_path: Path) -> None:
    """Two real builds race into one out/; the survivor is one build's PDF with its own .tex."""
    source = DEFAULT_DATA.read_text(encoding="utf-8")
    assert "**40k**" in source
    variants = {"A": source, "B": source.replace("**40k**", "**41k**")}
    out = tmp_path / "out"
    procs = {}
    for name, text in variants.items():
        (tmp_path / name).mkdir()
        data = tmp_path / name / "cv.yaml"
        data.write_text(text, encoding="utf-8")
        shutil.copyfile(DEFAULT_BIB, tmp_path / name / DEFAULT_BIB.name)
        cmd = [sys.executable, "-m", "build_cv", "build", str(data), "--out", str(out)]
        procs[name] = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    digests = {}
    for name, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0, stderr.decode()
        digests[name] = stdout.decode().split("sha256 ")[1].split()[0]
    assert digests["A"] != digests["B"]
    final = hashlib.sha256((out / "cv.pdf").read_bytes()).hexdigest()
    winner = next(name for name, d in digests.items() if d == final)
    tex = (out / "cv.tex").read_text(encoding="utf-8")
    assert ("41k" in tex) == (winner == "B")
    names = sorted(p.name for p in out.iterdir())
    assert names == [".build-cv.lock", "cv.pdf", "cv.tex"]


def test_what_a_killed_build_left_is_removed_and_a_running_ones_kept(tmp_path: Path) -> None:
    """A build killed while writing leaves a temporary file holding a whole output (a
    variant's hidden phone included); the next build into the folder removes it."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()  # its process id is now free: a dead writer
    dead = tmp_path / f".build-cv-{child.pid}-x1.tmp"
    dead.write_text("+44 20 7946 0000")
    running = tmp_path / f".build-cv-{os.getpid()}-x2.tmp"
    running.write_text("being written")
    unrelated = tmp_path / "notes.tmp"
    unrelated.write_text("mine")
    with locked(tmp_path):  # as every build publishes
        publish({tmp_path / "cv.pdf": b"new"})
    assert not dead.exists()
    assert running.exists() and unrelated.exists()


@pytest.mark.parametrize("kind", ["fifo", "symlink"])
def test_a_lock_file_that_is_not_a_file_is_refused_at_once(tmp_path: Path, kind: str) -> None:
    """A repository can hold `.build-cv.lock` as a link (to make the build create a file
    anywhere) or as a FIFO (to make it wait forever)."""
    lock = tmp_path / ".build-cv.lock"
    elsewhere = tmp_path / "elsewhere"
    if kind == "fifo":
        os.mkfifo(lock)
    else:
        lock.symlink_to(elsewhere)
    started = time.monotonic()
    with pytest.raises(InputError, match="lock"), locked(tmp_path):
        pass
    assert time.monotonic() - started < 5
    assert not elsewhere.exists()


def test_an_old_leftover_is_removed_even_if_its_process_id_is_in_use_again(
    tmp_path: Path,
) -> None:
    """A build killed in a container (process id 1) or before a reboot leaves a temporary
    whose id now belongs to another, living process: no writer holds a temporary for an
    hour, so an old one is a leftover whatever its id says."""
    old = tmp_path / ".build-cv-1-x1.tmp"
    old.write_text("+44 20 7946 0000")
    hour_ago = time.time() - 3600
    os.utime(old, (hour_ago, hour_ago))
    with locked(tmp_path):
        publish({tmp_path / "cv.pdf": b"new"})
    assert not old.exists()
