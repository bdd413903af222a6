"""ORCID public API v3.0 works JSON as records: the summaries (`/v3.0/{id}/works`) or the
bulk details (`/v3.0/{id}/works/{put-code},…`).

The summaries are `{"group": [{"work-summary": [ … ]}]}`, one group per work and one
summary per source that claims it (the first is ORCID's preferred one); each has
`put-code`, `title.title.value`, `type`, `publication-date.year.value`,
`journal-title.value` and `external-ids.external-id[]` (`external-id-type` doi, arxiv,
…; only those whose relationship is `self` name this work). They list no authors: such a
record can complete an entry the .bib has, but not become a new one. The bulk details are
`{"bulk": [{"work": {…, "contributors": {"contributor": [{"credit-name", "contributor-
orcid"}]}}} | {"error": …}]}`.
"""

from __future__ import annotations

import re
from typing import Any

from build_cv.schema.bibentry import Name
from build_cv.sources.pubs.raw import Parsed, as_dict, as_list, bad, load_json, year_of
from build_cv.sources.pubs.record import Record, clean, norm_arxiv, norm_doi, split_display_name

_TYPES = {
    "journal-article": "article",
    "conference-paper": "inproceedings",
    "book-chapter": "incollection",
    "book": "book",
    "dissertation": "phdthesis",
    "dissertation-thesis": "phdthesis",
    "report": "techreport",
}
_ORCID_PATH = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])")


def summaries(value: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The preferred summary of each work group, with its JSON path."""
    out = []
    for i, group in enumerate(as_list(value.get("group"))):
        items = as_list(as_dict(group).get("work-summary"))
        if items:
            out.append((f"group[{i}].work-summary[0]", as_dict(items[0])))
    return out


def put_codes(data: bytes, name: str) -> list[str]:
    """The put-codes of the summaries, for fetching the details in bulk."""
    value = as_dict(load_json(data, name))
    return [str(s["put-code"]) for _, s in summaries(value) if s.get("put-code") is not None]


def parse(data: bytes, name: str) -> Parsed:
    value = load_json(data, name)
    if not isinstance(value, dict) or not ("group" in value or "bulk" in value):
        raise bad(name, "group", "missing: not ORCID v3.0 works JSON (summaries or bulk)")
    owner = _ORCID_PATH.search(str(value.get("path") or ""))
    listed_by = f"orcid:{owner.group(1)}" if owner else None
    if "bulk" in value:
        works = []
        for i, item in enumerate(as_list(value["bulk"])):
            item = as_dict(item)
            if "error" in item:
                said = as_dict(item["error"]).get("developer-message") or "ORCID refused the work"
                raise bad(name, f"bulk[{i}].error", str(said))
            works.append((f"bulk[{i}].work", as_dict(item.get("work"))))
    else:
        works = summaries(value)
    out = Parsed()
    for path, work in works:
        where = f"{name}: {path}"
        work_owner = _ORCID_PATH.search(str(work.get("path") or ""))
        record = _one(work, where, f"orcid:{work_owner.group(1)}" if work_owner else listed_by)
        if isinstance(record, str):
            out.skipped.append((where, record))
        else:
            out.records.append(record)
    return out


def _ids(work: dict[str, Any]) -> tuple[str | None, str | None]:
    doi = arxiv = None
    for ext in map(as_dict, as_list(as_dict(work.get("external-ids")).get("external-id"))):
        if ext.get("external-id-relationship", "self") != "self":
            continue
        kind = str(ext.get("external-id-type") or "").lower()
        value = str(ext.get("external-id-value") or "")
        if kind == "doi":
            doi = doi or norm_doi(value)
        elif kind == "arxiv":
            arxiv = arxiv or norm_arxiv(value)
    return doi, arxiv


def _one(work: dict[str, Any], where: str, listed_by: str | None) -> Record | str:
    title = clean(as_dict(as_dict(work.get("title")).get("title")).get("value"))
    year = year_of(as_dict(as_dict(work.get("publication-date")).get("year")).get("value"))
    if not title or year is None:
        return "no title" if not title else "no year in the source"
    authors: list[Name] = []
    ids: list[frozenset[str]] = []
    for person in map(as_dict, as_list(as_dict(work.get("contributors")).get("contributor"))):
        role = as_dict(person.get("contributor-attributes")).get("contributor-role")
        if role is not None and role != "author" and not str(role).startswith("http"):
            continue  # an editor, a translator: not an author (CRediT roles are)
        shown = clean(as_dict(person.get("credit-name")).get("value"))
        if not shown:
            continue
        authors.append(split_display_name(shown))
        path = as_dict(person.get("contributor-orcid")).get("path")
        ids.append(frozenset({f"orcid:{path}"} if path else ()))
    doi, arxiv = _ids(work)
    kind = str(work.get("type") or "")
    venue = clean(as_dict(work.get("journal-title")).get("value")) or None
    if kind == "preprint" and arxiv:
        entry_type, venue = "misc", None
    else:
        entry_type = _TYPES.get(kind, "misc")
    return Record(
        "orcid",
        entry_type,
        title,
        tuple(authors),
        year,
        venue=venue,
        doi=doi,
        arxiv=arxiv,
        author_ids=tuple(ids),
        listed_by=listed_by,
        where=where,
    )
