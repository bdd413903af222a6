"""Crossref's REST API JSON (`api.crossref.org/works/{doi}` or a `works?query…` search)
as records.

The envelope is `{"status": "ok", "message-type": "work" | "work-list", "message": …}`;
a work has `DOI`, `type`, `title[]`, `subtitle[]`, `author[]` ({given, family, ORCID,
name}), `container-title[]`, `issued.date-parts`, `volume`, `issue`, `page` and
`publisher`; a list has `items[]` (and `next-cursor` when paging by cursor).
"""

from __future__ import annotations

from typing import Any

from build_cv.errors import InputError
from build_cv.schema.bibentry import Name
from build_cv.sources.pubs.markup import strip_inline_markup
from build_cv.sources.pubs.raw import (
    Parsed,
    as_dict,
    as_list,
    bad,
    first_text,
    load_json,
    missing,
    year_of,
)
from build_cv.sources.pubs.record import Record, clean, given_family, norm_doi

_TYPES = {
    "journal-article": "article",
    "proceedings-article": "inproceedings",
    "book-chapter": "incollection",
    "book-part": "incollection",
    "book-section": "incollection",
    "book": "book",
    "monograph": "book",
    "edited-book": "book",
    "dissertation": "phdthesis",
    "report": "techreport",
}
_DATES = ("issued", "published-print", "published-online", "published", "created")


def works(data: bytes, name: str) -> list[tuple[str, dict[str, Any]]]:
    """Each work of a Crossref answer, with its JSON path."""
    value = load_json(data, name)
    if not isinstance(value, dict):
        raise InputError(f"{name}:1:1: a Crossref answer is a JSON object")
    if "DOI" in value:  # a bare work, as saved from the API's `message`
        return [("", value)]
    message = value.get("message")
    if not isinstance(message, dict):
        raise bad(name, "message", "missing: not a Crossref API answer")
    if "items" in message:
        items = as_list(message["items"])
        return [(f"message.items[{i}]", as_dict(w)) for i, w in enumerate(items)]
    return [("message", message)]


def next_cursor(data: bytes, name: str) -> str | None:
    message = as_dict(as_dict(load_json(data, name)).get("message"))
    cursor = message.get("next-cursor")
    return cursor if isinstance(cursor, str) and as_list(message.get("items")) else None


def parse(data: bytes, name: str) -> Parsed:
    out = Parsed()
    for path, work in works(data, name):
        record, why = one(work, f"{name}: {path or 'work'}")
        if record is not None:
            out.records.append(record)
        else:
            out.skipped.append((f"{name}: {path or 'work'}", why))
    return out


def _year(work: dict[str, Any]) -> int | None:
    for key in _DATES:
        parts = as_list(as_dict(work.get(key)).get("date-parts"))
        if parts and as_list(parts[0]):
            year = year_of(parts[0][0])
            if year is not None:
                return year
    return None


def one(work: dict[str, Any], where: str) -> tuple[Record | None, str]:
    """A record from one Crossref work, or None and why not."""
    title = clean(strip_inline_markup(first_text(work.get("title")) or ""))
    subtitle = clean(strip_inline_markup(first_text(work.get("subtitle")) or ""))
    if title and subtitle and subtitle.casefold() not in title.casefold():
        title = f"{title}: {subtitle}"
    authors: list[Name] = []
    ids: list[frozenset[str]] = []
    for person in map(as_dict, as_list(work.get("author"))):
        found = given_family(person.get("given"), person.get("family") or person.get("name"))
        if found is None:
            continue
        authors.append(found)
        orcid = str(person.get("ORCID") or "").rstrip("/").rsplit("/", 1)[-1]
        ids.append(frozenset({f"orcid:{orcid}"} if orcid else ()))
    year = _year(work)
    why = missing(title, year, len(authors))
    if why or year is None:
        return None, why or "no year"
    entry_type = _TYPES.get(str(work.get("type")), "misc")
    venue = clean(strip_inline_markup(first_text(work.get("container-title")) or "")) or None
    return (
        Record(
            "crossref",
            entry_type,
            title,
            tuple(authors),
            year,
            venue=venue,
            volume=clean(str(work.get("volume") or "")) or None,
            number=clean(str(work.get("issue") or "")) or None,
            pages=clean(str(work.get("page") or "")) or None,
            publisher=clean(str(work.get("publisher") or "")) or None,
            doi=norm_doi(str(work.get("DOI") or "")),
            author_ids=tuple(ids),
            where=where,
        ),
        "",
    )
