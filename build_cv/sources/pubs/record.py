"""One publication as a source describes it, and the BibTeX fields it becomes.

Every normalizer returns `Record`s: plain Unicode text, names in their parts, identifiers
in one form (a DOI lower-cased without `https://doi.org/`, an arXiv id without its
version). `fields()` is the one place that turns a record into BibTeX text, through the
same encoder the `bib` export uses, so whatever a service sends (LaTeX commands, braces,
HTML, control characters) is written as literal, brace-balanced text that reads back as
exactly the string it was.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from build_cv.identifiers import ARXIV_ID, ARXIV_IN_TEXT, DOI, DOI_PREFIX
from build_cv.schema.bibentry import BibAuthor, BibEntry, Name
from build_cv.sources.bibtex.decode import encode_latex
from build_cv.sources.bibtex.export import bibtex_name
from build_cv.sources.bibtex.kinds import venue_field
from build_cv.uri import WEB_URL

# Which source's value wins when two imported values of a field differ (the higher): the
# publisher's own record first, a user's exported .bib last. A value typed by hand wins
# over all of them (docs/publications.md).
RANK = {"crossref": 5, "dblp": 4, "openalex": 3, "orcid": 2, "arxiv": 1, "bibtex": 0}
SOURCES = tuple(RANK)

# The order fields are written in; a field added to an entry goes before the first one
# that comes after it here (so adding the same fields in any order gives the same text).
FIELD_ORDER = (
    "author",
    "editor",
    "title",
    "journal",
    "booktitle",
    "howpublished",
    "school",
    "institution",
    "volume",
    "number",
    "pages",
    "publisher",
    "year",
    "month",
    "doi",
    "eprint",
    "archiveprefix",
    "url",
    "biburl",
)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff]")
_SPACE = re.compile(r"\s+")
_VERBATIM_UNSAFE = re.compile(r"[\s{}\\%\"#]")


def clean(text: str | None) -> str:
    """Text as it may be stored: NFC, no control characters, one space between words."""
    if not text:
        return ""
    text = _CONTROL.sub(" ", unicodedata.normalize("NFC", text))
    return _SPACE.sub(" ", text).strip()


def norm_doi(text: str | None) -> str | None:
    """A DOI in one form (DOIs ignore case), or None when `text` is not one. arXiv's own
    DOIs (10.48550/arXiv.…) name the preprint: they are arXiv ids, not DOIs, here."""
    doi = DOI_PREFIX.sub("", clean(text))
    if not DOI.match(doi) or _VERBATIM_UNSAFE.search(doi):
        return None
    if doi.lower().startswith("10.48550/arxiv."):
        return None
    return doi.lower()


def norm_arxiv(text: str | None) -> str | None:
    """An arXiv id without its version (`2405.14430v2` is `2405.14430`), or None."""
    value = clean(text)
    m = ARXIV_IN_TEXT.search(value)
    found = m.group(1) if m else value
    if not ARXIV_ID.match(found):
        return None
    return re.sub(r"v\d+$", "", found)


def norm_url(text: str | None) -> str | None:
    url = clean(text)
    return url if WEB_URL.match(url) and not _VERBATIM_UNSAFE.search(url) else None


def fold(text: str) -> str:
    """Case-, accent- and punctuation-free words: how titles and names are compared."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.findall(r"\w+", plain))


def norm_title(text: str) -> str:
    return fold(text)


@dataclass(frozen=True)
class Record:
    """One publication from one source.

        `venue` goes in the entry type's venue field (`journal`, `booktitle`, ...); a preprint
        is a `misc` with an arXiv id and no venue. `author_ids` holds, per author, the ids a
        source gives (`orcid:0000-…`, `dblp:09/5768`), which tell the owner apart from a
        namesake; `listed_by` is the ORCID iD whose record lists the work (its summaries name no
    authors). `where` names the record in messages (`file:line` or the source's id).
    """

    source: str
    entry_type: str
    title: str
    authors: tuple[Name, ...]
    year: int
    venue: str | None = None
    volume: str | None = None
    number: str | None = None
    pages: str | None = None
    publisher: str | None = None
    doi: str | None = None
    arxiv: str | None = None
    dblp_key: str | None = None
    url: str | None = None
    author_ids: tuple[frozenset[str], ...] = ()
    listed_by: str | None = None
    where: str = field(default="", compare=False)

    @property
    def preprint(self) -> bool:
        return self.arxiv is not None and self.venue is None and self.entry_type == "misc"

    def entry(self, key: str = "") -> BibEntry:
        """The record as the reader's record (for its key and its owner)."""
        return BibEntry(
            key=key,
            entry_type=self.entry_type,
            title=self.title,
            authors=tuple(BibAuthor(n) for n in self.authors),
            year=self.year,
            venue=self.venue,
            doi=self.doi,
            arxiv=self.arxiv,
        )

    def fields(self) -> dict[str, str]:
        """The BibTeX fields, each value as written between the outer braces, in
        FIELD_ORDER."""
        out: dict[str, str] = {"author": " and ".join(bibtex_name(n) for n in self.authors)}
        out["title"] = "{" + encode_latex(self.title) + "}"
        if self.venue:
            out[venue_field(self.entry_type)] = encode_latex(self.venue)
        for name, value in (
            ("volume", self.volume),
            ("number", self.number),
            ("pages", self.pages),
            ("publisher", self.publisher),
        ):
            if value:
                encoded = encode_latex(value)
                out[name] = re.sub(r"\s*[-‐‑–—]+\s*", "--", encoded) if name == "pages" else encoded
        out["year"] = str(self.year)
        if self.doi:
            out["doi"] = self.doi
        if self.arxiv:
            out["eprint"] = self.arxiv
            out["archiveprefix"] = "arXiv"
        if self.url and not (self.doi or self.arxiv):
            out["url"] = self.url
        if self.dblp_key:
            out["biburl"] = f"https://dblp.org/rec/{self.dblp_key}.bib"
        return {k: out[k] for k in sorted(out, key=field_rank)}


def field_rank(name: str) -> int:
    """Where a field goes among FIELD_ORDER; any other field after all of them."""
    try:
        return FIELD_ORDER.index(name)
    except ValueError:
        return len(FIELD_ORDER)


def split_display_name(text: str) -> Name:
    """A name as a service prints it ("Jiarui Fang", "Yang You 0001"): the last word is
    the family name, a DBLP homonym number is dropped."""
    words = re.sub(r"\s+\d{4}$", "", clean(text)).split(" ")
    if len(words) == 1:
        return Name(last=words[0])
    return Name(first=" ".join(words[:-1]), last=words[-1])


def given_family(given: str | None, family: str | None) -> Name | None:
    first, last = clean(given), clean(family)
    if not last:
        return split_display_name(first) if first else None
    return Name(first=first, last=last)
