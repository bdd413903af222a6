"""The CLI contract through a real process: odd input gets a located message and exit 2,
never a Python traceback (in-process tests would see an exception, not what a user sees)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ODD_INPUTS = {
    "impossible-date": ("person: {name: A}\nupdated: 2019-02-30\n", ":2:10:"),
    "bad-int-tag": (
        "person: {name: A}\nupdated: 2024-06-15\nsections:\n  - kind: publications\n"
        "    title: P\n    entries:\n      - {title: T, authors: [A], venue: V, year: !!int x}\n",
        ":7:",
    ),
    "alias-cycle": ("person: {name: A}\nupdated: 2024-06-15\nkeywords: &a [*a]\n", ":3:11:"),
    "alias-bomb": (
        "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
        "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
        "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n",
        "over 100000 values",
    ),
    "deep-nesting": ("a: " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
    "year-only-updated": ("person: {name: A}\nupdated: 2024\n", ":2:1: updated:"),
    "pre-1970": ("person: {name: A}\nupdated: 1960-01-01\n", "1970-01-01 or later"),
    "sections-null": ("person: {name: A}\nupdated: 2024-06-15\nsections: null\n", "sections"),
    "entry-is-a-string": (
        "person: {name: A}\nupdated: 2024-06-15\nsections:\n"
        "  - {kind: experience, title: W, entries: [oops]}\n",
        "sections[0].entries[0]",
    ),
    "control-char-email": (
        'person: {name: A, email: "a\\u0007b@x.org"}\nupdated: 2024-06-15\n',
        "person.email",
    ),
    "huge-word": (
        "person: {name: A}\nupdated: 2024-06-15\nsummary: " + "x" * 400 + "\n",
        "400-character word",
    ),
    "end-without-start": (
        "person: {name: A}\nupdated: 2024-06-15\nsections:\n"
        "  - {kind: experience, title: W, entries: [{position: p, organization: o, "
        "end: present}]}\n",
        "has an `end` but no `start`",
    ),
    "phone-without-digits": (
        "person: {name: A, phone: call me}\nupdated: 2024-06-15\n",
        "is not a phone number",
    ),
    "empty-subject": ('person: {name: A}\nupdated: 2024-06-15\nsubject: ""\n', "subject"),
    "line-separator": ('person: {name: "A\\u2028B"}\nupdated: 2024-06-15\n', "U+2028"),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(ODD_INPUTS))
def test_odd_input_is_a_located_message_not_a_traceback(tmp_path: Path, case: str) -> None:
    text, expected = ODD_INPUTS[case]
    data = tmp_path / "odd.yaml"
    data.write_text(text, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "build_cv", "build", str(data), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert str(data) in proc.stderr
    assert expected in proc.stderr
    assert not (tmp_path / "out" / "odd.pdf").exists()


def test_usage_errors_exit_2() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "build_cv", "build", "--max-pages", "zero"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "'zero' is not a whole number" in proc.stderr


def run_build(data: Path, out: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "build_cv", "build", str(data), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, **env},
    )


MINIMAL_YAML = (
    "person: {name: Ada Lovelace, email: ada@example.org}\nupdated: 2024-06-15\n"
    "design: {icons: false}\nsections:\n  - {kind: items, title: Notes, entries: [{text: hi}]}\n"
)


@pytest.mark.slow
@pytest.mark.parametrize("epoch", ["²", "-5", "99999999999999999999", "253402300800", "soon"])
def test_bad_source_date_epoch_is_bad_input(tmp_path: Path, epoch: str) -> None:
    data = tmp_path / "cv.yaml"
    data.write_text(MINIMAL_YAML, encoding="utf-8")
    proc = run_build(data, tmp_path / "out", SOURCE_DATE_EPOCH=epoch)
    assert proc.returncode == 2, proc.stderr
    assert "SOURCE_DATE_EPOCH=" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.slow
@pytest.mark.parametrize("name", ["cv.pdf", "cv.failed.pdf", "cv.failed.tex"])
def test_a_directory_in_the_way_is_refused_before_tex_runs(tmp_path: Path, name: str) -> None:
    data = tmp_path / "cv.yaml"
    data.write_text(MINIMAL_YAML, encoding="utf-8")
    out = tmp_path / "out"
    (out / name).mkdir(parents=True)
    (out / "cv.tex").write_text("previous")
    proc = run_build(data, out)
    assert proc.returncode == 2
    assert f"{out / name}: a directory is in the way of an output file" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert (out / "cv.tex").read_text() == "previous"
    assert sorted(p.name for p in out.iterdir()) == sorted({name, "cv.tex"})


@pytest.mark.slow
@pytest.mark.parametrize(
    ("data_name", "bib_name"),
    [("cv.tex", None), ("cv.pdf", None), ("cv.yaml", "cv.tex"), ("cv.yaml", "cv.failed.pdf")],
)
def test_an_input_that_would_be_an_output_is_refused(
    tmp_path: Path, data_name: str, bib_name: str | None
) -> None:
    """A CV saved as dist/cv.tex (or a .bib as dist/cv.pdf) and built into dist/."""
    out = tmp_path / "dist"
    out.mkdir()
    text = MINIMAL_YAML
    if bib_name:
        bib = "@article{a, author={A, B}, title={T}, journal={J}, year={2020}}\n"
        (out / bib_name).write_text(bib, encoding="utf-8")
        text += f"  - title: Papers\n    kind: publications\n    bib: {bib_name}\n"
    data = out / data_name
    data.write_text(text, encoding="utf-8")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    proc = run_build(data, out)
    assert proc.returncode == 2, proc.stderr
    assert "would overwrite this input" in proc.stderr and "Traceback" not in proc.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


@pytest.mark.slow
def test_data_named_like_a_leftover_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "cv.failed.yaml"
    data.write_text(MINIMAL_YAML, encoding="utf-8")
    proc = run_build(data, tmp_path / "out")
    assert proc.returncode == 2
    assert "may not end in .failed" in proc.stderr


@pytest.mark.tex
def test_a_terminal_without_unicode_does_not_fail_the_build(tmp_path: Path) -> None:
    data = tmp_path / "cv.yaml"
    data.write_text(MINIMAL_YAML.replace("Ada Lovelace", "Ἀδά 方"), encoding="utf-8")
    proc = run_build(data, tmp_path / "out", PYTHONIOENCODING="ascii")
    assert proc.returncode == 0, proc.stderr
    assert "Wrote" in proc.stdout
