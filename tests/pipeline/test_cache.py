"""The build cache: a rebuild with nothing changed reuses the files, and nothing else does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from build_cv.pipeline import cache
from tests.conftest import ROOT

pytestmark = pytest.mark.tex

MINIMAL_YAML = (
    "person: {name: Ada Lovelace, email: ada@example.org}\nupdated: 2024-06-15\n"
    "design: {icons: false}\nsections:\n"
    "  - {kind: items, title: Notes, entries: [{text: hi}]}\n"
    "  - {kind: publications, title: Papers, bib: papers.bib}\n"
)
BIB = "@article{a, author = {Lovelace, Ada}, title = {Notes}, journal = {J}, year = {1843}}\n"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI in its own process, reporting whether the heavy modules were imported."""
    code = (
        "import sys; from build_cv.cli.main import main; rc = main(sys.argv[1:]); "
        "heavy = [m for m in ('pydantic', 'jinja2', 'pypdf') if m in sys.modules]; "
        "print('HEAVY:' + ','.join(heavy)); sys.exit(rc)"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


@pytest.fixture
def cv(tmp_path: Path) -> Path:
    data = tmp_path / "cv.yaml"
    data.write_text(MINIMAL_YAML, encoding="utf-8")
    (tmp_path / "papers.bib").write_text(BIB, encoding="utf-8")
    return data


def test_a_rebuild_with_nothing_changed_reuses_the_files_without_loading_the_builder(
    cv: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    first = run("build", str(cv), "--out", str(out))
    assert first.returncode == 0, first.stderr
    assert "HEAVY:pydantic,jinja2,pypdf" in first.stdout
    cold = (out / "cv.pdf").read_bytes(), (out / "cv.tex").read_bytes()
    (out / "cv.pdf").unlink()
    second = run("build", str(cv), "--out", str(out))
    assert second.returncode == 0, second.stderr
    assert "HEAVY:\n" in second.stdout  # answered before pydantic, jinja2 or pypdf loaded
    assert "Nothing changed since the last build" in second.stdout
    assert first.stdout.split("HEAVY")[0] in second.stdout  # the same report, replayed
    assert ((out / "cv.pdf").read_bytes(), (out / "cv.tex").read_bytes()) == cold
    fresh = run("build", str(cv), "--out", str(tmp_path / "fresh"), "--no-cache")
    assert fresh.returncode == 0
    assert (tmp_path / "fresh" / "cv.pdf").read_bytes() == cold[0]


@pytest.mark.parametrize("edit", ["yaml", "bib", "epoch", "option"])
def test_any_change_that_affects_the_output_misses(cv: Path, tmp_path: Path, edit: str) -> None:
    out = tmp_path / "out"
    assert run("build", str(cv), "--out", str(out)).returncode == 0
    args, env = ["build", str(cv), "--out", str(out)], {}
    if edit == "yaml":
        cv.write_text(MINIMAL_YAML.replace("text: hi", "text: hello"), encoding="utf-8")
    elif edit == "bib":
        (tmp_path / "papers.bib").write_text(BIB.replace("Notes", "Sketch"), encoding="utf-8")
    elif edit == "epoch":
        env = {"SOURCE_DATE_EPOCH": "1000000000"}
    else:
        args += ["--max-pages", "3"]
    again = run(*args, env=env)
    assert again.returncode == 0, again.stderr
    assert "Nothing changed" not in again.stdout
    assert "HEAVY:pydantic" in again.stdout
    tex = (out / "cv.tex").read_text()
    if edit == "yaml":
        assert "hello" in tex
    if edit == "bib":
        assert "Sketch" in tex


def test_a_failed_build_is_never_cached(cv: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("build", str(cv), "--out", str(out), "--min-pages", "2").returncode == 1
    again = run("build", str(cv), "--out", str(out), "--min-pages", "2")
    assert again.returncode == 1 and "HEAVY:pydantic" in again.stdout


def test_concurrent_builds_share_the_cache_safely(cv: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code = "import sys; from build_cv.cli.main import main; sys.exit(main(sys.argv[1:]))"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, "build", str(cv), "--out", str(out)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(3)
    ]
    assert [p.wait(timeout=300) for p in procs] == [0, 0, 0]
    entries = [p for p in (out / cache.CACHE_DIR).iterdir() if not p.name.startswith(".")]
    assert len(entries) == 1
    assert not list((out / cache.CACHE_DIR).glob(".entry-*"))
    hit = run("build", str(cv), "--out", str(out))
    assert "Nothing changed" in hit.stdout


def test_the_key_follows_build_cv_itself_and_the_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "build_cv"
    package.mkdir()
    (package / "x.py").write_text("a = 1\n")
    monkeypatch.setattr(cache, "_PACKAGE", package)
    key = cache.request_key({"data": "cv.yaml"})
    assert cache.request_key({"data": "cv.yaml"}) == key
    assert cache.request_key({"data": "other.yaml"}) != key
    (package / "x.py").write_text("a = 22\n")
    assert cache.request_key({"data": "cv.yaml"}) != key
    key = cache.request_key({"data": "cv.yaml"})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")
    assert cache.request_key({"data": "cv.yaml"}) != key


def test_a_rebuild_started_on_the_last_head_gives_the_cold_bytes(cv: Path, tmp_path: Path) -> None:
    """The last build's head lets TeX start on moderncv before the data is read; whether
    the guess fits (an edit) or not (a new design, a new epoch), the PDF is a cold one."""
    out = tmp_path / "out"
    assert run("build", str(cv), "--out", str(out)).returncode == 0
    memories = list((out / cache.CACHE_DIR / ".heads").glob("*.json"))
    assert len(memories) == 1
    edits = [
        ("text: hi", "text: hello"),  # the head fits
        ("icons: false", "icons: false, color: green"),  # another head
    ]
    text = MINIMAL_YAML
    for old, new in edits:
        text = text.replace(old, new)
        cv.write_text(text, encoding="utf-8")
        again = run("build", str(cv), "--out", str(out))
        assert again.returncode == 0, again.stderr
        cold_out = tmp_path / f"cold-{len(new)}"
        assert run("build", str(cv), "--out", str(cold_out), "--no-cache").returncode == 0
        assert (out / "cv.pdf").read_bytes() == (cold_out / "cv.pdf").read_bytes()
    assert "moderncvcolor{green}" in memories[0].read_text()  # the last build's head
