"""Missing tools are named with the package that brings them; icons degrade gracefully.

Tools are hidden for real, by running the CLI with a PATH whose programs are wrappers.
kpsewhich is asked inside the sandbox, which sees the system's programs only, so with
wrappers the sandbox is turned off (`BUILD_CV_BWRAP=/bin/false`) and the wrapper is the
kpsewhich that answers.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from build_cv.typeset import doctor, sandbox
from build_cv.typeset.requirements import by_name
from tests.conftest import DEFAULT_DATA, FIXTURES


def fake_bin(tmp_path: Path, hide_program: str = "", hide_probe: str = "") -> Path:
    """A bin/ where one program is left out, and kpsewhich / fc-list never report one file."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("xelatex", "kpsewhich", "fc-list"):
        real = shutil.which(tool)
        assert real, f"{tool} must be installed for this test"
        if tool == hide_program:
            continue
        if tool in ("kpsewhich", "fc-list"):
            script = bin_dir / tool
            hidden = hide_probe or "@@never@@"
            script.write_text(f'#!/bin/sh\n{real} "$@" | grep -v -F "{hidden}"\nexit 0\n')
            script.chmod(0o755)
        else:
            (bin_dir / tool).symlink_to(real)
    return bin_dir


def run_cli(bin_dir: Path | None, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if bin_dir is not None:
        real_dirs = [d for d in env["PATH"].split(os.pathsep) if d]
        env["PATH"] = os.pathsep.join([str(bin_dir), *real_dirs])
        env[sandbox.BWRAP_ENV] = "/bin/false"
    return subprocess.run(
        [sys.executable, "-m", "build_cv", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def only_bin(bin_dir: Path) -> Path:
    """A PATH directory with just our wrappers and the basics that TeX's scripts need."""
    for tool in ("sh", "perl", "xdvipdfmx", "kpsewhich", "mktexpk", "mktextfm"):
        real = shutil.which(tool)
        if real and not (bin_dir / tool).exists():
            (bin_dir / tool).symlink_to(real)
    return bin_dir


@pytest.mark.tex
def test_missing_xelatex_is_named_with_its_package(tmp_path: Path) -> None:
    bin_dir = only_bin(fake_bin(tmp_path, hide_program="xelatex"))
    env_path = str(bin_dir)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "build_cv",
            "build",
            str(FIXTURES / "emoji.yaml"),
            "--out",
            str(tmp_path / "out"),
        ],
        env={**os.environ, "PATH": env_path},
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "xelatex (needed for compiling) is not installed" in proc.stderr
    assert "apt-get install --no-install-recommends texlive-xetex" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.tex
def test_icons_need_no_icon_font() -> None:
    """The header icons are drawn: fontawesome5's glyph scan cost 0.7 s of every pass."""
    proc = run_cli(None, "doctor")
    assert "fontawesome5" not in proc.stdout


@pytest.mark.tex
@pytest.mark.parametrize(
    ("hidden", "name", "package", "data"),
    [
        ("moderncv.cls", "moderncv", "texlive-latex-extra", FIXTURES / "emoji.yaml"),
        ("pzdr.tfm", "pzdr.tfm", "texlive-fonts-recommended", FIXTURES / "emoji.yaml"),
        ("Noto Sans CJK SC", "Noto Sans CJK SC", "fonts-noto-cjk", DEFAULT_DATA),
    ],
)
def test_missing_tex_packages_and_fonts_are_named(
    tmp_path: Path, hidden: str, name: str, package: str, data: Path
) -> None:
    out = tmp_path / "out"
    proc = run_cli(
        fake_bin(tmp_path, hide_probe=hidden), "build", str(data), "--out", str(out), "--no-cache"
    )
    assert proc.returncode == 1
    assert f"build-cv: {name} (needed for " in proc.stderr
    assert f"is not installed. Install the Debian/Ubuntu package `{package}`" in proc.stderr
    assert not (out / f"{data.stem}.pdf").exists()
    assert "Traceback" not in proc.stderr


@pytest.mark.tex
def test_the_cjk_face_of_the_documents_language_is_named(tmp_path: Path) -> None:
    """A Japanese CV needs the JP face (its glyph forms), and no other."""
    data = tmp_path / "ja.yaml"
    data.write_text(
        "person:\n  name: Hanako Yamada\nupdated: 2024-06-15\ndesign:\n  language: ja\n"
        "summary: 東京大学で分散深層学習のシステムを研究しました。\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    (tmp_path / "jp").mkdir()
    hide_jp = fake_bin(tmp_path / "jp", hide_probe="Noto Sans CJK JP")
    proc = run_cli(hide_jp, "build", str(data), "--out", str(out), "--no-cache")
    assert proc.returncode == 1, proc.stderr
    assert "build-cv: Noto Sans CJK JP (needed for Japanese text)" in proc.stderr
    assert "Install the Debian/Ubuntu package `fonts-noto-cjk`" in proc.stderr
    (tmp_path / "sc").mkdir()
    hide_sc = fake_bin(tmp_path / "sc", hide_probe="Noto Sans CJK SC")
    proc = run_cli(hide_sc, "build", str(data), "--out", str(out), "--no-cache")
    assert proc.returncode == 0, proc.stderr


@pytest.mark.tex
def test_a_cv_without_cjk_needs_no_cjk_font(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = run_cli(
        fake_bin(tmp_path, hide_probe="Noto Sans CJK SC"),
        "build",
        str(FIXTURES / "emoji.yaml"),
        "--out",
        str(out),
    )
    assert proc.returncode == 0, proc.stderr
    assert (out / "emoji.pdf").exists()


@pytest.mark.tex
def test_doctor_lists_engines_moderncv_and_fonts() -> None:
    proc = run_cli(None, "doctor")
    assert proc.returncode == 0, proc.stdout
    assert re.search(r"^XeTeX\s+XeTeX 3\.\d+", proc.stdout, re.MULTILINE)
    assert re.search(r"^moderncv\s+v\d+\.\d+\.\d+ \(\d{4}-\d\d-\d\d\)$", proc.stdout, re.MULTILINE)
    assert "Noto Sans CJK SC       ok" in proc.stdout


@pytest.mark.tex
def test_doctor_fails_when_something_required_is_missing(tmp_path: Path) -> None:
    proc = run_cli(fake_bin(tmp_path, hide_probe="moderncv.cls"), "doctor")
    assert proc.returncode == 1
    assert "moderncv               MISSING" in proc.stdout


@pytest.mark.tex
def test_missing_cm_unicode_is_a_warning(tmp_path: Path) -> None:
    data = tmp_path / "greek.yaml"
    data.write_text(
        "person: {name: Ada Lovelace}\nupdated: 2024-06-15\ndesign: {icons: false}\n"
        "sections:\n  - {kind: items, title: Notes, entries: [{text: λόγος and Пётр}]}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    proc = run_cli(fake_bin(tmp_path, hide_probe="cmunss"), "build", str(data), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "cm-unicode is missing, so Greek and Cyrillic cannot be typeset" in proc.stderr
    assert "cmunss" not in (out / "greek.tex").read_text()


@pytest.mark.tex
def test_latin_text_never_asks_for_cm_unicode(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = run_cli(
        fake_bin(tmp_path, hide_probe="cmunss"),
        "build",
        str(FIXTURES / "emoji.yaml"),
        "--out",
        str(out),
    )
    assert proc.returncode == 0, proc.stderr
    assert "cm-unicode" not in proc.stderr


@pytest.mark.tex
def test_what_the_probes_found_is_kept_per_installation(tmp_path: Path) -> None:
    """A build asks kpsewhich and fc-list once per installation, then trusts the answer:
    shown here by an answer that claims moderncv is missing, which the build then reports."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    build = [sys.executable, "-m", "build_cv", "build", str(FIXTURES / "emoji.yaml"), "--no-cache"]
    first = subprocess.run(
        [*build, "--out", str(tmp_path / "a")], env=env, capture_output=True, text=True
    )
    assert first.returncode == 0, first.stderr
    (memory,) = (tmp_path / "cache" / "build-cv" / "requirements").glob("*.json")
    answers = json.loads(memory.read_text())
    assert answers["moderncv"] is True
    memory.write_text(json.dumps({**answers, "moderncv": False}))
    second = subprocess.run(
        [*build, "--out", str(tmp_path / "b")], env=env, capture_output=True, text=True
    )
    assert second.returncode == 1
    assert "moderncv (needed for the CV class) is not installed" in second.stderr


@pytest.mark.tex
def test_a_class_planted_where_build_cv_runs_is_not_the_installed_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """kpathsea looks in the current folder first; the probe must not: its answer is
    kept for every later build, and a planted moderncv.cls would pass for the package."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "moderncv.cls").write_text("% planted\n", encoding="utf-8")
    doctor._tex_files.cache_clear()
    try:
        where = doctor.found(by_name("moderncv"))
    finally:
        doctor._tex_files.cache_clear()
    assert where is not None
    assert Path(where).is_absolute() and not Path(where).is_relative_to(tmp_path)
    assert "ProvidesClass{moderncv}" in Path(where).read_text("utf-8")
