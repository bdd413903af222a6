"""XeLaTeX's format kept decompressed: the copy is the system format's bytes, TeX finds it
inside the sandbox, a changed format gets a new copy, and a failure only means TeX loads
its own format."""

from __future__ import annotations

import gzip
import os
import subprocess
import time
from pathlib import Path

import pytest

from build_cv.typeset import engine, fontmap, sandbox, unpacked_format
from build_cv.typeset.engine import compile_tex
from build_cv.typeset.unpacked_format import FORMAT


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


@pytest.fixture
def fake_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in for the system format, so a test can change or damage it."""
    system = tmp_path / "system" / FORMAT
    system.parent.mkdir()
    system.write_bytes(gzip.compress(b"format one" * 1000))
    monkeypatch.setattr(unpacked_format, "_system_format", lambda: system)
    return system


def _system_format() -> Path:
    done = subprocess.run(
        ["kpsewhich", "-engine=xetex", "-progname=xelatex", FORMAT],
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(done.stdout.strip())


@pytest.mark.tex
def test_the_copy_is_the_system_format_decompressed(cache_home: Path) -> None:
    folder = unpacked_format.unpacked_format()
    assert folder is not None
    assert folder.is_relative_to(cache_home / "build-cv" / "formats")
    copy = (folder / FORMAT).read_bytes()
    assert copy == gzip.decompress(_system_format().read_bytes())
    assert unpacked_format.unpacked_format() == folder  # made once


@pytest.mark.tex
@pytest.mark.parametrize("isolated", [True, False])
def test_xelatex_loads_the_copy(
    cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated: bool
) -> None:
    """XeTeX, run exactly as the build runs it (the sandbox's mounts and environment, or
    the plain environment), records that it read the copy as its format."""
    if not isolated:
        monkeypatch.setenv(sandbox.BWRAP_ENV, "/bin/false")
    sandbox._probe.cache_clear()
    build = tmp_path / "build"
    build.mkdir()
    (build / "cv.tex").write_text("\\documentclass{article}\\begin{document}x\\end{document}\n")
    folder = unpacked_format.unpacked_format()
    assert folder is not None
    program = ["xelatex", "-recorder", "-no-pdf", "-interaction=nonstopmode", "cv.tex"]
    cmd, env = engine.launch(build, 86400, program, format_dir=folder)
    subprocess.run(cmd, env=env, cwd=build, capture_output=True, check=True, timeout=120)
    expected = f"{sandbox.FORMAT_MOUNT}/{FORMAT}" if isolated else str(folder / FORMAT)
    assert f"INPUT {expected}\n" in (build / "cv.fls").read_text()
    sandbox._probe.cache_clear()


@pytest.mark.tex
def test_files_where_the_build_runs_are_not_taken_for_the_installations(
    cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """kpathsea looks in the current folder first, and its answers are kept for every
    later build: a planted format or font map must not become the installation's."""
    system = gzip.decompress(_system_format().read_bytes())
    planted = tmp_path / "project"
    planted.mkdir()
    (planted / FORMAT).write_bytes(gzip.compress(b"planted"))
    (planted / "pdftex.map").write_text("pzdr Planted <planted.pfb\n")
    monkeypatch.chdir(planted)
    fontmap.installation.cache_clear()
    try:
        folder = unpacked_format.unpacked_format()
        installed = fontmap.installation()
    finally:
        fontmap.installation.cache_clear()
    assert folder is not None and installed is not None
    assert (folder / FORMAT).read_bytes() == system
    assert installed.full_map.is_absolute() and not installed.full_map.is_relative_to(planted)
    assert installed.config.is_absolute() and not installed.config.is_relative_to(planted)


@pytest.mark.tex
def test_the_copy_gives_the_same_pdf(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tex = "\\documentclass{article}\\begin{document}Same bytes.\\end{document}\n"
    with compile_tex(tex, source_date_epoch=86400) as unpacked:
        with_copy = unpacked.pdf.read_bytes()
    assert unpacked_format.unpacked_format() is not None
    monkeypatch.setattr(engine, "unpacked_format", lambda: None)
    with compile_tex(tex, source_date_epoch=86400) as own:
        assert own.pdf.read_bytes() == with_copy


def test_a_changed_format_gets_a_new_copy_and_an_unused_old_one_goes(
    cache_home: Path, fake_format: Path
) -> None:
    first = unpacked_format.unpacked_format()
    assert first is not None
    assert (first / FORMAT).read_bytes() == b"format one" * 1000
    fake_format.write_bytes(gzip.compress(b"format two" * 1000))
    os.utime(fake_format, ns=(1, 1))
    second = unpacked_format.unpacked_format()
    assert second is not None and second != first
    assert (second / FORMAT).read_bytes() == b"format two" * 1000
    assert (first / FORMAT).exists()  # a build that started on it may still be running
    fake_format.write_bytes(gzip.compress(b"format three" * 1000))
    os.utime(fake_format, ns=(2, 2))
    day_ago = time.time() - unpacked_format.UNUSED - 60
    os.utime(first, (day_ago, day_ago))
    third = unpacked_format.unpacked_format()
    assert third is not None
    assert not first.exists() and second.exists()


@pytest.mark.parametrize(
    "content", [b"not compressed", gzip.compress(bytes(range(256)) * 4000)[:-100]]
)
def test_an_uncompressed_or_damaged_format_is_left_to_tex(
    cache_home: Path, fake_format: Path, content: bytes
) -> None:
    fake_format.write_bytes(content)
    assert unpacked_format.unpacked_format() is None
    formats = cache_home / "build-cv" / "formats"
    assert not list(formats.rglob(f"*{FORMAT[-4:]}"))
    assert not list(formats.rglob(".xelatex-*"))  # no half-written copy left behind


def test_without_a_cache_folder_tex_loads_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_format: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert unpacked_format.unpacked_format() is None
    cmd, env = engine.launch(tmp_path, 86400, ["true"], format_dir=None)
    assert "TEXFORMATS" not in env
    assert sandbox.FORMAT_MOUNT not in cmd
