""".bib trouble through the command line: exit 2 with a located message, never a traceback,
and the consent to read outside the CV's folder is part of what a cached build answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from build_cv.cli.main import main
from tests.conftest import cv_reading

GOOD = "@article{a, title = {T}, author = {Ada Lovelace}, journal = {J}, year = 2020}\n"
DEEP = "{" * 10_000 + "x" + "}" * 10_000


@pytest.mark.parametrize(
    ("bib", "message"),
    [
        (
            "@article{self, crossref = {self}, title = {T}, author = {A B}, year = 2020}\n",
            "papers.bib:1: @self: crossref: the entry names itself as its parent",
        ),
        (
            f"@article{{a, title = {{{DEEP}}}, author = {{A B}}, year = 2020}}\n",
            "papers.bib:1: @a: title: braces are nested more than 100 deep",
        ),
        (
            "@article{a,\n  title = {T}\n  year = 2020,\n  author = {A B},\n}\n",
            "papers.bib:3: @a: title: `year = 2020` follows the value; a `,` is missing",
        ),
    ],
)
@pytest.mark.parametrize("command", ["lint", "build", "build-txt"])
def test_a_broken_bib_exits_2_with_its_line_and_no_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, bib: str, message: str
) -> None:
    data = cv_reading(tmp_path, "papers.bib")
    (tmp_path / "papers.bib").write_text(bib, "utf-8")
    argv = [command.removesuffix("-txt"), str(data)]
    if command.startswith("build"):
        argv += ["--out", str(tmp_path / "out")]
    if command == "build-txt":
        argv += ["--format", "txt"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert len(err) < 500


@pytest.mark.parametrize("command", ["lint", "build", "check"])
def test_a_bib_outside_the_folder_needs_the_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    (tmp_path / "papers.bib").write_text(GOOD, "utf-8")
    data = cv_reading(tmp_path / "cv", "../papers.bib")
    argv = {
        "lint": ["lint", str(data)],
        "build": ["build", str(data), "--out", str(tmp_path / "out"), "--format", "txt"],
        "check": ["check", str(tmp_path / "missing.pdf"), "--data", str(data)],
    }[command]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "is outside the CV's folder" in err and "--allow-outside" in err
    code = main([*argv, "--allow-outside"])
    err = capsys.readouterr().err
    assert "outside the CV's folder" not in err
    assert code == (2 if command == "check" else 0)  # check: the PDF itself is missing


def test_the_cache_never_answers_a_build_without_the_consent_it_was_built_with(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "papers.bib").write_text(GOOD, "utf-8")
    data = cv_reading(tmp_path / "cv", "../papers.bib")
    build = ["build", str(data), "--out", str(tmp_path / "out"), "--format", "txt"]
    assert main([*build, "--allow-outside"]) == 0
    assert main([*build, "--allow-outside"]) == 0
    assert "Nothing changed" in capsys.readouterr().out  # the cache is in use
    assert main(build) == 2
    captured = capsys.readouterr()
    assert "Nothing changed" not in captured.out
    assert "is outside the CV's folder" in captured.err


def test_watch_takes_the_flag() -> None:
    from build_cv.cli.main import parser

    assert parser().parse_args(["watch", "cv.yaml", "--allow-outside"]).allow_outside


NOT_BIBTEX = {
    "key": (
        "-----BEGIN OPENSSH PRIVATE KEY-----\n"
        "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
        "QyNTUxOQAAACCkq7cDn3vA0bmy6yjB8mV1fS2Rz8D5K3vUjbqh3V8dUwAAAJjX4kQl1+JE\n"
        "-----END OPENSSH PRIVATE KEY-----\n"
    ),
    "passwd": (
        "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice Secret,,,:/home/alice:/bin/bash\n"
    ),
    "python": (
        'API_TOKEN = "ghp_SECRETSECRETSECRET0123456789"\n\n'
        "@dataclass(frozen=True)\nclass Config:\n"
        '    password: str = "hunter2-SECRET"\n    token: str = API_TOKEN\n'
    ),
}


@pytest.mark.parametrize("kind", sorted(NOT_BIBTEX))
def test_a_file_that_is_not_bibtex_is_refused_without_quoting_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    content = NOT_BIBTEX[kind]
    (tmp_path / "papers.bib").write_text(content, "utf-8")
    assert main(["lint", str(cv_reading(tmp_path, "papers.bib"))]) == 2
    err = capsys.readouterr().err
    assert "papers.bib" in err and "Traceback" not in err
    for line in content.splitlines():
        if len(line) > 8:
            assert line not in err
    assert "SECRET" not in err and "hunter2" not in err and "b3BlbnNz" not in err
