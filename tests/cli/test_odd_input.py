"""Issue 11: odd input gets a clear, bounded answer through the command line.

Each case asserts the exit code and what a person reads; builds really run TeX.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from build_cv.cli.main import main
from build_cv.pipeline.build import load_cv
from tests.conftest import MINIMAL

Capture = pytest.CaptureFixture[str]


def run(capsys: Capture, *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse's usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def items(text: str, **person: str) -> dict[str, object]:
    """The minimal CV with one item holding `text`."""
    entry = {"label": "Note", "text": text}
    data: dict[str, object] = {**MINIMAL, "sections": [
        {"kind": "items", "title": "Notes", "entries": [entry]}
    ]}  # fmt: skip
    if person:
        data["person"] = person
    return data


def write(tmp_path: Path, data: object, name: str = "cv.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return path


# --- limits ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "1e999", "0", "-1", "0.0"])
@pytest.mark.parametrize(
    ("command", "flag"),
    [("build", "--timeout"), ("build", "--max-size-mb"), ("check", "--max-size-mb")],
)
def test_float_limits_refuse_nan_infinity_zero_and_negatives(
    capsys: Capture, tmp_path: Path, command: str, flag: str, value: str
) -> None:
    target = str(tmp_path / "cv.yaml") if command == "build" else str(tmp_path / "cv.pdf")
    code, out, err = run(capsys, command, target, f"{flag}={value}")
    assert code == 2
    assert out == ""
    assert f"argument {flag}: {value} " in err
    assert "Traceback" not in err


@pytest.mark.parametrize("value", ["nan", "inf", "0", "-3", "2.5"])
def test_page_limits_refuse_anything_but_a_positive_whole_number(
    capsys: Capture, value: str
) -> None:
    code, _, err = run(capsys, "check", "cv.pdf", f"--max-pages={value}")
    assert code == 2
    assert "argument --max-pages:" in err


def test_an_infinite_size_limit_in_the_data_is_refused(capsys: Capture, tmp_path: Path) -> None:
    path = tmp_path / "cv.yaml"
    path.write_text(
        "person: {name: A}\nupdated: 2024-06-15\ndesign:\n  checks: {max_size_mb: .inf}\n"
    )
    code, _, err = run(capsys, "build", str(path), "--out", str(tmp_path / "out"))
    assert code == 2
    assert f"{path}:4:" in err and "design.checks.max_size_mb" in err


# --- YAML merge keys, encodings, NUL --------------------------------------------------


def test_merge_keys_with_an_override_follow_yaml(tmp_path: Path) -> None:
    path = tmp_path / "merge.yaml"
    text = (
        "person: {name: Ada Lovelace}\nupdated: 2024-06-15\n"
        "sections:\n  - kind: experience\n    title: Work\n    entries:\n"
        "      - &job {position: Base, organization: Acme, location: Berlin, start: 2019}\n"
        "      - <<: *job\n        position: Engineer\n        location: Paris\n"
    )
    path.write_text(text)
    loaded, cv = load_cv(path)
    second = loaded.data["sections"][0]["entries"][1]
    assert second == {
        "position": "Engineer",
        "organization": "Acme",
        "location": "Paris",
        "start": 2019,
    }
    assert loaded.locate(("sections", 0, "entries", 1, "location")).line == 10
    assert cv.sections[0].entries[1].location == "Paris"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "person: {name: Jos\u00e9}\nupdated: 2024-06-15\n".encode("latin-1"),
            ":1:19: not UTF-8 text: byte 0xE9 (it looks like Latin-1 or Windows-1252, "
            "where it is 'é'); save it as UTF-8",
        ),
        (
            "person: {name: A}\nupdated: 2024-06-15\n".encode("utf-16"),
            ":1:1: the file is UTF-16 text, not UTF-8; save it as UTF-8",
        ),
        (
            "person: {name: A}\nupdated: 2024-06-15\n".encode("utf-16-be"),
            ":1:1: the file is UTF-16 text, not UTF-8; save it as UTF-8",
        ),
        (
            b'person:\n  name: "A\x00B"\nupdated: 2024-06-15\n',
            ":2:11: a NUL byte, which YAML does not allow; remove it",
        ),
        (b"person: {name: A}\nupdated: 2024-06-15 \x00\n", ":2:21: a NUL byte"),
    ],
    ids=["latin-1", "utf-16", "utf-16-be-no-bom", "nul-in-string", "nul-after-value"],
)
def test_wrong_encodings_and_nul_bytes_are_located(
    capsys: Capture, tmp_path: Path, raw: bytes, expected: str
) -> None:
    path = tmp_path / "cv.yaml"
    path.write_bytes(raw)
    code, _, err = run(capsys, "build", str(path), "--out", str(tmp_path / "out"))
    assert code == 2
    assert err == f"build-cv: {path}{expected}" + err.split(expected, 1)[1]
    assert err.count("\n") == 1
    assert not (tmp_path / "out").exists()


# --- long values never flood the terminal ----------------------------------------------

HUGE = "x" * 2_000_000


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        f"person: {{name: A}}\nupdated: 2024-06-15\nsummary: [{HUGE}\n",  # syntax error
        f"person: {{name: A, email: {HUGE}@x.org}}\nupdated: 2024-06-15\n",  # echoed value
        f"person: {{name: A, {HUGE}: 1}}\nupdated: 2024-06-15\n",  # unknown key
        f"person: {{name: A}}\nupdated: {HUGE}\n",  # a date
        f"person: {{name: A}}\nupdated: 2024-06-15\ndesign: {{style: {HUGE}}}\n",  # literal
        f"person: {{name: A}}\nupdated: 2024-06-15\nx: !!int {HUGE}\n",  # a bad tag value
        f"person: {{name: A, name: B}}\nupdated: 2024-06-15\n# {HUGE}\n",  # long comment
    ],
    ids=["syntax", "email", "key", "date", "literal", "tag", "comment"],
)
def test_messages_shorten_long_values(capsys: Capture, tmp_path: Path, text: str) -> None:
    path = tmp_path / "cv.yaml"
    path.write_text(text)
    code, _, err = run(capsys, "build", str(path), "--out", str(tmp_path / "out"))
    assert code == 2
    assert len(err) < 1500, err[:300]
    assert f"{path}:" in err


def test_a_long_syntax_error_line_keeps_its_caret_under_the_problem(
    capsys: Capture, tmp_path: Path
) -> None:
    path = tmp_path / "cv.yaml"
    path.write_text("person: {name: A}\nsummary: " + "y" * 5000 + " : ] oops\n")
    code, _, err = run(capsys, "build", str(path))
    assert code == 2
    source, caret = err.splitlines()[-2:]
    assert len(source) < 120
    column = int(err.split(f"{path}:2:")[1].split(":")[0])
    line = path.read_text().splitlines()[1]
    assert source[caret.index("^")] == line[column - 1]


def test_a_long_option_value_is_shortened(capsys: Capture) -> None:
    code, _, err = run(capsys, "build", "--timeout", "z" * 1_000_000)
    assert code == 2
    assert len(err) < 1000


# --- bidi controls ----------------------------------------------------------------------

BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]


@pytest.mark.parametrize("control", BIDI, ids=[f"U+{ord(c):04X}" for c in BIDI])
def test_bidi_controls_in_text_are_an_input_error_naming_the_field(
    capsys: Capture, tmp_path: Path, control: str
) -> None:
    path = write(tmp_path, items(f"pay {control}0001$ to me"))
    code, _, err = run(capsys, "build", str(path), "--out", str(tmp_path / "out"))
    assert code == 2
    assert "sections[0].entries[0].text: contains the bidirectional control" in err
    assert f"U+{ord(control):04X}" in err


def test_a_bidi_override_in_the_name_is_refused(capsys: Capture, tmp_path: Path) -> None:
    path = write(tmp_path, {**MINIMAL, "person": {"name": "Ada \u202eecalevoL"}})
    code, _, err = run(capsys, "build", str(path), "--out", str(tmp_path / "out"))
    assert code == 2
    assert f"{path}:2:" in err and "person.name: contains the bidirectional control U+202E" in err


# --- TeX-side oddities, real builds -----------------------------------------------------


@pytest.mark.tex
def test_joiners_and_variation_selectors_are_never_missing_glyphs(
    capsys: Capture, tmp_path: Path
) -> None:
    text = "Caf\u00e9\u200d au\u200c lait a\ufe0e and a\ufe00b and \U000e0100c"
    path = write(tmp_path, items(text))
    code, _, err = run(capsys, "build", str(path), "--out", str(tmp_path), "--strict")
    assert code == 0, err
    assert "warning" not in err


@pytest.mark.tex
def test_a_typeout_that_looks_like_an_error_does_not_fail_the_build(
    capsys: Capture, tmp_path: Path
) -> None:
    latex = (
        "Fine.\\typeout{! Undefined control sequence.}\\typeout{cv.tex:3: foo}"
        "\\typeout{l.3 \\string\\foo}"
    )
    data = {**MINIMAL, "sections": [{"kind": "raw", "title": "Printed", "latex": latex}]}
    code, _, err = run(capsys, "build", str(write(tmp_path, data)), "--out", str(tmp_path))
    assert code == 0, err
    assert (tmp_path / "cv.pdf").exists()


@pytest.mark.tex
def test_identical_warnings_are_grouped_with_a_count(capsys: Capture, tmp_path: Path) -> None:
    latex = "\n\n".join(["\\noindent\\hbox to 10pt{\\hskip 300pt}"] * 3)
    data = {**MINIMAL, "sections": [{"kind": "raw", "title": "Wide", "latex": latex}]}
    code, _, err = run(capsys, "build", str(write(tmp_path, data)), "--out", str(tmp_path))
    assert code == 0, err
    warnings = [line for line in err.splitlines() if line.startswith("build-cv: warning:")]
    assert len(warnings) == 1, err
    assert warnings[0].endswith("past the right margin (shorten it) (3 times)")


@pytest.mark.tex
def test_an_upper_case_scheme_is_one_scheme_from_schema_to_pdf(
    capsys: Capture, tmp_path: Path
) -> None:
    text = "see [my page](HTTPS://example.org/x) and [mail](MAILTO:a@b.org)"
    data = items(text, name="Ada Lovelace", homepage="HTTPS://Example.org/ada")
    code, _, err = run(capsys, "build", str(write(tmp_path, data)), "--out", str(tmp_path))
    assert code == 0, err
    reader = PdfReader(tmp_path / "cv.pdf")
    uris = {
        str(a.get_object()["/A"]["/URI"])
        for page in reader.pages
        for a in page.get("/Annots", [])
        if "/URI" in a.get_object().get("/A", {})
    }
    assert {"HTTPS://example.org/x", "MAILTO:a@b.org"} <= uris
    assert "https://Example.org/ada" in uris  # moderncv writes the scheme itself
    assert not any(u.lower().startswith("https://https") for u in uris)


# --- check: pipes, standard input, pypdf's log ------------------------------------------


def check_process(
    args: list[str], stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "build_cv", "check", *args],
        input=stdin,
        capture_output=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_check_reads_standard_input(committed_pdf: Path) -> None:
    proc = check_process(["-"], stdin=committed_pdf.read_bytes())
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode().startswith("Preflight of <stdin>:\nPASS  size")


@pytest.mark.parametrize("kind", ["fifo", "device", "folder"])
def test_check_refuses_a_pdf_that_is_not_a_regular_file(tmp_path: Path, kind: str) -> None:
    """A FIFO with no writer made `check` wait forever (round-1 H11); a pipe is read from
    standard input instead (`check - < cv.pdf`)."""
    pdf = {"device": Path("/dev/zero")}.get(kind, tmp_path / "cv.pdf")
    if kind == "fifo":
        os.mkfifo(pdf)
    elif kind == "folder":
        pdf.mkdir()
    proc = subprocess.run(
        [sys.executable, "-m", "build_cv", "check", str(pdf)],
        capture_output=True,
        timeout=30,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    what = {"fifo": "a pipe (FIFO)", "device": "a device", "folder": "a folder"}[kind]
    assert proc.stderr.decode() == (
        f"build-cv: {pdf}: is {what}, not a regular file; name the PDF itself\n"
    )


def _handles_sigterm(pid: int) -> bool:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigCgt:"):
            return bool(int(line.split()[1], 16) >> (signal.SIGTERM - 1) & 1)
    return False


def test_a_stopped_check_promises_nothing_about_a_pdf() -> None:
    """`check` publishes nothing, so "the previous PDF is untouched" is not its to say."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "build_cv", "check", "-"],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
    )
    assert proc.stdin is not None
    proc.stdin.write(b"%PDF-1.7\n")  # and no more: it waits for the rest
    proc.stdin.flush()
    deadline = time.monotonic() + 60
    while not _handles_sigterm(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 128 + signal.SIGTERM
    assert err.decode() == "build-cv: stopped by SIGTERM\n"


@pytest.mark.slow
def test_pypdf_log_lines_never_reach_the_terminal(committed_pdf: Path) -> None:
    damaged = committed_pdf.read_bytes()[:30000]
    proc = check_process(["-"], stdin=damaged)
    assert proc.returncode == 1
    lines = proc.stderr.decode().splitlines()
    assert lines, "a damaged PDF must fail with a message"
    assert all(line.startswith("build-cv: ") for line in lines), lines


# --- paths that never reach a file ---------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["build", "{loop}"],
        ["build", "{cv}", "--out", "{loop}"],
        ["build", "{cv}", "--out", "{loop}/out"],
        ["build", "{cv}", "--out", "{file}"],
        ["build", "{cv}", "--out", "{file}/out"],
        ["build", "{cv}", "--format", "html", "--out", "{loop}"],
        ["lint", "{loop}"],
        ["check", "{loop}"],
        ["check", "{cv}", "--data", "{loop}"],
        ["import", "{loop}"],
    ],
)
def test_a_loop_of_links_or_a_file_in_the_way_is_bad_input(
    capsys: Capture, tmp_path: Path, args: list[str]
) -> None:
    """Named before TeX runs, with exit 2, never a RuntimeError from Path.resolve."""
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    (tmp_path / "file").write_text("x")
    cv = write(tmp_path, MINIMAL)
    names = {"loop": str(tmp_path / "a"), "cv": str(cv), "file": str(tmp_path / "file")}
    code, _, err = run(capsys, *(a.format(**names) for a in args))
    assert code == 2, err
    assert "Traceback" not in err and err.count("\n") <= 2
    assert "symbolic links" in err or "not a folder" in err or "Not a directory" in err


@pytest.mark.parametrize("command", ["build", "lint", "check-data"])
@pytest.mark.parametrize("kind", ["fifo", "device", "folder"])
def test_the_cv_file_must_be_a_regular_file(
    capsys: Capture, tmp_path: Path, command: str, kind: str
) -> None:
    """A FIFO hung every command, and /dev/zero filled memory: each is refused at once."""
    data = {"device": Path("/dev/zero")}.get(kind, tmp_path / "cv.yaml")
    if kind == "fifo":
        os.mkfifo(data)  # no writer: reading it would wait forever
    elif kind == "folder":
        data.mkdir()
    args = {
        "build": ["build", str(data), "--out", str(tmp_path / "out")],
        "lint": ["lint", str(data)],
        "check-data": ["check", str(tmp_path / "none.pdf"), "--data", str(data)],
    }[command]
    code, _, err = run(capsys, *args)
    assert code == 2, err
    what = {"fifo": "a pipe (FIFO)", "device": "a device", "folder": "a folder"}[kind]
    assert err.endswith(f"is {what}, not a regular file; name the CV's YAML file itself\n")


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--format", "pdf", "--front-matter", "hugo"], "--front-matter applies to Markdown"),
        (["--format", "html", "--pages", "all"], "--pages applies to PNG"),
        (["--min-pages", "3", "--max-pages", "2"], "--min-pages 3 is more than --max-pages 2"),
        (["--out", "/proc/build-cv-out"], "cannot make the output folder"),
    ],
)
def test_an_option_that_cannot_apply_is_refused_before_anything_runs(
    capsys: Capture, tmp_path: Path, args: list[str], said: str
) -> None:
    code, _, err = run(capsys, "build", str(write(tmp_path, MINIMAL)), "--no-cache", *args)
    assert code == 2 and said in err, err
    assert not list(tmp_path.glob("out*"))


def test_odd_names_are_refused_before_tex_runs(capsys: Capture, tmp_path: Path) -> None:
    """A name whose outputs would be too long for the file system, or hidden files, or an
    --out that is a link to nothing."""
    long = write(tmp_path, MINIMAL, "c" * 245 + ".yaml")
    code, _, err = run(capsys, "build", str(long), "--out", str(tmp_path / "out"))
    assert code == 2 and "longer than the 255 bytes" in err and "Traceback" not in err
    dotted = write(tmp_path, MINIMAL, ".yaml")
    code, _, err = run(capsys, "build", str(dotted), "--out", str(tmp_path / "out"))
    assert code == 2 and "may not start with a dot" in err
    (tmp_path / "gone").symlink_to(tmp_path / "nowhere")
    cv = write(tmp_path, MINIMAL)
    code, _, err = run(capsys, "build", str(cv), "--out", str(tmp_path / "gone"))
    assert code == 2 and "a symbolic link to a folder that does not exist" in err


def test_a_relative_xdg_cache_home_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The XDG specification says to ignore it; taken as it was, every PDF build failed."""
    from build_cv.userdirs import user_cache

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", "relcache")
    folder = user_cache("builds")
    assert folder == tmp_path / "home" / ".cache" / "build-cv" / "builds"
    assert not (tmp_path / "relcache").exists()
