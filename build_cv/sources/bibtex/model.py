"""The publication records the BibTeX reader produces and the exporter writes.

They are format-neutral and immutable: the text is already decoded to Unicode, names are
split into parts, and the structured fields (volume, pages, ...) are kept so an export
can write them back. What the CV prints after the venue (`details`) and the heading a
publication falls under (`group`) are derived from those fields, never stored beside
them, so the two cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from build_cv.errors import Location
from build_cv.sources.bibtex.names import Name

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


@dataclass(frozen=True)
class BibOrigin:
    """Where an entry was read: the .bib file, the line of its `@`, and its key."""

    file: Path
    line: int
    key: str

    def location(self) -> Location:
        return Location(self.file, self.line, None, field=f"@{self.key}")


@dataclass(frozen=True)
class BibAuthor:
    """One author: the decoded name parts and the roles biblatex annotations gave it."""

    name: Name
    roles: frozenset[str] = frozenset()

    @property
    def display(self) -> str:
        return self.name.display


@dataclass(frozen=True)
class BibEntry:
    """One publication, decoded to plain text.

    `venue` is None only when the entry names none (a bare @misc). A preprint has the
    venue PREPRINT_VENUE and an `arxiv` id. Free-text details (as a YAML entry has them)
    belong in `note`, which `details` prints last. Two entries compare equal on content:
    `origin` is left out, so an export read back gives an equal entry.
    """

    key: str
    entry_type: str
    title: str
    authors: tuple[BibAuthor, ...]
    year: int
    venue: str | None = None
    et_al: bool = False
    authors_are_editors: bool = False
    month: int | None = None
    volume: str | None = None
    number: str | None = None
    pages: str | None = None
    location: str | None = None
    publisher: str | None = None
    type_label: str | None = None
    note: str | None = None
    doi: str | None = None
    url: str | None = None
    arxiv: str | None = None
    tags: tuple[str, ...] = ()
    origin: BibOrigin | None = field(default=None, compare=False)
    arxiv_from: str | None = field(default=None, compare=False)  # the field it was found in

    @property
    def author_names(self) -> tuple[str, ...]:
        return tuple(a.display for a in self.authors)

    def with_role(self, role: str) -> tuple[str, ...]:
        """The display names of the authors annotated with `role` (e.g. "equal")."""
        return tuple(a.display for a in self.authors if role in a.roles)

    @property
    def group(self) -> Group:
        return group_of(self)

    @property
    def details(self) -> str | None:
        """What follows the venue: "34(1): 304–315", "pp. 222–231, Hyderabad, India"."""
        t = self.entry_type
        parts: list[str] = []
        if t in THESIS_TYPES:
            parts.append(
                self.type_label or ("Master's thesis" if t == "mastersthesis" else "PhD thesis")
            )
        elif t in REPORT_TYPES and (self.number or self.type_label):
            parts.append(_join(self.type_label or "Technical Report", self.number))
        elif t == "patent" and (self.number or self.type_label):
            parts.append(_join(self.type_label, self.number))
        if t in CHAPTER_TYPES and self.publisher:
            parts.append(self.publisher)
        if t == "article" and self.volume:
            issue = f"({self.number})" if self.number else ""
            parts.append(f"{self.volume}{issue}" + (f": {self.pages}" if self.pages else ""))
        elif self.pages:
            parts.append(f"pp. {self.pages}" if "–" in self.pages else f"p. {self.pages}")
        parts.extend(p for p in (self.location, self.note) if p)
        return ", ".join(parts) or None


def _join(*parts: str | None) -> str:
    return " ".join(p for p in parts if p)
