"""Read publications from a .bib file into plain, immutable records (schema/bibentry.py).

bibtexparser v2 only splits the file into blocks: it keeps going past a broken entry and
keeps every block's line. The rest is done here because a CV needs more than its
middlewares give: macros joined with `#` (values.py), undefined macros reported
rather than printed, `crossref` inheritance, LaTeX decoded by a fixed table
(decode.py) and names parsed (names.py). Every problem in the file is collected
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
    ImplicitComment,
    ParsingFailedBlock,
    String,
)

from build_cv.errors import Location, SchemaError, SchemaProblem, shorten
from build_cv.identifiers import ARXIV_ID, ARXIV_IN_TEXT, DOI, DOI_PREFIX
from build_cv.schema.bibentry import BibAuthor, BibEntry, BibOrigin
from build_cv.sources.bibtex.braces import MAX_DEPTH, TooDeep, brace_depth
from build_cv.sources.bibtex.decode import decode_latex, decode_verbatim
from build_cv.sources.bibtex.kinds import (
    OTHER_VENUE_FIELDS,
    PREPRINT_TYPES,
    PREPRINT_VENUE,
    VENUE_FIELDS,
)
from build_cv.sources.bibtex.names import parse_name, split_names
from build_cv.sources.bibtex.values import (
    MAX_VALUE_CHARS,
    PREDEFINED_MACROS,
    Expansion,
    ValueTooLong,
    excerpt,
    expand,
    month_number,
)
from build_cv.sources.text import decode_text, read_input, record_read
from build_cv.uri import URI

# The splitter logs each broken block; here those become SchemaProblems, and only the
# CLI prints.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())
logging.getLogger("bibtexparser").propagate = False

_Report = Callable[[str | None, str], None]

# The largest .bib read: the biggest shared libraries (the ACL Anthology's, cryptobib)
# are a few tens of MB. A limit keeps `bib: /dev/zero`, or a disk image named by
# mistake, from filling memory.
MAX_BIB_BYTES = 64 * 1024 * 1024
# What all the values of one file may expand to together (macros, `#` joins, crossref
# inheritance): four times the file, or this much for a small one. A few hundred bytes
# of @strings that double at each step would otherwise ask for gigabytes.
EXPANSION_FACTOR = 4
MIN_EXPANSION_CHARS = 4_000_000


def read_bibtex(path: Path, read: dict[Path, str] | None = None) -> tuple[BibEntry, ...]:
    """Every publication of a .bib file, in file order, or one error naming every problem.

    An entry that another entry cross-references (a DBLP @proceedings) is a container,
    not a publication, and is not returned. `read`, if given, records the bytes parsed
    (see `yaml_source.Loaded.read`).
    """
    data = read_input(path, "the .bib file", MAX_BIB_BYTES)
    if read is not None:
        record_read(read, path, data)
    return parse_bibtex(decode_text(data, path, "BibTeX"), path)


def parse_bibtex(text: str, path: Path) -> tuple[BibEntry, ...]:
    """Parse .bib text as read_bibtex does; `path` only names the file in origins and errors."""
    library = parse_string(text, parse_stack=[])
    problems: list[SchemaProblem] = []
    budget = _Budget(max(EXPANSION_FACTOR * len(text), MIN_EXPANSION_CHARS))
    try:
        macros = _macros(library.blocks, path, problems, budget)
        raws = _raw_entries(library.blocks, path, macros, problems, budget)
        _inherit(raws, path, problems, budget)
    except _Stop as stop:  # one value too big: nothing after it is worth reading
        raise SchemaError(_in_order([*problems, stop.problem], path)) from None
    containers = {r.crossref.lower() for r in raws if r.crossref}
    entries = []
    for raw in raws:
        if raw.key.lower() not in containers and not raw.broken:
            try:
                entry = _entry(raw, path, problems)
            except TooDeep as exc:  # each field was measured, but never a traceback
                problems.append(_problem(path, raw.line, raw.key, str(exc)))
                continue
            if entry is not None:
                entries.append(entry)
    if problems:
        raise SchemaError(_in_order(problems, path))
    return tuple(entries)


# A file with a mistake in every entry (or one that is not BibTeX at all) would print a
# line for each; the first ones are enough to go on.
MAX_PROBLEMS = 50


def _in_order(problems: list[SchemaProblem], path: Path) -> list[SchemaProblem]:
    ordered = sorted(problems, key=lambda p: p.location.line or 0)
    if len(ordered) <= MAX_PROBLEMS:
        return ordered
    more = len(ordered) - MAX_PROBLEMS
    return [*ordered[:MAX_PROBLEMS], SchemaProblem(Location(path), f"and {more:,} more problems")]


def _problem(path: Path, line: int | None, key: str, message: str) -> SchemaProblem:
    return SchemaProblem(Location(path, line, None, field=f"@{shorten(key)}"), message)


class _Stop(Exception):
    """A value past its size limit: reading stops there, with this problem."""

    def __init__(self, problem: SchemaProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class _Budget:
    """The characters all expansions of one file may still produce."""

    def __init__(self, chars: int) -> None:
        self.total = chars
        self.left = chars

    def expand(
        self, value: str, macros: Mapping[str, str], where: Callable[[str], SchemaProblem]
    ) -> Expansion:
        """`expand`, within both limits; past one, _Stop with the problem `where` makes."""
        try:
            found = expand(value, macros, min(MAX_VALUE_CHARS, self.left))
        except ValueTooLong as exc:
            if exc.limit == MAX_VALUE_CHARS:
                raise _Stop(where(str(exc))) from None
            raise self._spent(where) from None
        self.left -= len(found.text)
        return found

    def spend(self, chars: int, where: Callable[[str], SchemaProblem]) -> None:
        self.left -= chars
        if self.left < 0:
            raise self._spent(where)

    def _spent(self, where: Callable[[str], SchemaProblem]) -> _Stop:
        return _Stop(
            where(
                f"the values of this file expand to over {self.total:,} characters in all "
                "(@string macros, `#` joins and crossref), more than build-cv reads"
            )
        )


def _line(zero_based: int | None) -> int | None:
    return None if zero_based is None else zero_based + 1


def _macros(
    blocks: Sequence[Block], path: Path, problems: list[SchemaProblem], budget: _Budget
) -> dict[str, str]:
    """The @string macros, each expanded with those before it.

    A macro the file defines twice with two values is an error: BibTeX uses each value
    in the entries after it (and btparse and Biber warn), but here every entry would get
    the last one, so a venue would change without a word. The same value twice (two
    files pasted together) is fine, and so is a month (`jan`), which styles predefine."""
    macros = dict(PREDEFINED_MACROS)
    defined: dict[str, tuple[int | None, str]] = {}
    for block in blocks:
        string = block.ignore_error_block if isinstance(block, DuplicateBlockKeyBlock) else block
        if not isinstance(string, String):
            continue
        line = _line(string.start_line)
        name = f"string{{{string.key}}}"

        def where(message: str, line: int | None = line, name: str = name) -> SchemaProblem:
            return _problem(path, line, name, message)

        found = budget.expand(string.value, macros, where)
        for macro in found.unknown:
            problems.append(
                where(f"uses the @string macro `{shorten(macro)}`, which is not defined")
            )
        if found.problem is not None:
            problems.append(where(found.problem))
        first = defined.setdefault(string.key.lower(), (line, found.text))
        if first[1] != found.text:
            problems.append(
                where(
                    f"defines `{shorten(string.key)}` again, with another value than at line "
                    f"{first[0]}; every entry would get this one: give it another name"
                )
            )
        macros[string.key.lower()] = found.text
    return macros


@dataclass
class _Raw:
    """An entry with its macros expanded: lower-case field names to LaTeX text and lines."""

    key: str
    entry_type: str
    line: int
    fields: dict[str, str]
    lines: dict[str, int]
    broken: bool = False  # already reported: what else it lacks would only be noise

    @property
    def crossref(self) -> str:
        return self.fields.get("crossref", "").strip()


def _raw_entries(
    blocks: Sequence[Block],
    path: Path,
    macros: Mapping[str, str],
    problems: list[SchemaProblem],
    budget: _Budget,
) -> list[_Raw]:
    raws: list[_Raw] = []
    seen: dict[str, int] = {}
    previous: Block | None = None
    last: _Raw | None = None
    for block in blocks:
        if isinstance(block, ImplicitComment) and isinstance(
            previous, Entry | DuplicateFieldKeyBlock
        ):
            leftover = _leftover(block, previous, path)
            if leftover is not None:
                problems.append(leftover)
                if last is not None and isinstance(previous, Entry):
                    last.broken = True
        previous = block
        if isinstance(block, DuplicateBlockKeyBlock):
            if isinstance(block.ignore_error_block, Entry):
                problems.append(
                    _duplicate(path, _line(block.start_line), block.key, block.previous_block)
                )
        elif isinstance(block, DuplicateFieldKeyBlock):
            entry = block.ignore_error_block
            key = entry.key if isinstance(entry, Entry) else "?"
            names = ", ".join(f"`{shorten(k)}`" for k in sorted(block.duplicate_keys))
            problems.append(
                _problem(path, _line(block.start_line), key, f"the field {names} is given twice")
            )
        elif isinstance(block, ParsingFailedBlock):
            problems.append(_broken(block, path))
        elif isinstance(block, Entry):
            raw = last = _expand(block, path, macros, problems, budget)
            first = seen.setdefault(raw.key.lower(), raw.line)
            if first != raw.line:
                problems.append(
                    _problem(
                        path,
                        raw.line,
                        raw.key,
                        f"the key `{shorten(raw.key)}` is used again (first at line {first}; keys "
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
        f"the key `{shorten(key)}` is used again (first at line {_line(previous.start_line)}); "
        "every entry needs its own key",
    )


# Text after an entry's closing brace that looks like more of the entry: its first
# character is `,` or `}`, or it starts as a field (`year = 2020`). BibTeX ignores text
# between entries, so a `}` too many in a value silently ends the entry there.
_LOOKS_LIKE_FIELDS = re.compile(r"\s*(?:[,}]|[^\s\"#%'(),={}]+\s*=)")


def _leftover(comment: ImplicitComment, entry: Block, path: Path) -> SchemaProblem | None:
    if not _LOOKS_LIKE_FIELDS.match(comment.comment):
        return None
    inner = entry.ignore_error_block if isinstance(entry, DuplicateFieldKeyBlock) else entry
    return _problem(
        path,
        _line(comment.start_line),
        str(getattr(inner, "key", "?")),
        f"`{excerpt(comment.comment)}` comes after the entry's closing `}}` and is not read; "
        "is there a `}` too many in a value above it?",
    )


_BLOCK_HEAD = re.compile(r"@\s*(\w+)\s*[{(]\s*([^,\s{}()=]*)")
# bibtexparser's reasons, which quote what it found (up to a whole file when that is not
# BibTeX), as short sentences that quote nothing.
_REASONS = (
    ("end of file", "the entry is not closed before the end of the file (a `}` is missing)"),
    (
        "Unexpected block start",
        'the entry is not closed before the next line starting with `@` (a `}` or `"` is missing)',
    ),
    ("Expected a `=` after entry key", "a field has no `=` (or a `,` is one too many)"),
    ("Expected comma after entry key", "the key is not followed by a `,`"),
    ("Expected equals sign", "the @string has no `=`"),
    ("Expected either a `,`", "a value is not followed by `,` or the closing `}`"),
)


def _broken(block: ParsingFailedBlock, path: Path) -> SchemaProblem:
    head = _BLOCK_HEAD.match(block.raw or "")
    key = head.group(2) if head and head.group(2) else "?"
    if head and head.group(1).lower() == "string":
        key = f"string{{{key}}}"
    reason = str(getattr(block.error, "abort_reason", "") or block.error)
    message = next(
        (said for found, said in _REASONS if found in reason), "the entry cannot be read"
    )
    return _problem(path, _line(block.start_line), key, message)


# A field name as BibTeX reads it; `%` starts a comment to the end of the line, as for
# biber, so a field commented out (or a comment line before one) hides nothing else.
_FIELD_NAME = re.compile(r"[^\s\"#%'(),={}]+")
_COMMENT = re.compile(r"%[^\n]*")


def _expand(
    block: Entry,
    path: Path,
    macros: Mapping[str, str],
    problems: list[SchemaProblem],
    budget: _Budget,
) -> _Raw:
    line = _line(block.start_line) or 0
    raw = _Raw(block.key, block.entry_type.lower(), line, {}, {})
    before = len(problems)
    if not block.key:
        problems.append(_problem(path, line, "?", "the entry has no key"))
    for index, f in enumerate(block.fields):
        name = _COMMENT.sub("", f.key).strip().lower()
        field_line = _line(f.start_line) or line

        def report(message: str, at: int = field_line, name: str = name) -> SchemaProblem:
            return _problem(path, at, block.key, f"{name or 'a field commented out'}: {message}")

        if name and not _FIELD_NAME.fullmatch(name):
            problems.append(
                _problem(path, field_line, block.key, f"`{excerpt(name)}` is not a field name")
            )
            continue
        found = budget.expand(str(f.value), macros, report)
        if found.problem is not None:
            at = _value_line(block, index, found.problem_at) or field_line
            problems.append(report(found.problem, at))
        if not name:
            continue
        for macro in found.unknown:
            problems.append(
                report(f"uses the @string macro `{shorten(macro)}`, which is not defined")
            )
        if brace_depth(found.text) > MAX_DEPTH:
            problems.append(report(f"braces are nested more than {MAX_DEPTH} deep"))
            continue
        raw.fields[name] = found.text
        raw.lines[name] = field_line
    raw.broken = len(problems) > before
    return raw


def _value_line(block: Entry, index: int, offset: int) -> int | None:
    """The line of character `offset` of field `index`'s value, found in the entry's text
    (bibtexparser gives only the line of each `=`)."""
    text = block.raw or ""
    pos = 0
    for i, f in enumerate(block.fields[: index + 1]):
        value = str(f.value)
        pos = text.find("=", pos) + 1
        if pos == 0 or not value:
            return None
        pos = text.find(value, pos)
        if pos < 0:
            return None
        if i < index:
            pos += len(value)
    start = _line(block.start_line)
    return None if start is None else start + text.count("\n", 0, pos + offset)


# What an entry never takes from the one it cross-references (biblatex's defaults), and
# the types for which the parent's title is the child's booktitle.
_NOT_INHERITED = {"crossref", "xref", "ids", "entryset", "label", "shorthand", "sortkey"}
_TITLE_IS_BOOKTITLE = {"inproceedings", "conference", "incollection", "inbook", "inreference"}


def _inherit(raws: list[_Raw], path: Path, problems: list[SchemaProblem], budget: _Budget) -> None:
    """Fill each `crossref` child's missing fields from its parent, as biber does.

    A parent that has a `crossref` itself has inherited first, so a chain (paper ->
    proceedings -> series) passes every field down whatever the order in the file. A
    cycle (or an entry naming itself) is an error naming its keys: each of its entries
    would be the other's container, and both would vanish from the CV.
    """
    by_key = {r.key.lower(): r for r in raws}
    done: set[str] = set()
    for start in raws:
        chain: list[_Raw] = []
        on_chain: dict[str, int] = {}
        r: _Raw | None = start
        while r is not None and r.key.lower() not in done:
            if r.key.lower() in on_chain:
                cycle = chain[on_chain[r.key.lower()] :]
                problems.append(_cycle(cycle, path))
                for c in cycle:
                    c.broken = True
                    done.add(c.key.lower())
                chain = chain[: on_chain[r.key.lower()]]
                break
            on_chain[r.key.lower()] = len(chain)
            chain.append(r)
            r = _parent(r, by_key, path, problems)
        for child in reversed(chain):  # the parent of each is complete by now
            parent = by_key.get(child.crossref.lower()) if child.crossref else None
            if parent is not None and parent.broken:
                child.broken = True  # it leads into a cycle, reported once as that
            elif parent is not None:
                _take_fields(child, parent, path, budget)
            done.add(child.key.lower())


def _parent(
    r: _Raw, by_key: Mapping[str, _Raw], path: Path, problems: list[SchemaProblem]
) -> _Raw | None:
    if not r.crossref:
        return None
    parent = by_key.get(r.crossref.lower())
    if parent is None:
        problems.append(
            _problem(
                path,
                r.lines["crossref"],
                r.key,
                f"crossref: `{shorten(r.crossref)}` is not an entry of this file",
            )
        )
    return parent


def _cycle(cycle: list[_Raw], path: Path) -> SchemaProblem:
    first = cycle[0]
    if len(cycle) == 1:
        message = "crossref: the entry names itself as its parent"
    else:
        keys = " -> ".join(shorten(c.key) for c in [*cycle, first])
        message = f"crossref cycle: {keys}; a parent cannot be its own child's child"
    return _problem(path, first.lines.get("crossref", first.line), first.key, message)


def _take_fields(child: _Raw, parent: _Raw, path: Path, budget: _Budget) -> None:
    own = set(child.fields)
    for name, value in parent.fields.items():
        target = name
        if name == "title" and child.entry_type in _TITLE_IS_BOOKTITLE:
            target = "booktitle"
        elif name in _NOT_INHERITED or name.partition("+an")[0] in own:
            continue
        if target not in child.fields:
            budget.spend(
                len(value),
                lambda message: _problem(path, child.line, child.key, f"crossref: {message}"),
            )
            child.fields[target] = value
            child.lines[target] = parent.lines[name]


# ---- one publication --------------------------------------------------------------------

_TAG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_YEAR = re.compile(r"^\d{4}$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-\d{2})?(?:/.*)?$")
_DBLP_HOMONYM = re.compile(r"\s+\d{4}$")


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
        report("url", f"url: `{shorten(url)}` is not an http(s):// URL")
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
        cv_fields=tuple(
            (name, value, r.lines.get(name)) for name in CV_FIELDS if (value := text(name))
        ),
    )


# The fields a .bib entry may give the CV beyond the citation, as a YAML publication does
# (docs/bibtex.md): whether it is representative, its narrative and CRediT roles, its DFG
# category, its venue's ranks (`ccf = {A}`, `ccf_edition = {2022}`), its citations, and
# what `--fit` reads (`priority`, `keep`). BibTeX styles ignore fields they do not know.
CV_FIELDS = (
    "representative", "contribution", "credit", "dfg_category",
    "ccf", "ccf_edition", "core", "core_edition", "jcr", "jcr_edition", "cas", "cas_edition",
    "citations", "citations_source", "citations_as_of", "priority", "keep",
)  # fmt: skip


def _is_preprint(entry_type: str, text: Callable[[str], str | None]) -> bool:
    """An arXiv-only publication, as opposed to a published one with an arXiv link."""
    if entry_type not in PREPRINT_TYPES:
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
                report(name, f"{name}: `{shorten(item)}` is not `N=role` (e.g. `1=equal`)")
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
            report(
                "year", f"year: `{shorten(year_text)}` is not a year (write four digits, e.g. 2024)"
            )
            return None, None
        return int(year_text), month
    if date_text:
        m = _DATE.match(date_text)
        if m is None:
            report(
                "date",
                f"date: `{shorten(date_text)}` is not a date written YYYY, YYYY-MM or YYYY-MM-DD",
            )
            return None, None
        return int(m.group(1)), month or (month_number(m.group(2)) if m.group(2) else None)
    report(None, "has no `year` (or `date`)")
    return None, None


def _doi(r: _Raw, report: _Report) -> str | None:
    raw = decode_verbatim(r.fields.get("doi", ""))
    if not raw:
        return None
    doi = DOI_PREFIX.sub("", raw)
    if not DOI.match(doi):
        report(
            "doi", f"doi: `{shorten(raw)}` is not a DOI (one looks like 10.1145/3437801.3441578)"
        )
        return None
    return doi


def _arxiv(r: _Raw, report: _Report) -> tuple[str | None, str | None]:
    """The arXiv id, from eprint/archivePrefix (arXiv, DBLP), a URL or a Scholar journal,
    and the field it was found in (a variant hiding that field hides the id too)."""
    eprint = decode_verbatim(r.fields.get("eprint", ""))
    archive = decode_verbatim(r.fields.get("archiveprefix") or r.fields.get("eprinttype") or "")
    if eprint and (archive.lower() == "arxiv" or (not archive and ARXIV_ID.match(eprint))):
        eprint = re.sub(r"^arxiv:\s*", "", eprint, flags=re.IGNORECASE)
        if not ARXIV_ID.match(eprint):
            report("eprint", f"eprint: `{shorten(eprint)}` is not an arXiv id such as 2405.14430")
            return None, None
        return eprint, "eprint"
    corr = decode_latex(r.fields.get("journal", "")).lower() == "corr"
    for name in ARXIV_SOURCES:
        if name == "volume" and not corr:
            continue
        m = ARXIV_IN_TEXT.search(decode_verbatim(r.fields.get(name, "")))
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
