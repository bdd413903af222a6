"""`build-cv batch` end to end: real TeX in a real process pool, as a department runs it.

Four people, one of whose CV is broken: the others are built all the same; a rerun is all
cache hits; two shards built apart, into folders of their own, are the whole run file for
file and byte for byte.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def synthetic_cv(name: str, jobs: int) -> str:
    """A small CV of someone who does not exist, with a `short` variant."""
    lines = [
        f"person: {{name: {name}, email: {name.split()[0].lower()}@example.org}}",
        "updated: 2024-06-15",
        "sections:",
        "  - title: Experience",
        "    kind: experience",
        "    entries:",
    ]
    for i in range(jobs):
        lines += [
            f"      - position: Researcher {i + 1}",
            f"        organization: Institute {i + 1}",
            f'        start: "{2000 + i}-01"',
            f'        end: "{2001 + i}-01"',
            "        tags: [short]" if i == 0 else "        tags: []",
        ]
    lines += ["variants:", "  short: {only_tags: [short]}"]
    return "\n".join(lines) + "\n"


MANIFEST = """\
defaults:
  variants: [short]
people:
  - cv: people/ada.yaml
    formats: [pdf, txt]
  - cv: people/bob.yaml
  - cv: people/broken.yaml
  - cv: people/cyd.yaml
    id: cyd
    full: false
"""


@pytest.fixture
def department(tmp_path: Path) -> Path:
    people = tmp_path / "people"
    people.mkdir()
    for stem, name, jobs in (
        ("ada", "Ada Lovelace", 3),
        ("bob", "Bob Babbage", 2),
        ("cyd", "Cyd Charisse", 1),
    ):
        (people / f"{stem}.yaml").write_text(synthetic_cv(name, jobs), encoding="utf-8")
    (people / "broken.yaml").write_text("person: {name: Broken}\nsections: 3\n", "utf-8")
    (tmp_path / "people.yaml").write_text(MANIFEST, encoding="utf-8")
    return tmp_path


def batch(where: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(where / "cache"), "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "build_cv", "batch", "people.yaml", *args],
        cwd=where,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def files(folder: Path) -> dict[str, bytes]:
    """Every output under `folder` by its path there (not the lock files, which hold
    nothing)."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".build-cv.lock"
    }


@pytest.mark.tex
def test_a_batch_builds_everyone_a_rerun_is_all_hits_and_shards_are_the_whole(
    department: Path,
) -> None:
    whole = batch(department, "-j", "2", "--json", "--out", "whole")
    assert whole.returncode == 1, whole.stderr  # the broken CV fails; the rest are built
    summary = json.loads(whole.stdout)
    rows = {(t["person"], t["variant"]): t for t in summary["targets"]}
    assert set(rows) == {
        ("people-ada", None),
        ("people-ada", "short"),
        ("people-bob", None),
        ("people-bob", "short"),
        ("people-broken", None),
        ("people-broken", "short"),
        ("cyd", "short"),
    }
    failed = [k for k, t in rows.items() if not t["ok"]]
    assert failed == [("people-broken", None), ("people-broken", "short")]
    assert "people/broken.yaml:2:1: sections" in rows[("people-broken", None)]["error"]
    assert summary["counts"] == {"ok": 5, "failed": 2, "hits": 0, "misses": 5}
    built = files(department / "whole")
    assert set(built) == {
        "people-ada/ada.pdf", "people-ada/ada.tex", "people-ada/ada.txt",
        "people-ada/ada-short.pdf", "people-ada/ada-short.tex", "people-ada/ada-short.txt",
        "people-bob/bob.pdf", "people-bob/bob.tex",
        "people-bob/bob-short.pdf", "people-bob/bob-short.tex",
        "cyd/cyd-short.pdf", "cyd/cyd-short.tex",
    }  # fmt: skip
    assert b"Ada Lovelace" in built["people-ada/ada.txt"]

    again = batch(department, "-j", "2", "--out", "whole")
    assert again.returncode == 1
    lines = again.stdout.splitlines()
    assert lines[0].split() == ["person", "variant", "formats", "cache", "result"]
    assert [line.split()[3] for line in lines[1:8]] == ["hit", "hit", "hit", "hit", "-", "-", "hit"]
    assert lines[-1] == "4 people, 7 targets: 5 ok (5 cache hits, 0 built), 2 failed"
    assert files(department / "whole") == built

    apart: dict[str, bytes] = {}
    for shard in ("1/2", "2/2"):
        out = f"shard{shard[0]}"
        proc = batch(department, "-j", "2", "--shard", shard, "--out", out, "--no-cache")
        assert "shard " + shard in proc.stdout.splitlines()[-1]
        mine = files(department / out)
        assert not set(mine) & set(apart)  # no person is in both shards
        apart.update(mine)
    assert apart == built


def test_a_manifest_error_names_its_file_and_line_and_builds_nothing(department: Path) -> None:
    """No TeX: the manifest is read before anything is built."""
    manifest = department / "people.yaml"
    manifest.write_text(MANIFEST.replace("[pdf, txt]", "[pdf, text]"), encoding="utf-8")
    proc = batch(department, "--out", "out")
    assert proc.returncode == 2
    assert "people.yaml:5:5: people[0].formats: unknown format 'text'" in proc.stderr
    assert "Traceback" not in proc.stderr and not (department / "out").exists()
