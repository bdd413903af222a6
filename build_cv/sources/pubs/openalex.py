"""OpenAlex works JSON (`api.openalex.org/works?filter=author.id:…`) as records.

A page is `{"meta": {"count", "next_cursor", …}, "results": [work, …]}`; a work has `id`,
`doi` (as a URL), `title`, `publication_year`, `type` and `type_crossref`,
`authorships[].author` ({id, display_name, orcid}), `primary_location.source`
({display_name, type}), `biblio` ({volume, issue, first_page, last_page}) and
`locations[]`, whose landing pages name the arXiv copy.
"""

from __future__ import annotations

from typing import Any

from build_cv.errors import InputError
from build_cv.schema.bibentry import Name
from build_cv.sources.pubs.markup import strip_inline_markup
from build_cv.sources.pubs.raw import Parsed, as_dict, as_list, bad, load_json, missing, year_of
from build_cv.sources.pubs.record import (
    Record,
    clean,
    norm_arxiv,
    norm_doi,
    split_display_name,
)

_TYPES = {
    "journal-article": "article",
    "proceedings-article": "inproceedings",
    "book-chapter": "incollection",
    "book": "book",
    "dissertation": "phdthesis",
    "report": "techreport",
}
_SOURCE_TYPES = {"journal": "article", "conference": "inproceedings"}


def works(data: bytes, name: str) -> list[tuple[str, dict[str, Any]]]:
    value = load_json(data, name)
    if not isinstance(value, dict):
        raise InputError(f"{name}:1:1: an OpenAlex answer is a JSON object")
    if "results" not in value:
        if str(value.get("id", "")).startswith("https://openalex.org/W"):
            return [("", value)]
        raise bad(name, "results", "missing: not an OpenAlex works answer")
    return [(f"results[{i}]", as_dict(w)) for i, w in enumerate(as_list(value["results"]))]


def next_cursor(data: bytes, name: str) -> str | None:
    value = as_dict(load_json(data, name))
    cursor = as_dict(value.get("meta")).get("next_cursor")
    return cursor if isinstance(cursor, str) and as_list(value.get("results")) else None


def parse(data: bytes, name: str) -> Parsed:
    out = Parsed()
    for path, work in works(data, name):
        where = f"{name}: {path or 'work'}"
        record, why = _one(work, where)
        if record is None:
            out.skipped.append((where, why))
        else:
            out.records.append(record)
    return out


def _arxiv(work: dict[str, Any]) -> str | None:
    for location in map(as_dict, as_list(work.get("locations"))):
        for key in ("landing_page_url", "pdf_url"):
            url = str(location.get(key) or "")
            if "arxiv.org/" in url:
                found = norm_arxiv(url)
                if found:
                    return found
    return norm_arxiv(str(work.get("doi") or "")) if "10.48550" in str(work.get("doi")) else None


def _one(work: dict[str, Any], where: str) -> tuple[Record | None, str]:
    title = clean(strip_inline_markup(str(work.get("title") or work.get("display_name") or "")))
    authors: list[Name] = []
    ids: list[frozenset[str]] = []
    for authorship in map(as_dict, as_list(work.get("authorships"))):
        author = as_dict(authorship.get("author"))
        shown = author.get("display_name") or authorship.get("raw_author_name")
        if not shown:
            continue
        authors.append(split_display_name(str(shown)))
        found = set()
        if author.get("id"):
            found.add(f"openalex:{str(author['id']).rsplit('/', 1)[-1]}")
        if author.get("orcid"):
            found.add(f"orcid:{str(author['orcid']).rstrip('/').rsplit('/', 1)[-1]}")
        ids.append(frozenset(found))
    year = year_of(work.get("publication_year"))
    why = missing(title, year, len(authors))
    if why or year is None:
        return None, why or "no year"
    doi = norm_doi(str(work.get("doi") or ""))
    arxiv = _arxiv(work)
    source = as_dict(as_dict(work.get("primary_location")).get("source"))
    entry_type = _TYPES.get(str(work.get("type_crossref")), "") or _SOURCE_TYPES.get(
        str(source.get("type")), "misc"
    )
    venue = clean(str(source.get("display_name") or "")) or None
    if arxiv and (work.get("type") == "preprint" or "arxiv" in (venue or "").casefold()):
        return Record(
            "openalex",
            "misc",
            title,
            tuple(authors),
            year,
            doi=doi,
            arxiv=arxiv,
            author_ids=tuple(ids),
            where=where,
        ), ""
    biblio = as_dict(work.get("biblio"))
    first, last = (
        clean(str(biblio.get("first_page") or "")),
        clean(str(biblio.get("last_page") or "")),
    )
    pages = f"{first}-{last}" if first and last and first != last else first or None
    return (
        Record(
            "openalex",
            entry_type,
            title,
            tuple(authors),
            year,
            venue=venue,
            volume=clean(str(biblio.get("volume") or "")) or None,
            number=clean(str(biblio.get("issue") or "")) or None,
            pages=pages,
            doi=doi,
            arxiv=arxiv,
            author_ids=tuple(ids),
            where=where,
        ),
        "",
    )
