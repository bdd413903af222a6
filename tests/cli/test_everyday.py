"""Everyday commands in a real process: --version, new, import, output into a closed pipe."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from pypdf import PdfReader

from build_cv.preflight import extract_text, normalize
from tests.conftest import FIXTURES

CLI = [sys.executable, "-m", "build_cv"]


def test_version() -> None:
    run = subprocess.run([*CLI, "--version"], capture_output=True, text=True, check=True)
    assert run.stdout == f"build-cv {version('build-cv')}\n"


@pytest.mark.slow
def test_output_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """`build-cv import big.json | head -c 10`: the reader leaves early; no traceback follows.

    The output (3 MB) is larger than a pipe holds, so the writer is still writing then.
    """
    work = [{"name": f"Company {i}", "position": "Engineer " * 120} for i in range(3000)]
    big = tmp_path / "big.json"
    meta = {"lastModified": "2024-06-15"}
    big.write_text(json.dumps({"basics": {"name": "A"}, "work": work, "meta": meta}))
    proc = subprocess.Popen(
        [*CLI, "import", str(big)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(10) == b"# Converte"
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141
    assert err == ""


@pytest.mark.slow
def test_import_to_stdout_and_a_file(tmp_path: Path) -> None:
    resume = FIXTURES / "jsonresume" / "every-section.json"
    run = subprocess.run([*CLI, "import", str(resume)], capture_output=True, text=True)
    assert run.returncode == 0
    assert run.stdout.startswith("# Converted from JSON Resume") and "Grace Hopper" in run.stdout
    assert "build-cv: note: basics.image is left out" in run.stderr
    out = tmp_path / "grace.yaml"
    wrote = subprocess.run([*CLI, "import", str(resume), "-o", str(out)], capture_output=True)
    assert wrote.returncode == 0 and out.read_text().startswith("# Converted")


@pytest.mark.slow
def test_import_of_a_broken_resume_is_a_located_message(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"basics": {"email": 5}}))
    run = subprocess.run([*CLI, "import", str(bad)], capture_output=True, text=True)
    assert run.returncode == 2
    assert f"{bad}: basics.email: 5 is not of type 'string'" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.tex
def test_new_writes_a_starter_that_builds_with_its_variant(tmp_path: Path) -> None:
    cv = tmp_path / "starter.yaml"
    run = subprocess.run([*CLI, "new", "Zoë O'Brien: Jr.", "-o", str(cv)], capture_output=True)
    assert run.returncode == 0
    out = tmp_path / "out"
    build = [*CLI, "build", str(cv), "--out", str(out), "--variant", "all", "--strict"]
    built = subprocess.run(build, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    assert (out / "starter.pdf").exists() and (out / "starter-short.pdf").exists()
    text = normalize(extract_text(PdfReader(out / "starter.pdf")))
    assert "Zoë O'Brien: Jr." in text and "Publications" in text
    again = subprocess.run([*CLI, "new", "-o", str(cv)], capture_output=True, text=True)
    assert again.returncode == 2 and "already exists" in again.stderr


@pytest.mark.tex
@pytest.mark.parametrize(
    "name", ["方佳瑞", "Ἀθηνᾶ Παλλάς", "Ольга Ладыженская", "Nguyễn Thị Minh Khai"]
)
def test_new_writes_a_starter_that_builds_for_a_name_in_any_script_it_accepts(
    name: str, tmp_path: Path
) -> None:
    cv = tmp_path / "cv.yaml"
    run = subprocess.run([*CLI, "new", name, "-o", str(cv)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    out = tmp_path / "out"
    build = [*CLI, "build", str(cv), "--out", str(out), "--strict"]
    built = subprocess.run(build, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    assert name.replace(" ", "") in normalize(extract_text(PdfReader(out / "cv.pdf"))).replace(
        " ", ""
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [("", 'the name is empty; give yours in quotes: build-cv new "Ada Lovelace"'),
     ("   ", "the name is empty"),
     ("Ab " * 2000, "the name is 5,999 characters long; build-cv takes at most 5,000"),
     ("A" * 400, "has a 400-character word starting 'AAAAAAAAAAAAAAAAAAAA'; words over 300"),
     ("محمد علي", "the name 'محمد علي' cannot be used: no font build-cv typesets with has 'م'"),
     ("अदा लवलेस", "write the name in a script build-cv can typeset (Latin, Greek, Cyrillic"),
     ("Jane Doe 🚀", "'🚀' (U+1F680)"),
     ("Ada Lovelace 𓀀", "'𓀀' (U+13000)")],
)  # fmt: skip
def test_new_refuses_a_name_the_build_would_reject_in_plain_words(
    name: str, message: str, tmp_path: Path
) -> None:
    cv = tmp_path / "cv.yaml"
    run = subprocess.run([*CLI, "new", name, "-o", str(cv)], capture_output=True, text=True)
    assert run.returncode == 2 and message in run.stderr
    assert run.stderr.count("\n") == 1 and "Value should" not in run.stderr
    assert not cv.exists()
