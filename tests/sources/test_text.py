"""Every file build-cv reads is decoded one way: a .bib, a YAML and a JSON Resume in the
wrong encoding get the same message, at the same `file:line:col`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from build_cv.errors import InputError
from build_cv.formats.jsonresume.importer import read_json_resume
from build_cv.sources.bibtex.reader import read_bibtex
from build_cv.sources.yaml_source import load_yaml

READERS: dict[str, tuple[str, Callable[[Path], object]]] = {
    "cv.yaml": ("YAML", load_yaml),
    "papers.bib": ("BibTeX", read_bibtex),
    "resume.json": ("JSON", read_json_resume),
}
RESAVE = "save it as UTF-8 (in most editors: Save As, encoding UTF-8)"
TEXT = 'first line\n  "Jos\u00e9 M\u00fcller"\n'


def message(name: str, data: bytes, tmp_path: Path) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        READERS[name][1](path)
    return str(info.value).removeprefix(f"{path}:")


@pytest.mark.parametrize("name", READERS)
@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (TEXT.encode("utf-16"), f"1:1: the file is UTF-16 text, not UTF-8; {RESAVE}"),
        (TEXT.encode("utf-16-le"), f"1:1: the file is UTF-16 text, not UTF-8; {RESAVE}"),
        (TEXT.encode("utf-16-be"), f"1:1: the file is UTF-16 text, not UTF-8; {RESAVE}"),
        (
            TEXT.encode("latin-1"),
            "2:7: not UTF-8 text: byte 0xE9 (it looks like Latin-1 or Windows-1252, where it "
            f"is 'é'); {RESAVE}",
        ),
        (
            b"\xef\xbb\xbf" + "Jos\u00e9 ".encode() + "M\u00fcller".encode("cp1252"),
            "1:7: not UTF-8 text: byte 0xFC (it looks like Latin-1 or Windows-1252, where it "
            f"is 'ü'); {RESAVE}",
        ),
    ],
    ids=["utf-16-bom", "utf-16-le-no-bom", "utf-16-be-no-bom", "latin-1", "bom-then-cp1252"],
)
def test_every_input_names_its_encoding_alike(
    name: str, data: bytes, expected: str, tmp_path: Path
) -> None:
    assert message(name, data, tmp_path) == expected


@pytest.mark.parametrize("name", READERS)
def test_a_nul_byte_is_located_in_every_input(name: str, tmp_path: Path) -> None:
    language = READERS[name][0]
    found = message(name, b'first line\n  "A\x00B"\n', tmp_path)
    assert found == f"2:5: a NUL byte, which {language} does not allow; remove it"
