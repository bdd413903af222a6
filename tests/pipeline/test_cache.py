"""The build cache: a rebuild with nothing changed reuses the files, and nothing else does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from build_cv.pipeline import cache, direct
from tests.conftest import ROOT

pytestmark = pytest.mark.tex

MINIMAL_YAML = (
    "person: {name: Ada Lovelace, email: ada@example.org}\nupdated: 2024-06-15\n"
    "design: {icons: false}\nsections:\n"
    "  - {kind: items, title: Notes, entries: [{text: hi}]}\n"
    "  - {kind: publications, title: Papers, bib: papers.bib}\n"
)
BIB = "@article{a, author = {Lovelace, Ada}, title = {Notes}, journal = {J}, year = {1843}}\n"


def save_during_build(which: str, old: str, new: str) -> str:
    """Code that has the build's reading of the file `which` save a new version of it
    right after reading it, as an editor might while the build runs."""
    return f"""
from pathlib import Path
import build_cv.sources.load as load
import build_cv.sources.bib_section as bib_section

def saving(read):
    def wrapped(path, *args, **kwargs):
        result = read(path, *args, **kwargs)
        if Path(path).name == {which!r}:
            Path(path).write_text(Path(path).read_text().replace({old!r}, {new!r}))
        return result
    return wrapped

load.load_yaml = saving(load.load_yaml)
bib_section.read_bibtex = saving(bib_section.read_bibtex)
"""


def run(
    *args: str, env: dict[str, str] | None = None, before: str = ""
) -> subprocess.CompletedProcess[str]:
    """The CLI in its own process, reporting whether the heavy modules were imported;
    `before` is code run first (it may take its own arguments off sys.argv)."""
    code = before + (
        "\nimport sys; from build_cv.cli.main import main; rc = main(sys.argv[1:]); "
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


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test's builds keep their cache in a folder of the test's own."""
    home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


def builds(cache_home: Path) -> Path:
    return cache_home / "build-cv" / "builds"


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


def test_concurrent_builds_share_the_cache_safely(
    cv: Path, tmp_path: Path, cache_home: Path
) -> None:
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
    entries = [p for p in builds(cache_home).iterdir() if not p.name.startswith(".")]
    assert len(entries) == 1
    assert not list(builds(cache_home).glob(".entry-*"))
    hit = run("build", str(cv), "--out", str(out))
    assert "Nothing changed" in hit.stdout


def test_the_key_follows_build_cv_itself_and_the_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "build_cv"
    package.mkdir()
    (package / "x.py").write_text("a = 1\n")
    monkeypatch.setattr(direct, "_PACKAGE", str(package))
    key = cache.request_key({"data": "cv.yaml"})
    assert cache.request_key({"data": "cv.yaml"}) == key
    assert cache.request_key({"data": "other.yaml"}) != key
    (package / "x.py").write_text("a = 22\n")
    assert cache.request_key({"data": "cv.yaml"}) != key
    key = cache.request_key({"data": "cv.yaml"})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")
    assert cache.request_key({"data": "cv.yaml"}) != key


def test_a_rebuild_started_on_the_last_head_gives_the_cold_bytes(
    cv: Path, tmp_path: Path, cache_home: Path
) -> None:
    """The last build's head lets TeX start on moderncv before the data is read; whether
    the guess fits (an edit) or not (a new design, a new epoch), the PDF is a cold one."""
    out = tmp_path / "out"
    assert run("build", str(cv), "--out", str(out)).returncode == 0
    memories = list((builds(cache_home) / ".heads").glob("*.json"))
    assert len(memories) == 3  # this command's, this file's, the installation's last
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
        plain_out = tmp_path / f"plain-{len(new)}"
        assert run("build", str(cv), "--out", str(plain_out), "--no-speedups").returncode == 0
        assert (out / "cv.pdf").read_bytes() == (plain_out / "cv.pdf").read_bytes()
    for memory in memories:
        assert "moderncvcolor{green}" in memory.read_text()  # the last build's head


def test_a_cold_build_starts_on_the_last_head_and_gives_the_same_bytes(
    cv: Path, tmp_path: Path, cache_home: Path
) -> None:
    """--no-cache reads no entry, but TeX may start on the head the last build kept: a
    guess, used only when the document begins with it. Another CV of the same design
    fits it; the bytes are those of a build with nothing remembered."""
    first = run("build", str(cv), "--out", str(tmp_path / "first"), "--no-cache")
    assert first.returncode == 0, first.stderr
    heads = builds(cache_home) / ".heads"
    assert (heads / "latest.json").exists()
    assert not [p for p in builds(cache_home).iterdir() if not p.name.startswith(".")]
    other = tmp_path / "other.yaml"
    other.write_text(MINIMAL_YAML.replace("text: hi", "text: another CV"), encoding="utf-8")
    second = run("build", str(other), "--out", str(tmp_path / "second"), "--no-cache")
    assert second.returncode == 0, second.stderr
    plain = run("build", str(other), "--out", str(tmp_path / "plain"), "--no-speedups")
    assert plain.returncode == 0, plain.stderr
    pdf = (tmp_path / "second" / "other.pdf").read_bytes()
    assert pdf == (tmp_path / "plain" / "other.pdf").read_bytes()


@pytest.mark.parametrize("which", ["cv.yaml", "papers.bib"])
def test_a_save_during_a_build_is_built_by_the_next_build(
    cv: Path, tmp_path: Path, which: str
) -> None:
    """The build read the old text; a file saved while it ran must not look built."""
    out = tmp_path / "out"
    old, new = ("text: hi", "text: saved") if which == "cv.yaml" else ("Notes", "Saved")
    during = run("build", str(cv), "--out", str(out), before=save_during_build(which, old, new))
    assert during.returncode == 0, during.stderr
    assert new in (tmp_path / which).read_text()
    assert new.split()[-1] not in (out / "cv.tex").read_text()  # it built what it read
    after = run("build", str(cv), "--out", str(out))
    assert after.returncode == 0, after.stderr
    assert "Nothing changed" not in after.stdout
    assert new.split()[-1] in (out / "cv.tex").read_text()
    again = run("build", str(cv), "--out", str(out))
    assert "Nothing changed" in again.stdout


def test_no_build_leaves_in_the_out_folder_what_another_command_line_made(
    tmp_path: Path, cache_home: Path
) -> None:
    """A public variant's folder holds nothing of the full CV built there before."""
    data = tmp_path / "cv.yaml"
    secret = "+49 30 12345678"
    data.write_text(
        MINIMAL_YAML.replace("email: ada@example.org", f"email: ada@example.org, phone: '{secret}'")
        + "variants:\n  public: {hide: [person.phone]}\n",
        encoding="utf-8",
    )
    (tmp_path / "papers.bib").write_text(BIB, encoding="utf-8")
    out = tmp_path / "out"
    assert run("build", str(data), "--out", str(out), "--format", "pdf,html").returncode == 0
    for made in out.glob("cv.*"):
        made.unlink()
    public = run("build", str(data), "--out", str(out), "--variant", "public")
    assert public.returncode == 0, public.stderr
    left = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    assert left == [".build-cv.lock", "cv-public.pdf", "cv-public.tex"]
    digits = "".join(ch for ch in secret if ch.isdigit())
    for path in out.rglob("*"):
        text = path.read_bytes().decode("latin-1")
        assert "12345678" not in text and digits not in text, path
    assert any(builds(cache_home).iterdir())  # the cache is kept, in the user's folder


def entry_of(cache_home: Path) -> Path:
    (entry,) = [p for p in builds(cache_home).iterdir() if not p.name.startswith(".")]
    return entry


@pytest.mark.parametrize("damage", ["truncated", "edited", "missing", "manifest", "name"])
def test_a_damaged_entry_is_discarded_with_a_note_and_the_cv_built(
    cv: Path, tmp_path: Path, cache_home: Path, damage: str
) -> None:
    out = tmp_path / "out"
    assert run("build", str(cv), "--out", str(out)).returncode == 0
    good = (out / "cv.pdf").read_bytes()
    entry = entry_of(cache_home)
    manifest = json.loads((entry / "manifest.json").read_text())
    blob = entry / manifest["files"]["cv.pdf"]["blob"]
    victim = tmp_path / "victim.txt"
    if damage == "truncated":
        blob.write_bytes(good[: len(good) // 2])
    elif damage == "edited":
        blob.write_bytes(good[:200] + bytes([good[200] ^ 1]) + good[201:])
    elif damage == "missing":
        blob.unlink()
    elif damage == "manifest":
        (entry / "manifest.json").write_text('{"version": "2", "inputs": [1, 2]')
    else:  # a manifest that would write outside the target's own files
        manifest["files"]["../victim.txt"] = manifest["files"].pop("cv.pdf")
        (entry / "manifest.json").write_text(json.dumps(manifest))
    (out / "cv.pdf").unlink()
    again = run("build", str(cv), "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert "Traceback" not in again.stderr
    assert "note: the stored copy of the last build was damaged" in again.stderr
    assert "Nothing changed" not in again.stdout and "HEAVY:pydantic" in again.stdout
    assert (out / "cv.pdf").read_bytes() == good
    assert not victim.exists()
    third = run("build", str(cv), "--out", str(out))
    assert "Nothing changed" in third.stdout and "damaged" not in third.stderr


def test_a_bib_link_pointed_at_another_file_is_another_input(cv: Path, tmp_path: Path) -> None:
    """The build reads `papers.bib` through the link: a link re-pointed is a new input."""
    (tmp_path / "old.bib").write_text(BIB.replace("Notes", "Old Paper"), encoding="utf-8")
    (tmp_path / "new.bib").write_text(BIB.replace("Notes", "New Paper"), encoding="utf-8")
    link = tmp_path / "papers.bib"
    link.unlink()
    link.symlink_to("old.bib")
    out = tmp_path / "out"
    assert run("build", str(cv), "--out", str(out)).returncode == 0
    assert "Old Paper" in (out / "cv.tex").read_text()
    link.unlink()
    link.symlink_to("new.bib")
    again = run("build", str(cv), "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert "Nothing changed" not in again.stdout
    assert "New Paper" in (out / "cv.tex").read_text()


def test_two_links_to_one_yaml_are_two_cvs(tmp_path: Path) -> None:
    """Each link reads the .bib beside it, so the cache must not take one for the other."""
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "cv.yaml").write_text(MINIMAL_YAML, encoding="utf-8")
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "cv.yaml").symlink_to(tmp_path / "real" / "cv.yaml")
        bib = BIB.replace("Notes", f"Paper from {name.upper()}")
        (tmp_path / name / "papers.bib").write_text(bib, encoding="utf-8")
    out = tmp_path / "out"
    for name in ("a", "b"):
        made = run("build", str(tmp_path / name / "cv.yaml"), "--out", str(out))
        assert made.returncode == 0, made.stderr
        assert f"Paper from {name.upper()}" in (out / "cv.tex").read_text()


def test_a_replay_names_the_files_as_this_command_spelt_them(cv: Path, tmp_path: Path) -> None:
    relative = ["build", "cv.yaml", "--out", "out"]
    absolute = ["build", str(cv), "--out", str(tmp_path / "out")]
    code = "import os, sys; os.chdir(sys.argv.pop(1))\n"
    for args in (relative, absolute, relative, absolute):
        made = run(str(tmp_path), *args, before=code)
        assert made.returncode == 0, made.stderr
        wrote = next(line for line in made.stdout.splitlines() if line.startswith("Wrote"))
        assert wrote.startswith(f"Wrote {args[3]}/cv.pdf and {args[3]}/cv.tex"), wrote
    assert "Nothing changed" in made.stdout
