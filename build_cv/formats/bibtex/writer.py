"""Every publication of the CV, from YAML or a .bib, as clean BibTeX.

ORCID imports BibTeX (and through it NSF's SciENcv), so the publication list an
applicant keeps in build-cv must come back out in that form. An entry read from a .bib is
written from its full record (volume, pages and the like stay separate fields); an entry
typed in YAML becomes the nearest BibTeX entry, its free-text details a `note`.
"""

from __future__ import annotations

import re
from dataclasses import replace

from build_cv.schema.model import CV, Publication, PublicationSection
from build_cv.sources.bibtex_export import format_bibtex
from build_cv.sources.bibtex_model import PREPRINT_VENUE, BibAuthor, BibEntry
from build_cv.sources.names import parse_display_name

_JOURNAL = re.compile(r"\b(journal|transactions|letters|review)\b", re.IGNORECASE)


def write_bibtex(cv: CV) -> str:
    """The publications in the order the CV prints them; a variant's selection applies."""
    entries = [
        _record(p)
        for section in cv.sections
        if isinstance(section, PublicationSection)
        for p in section.entries
    ]
    return format_bibtex(dict.fromkeys(entries))  # one entry per paper, in print order


def _record(p: Publication) -> BibEntry:
    if isinstance(p.source, BibEntry):
        return _with_tags(p.source, p)
    roles = (("equal", p.equal_contribution), ("corresponding", p.corresponding))
    authors = tuple(
        BibAuthor(parse_display_name(a), frozenset(r for r, names in roles if a in names))
        for a in p.authors
    )
    return BibEntry(
        key="",
        entry_type=p.entry_type or _guess_type(p),
        title=p.title,
        authors=authors,
        year=p.year,
        venue=p.venue,
        et_al=p.et_al,
        note=p.details,
        doi=p.doi,
        url=p.url or p.pdf,
        arxiv=p.arxiv,
        tags=tuple(p.tags),
    )


def _guess_type(p: Publication) -> str:
    if p.arxiv and p.venue in (None, PREPRINT_VENUE):
        return "misc"
    return "article" if p.venue and _JOURNAL.search(p.venue) else "inproceedings"


def _with_tags(entry: BibEntry, p: Publication) -> BibEntry:
    return replace(entry, tags=tuple(p.tags))
