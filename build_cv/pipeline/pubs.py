"""`build-cv pubs import` and `pubs enrich`: sources read (files, or identifiers fetched
by pipeline/fetch.py), normalized, merged into the `.bib`, and the file replaced whole.

The pure parts are in sources/pubs/; this module decides what to fetch for an identifier
(paging through long lists), and writes the result atomically: the new text goes to a
temporary file beside the `.bib`, which then replaces it, unless the file changed since
it was read (an editor saved it meanwhile), in which case nothing is written.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from build_cv.errors import InputError, shorten
from build_cv.identifiers import ARXIV_ID, DOI
from build_cv.pipeline.fetch import Client, Response
from build_cv.sources.bibtex.reader import MAX_BIB_BYTES, parse_bibtex
from build_cv.sources.pubs import arxiv, crossref, openalex, orcid
from build_cv.sources.pubs.detect import normalize
from build_cv.sources.pubs.merge import Settings, Summary, add_ids, merge
from build_cv.sources.pubs.raw import MAX_SOURCE_BYTES, Parsed
from build_cv.sources.pubs.record import Record, fold, norm_arxiv, norm_doi, norm_title
from build_cv.sources.text import decode_text, read_input

IDENTIFIER = re.compile(r"^(dblp|orcid|doi|arxiv|openalex):(.+)$", re.IGNORECASE)
_PATTERNS = {
    "dblp": re.compile(r"^[A-Za-z0-9][\w/.-]*$"),
    "orcid": re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$"),
    "doi": DOI,
    "arxiv": ARXIV_ID,
    "openalex": re.compile(r"^A\d+$", re.IGNORECASE),
}
_EXAMPLES = {
    "dblp": "dblp:153/7632",
    "orcid": "orcid:0000-0002-1825-0097",
    "doi": "doi:10.1145/3437801.3441578",
    "arxiv": "arxiv:2405.14430",
    "openalex": "openalex:A5023888391",
}
ORCID_BULK = 100  # put-codes per request for the details, ORCID's limit
ARXIV_PAGE = 100
OPENALEX_PAGE = 200
MAX_PAGES = 50  # of one list: 10,000 OpenAlex works, 5,000 arXiv entries


@dataclass
class Gathered:
    """Every record of the sources, and the ones left out with why."""

    records: list[Record] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def take(self, parsed: Parsed) -> None:
        self.records += parsed.records
        self.skipped += parsed.skipped


def is_identifier(source: str) -> bool:
    return IDENTIFIER.match(source) is not None


def gather(sources: Sequence[str], fmt: str | None, client: Client | None) -> Gathered:
    """The records of every source: a file (its format recognized, or `fmt`), or an
    identifier fetched with `client`."""
    out = Gathered()
    for source in sources:
        m = IDENTIFIER.match(source)
        if m is not None and not Path(source).exists():
            if client is None:
                raise InputError(f"{source}: an identifier, but nothing may go online here")
            for kind, response in fetch(m.group(1).lower(), m.group(2).strip(), client):
                out.take(normalize(response.body, response.url, kind)[1])
            continue
        path = Path(source)
        if not path.exists():
            raise InputError(
                f"{source}: no such file, nor an identifier ({', '.join(_EXAMPLES.values())})"
            )
        data = read_input(path, "the source", MAX_SOURCE_BYTES)
        out.take(normalize(data, str(path), fmt)[1])
    return out


def fetch(kind: str, value: str, client: Client) -> Iterator[tuple[str, Response]]:
    """The answers for one identifier, with the format of each, paging through lists."""
    if not _PATTERNS[kind].match(value):
        raise InputError(f"{kind}:{shorten(value)} is not a {kind} id (e.g. {_EXAMPLES[kind]})")
    if kind == "dblp":
        yield "dblp", client.get("dblp", f"/pid/{value}.xml")
    elif kind == "doi":
        yield "crossref", client.get("crossref", f"/works/{quote(value, safe='/()')}")
    elif kind == "arxiv":
        yield from (("arxiv", r) for r in arxiv_query(client, {"id_list": value}, 1))
    elif kind == "orcid":
        yield from (("orcid", r) for r in _orcid(client, value))
    else:
        yield from (("openalex", r) for r in _openalex(client, value.upper()))


def _orcid(client: Client, orcid_id: str) -> Iterator[Response]:
    """The summaries, then the details of their works in bulk, a hundred at a time (the
    details name the authors; the summaries do not)."""
    summaries = client.get("orcid", f"/v3.0/{orcid_id}/works", accept="application/json")
    codes = orcid.put_codes(summaries.body, summaries.url)
    if not codes:
        yield summaries
    for i in range(0, len(codes), ORCID_BULK):
        chunk = ",".join(codes[i : i + ORCID_BULK])
        yield client.get("orcid", f"/v3.0/{orcid_id}/works/{chunk}", accept="application/json")


def _openalex(client: Client, author: str) -> Iterator[Response]:
    """Every page of the author's works, by cursor."""
    cursor: str | None = "*"
    for _ in range(MAX_PAGES):
        if cursor is None:
            return
        params = {"filter": f"author.id:{author}", "per-page": str(OPENALEX_PAGE), "cursor": cursor}
        page = client.get("openalex", "/works", params)
        yield page
        cursor = openalex.next_cursor(page.body, page.url)


def arxiv_query(client: Client, params: dict[str, str], limit: int) -> Iterator[Response]:
    """The pages of an arXiv API query (start / max_results), up to `limit` entries."""
    start = 0
    while start < limit:
        size = min(ARXIV_PAGE, limit - start)
        page = client.get(
            "arxiv", "/api/query", {**params, "start": str(start), "max_results": str(size)}
        )
        yield page
        start += size
        if start >= arxiv.total(page.body, page.url):
            return


# ---- the .bib ---------------------------------------------------------------------------


@dataclass
class Result:
    """The file's text before and after, and what changed."""

    path: Path
    before: str
    after: str
    summary: Summary
    raw: bytes | None  # the bytes read (None: the file does not exist yet)


def read_bib(path: Path) -> tuple[str, bytes | None]:
    if not path.exists() and not path.is_symlink():
        return "", None
    data = read_input(path, "the .bib file", MAX_BIB_BYTES)
    return decode_text(data, path, "BibTeX"), data


def import_into(path: Path, gathered: Gathered, settings: Settings) -> Result:
    before, raw = read_bib(path)
    after, summary = merge(before, path, gathered.records, settings)
    summary.skipped = gathered.skipped + summary.skipped
    return Result(path, before, after, summary, raw)


def write(result: Result) -> None:
    """Replace the file with the new text, whole, keeping its permissions; nothing is
    written if the file changed since it was read."""
    target = Path(os.path.realpath(result.path))
    try:
        now = target.read_bytes() if result.raw is not None else None
    except OSError as exc:
        raise InputError(f"{result.path}: cannot read it again ({exc.strerror})") from None
    if now != result.raw or (result.raw is None and target.exists()):
        raise InputError(f"{result.path}: changed while importing; nothing written, run again")
    mode = target.stat().st_mode & 0o7777 if result.raw is not None else 0o644
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}-", dir=target.parent)
    except OSError as exc:
        raise InputError(f"{result.path}: cannot write beside it ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(result.after.encode("utf-8"))
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temp, mode)
        os.replace(temp, target)
    except OSError as exc:
        raise InputError(f"{result.path}: cannot write it ({exc.strerror})") from None
    finally:
        Path(temp).unlink(missing_ok=True)


# ---- enrich -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """An identifier proposed for an entry, and the answer that agrees with it."""

    key: str
    name: str  # doi or eprint
    value: str
    source: str
    url: str


def agrees(title: str, year: int, family: str, r: Record) -> bool:
    """The same paper: the normalized title, the year and the first author's family name
    all agree. Nothing less counts, so enrich never guesses."""
    return (
        norm_title(r.title) == norm_title(title)
        and r.year == year
        and bool(r.authors)
        and fold(r.authors[0].last) == fold(family)
        and bool(fold(family))
    )


def enrich(path: Path, client: Client, today: str) -> tuple[Result, list[Found]]:
    """DOIs (Crossref's bibliographic search) and arXiv ids (arXiv's title search) for
    the entries that lack them, where exactly one answer agrees."""
    before, raw = read_bib(path)
    found: list[Found] = []
    for entry in parse_bibtex(before, path):
        if not entry.authors:
            continue
        family = entry.authors[0].name.last
        if entry.doi is None:
            found += _doi_for(client, entry.key, entry.title, entry.year, family)
        if entry.arxiv is None:
            found += _arxiv_for(client, entry.key, entry.title, entry.year, family)
    after, summary = add_ids(
        before, path, [(f.key, f.name, f.value, f.source) for f in found], today
    )
    return Result(path, before, after, summary, raw), found


def _doi_for(client: Client, key: str, title: str, year: int, family: str) -> list[Found]:
    params = {"query.bibliographic": f"{title} {family}", "rows": "5"}
    answer = client.get("crossref", "/works", params)
    dois = {
        r.doi
        for r in crossref.parse(answer.body, answer.url).records
        if r.doi and agrees(title, year, family, r)
    }
    if len(dois) != 1:
        return []
    return [Found(key, "doi", norm_doi(dois.pop()) or "", "crossref", answer.url)]


def _arxiv_for(client: Client, key: str, title: str, year: int, family: str) -> list[Found]:
    words = " ".join(re.findall(r"\w+", title))
    surname = " ".join(re.findall(r"\w+", family))
    if not words or not surname:
        return []
    query = {"search_query": f'ti:"{words}" AND au:"{surname}"'}
    ids: set[str] = set()
    url = ""
    for page in arxiv_query(client, query, 10):
        url = url or page.url
        for r in arxiv.parse(page.body, page.url).records:
            if r.arxiv and agrees(title, year, family, r):
                ids.add(norm_arxiv(r.arxiv) or r.arxiv)
    if len(ids) != 1:
        return []
    return [Found(key, "eprint", ids.pop(), "arxiv", url)]


__all__ = ["Client", "Gathered", "Result", "enrich", "gather", "import_into", "write"]
