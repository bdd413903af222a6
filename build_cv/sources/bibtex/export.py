"""Write publications as clean BibTeX, for ORCID, a publisher's form or a co-author.

The output is what the reader accepts and reads back to equal entries: text escaped to
BibTeX-safe LaTeX with non-ASCII kept as UTF-8 (BibTeX, biber and ORCID read it), the
title braced so styles keep its capitals, names as "von Last, Jr, First", roles as
biblatex `author+an`, tags as `keywords`, an arXiv id as `eprint` + `archivePrefix`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from build_cv.schema.bibentry import BibAuthor, BibEntry, Name
from build_cv.sources.bibtex.decode import encode_latex
from build_cv.sources.bibtex.kinds import venue_field
from build_cv.sources.bibtex.values import MONTH_NAMES

_KEY_SAFE = re.compile(r"^[A-Za-z0-9_:./+-]+$")


def citation_key(entry: BibEntry) -> str:
    """A stable key from the content: first author's surname, year, first title word.

    Used when an entry has no usable key of its own (one made from YAML); the same
    publication always gets the same key, so re-exports do not churn.
    """
    surname = entry.authors[0].name.last if entry.authors else "anon"
    words = [w for w in re.findall(r"\w+", _ascii(entry.title).lower()) if len(w) > 3]
    key = f"{_ascii(surname).lower()}{entry.year}{words[0] if words else ''}"
    return re.sub(r"[^a-z0-9]", "", key) or f"entry{entry.year}"


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed.encode("ascii", "ignore").decode("ascii")


def format_bibtex(entries: Iterable[BibEntry], *, neutral: bool = False) -> str:
    """The entries as one .bib text, in the given order, each key unique; `neutral`
    keys (`pub1`, `pub2`, ... in order) say nothing of the entry they name."""
    listed = list(entries)
    keys = [f"pub{i}" for i in range(1, len(listed) + 1)] if neutral else export_keys(listed)
    return "\n".join(_entry(entry, key) for entry, key in zip(listed, keys, strict=True))


def export_keys(entries: Iterable[BibEntry]) -> list[str]:
    """The key each entry is exported under: its own if BibTeX-safe, else one made from
    its content, made unique in order."""
    taken: set[str] = set()
    keys = []
    for entry in entries:
        key = entry.key if entry.key and _KEY_SAFE.match(entry.key) else citation_key(entry)
        keys.append(_unique(key, taken))
    return keys


def write_bibtex(entries: Iterable[BibEntry], path: Path) -> None:
    path.write_text(format_bibtex(entries), encoding="utf-8")


def _unique(key: str, taken: set[str]) -> str:
    candidate, n = key, 0
    while candidate.lower() in taken:
        n += 1
        candidate = f"{key}{chr(ord('a') + n - 1)}" if n <= 26 else f"{key}-{n}"
    taken.add(candidate.lower())
    return candidate


def _entry(e: BibEntry, key: str) -> str:
    people = "editor" if e.authors_are_editors else "author"
    fields: list[tuple[str, str]] = [(people, " and ".join(_name(a.name) for a in e.authors))]
    if e.et_al and e.authors:  # `and others` alone names nobody (the authors were hidden)
        fields[0] = (people, f"{fields[0][1]} and others")
    roles = _roles(e.authors)
    if roles:
        fields.append((f"{people}+an", roles))
    fields.append(("title", "{" + encode_latex(e.title) + "}"))
    venue = venue_field(e.entry_type)
    if e.venue:
        fields.append((venue, encode_latex(e.venue)))
    for name, value in (
        ("volume", e.volume),
        ("number", e.number),
        ("pages", e.pages),
        ("publisher", e.publisher),
        ("location", e.location),
        ("type", e.type_label),
        ("note", e.note),
    ):
        if value and name != venue:
            encoded = encode_latex(value)
            fields.append((name, encoded.replace("–", "--") if name == "pages" else encoded))
    fields.append(("year", str(e.year)))
    body = [f"  {name} = {{{value}}}," for name, value in fields if value]
    if e.month:
        body.append(f"  month = {MONTH_NAMES[e.month - 1][:3]},")
    for name, value in (("doi", e.doi), ("url", e.url)):
        if value:
            body.append(f"  {name} = {{{value}}},")
    if e.arxiv:
        body.append(f"  eprint = {{{e.arxiv}}},")
        body.append("  archiveprefix = {arXiv},")
    if e.tags:
        body.append(f"  keywords = {{{', '.join(e.tags)}}},")
    for name, value, _ in e.cv_fields:  # as the reader reads them back (CV_FIELDS)
        body.append(f"  {name} = {{{encode_latex(value)}}},")
    return f"@{e.entry_type}{{{key},\n" + "\n".join(body) + "\n}\n"


def _roles(authors: tuple[BibAuthor, ...]) -> str:
    items = [f"{i}={','.join(sorted(a.roles))}" for i, a in enumerate(authors, start=1) if a.roles]
    return "; ".join(items)


def bibtex_name(name: Name) -> str:
    """One name as a BibTeX author list writes it (for `pubs import` too)."""
    return _name(name)


def _name(name: Name) -> str:
    """ "von Last, Jr, First", with braces where a part would otherwise be misread."""
    last = _part(name.last, brace_spaces=True)
    if not (name.first or name.von or name.jr):
        return last
    head = " ".join(p for p in (encode_latex(name.von), last) if p)
    tail = [_part(name.jr), _part(name.first)] if name.jr else [_part(name.first)]
    return ", ".join([head, *tail])


def _part(text: str, brace_spaces: bool = False) -> str:
    encoded = encode_latex(text)
    risky = "," in text or re.search(r"\sand\s", text, re.IGNORECASE)
    if risky or (brace_spaces and " " in text) or (brace_spaces and text[:1].islower()):
        return "{" + encoded + "}"
    return encoded
