"""Every publication of the CV, from YAML or a .bib, as clean BibTeX.

ORCID imports BibTeX (and through it NSF's SciENcv), so the publication list an
applicant keeps in build-cv must come back out in that form. An entry read from a .bib is
written from its full record (volume, pages and the like stay separate fields), less
what the variant hides; an entry typed in YAML becomes the nearest BibTeX entry, its
free-text details a `note`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from build_cv.exposure import key_shows
from build_cv.formats import Choices, Document
from build_cv.report import Secret
from build_cv.schema.bibentry import BibAuthor, BibEntry
from build_cv.schema.model import CV, Publication, PublicationSection
from build_cv.sources.bibtex.export import export_keys, format_bibtex
from build_cv.sources.bibtex.kinds import is_preprint
from build_cv.sources.bibtex.names import parse_display_name

_JOURNAL = re.compile(r"\b(journal|transactions|letters|review)\b", re.IGNORECASE)


def write_bibtex(cv: CV, secrets: Sequence[Secret] = ()) -> str:
    """The publications in the order the CV prints them; a variant's selection applies.

    A citation key is made of values (`hiddenharriet2020paper`, a DBLP key's arXiv id),
    so a variant that hides any publication field, or whose keys show a hidden value,
    exports neutral keys (`pub1`, ...): a key is a name for citing, and co-authors
    cite their own copy."""
    entries = list(
        dict.fromkeys(  # one entry per paper, in print order
            _record(p)
            for section in cv.sections
            if isinstance(section, PublicationSection)
            for p in section.entries
        )
    )
    keys = export_keys(entries)
    neutral = any(s.field.startswith("publications.") for s in secrets) or any(
        key_shows(s, k) for s in secrets for k in keys
    )
    return format_bibtex(entries, neutral=neutral)


def _record(p: Publication) -> BibEntry:
    if p.source is not None:
        return _as_shown(p.source, p)
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
        note=p.details,
        **{**_owned(p), "url": p.url or p.pdf},
    )


def _owned(p: Publication) -> dict[str, Any]:
    """The record's fields that the publication holds itself, any of which a variant
    may hide."""
    return {
        "venue": p.venue,
        "et_al": p.et_al,
        "doi": p.doi,
        "url": p.url,
        "arxiv": p.arxiv,
        "tags": tuple(p.tags),
        "cv_fields": cv_fields(p),
    }


def cv_fields(p: Publication) -> tuple[tuple[str, str, int | None], ...]:
    """What the publication says beyond its citation, as the .bib fields the reader takes
    it back from (sources/bibtex/reader.py, CV_FIELDS): only what the variant shows, since
    the selection has left the rest out. `priority` and `keep` choose what a document
    shows and are not written."""
    fields: list[tuple[str, str]] = []
    if p.representative:
        fields.append(("representative", "true"))
    if p.contribution:
        fields.append(("contribution", p.contribution))
    if p.credit:
        fields.append(("credit", ", ".join(p.credit)))
    if p.dfg_category:
        fields.append(("dfg_category", p.dfg_category))
    for system, rank in p.ranks.items():
        fields.append((system, rank.rank))
        if rank.edition is not None:
            fields.append((f"{system}_edition", str(rank.edition)))
    if p.citations is not None:
        c = p.citations
        fields += [
            ("citations", str(c.count)),
            ("citations_source", c.source),
            ("citations_as_of", str(c.as_of)),
        ]
    return tuple((name, value, None) for name, value in fields)


def _guess_type(p: Publication) -> str:
    if is_preprint(p):
        return "misc"
    return "article" if p.venue and _JOURNAL.search(p.venue) else "inproceedings"


def _as_shown(entry: BibEntry, p: Publication) -> BibEntry:
    """The record `p` was read from, with `p`'s own values where `p` has a field: a
    variant that hides a publication's `url`, `details` or `authors` hides them from the
    .bib as well, `details` with every field it is made of."""
    kept = {"equal": p.equal_contribution, "corresponding": p.corresponding}
    authors = tuple(
        replace(a, roles=frozenset(r for r in a.roles if r not in kept or a.display in kept[r]))
        for a in (entry.authors if p.authors else ())  # none: the variant hides them
    )
    shown = replace(entry, entry_type=p.entry_type or entry.entry_type, authors=authors)
    hidden: dict[str, Any] = dict.fromkeys(_DETAILS) if p.details is None else {}
    return replace(shown, **_owned(p), **hidden)


_DETAILS = ("volume", "number", "pages", "publisher", "location", "type_label", "note")


def write(document: Document, choices: Choices) -> str:
    """The .bib of the selected publications, as the formats table calls a text writer."""
    return write_bibtex(document.cv, document.secrets)
