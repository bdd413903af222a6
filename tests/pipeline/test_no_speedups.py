"""`--no-speedups` (and BUILD_CV_NO_SPEEDUPS=1) builds the plain way, for bisecting a wrong
PDF: it reaches every speed-up that could change the PDF, and the PDF is the same.

What a TeX program was started with is seen where the engine starts it (`engine._start`,
wrapped to note its command line, environment and the state of `cv.tex`, then run as it
is): the real TeX runs in every test here that typesets.
"""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from build_cv.cli.main import main
from build_cv.formats import templating
from build_cv.formats.latex import writer as latex_writer
from build_cv.pipeline import machine
from build_cv.pipeline import watch as watching
from build_cv.pipeline.prestart import memory_for, prestart, remember
from build_cv.schema.model import Design
from build_cv.sources.yaml_source import load_yaml_text
from build_cv.typeset import doctor, engine, fontmap
from build_cv.typeset.installation import installation_stamp
from build_cv.typeset.requirements import REQUIREMENTS, by_name
from build_cv.typeset.settings import HEAD_MARK, NO_SPEEDUPS, speedups_from_environment
from build_cv.userdirs import keep
from tests.conftest import DEFAULT_BIB, DEFAULT_DATA

DRIVER_PATHS = ("DVIPDFMXINPUTS", "TEXFONTMAPS", "TEXMFDBS")


@dataclass(frozen=True)
class Run:
    """One TeX program as the engine started it."""

    program: str  # xelatex or xdvipdfmx
    cmd: tuple[str, ...]
    env: dict[str, str]
    source_was_pipe: bool  # cv.tex a named pipe, fed by the early start


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[Run]:
    """Every TeX program the engine starts in this test, noted as it starts."""
    seen: list[Run] = []
    start = engine._start

    def noting(cmd: list[str], env: dict[str, str], build_dir: Path, *args: Any, **kw: Any) -> Any:
        program = "xdvipdfmx" if "xdvipdfmx" in cmd else "xelatex"
        source = build_dir / "cv.tex"
        pipe = source.exists() and stat.S_ISFIFO(os.stat(source).st_mode)
        seen.append(Run(program, tuple(cmd), dict(env), pipe))
        return start(cmd, env, build_dir, *args, **kw)

    monkeypatch.setattr(engine, "_start", noting)
    return seen


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The builds here keep what they keep in a cache of the test's own, and nothing the
    process found out earlier (in another cache) is taken as found here."""
    home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    _forget()
    yield home / "build-cv"
    _forget()


def _forget() -> None:
    """What this process keeps in memory of the user's cache, and of what it found."""
    templating._compiled_templates.cache_clear()
    latex_writer._environment.cache_clear()
    doctor._probed.cache_clear()
    fontmap.installation.cache_clear()


def _copy_default(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(DEFAULT_BIB, folder / DEFAULT_BIB.name)
    data = folder / "cv.yaml"
    shutil.copyfile(DEFAULT_DATA, data)
    return data


def _cjk_and_raw(folder: Path) -> Path:
    """The default CV under a CJK name, with Greek text, and raw LaTeX that sets text in
    TFM fonts (Computer Modern, in text and maths): the driver then needs their map
    lines, and keeps TeX's file database for what raw LaTeX may name."""
    data = _copy_default(folder)
    cv = yaml.safe_load(data.read_text("utf-8"))
    cv["person"]["name"] = "方佳瑞"
    cv["summary"]["en"] += " Ελληνικά."
    cv["design"]["preamble_latex"] = "\\newcommand*{\\inroman}{\\fontencoding{OT1}\\selectfont}"
    latex = "{\\inroman Set in Computer Modern, with $x^2 + y$.}"
    cv["sections"].append({"kind": "raw", "title": "Notes", "latex": latex})
    data.write_text(yaml.safe_dump(cv, allow_unicode=True, sort_keys=False), "utf-8")
    return data


@pytest.mark.tex
@pytest.mark.parametrize("how", ["flag", "environment"])
def test_the_switch_reaches_every_speed_up(
    tmp_path: Path,
    runs: list[Run],
    own_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    how: str,
) -> None:
    """Off: TeX reads `cv.tex` as a file with its own format, the driver its own
    configuration, maps and file database, and nothing is kept or read in the user's
    cache (builds, heads, compiled templates, the decompressed format, kpathsea's answers,
    the probes). On, each of those shows, so each assertion could fail."""
    data = _copy_default(tmp_path / "cv")
    assert main(["build", str(data), "--out", str(tmp_path / "on")]) == 0
    on = {r.program: r for r in runs}
    assert on["xelatex"].source_was_pipe
    assert "TEXFORMATS" in on["xelatex"].env
    assert set(DRIVER_PATHS) <= set(on["xdvipdfmx"].env)  # the default CV: no TFM font
    assert {"builds", "formats", "requirements", "templates"} <= {
        p.name for p in own_cache.iterdir()
    }

    shutil.rmtree(own_cache)
    runs.clear()
    _forget()
    args = ["build", str(data), "--out", str(tmp_path / "off")]
    if how == "flag":
        args.append("--no-speedups")
    else:
        monkeypatch.setenv(NO_SPEEDUPS, "1")
    capsys.readouterr()
    assert main(args) == 0
    assert "speed-ups off" in capsys.readouterr().err
    assert [r.program for r in runs] == ["xelatex", "xdvipdfmx"]
    xelatex, driver = runs
    assert not xelatex.source_was_pipe
    assert "TEXFORMATS" not in xelatex.env and "/format" not in xelatex.cmd
    assert not set(DRIVER_PATHS) & set(driver.env) and "/driver" not in driver.cmd
    assert not own_cache.exists() or not list(own_cache.iterdir())


@pytest.mark.tex
def test_the_switch_implies_no_cache(tmp_path: Path, runs: list[Run]) -> None:
    data = _copy_default(tmp_path / "cv")
    out = tmp_path / "out"
    assert main(["build", str(data), "--out", str(out)]) == 0
    runs.clear()
    assert main(["build", str(data), "--out", str(out), "--no-speedups"]) == 0
    assert [r.program for r in runs] == ["xelatex", "xdvipdfmx"]  # built, not replayed


@pytest.mark.tex
def test_watch_takes_the_switch(
    tmp_path: Path, runs: list[Run], own_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each round of `watch --no-speedups` builds the plain way (one round here: the
    watching itself is replaced by a call of the rebuild)."""
    monkeypatch.setattr(watching, "watch", lambda inputs, rebuild: rebuild())
    data = _copy_default(tmp_path / "cv")
    assert main(["watch", str(data), "--out", str(tmp_path / "out"), "--no-speedups"]) == 0
    assert (tmp_path / "out" / "cv.pdf").exists()
    assert [r.program for r in runs] == ["xelatex", "xdvipdfmx"]
    assert not runs[0].source_was_pipe and "TEXFORMATS" not in runs[0].env
    assert not own_cache.exists() or not list(own_cache.iterdir())


@pytest.mark.tex
@pytest.mark.parametrize("cv", ["default", "cjk-name-and-raw-latex"])
def test_the_pdf_without_speedups_is_the_pdf_with_them(
    tmp_path: Path, runs: list[Run], cv: str
) -> None:
    """A rebuild takes every speed-up at once (the early start on the remembered head,
    the decompressed format, the trimmed font maps, without TeX's file database where
    the document allows it, the kept templates and probes); the same document built with
    none of them is the same PDF, byte for byte."""
    data = (_copy_default if cv == "default" else _cjk_and_raw)(tmp_path / "cv")
    out, plain = tmp_path / "out", tmp_path / "plain"
    trust = ["--trust-raw"]  # where bubblewrap cannot isolate TeX; the PDF is the same
    assert main(["build", str(data), "--out", str(out), *trust]) == 0
    text = data.read_text("utf-8")
    data.write_text(text.replace("Tencent Cloud", "Tencent Cloud Services"), "utf-8")
    runs.clear()
    assert main(["build", str(data), "--out", str(out), *trust]) == 0
    fast = {r.program: r for r in runs}
    assert fast["xelatex"].source_was_pipe  # started early, on the head
    assert "TEXFORMATS" in fast["xelatex"].env
    assert "DVIPDFMXINPUTS" in fast["xdvipdfmx"].env
    assert ("TEXMFDBS" in fast["xdvipdfmx"].env) == (cv == "default")
    assert main(["build", str(data), "--out", str(plain), "--no-speedups", *trust]) == 0
    assert "Tencent Cloud Services" in (plain / "cv.tex").read_text("utf-8")
    assert (plain / "cv.tex").read_bytes() == (out / "cv.tex").read_bytes()
    assert (plain / "cv.pdf").read_bytes() == (out / "cv.pdf").read_bytes()


@pytest.mark.tex
def test_no_early_start_without_speedups(tmp_path: Path, runs: list[Run]) -> None:
    """The prestart decision itself: a remembered head starts TeX, unless switched off."""
    data = tmp_path / "cv.yaml"
    data.write_text("updated: 2024-06-15\n", "utf-8")
    memory = memory_for(tmp_path / "cache", "a request")
    remember(memory, "\\documentclass{article}\n" + HEAD_MARK, 1718409600)
    assert prestart(data, [memory], speedups=False) is None
    assert not runs
    started = prestart(data, [memory])
    assert started is not None
    started.close()


def test_a_switch_value_that_is_neither_on_nor_off_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(NO_SPEEDUPS, "maybe")
    out = tmp_path / "out"
    assert main(["build", str(DEFAULT_DATA), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{NO_SPEEDUPS}='maybe'" in err and "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("value", "on"),
    [("", True), ("0", True), ("no", True), ("1", False), ("true", False), (" YES ", False)],
)
def test_the_environment_turns_the_speedups_off(
    monkeypatch: pytest.MonkeyPatch, value: str, on: bool
) -> None:
    monkeypatch.setenv(NO_SPEEDUPS, value)
    assert speedups_from_environment() is on


@pytest.mark.tex
def test_without_speedups_the_probes_are_asked_afresh(own_cache: Path) -> None:
    """A kept answer that is wrong (here: CM Unicode missing, though it is installed)
    changes the design; with the switch off the machine is asked again."""
    assert doctor.found(by_name("cm-unicode"))  # installed here (make tex)
    memo = own_cache / "requirements" / f"{installation_stamp()}.json"
    keep(memo, {r.name: r.name != "cm-unicode" for r in REQUIREMENTS})
    kept, warnings = machine.adjust(Design(), True)
    assert warnings and not kept.script_fallback  # the kept answer was used
    fresh, none = machine.adjust(Design(), True, speedups=False)
    assert none == [] and fresh.script_fallback


def test_without_speedups_the_yaml_is_read_by_the_python_parser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """libyaml and the Python parser are two programs that should agree; the switch
    leaves out the faster one."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is None:
        pytest.skip("this PyYAML has no libyaml")
    used: list[str] = []

    class Noting(fast):  # type: ignore[misc, valid-type]
        def __init__(self, stream: Any) -> None:
            used.append("libyaml")
            super().__init__(stream)

    monkeypatch.setattr(yaml, "CSafeLoader", Noting)
    text = "person: {name: Ada}\n"
    assert load_yaml_text(text, Path("cv.yaml"), speedups=False).data == {"person": {"name": "Ada"}}
    assert used == []
    load_yaml_text(text, Path("cv.yaml"))
    assert used == ["libyaml"]
