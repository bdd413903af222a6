"""What the tests of `pubs` share: the recorded answers and a record as plain JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from build_cv.sources.pubs.raw import Parsed
from build_cv.sources.pubs.record import Record
from tests.conftest import FIXTURES

PUBS = FIXTURES / "pubs"


def recorded(name: str) -> bytes:
    return (PUBS / name).read_bytes()


def plain(r: Record) -> dict[str, Any]:
    """A record as the golden files hold it: every attribute, and the BibTeX fields."""
    return {
        "source": r.source,
        "entry_type": r.entry_type,
        "title": r.title,
        "authors": [f"{n.first} | {n.von} | {n.last} | {n.jr}" for n in r.authors],
        "year": r.year,
        "venue": r.venue,
        "volume": r.volume,
        "number": r.number,
        "pages": r.pages,
        "publisher": r.publisher,
        "doi": r.doi,
        "arxiv": r.arxiv,
        "dblp_key": r.dblp_key,
        "url": r.url,
        "author_ids": [sorted(i) for i in r.author_ids],
        "listed_by": r.listed_by,
        "fields": r.fields(),
    }


def golden(parsed: Parsed) -> dict[str, Any]:
    return {
        "records": [plain(r) for r in parsed.records],
        "skipped": [list(s) for s in parsed.skipped],
    }


def golden_path(name: str) -> Path:
    return PUBS / f"{Path(name).stem}.golden.json"
