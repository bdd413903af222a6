"""What each BibTeX entry type means for a CV: where it keeps its venue, what the CV
prints after the venue (`details`), and the kind of publication it is (`group_of`).

The records themselves (`BibEntry`) are in schema/bibentry.py, below the sources, so a
`Publication` can name the type of the record it was read from.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Protocol

from build_cv.languages import DEFAULT
from build_cv.locales import read
from build_cv.schema.bibentry import BibEntry

PREPRINT_VENUE = "arXiv preprint"


class Group(StrEnum):
    """The kind of publication a section grouped by type puts under one heading (the view
    names each heading)."""

    JOURNAL = "journal"
    CONFERENCE = "conference"
    PREPRINT = "preprint"
    THESIS = "thesis"
    BOOK = "book"
    CHAPTER = "chapter"
    REPORT = "report"
    PATENT = "patent"
    OTHER = "other"


_GROUPS = {
    "article": Group.JOURNAL,
    "inproceedings": Group.CONFERENCE,
    "conference": Group.CONFERENCE,
    "phdthesis": Group.THESIS,
    "mastersthesis": Group.THESIS,
    "thesis": Group.THESIS,
    "book": Group.BOOK,
    "proceedings": Group.BOOK,
    "collection": Group.BOOK,
    "incollection": Group.CHAPTER,
    "inbook": Group.CHAPTER,
    "techreport": Group.REPORT,
    "report": Group.REPORT,
    "patent": Group.PATENT,
}
# The types an arXiv-only paper is filed under: Google Scholar exports one as an
# @article in `arXiv preprint arXiv:...`.
PREPRINT_TYPES = frozenset({"misc", "online", "unpublished", "preprint", "electronic", "article"})


class Typed(Protocol):
    """What decides a publication's group: a YAML entry has it as well as a .bib record."""

    @property
    def entry_type(self) -> str | None: ...
    @property
    def arxiv(self) -> str | None: ...
    @property
    def venue(self) -> str | None: ...


def is_preprint(p: Typed) -> bool:
    """Published on arXiv only: an arXiv id, a type a preprint is filed under (or none),
    and no venue but arXiv (`arXiv preprint`, as the reader names it, or Scholar's
    `arXiv preprint arXiv:...`, or DBLP's `CoRR`)."""
    if p.arxiv is None or (p.entry_type is not None and p.entry_type not in PREPRINT_TYPES):
        return False
    venue = (p.venue or "arxiv").casefold()
    return venue.startswith("arxiv") or venue == "corr"


def group_of(p: Typed) -> Group:
    """The one rule for the group a publication falls under, from YAML or a .bib."""
    return Group.PREPRINT if is_preprint(p) else _GROUPS.get(p.entry_type or "", Group.OTHER)


# Where each type keeps its venue, in order of preference; the first is what an export
# writes. Types not listed use OTHER_VENUE_FIELDS.
VENUE_FIELDS: dict[str, tuple[str, ...]] = {
    "article": ("journal", "journaltitle"),
    "inproceedings": ("booktitle", "eventtitle"),
    "conference": ("booktitle", "eventtitle"),
    "incollection": ("booktitle",),
    "inbook": ("booktitle",),
    "phdthesis": ("school", "institution"),
    "mastersthesis": ("school", "institution"),
    "thesis": ("school", "institution"),
    "techreport": ("institution",),
    "report": ("institution",),
    "book": ("publisher",),
    "proceedings": ("publisher", "organization"),
    "patent": ("holder", "institution", "organization"),
}
OTHER_VENUE_FIELDS = ("howpublished", "journal", "publisher", "organization", "institution")
THESIS_TYPES = ("phdthesis", "mastersthesis", "thesis")
REPORT_TYPES = ("techreport", "report")
CHAPTER_TYPES = ("incollection", "inbook")


def venue_field(entry_type: str) -> str:
    """The BibTeX field a type keeps its venue in (`journal` for an article, ...)."""
    return VENUE_FIELDS.get(entry_type, OTHER_VENUE_FIELDS)[0]


def details(entry: BibEntry, labels: Mapping[str, str] | None = None) -> str | None:
    """What the CV prints after the venue: "34(1): 304–315", "pp. 222–231, Hyderabad, India".

    Derived from the record's fields, never stored beside them, so the two cannot disagree;
    the words build-cv adds ("PhD thesis", "pp.") are the document's language's `labels`.
    """
    labels = read(DEFAULT).labels if labels is None else labels
    t = entry.entry_type
    parts: list[str] = []
    if t in THESIS_TYPES:
        thesis = labels["masters_thesis" if t == "mastersthesis" else "phd_thesis"]
        parts.append(entry.type_label or thesis)
    elif t in REPORT_TYPES and (entry.number or entry.type_label):
        parts.append(_join(entry.type_label or labels["technical_report"], entry.number))
    elif t == "patent" and (entry.number or entry.type_label):
        parts.append(_join(entry.type_label, entry.number))
    if t in CHAPTER_TYPES and entry.publisher:
        parts.append(entry.publisher)
    if t == "article" and entry.volume:
        issue = f"({entry.number})" if entry.number else ""
        parts.append(f"{entry.volume}{issue}" + (f": {entry.pages}" if entry.pages else ""))
    elif entry.pages:
        parts.append(labels["pages" if "–" in entry.pages else "page"].format(entry.pages))
    parts.extend(p for p in (entry.location, entry.note) if p)
    return ", ".join(parts) or None


def _join(*parts: str | None) -> str:
    return " ".join(p for p in parts if p)
