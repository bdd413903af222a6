"""Read publications from a .bib file into plain, immutable records (bibtex_model.py).

bibtexparser v2 only splits the file into blocks: it keeps going past a broken entry and
keeps every block's line. The rest is done here because a CV needs more than its
middlewares give: macros joined with `#` (bibtex_values.py), undefined macros reported
rather than printed, `crossref` inheritance, LaTeX decoded by a fixed table
(latex_decode.py) and names parsed (names.py). Every problem in the file is collected
with its `file.bib:LINE` and raised together as one SchemaError, so one run shows them
all.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bibtexparser.entrypoint import parse_string
from bibtexparser.model import (
    Block,
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ParsingFailedBlock,
    String,
)

from build_cv.errors import InputError, Location, SchemaError, SchemaProblem
from build_cv.sources.bibtex_model import (
    OTHER_VENUE_FIELDS,
    PREPRINT_VENUE,
    VENUE_FIELDS,
    BibAuthor,
    BibEntry,
    BibOrigin,
)
from build_cv.sources.bibtex_values import PREDEFINED_MACROS, expand, month_number
from build_cv.sources.latex_decode import decode_latex, decode_verbatim
from build_cv.sources.names import parse_name, split_names
from build_cv.sources.yaml_source import record_read
from build_cv.uri import URI

# The splitter logs each broken block; here those become SchemaProblems, and only the
# CLI prints.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())
logging.getLogger("bibtexparser").propagate = False

_Report = Callable[[str | None, str], None]


def read_bibtex(path: Path, read: dict[Path, str] | None = None) -> tuple[BibEntry, ...]:
    """Every publication of a .bib file, in file order, or one error naming every problem.

    An entry that another entry cross-references (a DBLP @proceedings) is a container,
    not a publication, and is not returned. `read`, if given, records the bytes parsed
    (see `yaml_source.Loaded.read`).
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: the BibTeX file does not exist") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the BibTeX file ({exc.strerror})") from None
    if read is not None:
        record_read(read, path, data)
    return parse_bibtex(_utf8(data, path), path)


def _utf8(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            f"{path}:{line}:{column}: the file is not UTF-8: the byte 0x{data[exc.start]:02x} "
            f"at offset {exc.start} is not valid UTF-8; save the file as UTF-8"
        ) from None


def parse_bibtex(text: str, path: Path) -> tuple[BibEntry, ...]:
    """Parse .bib text as read_bibtex does; `path` only names the file in origins and errors."""
    library = parse_string(text, parse_stack=[])
    problems: list[SchemaProblem] = []
    macros = _macros(library.blocks, path, problems)
    raws = _raw_entries(library.blocks, path, macros, problems)
    _inherit(raws, path, problems)
    containers = {r.crossref.lower() for r in raws if r.crossref}
    entries = []
    for raw in raws:
        if raw.key.lower() not in containers:
            entry = _entry(raw, path, problems)
            if entry is not None:
                entries.append(entry)
    if problems:
        raise SchemaError(sorted(problems, key=lambda p: p.location.line or 0))
    return tuple(entries)


def _problem(path: Path, line: int | None, key: str, message: str) -> SchemaProblem:
    return SchemaProblem(Location(path, line, None, field=f"@{key}"), message)


def _line(zero_based: int | None) -> int | None:
    return None if zero_based is None else zero_based + 1


def _macros(blocks: Sequence[Block], path: Path, problems: list[SchemaProblem]) -> dict[str, str]:
    """The @string macros, each expanded with those before it; a redefinition wins."""
    macros = dict(PREDEFINED_MACROS)
    for block in blocks:
        string = block.ignore_error_block if isinstance(block, DuplicateBlockKeyBlock) else block
        if not isinstance(string, String):
            continue
        value, unknown = expand(string.value, macros)
        for name in unknown:
            problems.append(
                _problem(
                    path,
                    _line(string.start_line),
                    f"string{{{string.key}}}",
                    f"uses the @string macro `{name}`, which is not defined",
                )
            )
        macros[string.key.lower()] = value
    return macros


@dataclass
class _Raw:
    """An entry with its macros expanded: lower-case field names to LaTeX text and lines."""

    key: str
    entry_type: str
    line: int
    fields: dict[str, str]
    lines: dict[str, int]

    @property
    def crossref(self) -> str:
        return self.fields.get("crossref", "").strip()


def _raw_entries(
    blocks: Sequence[Block], path: Path, macros: Mapping[str, str], problems: list[SchemaProblem]
) -> list[_Raw]:
    raws: list[_Raw] = []
    seen: dict[str, int] = {}
    for block in blocks:
        if isinstance(block, DuplicateBlockKeyBlock):
            if isinstance(block.ignore_error_block, Entry):
                problems.append(
                    _duplicate(path, _line(block.start_line), block.key, block.previous_block)
                )
        elif isinstance(block, DuplicateFieldKeyBlock):
            entry = block.ignore_error_block
            key = entry.key if isinstance(entry, Entry) else "?"
            names = ", ".join(f"`{k}`" for k in sorted(block.duplicate_keys))
            problems.append(
                _problem(path, _line(block.start_line), key, f"the field {names} is given twice")
            )
        elif isinstance(block, ParsingFailedBlock):
            problems.append(_broken(block, path))
        elif isinstance(block, Entry):
            raw = _expand(block, path, macros, problems)
            first = seen.setdefault(raw.key.lower(), raw.line)
            if first != raw.line:
                problems.append(
                    _problem(
                        path,
                        raw.line,
                        raw.key,
                        f"the key `{raw.key}` is used again (first at line {first}; keys "
                        "ignore case); every entry needs its own key",
                    )
                )
            else:
                raws.append(raw)
    return raws


def _duplicate(path: Path, line: int | None, key: str, previous: Block) -> SchemaProblem:
    return _problem(
        path,
        line,
        key,
        f"the key `{key}` is used again (first at line {_line(previous.start_line)}); "
        "every entry needs its own key",
    )


_BLOCK_HEAD = re.compile(r"@\s*(\w+)\s*[{(]\s*([^,\s{}()=]*)")


def _broken(block: ParsingFailedBlock, path: Path) -> SchemaProblem:
    head = _BLOCK_HEAD.match(block.raw or "")
    key = head.group(2) if head and head.group(2) else "?"
    if head and head.group(1).lower() == "string":
        key = f"string{{{key}}}"
    reason = str(getattr(block.error, "abort_reason", "") or block.error).strip()
    if "end of file" in reason:
        message = "the entry is not closed before the end of the file (a `}` is missing)"
    elif "Unexpected block start" in reason:
        message = (
            "the entry is not closed before the next line starting with `@` "
            '(a `}` or `"` is missing)'
        )
    else:
        message = f"the entry cannot be read: {reason}"
    return _problem(path, _line(block.start_line), key, message)


def _expand(
    block: Entry, path: Path, macros: Mapping[str, str], problems: list[SchemaProblem]
) -> _Raw:
    line = _line(block.start_line) or 0
    raw = _Raw(block.key, block.entry_type.lower(), line, {}, {})
    if not block.key:
        problems.append(_problem(path, line, "?", "the entry has no key"))
    for f in block.fields:
        name = f.key.strip().lower()
        value, unknown = expand(str(f.value), macros)
        field_line = _line(f.start_line) or line
        for macro in unknown:
            problems.append(
                _problem(
                    path,
                    field_line,
                    block.key,
                    f"{name}: uses the @string macro `{macro}`, which is not defined",
                )
            )
        raw.fields[name] = value
        raw.lines[name] = field_line
    return raw


# What an entry never takes from the one it cross-references (biblatex's defaults), and
# the types for which the parent's title is the child's booktitle.
_NOT_INHERITED = {"crossref", "xref", "ids", "entryset", "label", "shorthand", "sortkey"}
_TITLE_IS_BOOKTITLE = {"inproceedings", "conference", "incollection", "inbook", "inreference"}


def _inherit(raws: list[_Raw], path: Path, problems: list[SchemaProblem]) -> None:
    """Fill each `crossref` child's missing fields from its parent, as biblatex does."""
    by_key = {r.key.lower(): r for r in raws}
    for r in raws:
        if not r.crossref:
            continue
        parent = by_key.get(r.crossref.lower())
        if parent is None:
            problems.append(
                _problem(
                    path,
                    r.lines["crossref"],
                    r.key,
                    f"crossref: `{r.crossref}` is not an entry of this file",
                )
            )
            continue
        own = set(r.fields)
        for name, value in parent.fields.items():
            target = name
            if name == "title" and r.entry_type in _TITLE_IS_BOOKTITLE:
                target = "booktitle"
            elif name in _NOT_INHERITED or name.partition("+an")[0] in own:
                continue
            if target not in r.fields:
                r.fields[target] = value
                r.lines[target] = parent.lines[name]


# ---- one publication --------------------------------------------------------------------

_ARXIV_ID = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$")
_ARXIV_IN_TEXT = re.compile(
    r"(?:arxiv\.org/(?:abs|pdf)/|arxiv[:\s]\s*|abs/|10\.48550/arxiv\.)"
    r"(\d{4}\.\d{4,5}(?:v\d+)?|[a-z-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)",
    re.IGNORECASE,
)
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_TAG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_YEAR = re.compile(r"^\d{4}$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-\d{2})?(?:/.*)?$")
_DBLP_HOMONYM = re.compile(r"\s+\d{4}$")
_PREPRINT_TYPES = {"misc", "online", "unpublished", "preprint", "electronic", "article"}


def _entry(r: _Raw, path: Path, problems: list[SchemaProblem]) -> BibEntry | None:
    def text(name: str) -> str | None:
        return decode_latex(r.fields.get(name, "")) or None

    def report(name: str | None, message: str) -> None:
        line = r.lines.get(name, r.line) if name else r.line
        problems.append(_problem(path, line, r.key, message))

    before = len(problems)
    title = text("title")
    if title is None:
        report(None, "has no `title`")
    authors, et_al, editors = _authors(r, report)
    year, month = _year_month(r, report)
    doi = _doi(r, report)
    url = decode_verbatim(r.fields.get("url", "")) or None
    if url is not None and not URI.match(url):
        report("url", f"url: `{url}` is not an http(s):// URL")
    arxiv, arxiv_from = _arxiv(r, report)
    if len(problems) > before or title is None or year is None:
        return None

    preprint = arxiv is not None and _is_preprint(r.entry_type, text)
    publisher = text("publisher")
    return BibEntry(
        key=r.key,
        entry_type=r.entry_type,
        title=title,
        authors=authors,
        year=year,
        venue=PREPRINT_VENUE if preprint else _venue(r.entry_type, text),
        et_al=et_al,
        authors_are_editors=editors,
        month=month,
        volume=None if preprint else text("volume"),
        number=None if preprint else text("number"),
        pages=_pages(text("pages")),
        location=text("location") or (None if publisher else text("address")),
        publisher=publisher,
        type_label=text("type"),
        note=text("note"),
        doi=doi,
        url=url,
        arxiv=arxiv,
        arxiv_from=arxiv_from,
        tags=tags_from_keywords(text("keywords") or ""),
        origin=BibOrigin(path, r.line, r.key),
    )


def _is_preprint(entry_type: str, text: Callable[[str], str | None]) -> bool:
    """An arXiv-only publication, as opposed to a published one with an arXiv link."""
    if entry_type not in _PREPRINT_TYPES:
        return False
    if entry_type == "article":
        journal = (text("journal") or "").lower()
        return journal.startswith("arxiv") or journal == "corr"
    venue = (text("howpublished") or text("journal") or "arxiv").lower()
    return "arxiv" in venue


def _venue(entry_type: str, text: Callable[[str], str | None]) -> str | None:
    for name in VENUE_FIELDS.get(entry_type, OTHER_VENUE_FIELDS):
        value = text(name)
        if value:
            return value
    return None


def _authors(r: _Raw, report: _Report) -> tuple[tuple[BibAuthor, ...], bool, bool]:
    """The author list (or, without one, the editors), its `and others`, and which it is."""
    source = "author" if r.fields.get("author", "").strip() else "editor"
    value = r.fields.get(source, "").strip()
    if not value:
        report(None, "has no `author` (or `editor`)")
        return (), False, False
    raw_names, et_al = split_names(value)
    if not all(raw_names):
        report(source, f"{source}: the list has an empty name (two `and`s in a row?)")
        return (), et_al, False
    roles = _roles(r, source, len(raw_names), report)
    authors = tuple(
        BibAuthor(parse_name(_DBLP_HOMONYM.sub("", n)), frozenset(roles.get(i, ())))
        for i, n in enumerate(raw_names, start=1)
    )
    return authors, et_al, source == "editor"


_AN_ITEM = re.compile(r"^\s*(\d+)\s*(?::\s*[A-Za-z]+)?\s*=\s*(.*?)\s*$")


def _roles(r: _Raw, source: str, count: int, report: _Report) -> dict[int, set[str]]:
    """biblatex item annotations: `author+an = {1=equal; 2=equal,corresponding}`.

    Named annotations (`author+an:roles`) count the same, and a part annotation
    (`1:family=student`) gives its author the role too; field annotations (`=x`) and
    quoted literal ones are not roles of anyone.
    """
    roles: dict[int, set[str]] = {}
    for name, value in r.fields.items():
        if name != f"{source}+an" and not name.startswith(f"{source}+an:"):
            continue
        for item in (i.strip() for i in decode_latex(value).split(";")):
            if not item or item.startswith("="):
                continue
            m = _AN_ITEM.match(item)
            if m is None:
                report(name, f"{name}: `{item}` is not `N=role` (e.g. `1=equal`)")
                continue
            index = int(m.group(1))
            if not 1 <= index <= count:
                report(name, f"{name}: item {index} is not one of the {count} names")
                continue
            values = (v.strip() for v in m.group(2).split(","))
            roles.setdefault(index, set()).update(v for v in values if v and '"' not in v)
    return roles


def _year_month(r: _Raw, report: _Report) -> tuple[int | None, int | None]:
    year_text = decode_latex(r.fields.get("year", ""))
    date_text = decode_latex(r.fields.get("date", ""))
    month = month_number(decode_latex(r.fields.get("month", "")))
    if year_text:
        if not _YEAR.match(year_text) or not 1000 <= int(year_text) <= 2100:
            report("year", f"year: `{year_text}` is not a year (write four digits, e.g. 2024)")
            return None, None
        return int(year_text), month
    if date_text:
        m = _DATE.match(date_text)
        if m is None:
            report("date", f"date: `{date_text}` is not a date written YYYY, YYYY-MM or YYYY-MM-DD")
            return None, None
        return int(m.group(1)), month or (month_number(m.group(2)) if m.group(2) else None)
    report(None, "has no `year` (or `date`)")
    return None, None


def _doi(r: _Raw, report: _Report) -> str | None:
    raw = decode_verbatim(r.fields.get("doi", ""))
    if not raw:
        return None
    doi = _DOI_PREFIX.sub("", raw)
    if not _DOI.match(doi):
        report("doi", f"doi: `{raw}` is not a DOI (one looks like 10.1145/3437801.3441578)")
        return None
    return doi


def _arxiv(r: _Raw, report: _Report) -> tuple[str | None, str | None]:
    """The arXiv id, from eprint/archivePrefix (arXiv, DBLP), a URL or a Scholar journal,
    and the field it was found in (a variant hiding that field hides the id too)."""
    eprint = decode_verbatim(r.fields.get("eprint", ""))
    archive = decode_verbatim(r.fields.get("archiveprefix") or r.fields.get("eprinttype") or "")
    if eprint and (archive.lower() == "arxiv" or (not archive and _ARXIV_ID.match(eprint))):
        eprint = re.sub(r"^arxiv:\s*", "", eprint, flags=re.IGNORECASE)
        if not _ARXIV_ID.match(eprint):
            report("eprint", f"eprint: `{eprint}` is not an arXiv id such as 2405.14430")
            return None, None
        return eprint, "eprint"
    corr = decode_latex(r.fields.get("journal", "")).lower() == "corr"
    for name in ARXIV_SOURCES:
        if name == "volume" and not corr:
            continue
        m = _ARXIV_IN_TEXT.search(decode_verbatim(r.fields.get(name, "")))
        if m:
            return m.group(1), name
    return None, None


# The fields an arXiv id is looked for in, in order, when no eprint gives it.
ARXIV_SOURCES = ("url", "journal", "doi", "volume", "note", "howpublished")


def _pages(pages: str | None) -> str | None:
    """Page ranges with an en dash however they were written (`-`, `--`, `–`)."""
    return re.sub(r"\s*[-‐‑–—]+\s*", "–", pages) if pages else None


def tags_from_keywords(keywords: str) -> tuple[str, ...]:
    """BibTeX `keywords` as tags: lower case, spaces to `-`.

    A keyword that cannot be a tag (`C++`) is left out without an error: keywords also
    serve other tools, and the file should not have to change for the CV.
    """
    tags: list[str] = []
    for word in re.split(r"[,;]", keywords):
        tag = re.sub(r"\s+", "-", word.strip().lower())
        if _TAG.match(tag) and tag not in tags:
            tags.append(tag)
    return tuple(tags)
