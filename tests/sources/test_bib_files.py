"""`bib:` names a regular file of bounded size: never a device, a FIFO or a folder.

Each refusal is a clear error at the YAML's `bib:` line, and comes before the file is
opened: reading `/dev/zero` would fill memory, and opening a FIFO would wait forever.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from build_cv.errors import InputError, SchemaError
from build_cv.sources.bibtex import reader
from build_cv.sources.bibtex.reader import MAX_BIB_BYTES, read_bibtex
from build_cv.sources.load import load_cv
from tests.conftest import ROOT, cv_reading

GOOD = "@article{a, title = {T}, author = {Ada Lovelace}, journal = {J}, year = 2020}\n"


def bib_problem(data: Path) -> str:
    """The one problem loading `data` reports, located at its `bib:` line (line 7)."""
    with pytest.raises(SchemaError) as info:
        load_cv(data)
    (problem,) = info.value.problems
    assert (problem.location.file, problem.location.line) == (data, 7)
    assert problem.location.field == "sections[0].bib"
    return problem.message


def test_a_folder_is_refused_at_the_bib_line(tmp_path: Path) -> None:
    (tmp_path / "papers").mkdir()
    message = bib_problem(cv_reading(tmp_path, "papers"))
    assert message.endswith("papers: is a folder, not a regular file; name the .bib file itself")


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "papers.bib"
    os.mkfifo(fifo)
    outcome: list[BaseException | None] = []

    def load() -> None:
        try:
            load_cv(cv_reading(tmp_path, "papers.bib"))
            outcome.append(None)
        except BaseException as exc:  # handed to the test's thread
            outcome.append(exc)

    reader = threading.Thread(target=load, daemon=True)
    reader.start()
    reader.join(timeout=10)
    if reader.is_alive():  # it blocked in open(): let it go, then fail
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("opening the FIFO blocked the build")
    (error,) = outcome
    assert isinstance(error, SchemaError)
    assert str(error.problems[0]).endswith(
        "is a pipe (FIFO), not a regular file; name the .bib file itself"
    )


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    huge = tmp_path / "papers.bib"
    with huge.open("wb") as f:
        f.truncate(MAX_BIB_BYTES + 1)  # sparse: nothing is written, nothing must be read
    message = bib_problem(cv_reading(tmp_path, "papers.bib"))
    assert message.endswith(
        "papers.bib: the .bib file is larger than 64 MB, the most build-cv reads; is it "
        "the right file?"
    )


def test_a_file_at_the_limit_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "MAX_BIB_BYTES", len(GOOD))
    path = tmp_path / "papers.bib"
    path.write_text(GOOD, "utf-8")
    assert [e.key for e in read_bibtex(path)] == ["a"]
    path.write_text(GOOD + " ", "utf-8")
    with pytest.raises(InputError, match="larger than"):
        read_bibtex(path)


_CHILD = """
import json, resource, sys
limit = 1 << 30  # a regression must fail the test, not fill the machine's memory
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from pathlib import Path
from build_cv.errors import InputError
from build_cv.sources.bibtex.reader import read_bibtex
try:
    read_bibtex(Path(sys.argv[1]))
    print(json.dumps("read"))
except InputError as exc:
    print(json.dumps(str(exc)))
"""


@pytest.mark.parametrize(
    ("device", "kind"), [("/dev/zero", "a device"), ("/dev/stdin", "a pipe (FIFO)")]
)
def test_a_device_or_standard_input_is_refused(device: str, kind: str) -> None:
    """In a child with bounded memory, its standard input a pipe nobody writes to."""
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, device],
        stdin=subprocess.PIPE,
        capture_output=True,
        text=True,
        timeout=30,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert json.loads(proc.stdout) == (
        f"{device}: is {kind}, not a regular file; name the .bib file itself"
    )
