"""The ledger file: read with every problem at its line, appended to without rewriting a
byte of what was there, short IDs that stay unique. No TeX, no git: test_ledger_e2e.py
runs the commands."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest

from build_cv.errors import InputError
from build_cv.pipeline import ledger as ledgers
from build_cv.pipeline.ledger import LedgerError, Record

SHA = "a" * 64
RECORD = Record(
    id="abc1234",
    date="2026-01-31T14:05:00Z",
    to="MIT EECS: faculty search",
    variant="short",
    packet=None,
    sha256=SHA,
    source="data/cv.yaml",
    commit="b" * 40,
    committed=True,
    data_sha256="c" * 64,
    epoch=None,
    note="a note: with # and 'quotes'",
)


def _append(path: Path, record: Record, pdf: bytes = b"%PDF-1.5 sent") -> Path:
    with ledgers.appending(path) as ledger:
        return ledgers.append(ledger, record, pdf)


def test_no_ledger_yet_reads_as_empty(tmp_path: Path) -> None:
    assert ledgers.read(tmp_path / "submissions.yaml").records == []


def test_an_append_keeps_every_old_byte_and_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "submissions.yaml"
    copy = _append(path, RECORD)
    assert copy == tmp_path / "submissions" / "abc1234.pdf"
    assert copy.read_bytes() == b"%PDF-1.5 sent"
    # the user edits the note by hand and adds a comment: still theirs, byte for byte
    edited = path.read_bytes().replace(b"a note", b"edited note") + b"# my own comment\n"
    path.write_bytes(edited)
    second = replace(RECORD, id="def5678", to="Stanford", note=None)
    _append(path, second)
    assert path.read_bytes().startswith(edited)
    records = ledgers.read(path).records
    assert [r.id for r in records] == ["abc1234", "def5678"]
    assert records[0].note == "edited note: with # and 'quotes'"
    assert records[1] == second


@pytest.mark.parametrize(
    ("text", "where", "says"),
    [
        ("- id: abc1234\n  date: yesterday\n", "submissions.yaml:2:3: [0].date", "UTC"),
        ("{to: x}\n", "submissions.yaml:1:1", "must be a list of submissions"),
        ("- just a string\n", "submissions.yaml:1:3: [0]", "must be a submission"),
        ("- id: abc1234\n  tоo: x\n", "submissions.yaml:2:3: [0].tоo", "unknown field"),
        ("- [unclosed\n", "submissions.yaml:2:1", "YAML syntax error"),
    ],
)
def test_a_ledger_edited_into_nonsense_is_reported_at_its_line_and_left_alone(
    tmp_path: Path, text: str, where: str, says: str
) -> None:
    path = tmp_path / "submissions.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        _append(path, RECORD)
    message = caught.value.render()
    assert where in message and says in message, message
    assert caught.value.exit_code == 2
    assert path.read_text(encoding="utf-8") == text
    assert not (tmp_path / "submissions" / "abc1234.pdf").exists()


def test_each_missing_field_and_a_repeated_id_are_named(tmp_path: Path) -> None:
    path = tmp_path / "submissions.yaml"
    _append(path, RECORD)
    good = path.read_text(encoding="utf-8")
    body = good.split("- id:", 1)[1]
    short = body.replace("  sha256: " + SHA + "\n", "").replace("abc1234", "abc9999")
    path.write_text(good + "- id:" + short + "- id:" + body, "utf-8")
    with pytest.raises(LedgerError) as caught:
        ledgers.read(path)
    shown = [str(p) for p in caught.value.problems]
    assert any("[1].sha256: the field `sha256` is missing" in p for p in shown), shown
    assert any("[2].id: the ID is also record 1's" in p for p in shown), shown


def test_a_flow_list_cannot_be_appended_to_and_stays(tmp_path: Path) -> None:
    path = tmp_path / "submissions.yaml"
    path.write_text("[]\n", encoding="utf-8")
    with pytest.raises(LedgerError) as caught:
        _append(path, RECORD)
    assert "submissions.yaml: a record added at its end would not read back" in (
        caught.value.render()
    )
    assert path.read_text(encoding="utf-8") == "[]\n"


def test_ids_stay_unique_and_are_found_by_their_start(tmp_path: Path) -> None:
    clash = hashlib.sha256(b"x").hexdigest()
    taken = replace(RECORD, id=clash[:7])
    ledger = ledgers.Ledger(tmp_path / "s.yaml", [taken], b"")
    assert ledgers.new_id(ledger, "x") == clash[:8]
    assert ledger.find(clash[:5]) == taken
    with pytest.raises(InputError, match="no submission"):
        ledger.find("ffff")


def test_the_data_hash_is_the_same_for_the_same_files_elsewhere(tmp_path: Path) -> None:
    here = {tmp_path / "a" / "cv.yaml": SHA, tmp_path / "a" / "pubs.bib": "d" * 64}
    there = {tmp_path / "b" / "x" / "cv.yaml": SHA, tmp_path / "b" / "x" / "pubs.bib": "d" * 64}
    same = ledgers.data_hash(here, tmp_path / "a")
    assert same == ledgers.data_hash(there, tmp_path / "b" / "x")
    assert same != ledgers.data_hash({**here, tmp_path / "a" / "pubs.bib": SHA}, tmp_path / "a")
