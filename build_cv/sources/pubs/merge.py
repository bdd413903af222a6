"""Records merged into a `.bib`: matched, never duplicated, the user's values kept.

A record matches an entry by DOI, then arXiv id, then DBLP key, then normalized title
and year (a preprint and its published version may be a few years apart). A match adds
the fields the entry lacks; a field the entry has is replaced only if `--update` names
it, or if its `x-source` stamp shows it is still the value an import wrote and the new
source ranks at least as high (record.RANK). A preprint entry matched by a published
record becomes that publication: its type, venue and year are the published ones, its
arXiv id stays. A record that matches nothing becomes a new entry, with a readable key
that no entry has, placed before the first entry that is older (newest first, then by
key), or at the end; the comments right above that entry stay with it.

Records are merged in one order whatever order they came in (best source first, then
published before preprints, then by year and title), so a run's result does not depend
on the order of its sources; each rule above depends only on what the file and the
record hold, so importing again changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from build_cv.errors import BuildCVError, InputError
from build_cv.schema.bibentry import BibEntry
from build_cv.sources.bibtex.decode import decode_latex, decode_verbatim
from build_cv.sources.bibtex.export import citation_key
from build_cv.sources.bibtex.kinds import PREPRINT_VENUE, venue_field
from build_cv.sources.bibtex.names import parse_name, split_names
from build_cv.sources.bibtex.owners import OwnerMatcher
from build_cv.sources.bibtex.reader import parse_bibtex
from build_cv.sources.pubs import bibfile, provenance
from build_cv.sources.pubs.bibfile import BibFile, Entry, Field
from build_cv.sources.pubs.bibtex import dblp_key
from build_cv.sources.pubs.record import (
    RANK,
    Record,
    field_rank,
    fold,
    norm_arxiv,
    norm_doi,
    norm_title,
)

# The fields a preprint record may add to an entry of the published paper: its ids.
_PREPRINT_ADDS = ("doi", "eprint", "archiveprefix")
# The fields that name a venue: an entry of another type keeps its own.
_VENUE_FIELDS = ("journal", "booktitle", "howpublished", "school", "institution")
_BIBURL = re.compile(r"dblp\.org/rec/(.+?)\.bib")
_ARXIV_VENUE = re.compile(r"^\s*(?:arxiv|corr)\b", re.IGNORECASE)
# Published at most this many years after the preprint, for a match by title alone.
_PREPRINT_YEARS = 3


@dataclass(frozen=True)
class Owner:
    """The CV's owner: the name, its other spellings, and ids (`orcid:…`, `dblp:…`)."""

    name: str
    other_names: tuple[str, ...] = ()
    ids: frozenset[str] = frozenset()

    def lists(self, r: Record) -> bool:
        """The record names the owner: by an id first; by name unless that author has an
        id of a kind the owner has too and it differs (a namesake, `Yang You 0002`)."""
        if r.listed_by is not None and r.listed_by in self.ids:
            return True
        kinds = {i.split(":", 1)[0] for i in self.ids}
        matcher = OwnerMatcher(self.name, self.other_names)
        for i, name in enumerate(r.authors):
            ids = r.author_ids[i] if i < len(r.author_ids) else frozenset()
            if ids & self.ids:
                return True
            if {x.split(":", 1)[0] for x in ids} & kinds:
                continue  # an author the ids tell apart from the owner
            if matcher.matches(name.display):
                return True
        return False


@dataclass(frozen=True)
class Settings:
    today: str
    update: frozenset[str] = frozenset()
    owner: Owner | None = None
    owner_only: bool = False


@dataclass
class Summary:
    """What a merge did, by entry key (or, for a record left out, where it was)."""

    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    not_yours: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class _Known:
    """What identifies one entry of the file, kept current as the merge edits it."""

    entry: Entry
    title: str
    year: int
    preprint: bool
    doi: str | None = None
    arxiv: str | None = None
    dblp: str | None = None


def merge(
    text: str, path: Path, records: Iterable[Record], settings: Settings
) -> tuple[str, Summary]:
    """The new text of the file and what changed. `text` must read cleanly (the reader's
    SchemaError says where it does not); the result is read back before it is returned."""
    doc, known = _read(text, path)
    blocks, entries = len(doc.entries), len(known)
    merger = _Merger(doc, known, settings)
    for record in sorted(set(records), key=_order):
        merger.add(record)
    result = doc.render()
    new = len(merger.summary.new)
    _check(result, path, blocks + new, entries + new)
    return result, merger.summary


def add_ids(
    text: str, path: Path, found: Iterable[tuple[str, str, str, str]], today: str
) -> tuple[str, Summary]:
    """`enrich`: each (key, field, value, source) given to its entry, as an import would
    add it (stamped; never over a value the entry has; never an id another entry has)."""
    doc, known = _read(text, path)
    blocks, entries = len(doc.entries), len(known)
    merger = _Merger(doc, known, Settings(today))
    by_key = {k.entry.key.lower(): k for k in known}
    for key, name, value, source in found:
        k = by_key[key.lower()]
        stamps = _stamps(k.entry)
        fields = {name: value, "archiveprefix": "arXiv"} if name == "eprint" else {name: value}
        for n, v in fields.items():
            merger._field(k, source, stamps, n, _braced(n, v), False)
        if stamps != _stamps(k.entry):
            _set(k.entry, provenance.FIELD, provenance.write(stamps))
            merger.summary.updated.append(k.entry.key)
    result = doc.render()
    _check(result, path, blocks, entries)
    return result, merger.summary


def _order(r: Record) -> tuple[object, ...]:
    return (
        -RANK[r.source],
        r.preprint,
        -r.year,
        norm_title(r.title),
        r.title,
        r.doi or "",
        r.arxiv or "",
        r.dblp_key or "",
        repr(r),
    )


def _read(text: str, path: Path) -> tuple[BibFile, list[_Known]]:
    parsed = {e.key.lower(): e for e in parse_bibtex(text, path)}
    doc = bibfile.parse(text, path)
    blocks = {e.key.lower(): e for e in doc.entries}
    if not set(parsed) <= set(blocks):
        raise InputError(f"{path}: build-cv cannot find every entry of this file to edit it")
    known = []
    for key, entry in blocks.items():
        read = parsed.get(key)
        if read is not None:
            known.append(_known(entry, read))
    return doc, known


def _known(entry: Entry, read: BibEntry) -> _Known:
    biburl = entry.get("biburl")
    found = _BIBURL.search(biburl.value) if biburl else None
    return _Known(
        entry,
        norm_title(read.title),
        read.year,
        read.venue == PREPRINT_VENUE,
        norm_doi(read.doi),
        norm_arxiv(read.arxiv),
        dblp_key(read.key) or (found.group(1) if found else None),
    )


def _check(text: str, path: Path, blocks: int, entries: int) -> None:
    """The merged text reads back with every entry: an edit that broke the file is a bug
    of build-cv's, and must not reach the disk."""
    try:
        read = len(parse_bibtex(text, path))
        found = len(bibfile.parse(text, path).entries)
    except InputError as exc:
        raise BuildCVError(
            f"{path}: the merged file would not read back ({exc}); it is "
            "left as it was. Please report this."
        ) from None
    if (found, read) != (blocks, entries):
        raise BuildCVError(
            f"{path}: the merge lost an entry; the file is left as it was. Please report this."
        )


class _Merger:
    def __init__(self, doc: BibFile, known: list[_Known], settings: Settings) -> None:
        self.doc = doc
        self.known = known
        self.settings = settings
        self.summary = Summary()
        self.keys = {e.key.lower() for e in doc.entries}

    def add(self, r: Record) -> None:
        owner = self.settings.owner
        if owner is not None and not owner.lists(r):
            label = f"{r.where} ({r.title})"
            if self.settings.owner_only:
                self.summary.skipped.append((label, "does not list you (--owner-only)"))
                return
            self.summary.not_yours.append(label)
        match = self._find(r)
        if match is None:
            self._new(r)
        else:
            self._merge(match, r)

    # ---- matching ---------------------------------------------------------------------

    def _find(self, r: Record) -> _Known | None:
        for value, attr in ((r.doi, "doi"), (r.arxiv, "arxiv"), (r.dblp_key, "dblp")):
            if value:
                found = next((k for k in self.known if getattr(k, attr) == value), None)
                if found is not None:
                    return found
        title = norm_title(r.title)
        return next((k for k in self.known if k.title == title and _years_agree(k, r)), None)

    # ---- a new entry ------------------------------------------------------------------

    def _new(self, r: Record) -> None:
        if not r.authors:
            self.summary.skipped.append(
                (f"{r.where} ({r.title})", "new, but the source names no authors")
            )
            return
        key = self._key(r)
        fields = r.fields()
        stamps = {
            n: provenance.Stamp(r.source, self.settings.today, provenance.digest(_braced(n, v)))
            for n, v in fields.items()
        }
        entry = Entry(r.entry_type, key, [Field(n, _braced(n, v)) for n, v in fields.items()])
        entry.fields.append(Field(provenance.FIELD, provenance.write(stamps)))
        anchor = next(
            (
                k.entry
                for k in self._in_file_order()
                if (-k.year, k.entry.key.lower()) > (-r.year, key.lower())
            ),
            None,
        )
        self.doc.insert_before(anchor, entry)
        self.keys.add(key.lower())
        self.known.append(
            _Known(entry, norm_title(r.title), r.year, r.preprint, r.doi, r.arxiv, r.dblp_key)
        )
        self.summary.new.append(key)

    def _in_file_order(self) -> list[_Known]:
        order = {id(e): i for i, e in enumerate(self.doc.entries)}
        return sorted(self.known, key=lambda k: order[id(k.entry)])

    def _key(self, r: Record) -> str:
        """`fang2023colossal`; if an entry has it, with the title's next words, then a
        letter."""
        base = citation_key(r.entry())
        words = [w for w in re.findall(r"[a-z0-9]+", fold(r.title)) if len(w) > 3]
        candidates = [base]
        for w in words[1:3]:
            candidates.append(candidates[-1] + w)
        candidates += [f"{candidates[-1]}{chr(c)}" for c in range(ord("a"), ord("z") + 1)]
        for candidate in candidates:
            if candidate.lower() not in self.keys:
                return candidate
        n = 2
        while f"{base}-{n}".lower() in self.keys:
            n += 1
        return f"{base}-{n}"

    # ---- a match ----------------------------------------------------------------------

    def _merge(self, k: _Known, r: Record) -> None:
        entry = k.entry
        stamps = _stamps(entry)
        before = entry.render()
        incoming = r.fields()
        if not r.authors:
            incoming.pop("author", None)
        forced: set[str] = set()
        if r.preprint and not k.preprint:
            incoming = {n: v for n, v in incoming.items() if n in _PREPRINT_ADDS}
        elif k.preprint and not r.preprint:
            forced = self._publish(k, r, stamps, incoming)
        elif entry.entry_type.lower() != r.entry_type and any(entry.get(v) for v in _VENUE_FIELDS):
            for name in _VENUE_FIELDS:
                incoming.pop(name, None)  # the entry's own type keeps its own venue
        for name, value in incoming.items():
            self._field(k, r.source, stamps, name, _braced(name, value), name in forced)
        if stamps != _stamps(entry):
            _set(entry, provenance.FIELD, provenance.write(stamps))
        if entry.render() != before:
            self.summary.updated.append(entry.key)
        else:
            self.summary.unchanged.append(entry.key)

    def _publish(
        self, k: _Known, r: Record, stamps: dict[str, provenance.Stamp], incoming: dict[str, str]
    ) -> set[str]:
        """The preprint entry becomes the published paper: the published type, venue and
        year; the fields that said `arXiv` go, the arXiv id stays (as eprint)."""
        entry = k.entry
        for name in ("journal", "howpublished", "volume"):
            f = entry.get(name)
            if f is None:
                continue
            plain = decode_latex(_inner(f.value))
            if (name == "volume" and plain.startswith("abs/")) or (
                name != "volume" and _ARXIV_VENUE.match(plain)
            ):
                entry.fields.remove(f)
                stamps.pop(name, None)
                entry.edited = True
        if k.arxiv and entry.get("eprint") is None:
            incoming.setdefault("eprint", k.arxiv)
            incoming.setdefault("archiveprefix", "arXiv")
        if entry.entry_type.lower() != r.entry_type:
            entry.entry_type = r.entry_type
            entry.type_changed = entry.edited = True
        k.preprint = False
        keywords = entry.get("keywords")
        tagged = decode_latex(_inner(keywords.value)) if keywords else ""
        if "preprint" in [t.strip().lower() for t in re.split(r"[,;]", tagged)]:
            self.summary.notes.append(
                f"{entry.key}: now published, but its keywords still say `preprint`"
            )
        return {"year", venue_field(r.entry_type)}

    def _field(
        self,
        k: _Known,
        source: str,
        stamps: dict[str, provenance.Stamp],
        name: str,
        value: str,
        forced: bool,
    ) -> None:
        entry = k.entry
        stamp = provenance.Stamp(source, self.settings.today, provenance.digest(value))
        have = entry.get(name)
        if have is None:
            if not self._may_add(k, name, value):
                return
            _set(entry, name, value)
            stamps[name] = stamp
        elif _same(name, have.value, value):
            old = stamps.get(name)
            if (
                provenance.untouched(old, have.value)
                and old is not None
                and RANK[source] > RANK[old.source]
            ):
                stamps[name] = provenance.Stamp(source, self.settings.today, old.digest)
            return
        else:
            old = stamps.get(name)
            imported = provenance.untouched(old, have.value) and old is not None
            wanted = name in self.settings.update or (
                name in _VENUE_FIELDS and "venue" in self.settings.update
            )
            if not (
                wanted
                or forced
                or (imported and old is not None and _beats(stamp, value, old, have.value))
            ):
                self.summary.kept.append(f"{entry.key}: {name}")
                return
            if name in ("doi", "eprint") and not self._may_add(k, name, value):
                return
            _set(entry, name, value)
            stamps[name] = stamp
        self._identify(k, name, value)

    def _may_add(self, k: _Known, name: str, value: str) -> bool:
        """A DOI or arXiv id another entry has is not given to this one too."""
        attr = {"doi": "doi", "eprint": "arxiv"}.get(name)
        if attr is None:
            return True
        plain = norm_doi(_inner(value)) if attr == "doi" else norm_arxiv(_inner(value))
        other = next((o for o in self.known if o is not k and getattr(o, attr) == plain), None)
        if other is None:
            return True
        self.summary.notes.append(
            f"{k.entry.key} and {other.entry.key} both seem to be the paper with {name} "
            f"{_inner(value)}; merge them by hand"
        )
        return False

    def _identify(self, k: _Known, name: str, value: str) -> None:
        plain = _inner(value)
        if name == "doi":
            k.doi = norm_doi(plain)
        elif name == "eprint":
            k.arxiv = norm_arxiv(plain)
        elif name == "title":
            k.title = norm_title(decode_latex(plain))
        elif name == "year" and plain.isdigit():
            k.year = int(plain)


def _beats(new: provenance.Stamp, value: str, old: provenance.Stamp, written: str) -> bool:
    """An imported value gives way to a better source's; the same source's value of a
    later day; on the same day, the one that sorts first, so that the result does not
    depend on which came first."""
    if RANK[new.source] != RANK[old.source]:
        return RANK[new.source] > RANK[old.source]
    if new.date != old.date:
        return new.date > old.date
    return value < written


def _stamps(entry: Entry) -> dict[str, provenance.Stamp]:
    found = entry.get(provenance.FIELD)
    return provenance.read(found.value if found else None)


def _years_agree(k: _Known, r: Record) -> bool:
    if k.year == r.year:
        return True
    if k.preprint == r.preprint or len(k.title.split()) < 3:
        return False
    preprint, published = (k.year, r.year) if k.preprint else (r.year, k.year)
    return 0 <= published - preprint <= _PREPRINT_YEARS


_VERBATIM = ("doi", "eprint", "archiveprefix", "url", "biburl", "year")


def _braced(name: str, value: str) -> str:
    return value if name == "year" else "{" + value + "}"


def _inner(value: str) -> str:
    """The text of a value written as one `{…}` or `"…"` piece (else as written)."""
    v = value.strip()
    if len(v) >= 2 and ((v[0] == "{" and v[-1] == "}") or (v[0] == '"' and v[-1] == '"')):
        return v[1:-1]
    return v


def _same(name: str, written: str, value: str) -> bool:
    """The value in the file says what the incoming one says."""
    a, b = _inner(written), _inner(value)
    if name in _VERBATIM:
        a, b = decode_verbatim(a), decode_verbatim(b)
        return a.casefold() == b.casefold() if name == "doi" else a == b
    if name in ("author", "editor"):
        return _people(a) == _people(b)
    da, db = decode_latex(a), decode_latex(b)
    if name == "pages":
        return re.sub(r"[-‐‑–—]+", "-", da) == re.sub(r"[-‐‑–—]+", "-", db)
    return " ".join(da.split()) == " ".join(db.split())


def _people(value: str) -> list[tuple[str, str]]:
    names, _ = split_names(value)
    return [(fold(n.first), fold(f"{n.von} {n.last}")) for n in map(parse_name, names)]


def _set(entry: Entry, name: str, value: str) -> None:
    """Give the entry `name = value`: in place if it has the field, else before the
    first field that comes after it (FIELD_ORDER; `x-source` last)."""
    entry.edited = True
    have = entry.get(name)
    if have is not None:
        have.value = value
        have.text = None
        return
    rank = _rank(name)
    at = next((i for i, f in enumerate(entry.fields) if _rank(f.name) > rank), len(entry.fields))
    entry.fields.insert(at, Field(name, value))


def _rank(name: str) -> int:
    return 10_000 if name == provenance.FIELD else field_rank(name)
