"""Issue 11 through the command line: hostile raw LaTeX, missing isolation, signals.

Every build really runs TeX; processes are judged only through the ones these tests start.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
import yaml

from build_cv.cli.main import main
from build_cv.typeset import sandbox

Capture = pytest.CaptureFixture[str]


def run(capsys: Capture, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def hostile_cv(tmp_path: Path, secret: Path, preamble: str = "") -> Path:
    """A CV whose raw section asks the PDF driver to copy files into the PDF."""
    data = {
        "person": {"name": "Raw Thief", "email": "thief@example.org"},
        "updated": "2024-06-15",
        "design": {"icons": False, **({"preamble_latex": preamble} if preamble else {})},
        "sections": [
            {
                "kind": "raw",
                "title": "Loot",
                "latex": (
                    f"Nothing here.\\special{{pdf:fstream @a ({secret})}}"
                    "\\special{pdf:fstream @b (/etc/passwd)}"
                    "\\special{pdf:put @catalog <</LootA @a /LootB @b>>}"
                ),
            }
        ],
    }
    path = tmp_path / "hostile.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    return path


def inflated(pdf: bytes) -> bytes:
    """The file and every Flate stream in it, decompressed, as one haystack."""
    parts = [pdf]
    start = 0
    while (at := pdf.find(b"stream", start)) != -1:
        start = at + 6
        body = pdf[start:].lstrip(b"\r\n")
        try:
            parts.append(zlib.decompressobj().decompress(body))
        except zlib.error:
            continue
    return b"\n".join(parts)


@pytest.fixture
def secret(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    path = tmp_path_factory.mktemp("private") / "token.txt"
    token = os.urandom(12).hex().encode()
    path.write_bytes(b"TOKEN-" + token)
    return path, token


@pytest.mark.tex
def test_driver_specials_in_a_raw_section_copy_nothing_into_the_pdf(
    capsys: Capture, tmp_path: Path, secret: tuple[Path, bytes]
) -> None:
    path, token = secret
    out = tmp_path / "out"
    code, _, err = run(capsys, "build", str(hostile_cv(tmp_path, path)), "--out", str(out))
    pdfs = sorted(out.glob("*.pdf"))
    assert code in (0, 1), err
    assert "Traceback" not in err
    if code == 0:
        assert [p.name for p in pdfs] == ["hostile.pdf"]
    for pdf in pdfs:
        haystack = inflated(pdf.read_bytes())
        assert token not in haystack
        assert b"root:x:0:0" not in haystack


def test_raw_latex_is_refused_where_tex_cannot_be_isolated(
    capsys: Capture, tmp_path: Path, secret: tuple[Path, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(sandbox.BWRAP_ENV, "/bin/false")
    data = hostile_cv(tmp_path, secret[0], preamble="\\relax")
    code, out, err = run(capsys, "build", str(data), "--out", str(tmp_path / "out"))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"build-cv: {data}:")
    assert "design.preamble_latex (and 1 more): raw LaTeX refused" in err
    assert "--trust-raw" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.tex
def test_a_variant_without_the_raw_section_builds_where_tex_cannot_be_isolated(
    capsys: Capture, tmp_path: Path, secret: tuple[Path, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The refusal judges what the variant typesets: a web copy that leaves the raw section
    out needs no isolation, and the full CV is still refused, at the raw LaTeX's line."""
    monkeypatch.setenv(sandbox.BWRAP_ENV, "/bin/false")
    data = yaml.safe_load(hostile_cv(tmp_path, secret[0]).read_text("utf-8"))
    data["sections"].insert(0, {"kind": "items", "title": "About", "entries": [{"text": "Hi."}]})
    data["variants"] = {"web": {"sections": ["About"]}}
    path = tmp_path / "mixed.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    code, _, err = run(
        capsys, "build", str(path), "--out", str(tmp_path / "web"), "--variant", "web"
    )
    assert code == 0, err
    assert secret[1] not in inflated((tmp_path / "web" / "mixed-web.pdf").read_bytes())
    code, out, err = run(capsys, "build", str(path), "--out", str(tmp_path / "full"))
    assert code == 2 and out == ""
    line = next(
        n for n, text in enumerate(path.read_text("utf-8").splitlines(), 1) if "latex:" in text
    )
    assert f"{path}:{line}:" in err and "sections[1].latex: raw LaTeX refused" in err, err


@pytest.mark.tex
def test_trust_raw_builds_unisolated_raw_latex_on_request(
    capsys: Capture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(sandbox.BWRAP_ENV, "/bin/false")
    data = {
        "person": {"name": "Trusted Author"},
        "updated": "2024-06-15",
        "design": {"icons": False},
        "sections": [{"kind": "raw", "title": "Own", "latex": "\\textbf{Mine}, trusted."}],
    }
    path = tmp_path / "own.yaml"
    path.write_text(yaml.safe_dump(data), "utf-8")
    code, _, err = run(capsys, "build", str(path), "--out", str(tmp_path), "--trust-raw")
    assert code == 0, err
    assert (tmp_path / "own.pdf").read_bytes().startswith(b"%PDF-")


@pytest.mark.tex
def test_doctor_says_whether_isolation_works() -> None:
    env = {k: v for k, v in os.environ.items() if k != sandbox.BWRAP_ENV}
    cmd = [sys.executable, "-m", "build_cv", "doctor"]
    works = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    assert any(line.split()[:2] == ["isolation", "ok"] for line in works.stdout.splitlines()), (
        works.stdout
    )
    env[sandbox.BWRAP_ENV] = "/bin/false"
    broken = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    assert "isolation              NOT AVAILABLE      /bin/false fails" in broken.stdout
    assert "needs --trust-raw" in broken.stdout


@pytest.mark.tex
def test_raw_latex_that_adds_javascript_fails_the_build(capsys: Capture, tmp_path: Path) -> None:
    data = {
        "person": {"name": "Script Kiddie", "email": "kid@example.org"},
        "updated": "2024-06-15",
        "design": {"icons": False},
        "sections": [
            {
                "kind": "raw",
                "title": "Clicky",
                "latex": "Hi.\\special{pdf:put @catalog <</OpenAction "
                "<</S/JavaScript/JS(app.alert\\string\\(1\\string\\))>>>>}",
            }
        ],
    }
    path = tmp_path / "js.yaml"
    path.write_text(yaml.safe_dump(data), "utf-8")
    out = tmp_path / "out"
    code, _, err = run(capsys, "build", str(path), "--out", str(out))
    assert code == 1, err
    assert "PDF check failed: active: JavaScript in the /OpenAction" in err
    assert not (out / "js.pdf").exists()
    assert (out / "js.failed.pdf").exists()


@pytest.mark.tex
def test_raw_latex_that_adds_scripted_bookmarks_widgets_or_media_fails_the_build(
    capsys: Capture, tmp_path: Path
) -> None:
    """The driver's own specials add bookmarks and annotations past the LaTeX writer:
    the preflight reads them back from the PDF (the red team's C4 input)."""
    specials = [
        r"\special{pdf:outline 1 << /Title (Click me) /A << /S /JavaScript "
        r"/JS <6170702e616c657274283129> >> >>}",
        r"\special{pdf:outline 1 << /Title (Run) /A << /S /Launch /F (calc.exe) >> >>}",
        r"\special{pdf:ann width 100pt height 20pt depth 0pt << /Type /Annot /Subtype /Widget "
        r"/A << /S /URI /URI <6a6176617363726970743a616c657274283129> >> >>}",
        r"\special{pdf:ann width 100pt height 20pt depth 0pt << /Type /Annot /Subtype /Link "
        r"/A << /S /Sound /Sound << /R 8000 >> >> >>}",
    ]
    data = {
        "person": {"name": "Script Kiddie", "email": "kid@example.org"},
        "updated": "2024-06-15",
        "design": {"icons": False},
        "sections": [{"kind": "raw", "title": "Notes", "latex": "Hello." + "\n".join(specials)}],
    }
    path = tmp_path / "js.yaml"
    path.write_text(yaml.safe_dump(data), "utf-8")
    out = tmp_path / "out"
    code, _, err = run(capsys, "build", str(path), "--out", str(out))
    assert code == 1, err
    (failed,) = [ln for ln in err.splitlines() if "PDF check failed: active:" in ln]
    for named in (
        "JavaScript in the bookmark 'Click me'",
        "a Launch action (runs a program) in the bookmark 'Run'",
        "a javascript: URI (runs a script) in a Widget annotation on page 1",
        "a Sound action (plays media) in a Link annotation on page 1",
    ):
        assert named in failed, failed
    assert not (out / "js.pdf").exists()
