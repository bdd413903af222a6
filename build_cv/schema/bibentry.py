"""The full record of a publication read from a .bib file, kept with the `Publication`
made from it.

A `Publication` holds what the CV prints; writing it back as BibTeX needs more (volume,
pages, each name's parts, the roles), so the reader's record stays with it
(`Publication.source`). The record lives here, below the sources, so that the schema can
name its type and mypy checks every use. It is format-neutral and immutable: the text is
already decoded to Unicode and names are split into their parts. What each entry type
means (its venue field, what follows the venue, its group) is BibTeX knowledge, in
sources/bibtex/kinds.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from build_cv.errors import Location


@dataclass(frozen=True)
class Name:
    """One person (or organisation) in BibTeX's four parts, already decoded to Unicode."""

    first: str = ""
    von: str = ""
    last: str = ""
    jr: str = ""

    @property
    def display(self) -> str:
        """The name as a CV prints it: "First von Last", ", Jr" after."""
        main = " ".join(p for p in (self.first, self.von, self.last) if p)
        return f"{main}, {self.jr}" if self.jr else main


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
    venue `arXiv preprint` and an `arxiv` id. Free-text details (as a YAML entry has them)
    belong in `note`, which `kinds.details` prints last. Two entries compare equal on
    content: `origin` is left out, so an export read back gives an equal entry.
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
    # What the entry says for the CV beyond the citation (`representative`, `credit`,
    # `ccf`, `citations`, `priority`, ...: sources/bibtex/reader.py, CV_FIELDS), each
    # field's decoded text with its line, for the Publication made from it.
    cv_fields: tuple[tuple[str, str, int | None], ...] = field(default=(), compare=False)

    @property
    def author_names(self) -> tuple[str, ...]:
        return tuple(a.display for a in self.authors)

    def with_role(self, role: str) -> tuple[str, ...]:
        """The display names of the authors annotated with `role` (e.g. "equal")."""
        return tuple(a.display for a in self.authors if role in a.roles)
