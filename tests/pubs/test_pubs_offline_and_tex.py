"""Only `pubs` goes online: `build`, `lint` and `watch` never import the fetcher nor open
a socket. And a record's hostile text, imported, typesets literally through real TeX."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from build_cv.cli.main import main
from tests.conftest import DEFAULT_DATA, ROOT
from tests.pubs.helpers import recorded

PROBE = """
import socket, sys
def refuse(*a, **k):
    raise AssertionError("a socket was opened")
socket.socket = refuse
socket.create_connection = refuse
from build_cv.cli.main import main
code = main(sys.argv[1:])
loaded = sorted(m for m in sys.modules if m.startswith(("httpx", "httpcore",
    "build_cv.pipeline.fetch", "build_cv.pipeline.pubs")))
print("LOADED", loaded)
sys.exit(code)
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    "argv",
    [
        ["lint", str(DEFAULT_DATA)],
        ["build", str(DEFAULT_DATA), "--format", "txt,md,json,bib,html", "--no-cache"],
    ],
)
def test_build_and_lint_never_load_the_fetcher_nor_open_a_socket(
    argv: list[str], tmp_path: Path
) -> None:
    if argv[0] == "build":
        argv = [*argv, "--out", str(tmp_path)]
    run = subprocess.run(
        [sys.executable, "-c", PROBE, *argv],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "LOADED []" in run.stdout


def test_watch_and_build_cannot_import_the_fetcher() -> None:
    """The contract make lint checks (import-linter, `offline`) names them."""
    import tomllib

    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["importlinter"]
    (offline,) = [c for c in contracts["contracts"] if c["id"] == "offline"]
    assert {"build_cv.pipeline.watch", "build_cv.pipeline.build", "build_cv.cli.build"} <= set(
        offline["source_modules"]
    )
    assert "build_cv.pipeline.fetch" in offline["forbidden_modules"]


HOSTILE = "\\input{/etc/passwd} {Braces} $x$ <script>alert(1)</script> 100% #1 & Co"


@pytest.mark.tex
def test_an_imported_hostile_title_typesets_literally(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    work = json.loads(recorded("crossref-work.json"))
    work["message"]["title"] = [HOSTILE + "\x07"]
    work["message"]["container-title"] = ["\\textbf{Venue} }{"]
    source = tmp_path / "work.json"
    source.write_text(json.dumps(work), "utf-8")
    bib = tmp_path / "pubs.bib"
    assert main(["pubs", "import", str(source), "--into", str(bib)]) == 0
    data = tmp_path / "cv.yaml"
    data.write_text(
        "person: {name: Jiarui Fang}\nupdated: 2026-12-01\n"
        "sections:\n  - {title: Publications, kind: publications, bib: pubs.bib}\n",
        "utf-8",
    )
    out = tmp_path / "out"
    assert main(["build", str(data), "--out", str(out)]) == 0, capsys.readouterr().err
    text = subprocess.run(
        ["pdftotext", "-raw", str(out / "cv.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    for piece in (
        "\\input{/etc/passwd}",
        "{Braces}",
        "$x$",
        "<script>alert(1)</script>",
        "100% #1 & Co",
        "\\textbf{Venue} }{",
    ):
        assert piece in flat, (piece, flat)
