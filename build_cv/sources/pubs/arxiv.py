"""The arXiv API's Atom feed (`export.arxiv.org/api/query`) as records.

Each `<entry>` has `<id>` (the abstract's URL, with the version), `<title>` (wrapped over
lines), `<author><name>`, `<published>` (the first version's date) and, once published,
`<arxiv:doi>` and `<arxiv:journal_ref>`. The feed's `<opensearch:totalResults>` says how
many there are in all, for paging. An error is a feed whose one entry's id is
`…/api/errors#…`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from build_cv.errors import InputError, shorten
from build_cv.sources.pubs.raw import Parsed, load_xml, missing, year_of
from build_cv.sources.pubs.record import Record, clean, norm_arxiv, norm_doi, split_display_name

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


def feed(data: bytes, name: str) -> ET.Element:
    root = load_xml(data, name)
    if root.tag != f"{ATOM}feed":
        raise InputError(f"{name}:1: <{root.tag}> is not an Atom feed of the arXiv API")
    for entry in root.findall(f"{ATOM}entry"):
        if "/api/errors" in _text(entry, f"{ATOM}id"):
            said = _text(entry, f"{ATOM}summary") or _text(entry, f"{ATOM}title")
            raise InputError(f"{name}: arXiv answered with an error: {shorten(said, 200)}")
    return root


def total(data: bytes, name: str) -> int:
    """How many results the query has in all (for paging)."""
    text = _text(feed(data, name), f"{OPENSEARCH}totalResults")
    return int(text) if text.isdigit() else 0


def _text(element: ET.Element, tag: str) -> str:
    child = element.find(tag)
    return clean("".join(child.itertext())) if child is not None else ""


def parse(data: bytes, name: str) -> Parsed:
    out = Parsed()
    for i, entry in enumerate(feed(data, name).findall(f"{ATOM}entry")):
        where = f"{name}: entry {i + 1}"
        arxiv = norm_arxiv(_text(entry, f"{ATOM}id"))
        title = _text(entry, f"{ATOM}title")
        authors = tuple(
            split_display_name(_text(a, f"{ATOM}name")) for a in entry.findall(f"{ATOM}author")
        )
        year = year_of(_text(entry, f"{ATOM}published"))
        why = missing(title, year, len(authors)) or (None if arxiv else "no arXiv id")
        if why or year is None or arxiv is None:
            out.skipped.append((where, why or "no year"))
            continue
        doi = norm_doi(_text(entry, f"{ARXIV}doi"))
        out.records.append(
            Record("arxiv", "misc", title, authors, year, doi=doi, arxiv=arxiv, where=where)
        )
    return out
