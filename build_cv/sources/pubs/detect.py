"""Which source a file comes from, told by its content, and the normalizer for each."""

from __future__ import annotations

import re
from collections.abc import Callable

from build_cv.errors import InputError
from build_cv.sources.pubs import arxiv, bibtex, crossref, dblp, openalex, orcid
from build_cv.sources.pubs.options import FORMATS
from build_cv.sources.pubs.raw import Parsed, load_json, text_of

NORMALIZERS: dict[str, Callable[[bytes, str], Parsed]] = {
    "dblp": dblp.parse,
    "orcid": orcid.parse,
    "crossref": crossref.parse,
    "arxiv": arxiv.parse,
    "openalex": openalex.parse,
    "bibtex": bibtex.parse,
}
WHAT = (
    "DBLP person XML or BibTeX, ORCID v3.0 works JSON, a Crossref work JSON, an arXiv Atom "
    "feed, OpenAlex works JSON, or a BibTeX export"
)

_XML_ROOT = re.compile(r"<(?![?!])([\w:.-]+)[^>]*>")
_BIB_ENTRY = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]", re.MULTILINE)


def detect(data: bytes, name: str) -> str:
    """The format of `data`, or an InputError saying what it could be forced to be."""
    text = text_of(data[:65536], name) if len(data) <= 65536 else _head(data, name)
    start = text.lstrip()
    if start.startswith("<"):
        m = _XML_ROOT.search(start)
        root = m.group(1) if m else ""
        if root == "dblpperson":
            return "dblp"
        if m and root == "feed" and "http://www.w3.org/2005/Atom" in m.group(0):
            return "arxiv"
    elif start.startswith("{"):
        found = _json_format(data, name)
        if found:
            return found
    elif _BIB_ENTRY.search(text):
        return "bibtex"
    raise InputError(
        f"{name}:1:1: not a format `pubs import` recognizes ({WHAT}); "
        f"name it with --from {{{','.join(FORMATS)}}}"
    )


def _head(data: bytes, name: str) -> str:
    return data[:65536].decode("utf-8", "ignore")


def _json_format(data: bytes, name: str) -> str | None:
    value = load_json(data, name)  # malformed: the error names the position
    if not isinstance(value, dict):
        return None
    if "group" in value or "bulk" in value:
        return "orcid"
    if ("message" in value and "message-type" in value) or "DOI" in value:
        return "crossref"
    if ("results" in value and "meta" in value) or str(value.get("id", "")).startswith(
        "https://openalex.org/W"
    ):
        return "openalex"
    return None


def normalize(data: bytes, name: str, fmt: str | None = None) -> tuple[str, Parsed]:
    """The records of `data`, in the format given or the one recognized."""
    found = fmt or detect(data, name)
    return found, NORMALIZERS[found](data, name)
