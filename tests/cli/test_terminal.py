"""No control character of the data reaches the terminal raw, in any message.

Every command runs as a real process here, and the assertions read the bytes it wrote:
an escape sequence in a YAML key, a .bib field, a file name or a PDF's metadata must show
as `\\x1b`, never as the byte the terminal would obey.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from pypdf import PdfWriter
from pypdf.generic import NameObject, TextStringObject

from build_cv.cli.terminal import shown
from tests.conftest import FIXTURES, MINIMAL
from tests.processes import on_a_terminal

TITLE = "\x1b]0;pwned\x07"  # sets the terminal window's title
CLEAR = "\x1b[2J"  # clears the screen
# C0 but newline and tab, DEL, C1 (UTF-8 encoded), and the bidi embedding, override and
# isolate controls: nothing a message may carry raw.
RAW = re.compile(
    rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]"
)


def build_cv(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "build_cv", *map(str, args)],
        capture_output=True,
        timeout=300,
        cwd=cwd,
    )


def assert_none_raw(done: subprocess.CompletedProcess[bytes]) -> str:
    """Nothing raw on either stream; the messages, decoded, for further checks."""
    for stream in (done.stdout, done.stderr):
        found = RAW.search(stream)
        assert found is None, f"raw {found.group()!r} in {stream!r}"
    return (done.stdout + done.stderr).decode()


def test_shown_escapes_what_a_terminal_acts_on_and_nothing_else() -> None:
    assert shown(f"a{TITLE}b{CLEAR}") == "a\\x1b]0;pwned\\x07b\\x1b[2J"
    assert (
        shown("\x00\r\x7f\x85\x9b\u202e\u2066") == "\\x00\\x0d\\u007f\\u0085\\u009b\\u202e\\u2066"
    )
    typed = "line\n\ttab Zoë 方佳瑞 👩‍🔬 ‘quotes’ \u200d\u00a0"
    assert shown(typed) == typed
    # `check --json` goes through it too, and stays JSON that means the same
    value = "x\x7f\x9b\u202e\x1b"
    assert json.loads(shown(json.dumps(value, ensure_ascii=False))) == value


@pytest.mark.slow
def test_a_key_and_a_hidden_field_in_the_yaml(tmp_path: Path) -> None:
    data = json.loads(json.dumps(MINIMAL))
    data["person"][f"nam{CLEAR}e"] = "x"
    data["variants"] = {"short": {"hide": [f"person.{TITLE}phone"]}}
    cv = tmp_path / "cv.yaml"
    cv.write_text(yaml.safe_dump(data))  # YAML writes the controls as \e and \a
    commands: list[list[str | Path]] = [["build", cv, "--out", tmp_path / "out"], ["lint", cv]]
    for command in commands:
        done = build_cv(*command)
        assert done.returncode == 2
        text = assert_none_raw(done)
        assert "nam\\x1b[2Je" in text and "\\x1b]0;pwned\\x07phone" in text


@pytest.mark.slow
def test_a_bib_title_and_year(tmp_path: Path) -> None:
    (tmp_path / "pubs.bib").write_text(
        f"@article{{k{CLEAR},\n  title = {{Evil {TITLE} title {CLEAR}}},\n"
        f"  author = {{Ada Lovelace}},\n  journal = {{J}},\n  year = {{20{CLEAR}24}}\n}}\n",
        encoding="utf-8",
    )
    data = json.loads(json.dumps(MINIMAL))
    data["sections"] = [{"kind": "publications", "title": "Papers", "bib": "pubs.bib"}]
    cv = tmp_path / "cv.yaml"
    cv.write_text(yaml.safe_dump(data))
    commands: list[list[str | Path]] = [["build", cv, "--out", tmp_path / "out"], ["lint", cv]]
    for command in commands:
        done = build_cv(*command)
        assert done.returncode == 2
        assert "20\\x1b[2J24" in assert_none_raw(done)


@pytest.mark.slow
def test_a_file_name(tmp_path: Path) -> None:
    missing = tmp_path / f"cv{TITLE}.yaml"
    done = build_cv("build", missing, "--out", tmp_path / "out")
    assert done.returncode == 2
    assert "\\x1b]0;pwned\\x07.yaml" in assert_none_raw(done)


@pytest.mark.slow
def test_the_table_and_progress_of_a_several_target_build(tmp_path: Path) -> None:
    cv = tmp_path / f"cv{CLEAR}.yaml"
    cv.write_text(yaml.safe_dump(MINIMAL))
    done = build_cv("build", cv, "--out", tmp_path / "out", "--format", "md,txt")
    assert done.returncode == 0, done.stderr
    assert "cv\\x1b[2J.md" in assert_none_raw(done)
    assert (tmp_path / "out" / f"cv{CLEAR}.md").is_file()  # the file keeps its name


@pytest.mark.slow
def test_the_rich_table_on_a_terminal(tmp_path: Path) -> None:
    cv = tmp_path / f"cv{TITLE}.yaml"
    cv.write_text(yaml.safe_dump(MINIMAL))
    code, seen = on_a_terminal(
        ["build", str(cv), "--out", str(tmp_path / "out"), "--format", "md,txt"], columns=200
    )
    assert code == 0
    assert b"\x1b]0;pwned" not in seen and b"\x07" not in seen  # rich's own ESCs pass
    assert b"\xe2\x94\x8f" in seen  # the rich table's corner: rich still draws
    assert b"\\x1b]0;pwned\\x07.md" in seen


@pytest.mark.slow
def test_a_pdfs_metadata_in_check(tmp_path: Path) -> None:
    pdf = tmp_path / "evil.pdf"
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": f"Evil {TITLE} {CLEAR} \x9b31m \u202eabc", "/Author": CLEAR})
    writer._root_object[NameObject("/Lang")] = TextStringObject(f"en{CLEAR}")
    writer.write(pdf)
    done = build_cv("check", pdf)
    assert done.returncode == 1
    assert "/Lang 'en\\x1b[2J'" in assert_none_raw(done)
    done = build_cv("check", pdf, "--json")
    assert_none_raw(done)
    checks = {c["name"]: c for c in json.loads(done.stdout)["checks"]}
    assert checks["language"]["value"] == f"/Lang 'en{CLEAR}'"  # JSON keeps the value


@pytest.mark.slow
def test_data_printed_by_design_is_escaped_by_its_own_format(tmp_path: Path) -> None:
    """`import`, `schema` and `new -` print YAML or JSON, not messages: their writers escape
    control characters themselves, and the value comes back unchanged."""
    resume = json.loads((FIXTURES / "jsonresume" / "every-section.json").read_text())
    resume["basics"]["label"] = f"Scientist {TITLE}{CLEAR}"
    source = tmp_path / "resume.json"
    source.write_text(json.dumps(resume))
    done = build_cv("import", source)
    assert done.returncode == 0, done.stderr
    assert_none_raw(done)  # the schema refuses the controls: left out, with a note
    assert "headline" not in yaml.safe_load(done.stdout)["person"]
    assert "basics.label" in done.stderr.decode() and "U+001B" in done.stderr.decode()
    assert_none_raw(build_cv("schema"))
    done = build_cv("new", f"Ada {CLEAR}", "-o", "-")
    assert_none_raw(done)  # a starter that would not build is not written
    assert done.returncode == 2 and not done.stdout
    assert "U+001B" in done.stderr.decode()


@pytest.mark.slow
def test_a_full_disk_on_standard_output_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    """`build-cv schema > /dev/full` and the like: every command that prints ends with
    one line on standard error and exit 1; with standard error full too, quietly."""
    cv = tmp_path / "cv.yaml"
    cv.write_text(yaml.safe_dump(MINIMAL), encoding="utf-8")
    pdf = PdfWriter()
    pdf.add_blank_page(595, 842)
    pdf.write(tmp_path / "blank.pdf")
    commands = [
        ["schema"],
        ["lint", str(cv)],
        ["new", "Ada", "-o", "-"],
        ["--version"],
        ["--help"],
        ["build", "--help"],
        ["check", str(tmp_path / "blank.pdf")],
        ["build", str(cv), "--format", "md", "--out", str(tmp_path / "out"), "--no-cache"],
        ["import", str(FIXTURES / "jsonresume" / "every-section.json")],
    ]
    for args in commands:
        with open("/dev/full", "w") as full:
            done = subprocess.run(
                [sys.executable, "-m", "build_cv", *args],
                stdout=full,
                stderr=subprocess.PIPE,
                timeout=120,
            )
        err = done.stderr.decode()
        assert done.returncode == 1, (args, err)
        assert "Traceback" not in err and "Exception ignored" not in err, (args, err)
        assert err.endswith("build-cv: cannot write standard output: No space left on device\n")
        with open("/dev/full", "w") as full:
            both = subprocess.run(
                [sys.executable, "-m", "build_cv", *args], stdout=full, stderr=full, timeout=120
            )
        assert both.returncode == 1, args
