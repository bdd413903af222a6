"""Issue 3 end to end: bad and hostile input through the CLI and real TeX.

Each test asserts the exit code and the message a person reads; none mocks the compiler.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader

from build_cv.cli.main import main
from build_cv.pipeline.build import BuildResult
from build_cv.preflight import extract_text, normalize
from tests.conftest import FIXTURES
from tests.processes import wait_for_tex

Capture = pytest.CaptureFixture[str]


def run(capsys: Capture, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def out_with_good_pdf(tmp_path: Path, default_build: BuildResult) -> Path:
    """An output directory holding a previous good build under the fixtures' stems."""
    out = tmp_path / "out"
    out.mkdir()
    for stem in ("raw_undefined", "raw_loop", "syntax_error", "injection", "emoji"):
        shutil.copyfile(default_build.pdf, out / f"{stem}.pdf")
    return out


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_yaml_syntax_error_shows_line_column_and_caret(capsys: Capture, tmp_path: Path) -> None:
    code, _, err = run(capsys, "build", str(FIXTURES / "syntax_error.yaml"), "--out", str(tmp_path))
    assert code == 2
    assert "syntax_error.yaml:4:8: YAML syntax error" in err
    assert err.rstrip().endswith("^")
    assert not list(tmp_path.iterdir())


def test_schema_errors_are_all_reported_with_suggestions(
    capsys: Capture, tmp_path: Path, write_cv: object
) -> None:
    data = tmp_path / "typos.yaml"
    data.write_text(
        "person:\n  name: A\n  emial: a@b.org\nupdated: 2024-06-15\n"
        "sections:\n  - kind: experience\n    title: W\n    entries:\n"
        "      - position: p\n        organization: o\n        strat: 2019\n        end: 2018-13\n"
    )
    code, _, err = run(capsys, "build", str(data), "--out", str(tmp_path / "o"))
    assert code == 2
    assert "3 problems in the CV data" in err
    assert "typos.yaml:3:3: person.emial: unknown key `emial` (did you mean `email`?)" in err
    assert "typos.yaml:11:9: sections[0].entries[0].strat: unknown key `strat`" in err
    assert "typos.yaml:12:9: sections[0].entries[0].end:" in err and "month 13" in err


def test_thousands_of_schema_errors_show_the_first_fifty_and_a_count(
    capsys: Capture, tmp_path: Path
) -> None:
    """A mistake in each of 2,000 entries printed 2,000 lines, burying the first."""
    entries = "".join(f"      - {{label: L{i}, text: {{zn: x}}}}\n" for i in range(2000))
    data = tmp_path / "many.yaml"
    data.write_text(
        "person: {name: A}\nupdated: 2024-06-15\nsections:\n"
        f"  - kind: items\n    title: T\n    entries:\n{entries}"
    )
    code, _, err = run(capsys, "build", str(data), "--out", str(tmp_path / "o"), "--format", "txt")
    assert code == 2
    lines = err.splitlines()
    assert lines[0] == "build-cv: 2,000 problems in the CV data:"
    assert "many.yaml:7:" in lines[1] and "`zn` is not a language tag" in lines[1]
    assert len(lines) == 52
    assert lines[-1] == "  ... and 1,950 more (the first 50 are shown)"


@pytest.mark.tex
def test_hostile_text_typesets_literally(capsys: Capture, tmp_path: Path) -> None:
    marker = Path("/tmp/build-cv-pwned")
    marker.unlink(missing_ok=True)
    code, _, err = run(capsys, "build", str(FIXTURES / "injection.yaml"), "--out", str(tmp_path))
    assert code == 0, err
    reader = PdfReader(tmp_path / "injection.pdf")
    text = normalize(extract_text(reader)).replace(" ", "")
    for typed in [
        "Specials # $ % & _ { } ~ ^ \\",
        "C++",
        "C#",
        "50%",
        "a_b",
        "~/path",
        r"\input{/etc/passwd}",
        r"\write18{touch /tmp/build-cv-pwned}",
        r"\def\x{} ^^5c \catcode`\@=11 \makeatletter",
        "unbalanced { braces } } { and <script>alert(1)</script>",
        "quotes '' `` << >> -- --- ,, \"dq\" and it's",
        r"A_b: 100% \relax{} of $x^2$ & #1",
        "Proc. of ~Tilde & ^Caret",
        r"\endinput \end{document} \csname foo\endcsname",
        "first_last+cv@example.org",
        "example.org/~bobby/a%20b?x=1&y=2#frag",
        "Robert'); DROP TABLE cv;-- Tables",
        "罗伯特",
        "Zoë Ünïcode",
    ]:
        assert typed.replace(" ", "") in text, typed
    assert not marker.exists()
    uris = {str(a.get_object()["/A"]["/URI"]) for a in reader.pages[0].get("/Annots", [])}
    assert "https://example.org/~bobby/a%20b?x=1&y=2#frag" in uris
    assert "https://example.org/q?a=1&b=%41#x" in uris
    assert "mailto:first_last+cv@example.org" in uris
    assert reader.metadata is not None
    assert reader.metadata.author == "Robert'); DROP TABLE cv;-- Tables"
    assert reader.metadata.get("/Keywords") == "C++, C#, 50%, a_b"


@pytest.mark.tex
def test_raw_latex_cannot_read_files_outside_the_build(capsys: Capture, tmp_path: Path) -> None:
    code, _, err = run(
        capsys, "build", str(FIXTURES / "raw_read_file.yaml"), "--out", str(tmp_path)
    )
    assert code == 0, err
    text = extract_text(PdfReader(tmp_path / "raw_read_file.pdf"))
    assert "SANDBOX-HELD" in text and "SANDBOX-HELD-TOO" in text
    assert "SANDBOX-BROKEN" not in text and "root:" not in text


@pytest.mark.tex
def test_raw_latex_cannot_run_commands_or_write_outside(capsys: Capture, tmp_path: Path) -> None:
    shell = Path("/tmp/build-cv-pwned-shell")
    written = Path("/tmp/build-cv-pwned-write.tex")
    shell.unlink(missing_ok=True)
    written.unlink(missing_ok=True)
    code, _, err = run(
        capsys, "build", str(FIXTURES / "raw_write_file.yaml"), "--out", str(tmp_path)
    )
    assert code == 1
    assert "I can't write on file `/tmp/build-cv-pwned-write.tex'" in err
    assert "raw_write_file.yaml:8:5 (sections[0].latex)" in err
    assert not shell.exists() and not written.exists()


@pytest.mark.tex
def test_tex_error_names_tex_line_and_yaml_entry(capsys: Capture, out_with_good_pdf: Path) -> None:
    before = sha(out_with_good_pdf / "raw_undefined.pdf")
    code, _, err = run(
        capsys, "build", str(FIXTURES / "raw_undefined.yaml"), "--out", str(out_with_good_pdf)
    )
    assert code == 1
    assert "TeX failed: Undefined control sequence." in err
    failed_tex = out_with_good_pdf / "raw_undefined.failed.tex"
    line = int(err.split(f"{failed_tex}:")[1].split()[0])
    assert r"\textbff{typo}" in failed_tex.read_text().splitlines()[line - 1]
    assert "raw_undefined.yaml:12:5 (sections[1].latex)" in err
    assert len(err.splitlines()) <= 6  # the first error, never the log
    assert sha(out_with_good_pdf / "raw_undefined.pdf") == before


def start_build(out: Path, tmp: Path, *extra: str) -> subprocess.Popen[str]:
    """The CLI in a subprocess of its own, its temporary files in `tmp` where a test sees them."""
    tmp.mkdir(exist_ok=True)
    cmd = [sys.executable, "-m", "build_cv", "build", str(FIXTURES / "raw_loop.yaml")]
    return subprocess.Popen(
        [*cmd, "--out", str(out), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(tmp)},
    )


@pytest.mark.tex
def test_a_looping_tex_run_is_stopped(out_with_good_pdf: Path, tmp_path: Path) -> None:
    before = sha(out_with_good_pdf / "raw_loop.pdf")
    build = start_build(out_with_good_pdf, tmp_path / "tmp", "--timeout", "4")
    tex = wait_for_tex(build)
    _, err = build.communicate(timeout=60)
    assert build.returncode == 1
    assert "did not finish within 4 s and was stopped" in err
    assert sha(out_with_good_pdf / "raw_loop.pdf") == before
    assert (out_with_good_pdf / "raw_loop.failed.tex").exists()
    assert tex.gone()
    assert not list((tmp_path / "tmp").iterdir())


@pytest.mark.tex
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_signal_stops_tex_too_and_keeps_the_previous_pdf(
    stop: signal.Signals, out_with_good_pdf: Path, tmp_path: Path
) -> None:
    before = sha(out_with_good_pdf / "raw_loop.pdf")
    build = start_build(out_with_good_pdf, tmp_path / "tmp", "--timeout", "120")
    tex = wait_for_tex(build)
    assert list((tmp_path / "tmp").glob("build-cv-*")), "the build directory is not in TMPDIR"
    build.send_signal(stop)
    _, err = build.communicate(timeout=30)
    assert build.returncode == 128 + stop
    assert err == f"build-cv: stopped by {stop.name}; the previous PDF is untouched\n"
    assert tex.gone()
    assert not list((tmp_path / "tmp").iterdir())
    assert sha(out_with_good_pdf / "raw_loop.pdf") == before
    assert sorted(p.name for p in out_with_good_pdf.iterdir() if "raw_loop" in p.name) == [
        "raw_loop.pdf"
    ]


@pytest.mark.tex
def test_missing_glyph_is_a_warning_naming_field_and_character(
    capsys: Capture, tmp_path: Path
) -> None:
    code, _, err = run(capsys, "build", str(FIXTURES / "emoji.yaml"), "--out", str(tmp_path))
    assert code == 0
    assert (
        "warning: " + str(FIXTURES / "emoji.yaml") + ":9:25: sections[0].entries[0].text: "
        "no font has '🚀' (U+1F680)"
    ) in err


@pytest.mark.tex
def test_strict_makes_glyph_warnings_errors(capsys: Capture, out_with_good_pdf: Path) -> None:
    before = sha(out_with_good_pdf / "emoji.pdf")
    code, _, err = run(
        capsys, "build", str(FIXTURES / "emoji.yaml"), "--out", str(out_with_good_pdf), "--strict"
    )
    assert code == 1
    assert "build failed because of 1 warning (--strict)" in err
    assert err.count("U+1F680") == 1
    assert (out_with_good_pdf / "emoji.failed.pdf").exists()
    assert sha(out_with_good_pdf / "emoji.pdf") == before


@pytest.mark.tex
def test_greek_cyrillic_and_latin_extended_need_no_warning(
    capsys: Capture, tmp_path: Path, write_cv: Callable[[dict[str, object]], Path]
) -> None:
    text = "λ-calculus, Δ-stepping, Пётр Чайковский, Łódź, Ærøskøbing, Şişli, Erdős"
    data = write_cv(
        {
            "person": {"name": "Δημήτρης Παπαδόπουλος", "email": "d@example.org"},
            "updated": "2024-06-15",
            "design": {"icons": False},
            "sections": [{"kind": "items", "title": "Σ", "entries": [{"text": text}]}],
        }
    )
    code, _, err = run(capsys, "build", str(data), "--out", str(tmp_path / "o"))
    assert code == 0
    assert "warning" not in err
    extracted = normalize(extract_text(PdfReader(tmp_path / "o" / "cv.pdf")))
    assert text in extracted and "Δημήτρης Παπαδόπουλος" in extracted


@pytest.mark.tex
def test_warnings_are_not_lost_when_a_check_fails(capsys: Capture, tmp_path: Path) -> None:
    code, _, err = run(
        capsys, "build", str(FIXTURES / "emoji.yaml"), "--out", str(tmp_path), "--min-pages", "2"
    )
    assert code == 1
    assert "U+1F680" in err.split("PDF check failed")[0]
    assert "pages: 1 page, at least 2 required" in err


@pytest.mark.tex
def test_long_names_titles_and_punycode_addresses_come_out_as_typed(
    capsys: Capture, tmp_path: Path, write_cv: Callable[[dict[str, object]], Path]
) -> None:
    name = "Anna-Katharina Schwarzenberger-Hohenlohe-Waldenburg-Schillingsfürst"
    title = "Invited Talks, Keynotes, Tutorials and Panel Discussions at International Meetings"
    data = write_cv(
        {
            "person": {
                "name": name,
                "email": "ada--x@xn--mnchen-3ya.de",
                "homepage": "https://xn--mnchen-3ya.de/it's/a--b/,,y/",
            },
            "updated": "2024-06-15",
            "design": {"style": "fancy"},
            "sections": [
                {"kind": "items", "title": title, "entries": [{"text": "x"}]},
                {
                    "kind": "items",
                    "title": "Aw\u00adards",
                    "entries": [{"text": "zero\u200bwidth"}],
                },
            ],
        }
    )
    code, _, err = run(capsys, "build", str(data), "--out", str(tmp_path / "o"))
    assert code == 0, err
    reader = PdfReader(tmp_path / "o" / "cv.pdf")
    text = normalize(extract_text(reader))
    flat = text.replace(" ", "")  # the header may break a long address across lines
    assert "ada--x@xn--mnchen-3ya.de" in flat
    assert "xn--mnchen-3ya.de/it's/a--b/,,y/" in flat
    assert title.replace(" ", "") in flat
    uris = {str(a.get_object()["/A"]["/URI"]) for a in reader.pages[0].get("/Annots", [])}
    assert "mailto:ada--x@xn--mnchen-3ya.de" in uris
    assert "https://xn--mnchen-3ya.de/it's/a--b/,,y/" in uris


def test_an_empty_section_is_a_schema_error(capsys: Capture, tmp_path: Path) -> None:
    data = tmp_path / "empty.yaml"
    data.write_text(
        "person: {name: A}\nupdated: 2024-06-15\ndesign: {style: fancy}\nsections:\n"
        "  - {title: Empty, kind: items, entries: []}\n"
        "  - {title: Next, kind: items, entries: [{text: hi}]}\n"
    )
    code, _, err = run(capsys, "build", str(data), "--out", str(tmp_path / "o"))
    assert code == 2
    assert "empty.yaml:5:33: sections[0].entries: needs at least 1 entry" in err


def _long_title_cv(write_cv: Callable[[dict[str, object]], Path], institution: str) -> Path:
    """Banking sets an entry's title, place and dates on one line, however long."""
    return write_cv(
        {
            "person": {"name": "Ada Lovelace", "email": "ada@example.org"},
            "updated": "2024-06-15",
            "design": {"style": "banking", "icons": False},
            "sections": [
                {
                    "kind": "education",
                    "title": "Education",
                    "entries": [
                        {
                            "degree": "PhD",
                            "institution": institution,
                            "location": "Cambridge, MA, USA",
                            "start": 2014,
                            "end": 2019,
                        }
                    ],
                }
            ],
        }
    )


@pytest.mark.tex
def test_text_past_the_margin_is_a_warning_naming_the_entry(
    capsys: Capture, tmp_path: Path, write_cv: Callable[[dict[str, object]], Path]
) -> None:
    institution = (
        "Department of Electrical Engineering and Computer Science, Massachusetts Institute"
    )
    data = _long_title_cv(write_cv, institution)
    code, _, err = run(capsys, "build", str(data), "--out", str(tmp_path / "o"))
    assert code == 0, err
    assert "sections[0].entries[0]: text runs" in err
    assert "pt past the right margin" in err
    code, _, err = run(capsys, "build", str(data), "--out", str(tmp_path / "o"), "--strict")
    assert code == 1


@pytest.mark.tex
def test_text_past_the_page_edge_fails_the_build(
    capsys: Capture, tmp_path: Path, write_cv: Callable[[dict[str, object]], Path]
) -> None:
    """Past the margin is a warning; past the paper's edge the words are lost to a reader."""
    institution = (
        "Department of Electrical Engineering and Computer Science, "
        "Massachusetts Institute of Technology"
    )
    data = _long_title_cv(write_cv, institution)
    code, _, err = run(capsys, "build", str(data), "--out", str(tmp_path / "o"))
    assert code == 1
    assert "sections[0].entries[0]: text runs" in err
    assert "bounds: 5 word(s) outside the page (page 1: MA, USA 2014 – 2019)" in err
    assert not (tmp_path / "o" / "cv.pdf").exists()
