"""A BibTeX export as records: DBLP's (`https://dblp.org/pid/{pid}.bib`, keys
`DBLP:conf/…`), Google Scholar's, or a reference manager's. It is read by the .bib reader
the build uses (sources/bibtex/reader.py), so it is held to the same rules and its
problems are told the same way, as `file:line`."""

from __future__ import annotations

import re
from pathlib import Path

from build_cv.schema.bibentry import BibEntry
from build_cv.sources.bibtex.kinds import PREPRINT_VENUE
from build_cv.sources.bibtex.reader import parse_bibtex
from build_cv.sources.pubs.raw import Parsed, text_of
from build_cv.sources.pubs.record import Record, norm_arxiv, norm_doi, norm_url

_DBLP_KEY = re.compile(r"^DBLP:(.+)$")


def parse(data: bytes, name: str) -> Parsed:
    out = Parsed()
    for entry in parse_bibtex(text_of(data, name), Path(name)):
        out.records.append(
            record(entry, "bibtex", f"{name}:{entry.origin.line if entry.origin else '?'}")
        )
    return out


def dblp_key(key: str) -> str | None:
    m = _DBLP_KEY.match(key)
    return m.group(1) if m else None


def record(entry: BibEntry, source: str, where: str) -> Record:
    """A record with what the .bib reader read of an entry."""
    arxiv = norm_arxiv(entry.arxiv)
    preprint = entry.venue == PREPRINT_VENUE and arxiv is not None
    return Record(
        source,
        "misc" if preprint else entry.entry_type,
        entry.title,
        tuple(a.name for a in entry.authors),
        entry.year,
        venue=None if preprint else entry.venue,
        volume=entry.volume,
        number=entry.number,
        pages=entry.pages,
        publisher=entry.publisher,
        doi=norm_doi(entry.doi),
        arxiv=arxiv,
        dblp_key=dblp_key(entry.key),
        url=norm_url(entry.url),
        where=where,
    )
