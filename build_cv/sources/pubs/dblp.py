"""DBLP's person XML (`https://dblp.org/pid/{pid}.xml`) as records.

Each publication is an `<r>` holding one `<article>`, `<inproceedings>`, ... with its
`key` (the DBLP key), `<author pid= orcid=>`, `<title>` (DBLP ends it with a full stop,
which is not the title's), `<year>`, the venue (`<booktitle>` or `<journal>`), and `<ee>`
links (a DOI among them). A `CoRR` article is an arXiv preprint (`volume` `abs/…`).
DBLP's BibTeX export is read by the bibtex normalizer.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from build_cv.errors import InputError
from build_cv.schema.bibentry import Name
from build_cv.sources.pubs.raw import Parsed, load_xml, missing, year_of
from build_cv.sources.pubs.record import (
    Record,
    clean,
    norm_arxiv,
    norm_doi,
    norm_url,
    split_display_name,
)

_TYPES = {
    "article": "article",
    "inproceedings": "inproceedings",
    "incollection": "incollection",
    "book": "book",
    "phdthesis": "phdthesis",
    "mastersthesis": "mastersthesis",
    "proceedings": "proceedings",
}


def parse(data: bytes, name: str) -> Parsed:
    root = load_xml(data, name)
    if root.tag != "dblpperson":
        raise InputError(f"{name}:1: <{root.tag}> is not a DBLP person page (<dblpperson>)")
    out = Parsed()
    for r in root.iter("r"):
        for element in r:
            _one(element, name, out)
    return out


def _text(element: ET.Element, tag: str) -> str:
    child = element.find(tag)
    return clean("".join(child.itertext())) if child is not None else ""


def _one(element: ET.Element, name: str, out: Parsed) -> None:
    key = element.get("key", "")
    where = f"{name}: dblp {key or element.tag}"
    entry_type = _TYPES.get(element.tag)
    if entry_type is None:
        out.skipped.append((where, f"a DBLP <{element.tag}>, not a publication"))
        return
    title = _text(element, "title")
    if title.endswith(".") and not title.endswith(".."):
        title = title[:-1]
    authors: list[Name] = []
    ids: list[frozenset[str]] = []
    for author in element.findall("author"):
        authors.append(split_display_name("".join(author.itertext())))
        found = {f"dblp:{author.get('pid')}"} if author.get("pid") else set()
        if author.get("orcid"):
            found.add(f"orcid:{author.get('orcid')}")
        ids.append(frozenset(found))
    year = year_of(_text(element, "year"))
    why = missing(title, year, len(authors))
    if why or year is None:
        out.skipped.append((where, why or "no year"))
        return
    links = [clean("".join(e.itertext())) for e in element.findall("ee")]
    journal = _text(element, "journal")
    arxiv = None
    if journal == "CoRR":
        arxiv = next((a for a in map(norm_arxiv, [_text(element, "volume"), *links]) if a), None)
    doi = next((d for d in map(norm_doi, links) if d), None)
    if arxiv:
        out.records.append(
            Record(
                "dblp",
                "misc",
                title,
                tuple(authors),
                year,
                arxiv=arxiv,
                dblp_key=key or None,
                author_ids=tuple(ids),
                where=where,
            )
        )
        return
    venue = journal or _text(element, "booktitle") or _text(element, "school") or None
    out.records.append(
        Record(
            "dblp",
            entry_type,
            title,
            tuple(authors),
            year,
            venue=venue,
            volume=_text(element, "volume") or None,
            number=_text(element, "number") or None,
            pages=_text(element, "pages") or None,
            publisher=_text(element, "publisher") or None,
            doi=doi,
            dblp_key=key or None,
            url=None if doi else next((u for u in map(norm_url, links) if u), None),
            author_ids=tuple(ids),
            where=where,
        )
    )
