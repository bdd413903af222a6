"""Nothing lost: atomic replacement and concurrent builds into one output directory."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from build_cv.pipeline.publish import publish
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
