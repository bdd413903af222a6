"""JSON Resume into build-cv YAML: `build-cv import resume.json`.

A document this tool wrote carries `x-sections` and `x-` fields, and comes back as the CV
it was made from. Any other JSON Resume is mapped section by section (docs/formats.md).

Three rules make the result trustworthy:
- Nothing is invented. A value the résumé does not have stays missing: an experience
  without a position shows its organization alone, a publication has no authors (JSON
  Resume has no field for them), a venue stays empty. An entry that cannot stand without
  a missing value (a degree without an institution) is left out, and a note names it.
- Nothing is lost silently. Every value with no place in build-cv is named in a note.
- What is written builds. The YAML is validated with the loader `build-cv build` uses;
  a value the schema rejects is left out with a note (the entry, if the value is one it
  needs), and what cannot be left out (the name) is an error that says what to fix.

Text goes into Markup fields as it is: JSON Resume themes read summaries as Markdown, and
the schema still rejects a link that is not http(s) or mailto.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from babel.numbers import is_currency
from pydantic import ValidationError

from build_cv.errors import (
    InputError,
    Location,
    PathKey,
    SchemaError,
    SchemaProblem,
    format_path,
    quoted,
    shorten,
)
from build_cv.formats.jsonresume.profiles import SHAPES, id_problem, profile_id
from build_cv.formats.jsonresume.writer import schema_problems
from build_cv.formats.latex.fonts import missing_glyphs, name_problem, shown
from build_cv.schema import model as m
from build_cv.schema.phone import e164, known_region, region_of
from build_cv.sources.text import decode_text, read_input

Json = dict[str, Any]
MAX_BYTES = 10_000_000  # a résumé is some kilobytes; this bounds what a mistake can cost
MAX_DEPTH = 32  # the deepest JSON Resume (x-document.design.checks) nests 4 levels
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
_YEAR_MONTH = re.compile(r"^(\d{4})(-\d{2})?")
# The sections a JSON Resume without `x-sections` becomes, in this order.
DEFAULT_SECTIONS: dict[str, tuple[str, str]] = {
    "work": ("Work Experience", "experience"),
    "volunteer": ("Volunteering", "experience"),
    "education": ("Education", "education"),
    "projects": ("Projects", "projects"),
    "publications": ("Publications", "publications"),
    "x-patents": ("Patents", "patents"),
    "x-grants": ("Grants", "grants"),
    "x-teaching": ("Teaching", "teaching"),
    "x-supervision": ("Supervision", "supervision"),
    "awards": ("Awards", "awards"),
    "certificates": ("Certificates", "items"),
    "skills": ("Skills", "items"),
    "languages": ("Languages", "items"),
    "interests": ("Interests", "items"),
    "references": ("References", "references"),
    "x-raw": ("LaTeX", "raw"),
}
# The kinds of section an array's entries may go to when `x-sections` places them.
_KINDS = {key: {kind} for key, (_, kind) in DEFAULT_SECTIONS.items()} | {
    "interests": {"items", "list"},
    "projects": {"projects", "talks"},  # JSON Resume's `type: talk` (docs/kinds.md)
    "volunteer": {"experience", "service"},
}
# The record kinds (docs/kinds.md), whose sections may leave out their title.
_RECORD_KINDS = {"grants", "teaching", "supervision", "talks", "service", "awards"}
_TOP_LEVEL = {*DEFAULT_SECTIONS, "basics", "meta", "$schema", "x-sections", "x-document"}
HEADER = "# Converted from JSON Resume by `build-cv import`; build it with `build-cv build`.\n"


@dataclass
class Imported:
    """The CV data made from a JSON Resume, its YAML (checked by the loader), and what
    could not be carried over."""

    data: Json
    notes: list[str] = field(default_factory=list)
    text: str = ""

    def yaml(self) -> str:
        return self.text or _dump(self.data)


def _dump(data: Json) -> str:
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml: 20 times as fast
    body = yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=100)
    return HEADER + body


# ---- reading ------------------------------------------------------------------------------


def read_json_resume(path: Path, data: bytes | None = None) -> Json:
    """The document at `path`, valid against the official schema, or an InputError;
    `data` is the document itself when it was read from elsewhere (standard input), and
    `path` then names where in messages."""
    text = _read(path) if data is None else decode_text(data, path, "JSON")
    document = _parse(text, path)
    if not isinstance(document, dict):
        kind = _json_type(document)
        raise InputError(f'{path}: a JSON Resume is an object (`{{"basics": ...}}`), not {kind}')
    deep = _too_deep(document)
    if deep is not None:
        raise InputError(
            f"{path}: {_plain(shorten(format_path(deep), 80))}: nested more than {MAX_DEPTH} "
            "levels deep; no JSON Resume field nests like that"
        )
    _without_blanks(document)
    problems = schema_problems(document)
    if problems:
        raise SchemaError(
            [
                SchemaProblem(Location(path, field=p.partition(": ")[0]), p.partition(": ")[2])
                for p in problems
            ]
        )
    return document


def _read(path: Path) -> str:
    return decode_text(read_input(path, "the JSON Resume file", MAX_BYTES), path, "JSON")


def _parse(text: str, path: Path) -> Any:
    def no_constant(name: str) -> None:
        raise ValueError(f"{name} is not a JSON value")

    try:
        return json.loads(text, parse_constant=no_constant)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from None
    except ValueError as exc:
        raise InputError(f"{path}: not JSON: {exc}") from None
    except RecursionError:
        raise InputError(
            f"{path}: nested too deeply to read; no JSON Resume field nests like that"
        ) from None


def _too_deep(document: Any) -> PathKey | None:
    """The path of the first value nested deeper than MAX_DEPTH, without recursion."""
    stack: list[tuple[Any, PathKey]] = [(document, ())]
    while stack:
        node, path = stack.pop()
        if len(path) > MAX_DEPTH:
            return path[:MAX_DEPTH]
        if isinstance(node, dict):
            stack.extend((v, (*path, str(k))) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, (*path, i)) for i, v in enumerate(node))
    return None


_OPEN_END = {"present", "current", "now", "ongoing"}


def _without_blanks(node: Any) -> None:
    """Drop what says nothing, as people write it and the official schema rejects: an
    empty string (`"endDate": ""`, `"email": ""`) and an endDate of `Present`, which
    JSON Resume writes by leaving endDate out."""
    if isinstance(node, dict):
        for key in list(node):
            value = node[key]
            blank = isinstance(value, str) and not value.strip()
            if blank or (key == "endDate" and str(value).strip().lower() in _OPEN_END):
                del node[key]
            else:
                _without_blanks(value)
    elif isinstance(node, list):
        for item in node:
            _without_blanks(item)


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    return "a number"


# ---- the x- extensions, checked: the official schema says nothing about them ------------------


class _Shape:
    """What an `x-` value must be, as a check and as words for the message."""

    def __init__(self, what: str, check: Callable[[Any], bool]) -> None:
        self.what, self.check = what, check


def _is_str(v: Any) -> bool:
    return isinstance(v, str)


STRING = _Shape("a string", _is_str)
STRINGS = _Shape("a list of strings", lambda v: isinstance(v, list) and all(map(_is_str, v)))
BOOL = _Shape("true or false", lambda v: isinstance(v, bool))
INDEX = _Shape("a whole number", lambda v: isinstance(v, int) and not isinstance(v, bool))
INDEXES = _Shape(
    "a list of whole numbers", lambda v: isinstance(v, list) and all(map(INDEX.check, v))
)
NUMBER = _Shape("a number", lambda v: isinstance(v, int | float) and not isinstance(v, bool))
OBJECT = _Shape("an object", lambda v: isinstance(v, dict))
OBJECTS = _Shape(
    "a list of objects", lambda v: isinstance(v, list) and all(isinstance(i, dict) for i in v)
)
LINKS = _Shape(
    "a list of {label, url} objects with string values",
    lambda v: (
        isinstance(v, list)
        and all(isinstance(i, dict) and all(map(_is_str, i.values())) for i in v)
    ),
)


class _Reader:
    """Reads values out of the document, failing with the file and field when an `x-`
    value has the wrong type (the official schema checks only the standard fields)."""

    def __init__(self, source: Path) -> None:
        self.source = source

    def get(self, obj: Json, key: str, shape: _Shape, where: str) -> Any:
        value = obj.get(key)
        if value is None or shape.check(value):
            return value
        name = f"{where}.{key}" if where else key
        raise InputError(
            f"{self.source}: {name}: must be {shape.what}, not {_json_type(value)} "
            f"({_plain(shorten(json.dumps(value, ensure_ascii=False), 40))})"
        )


# ---- the mapping --------------------------------------------------------------------------


@dataclass
class _Run:
    read: _Reader
    ours: bool
    keep_latex: bool = False
    notes: list[str] = field(default_factory=list)
    # Where each entry and section came from in the JSON, for the notes about them.
    origin: dict[int, tuple[Json, str]] = field(default_factory=dict)

    def came_from(self, node: Json, where: str) -> None:
        self.origin[id(node)] = (node, where)  # the node is kept, so its id stays its own

    def note(self, text: str) -> None:
        self.notes.append(text)

    def left_out(self, where: str, keys: set[str], e: Json) -> None:
        """A note for each key of `e` that has a value and no place in build-cv."""
        named = "" if where.startswith("basics") else f" ({_label(e)})"
        for key in sorted(keys):
            if e.get(key) not in (None, "", [], {}):
                shown = _plain(shorten(key, 40))
                self.note(f"{where}.{shown} is left out{named}: build-cv has no place for it")


def import_json_resume(
    document: Json,
    today: date | None = None,
    source: Path = Path("resume.json"),
    *,
    keep_latex: bool = False,
) -> Imported:
    """The CV data made from `document`, valid and buildable, and notes on what was left
    out; an InputError when no valid CV can be made (no name).

    Raw LaTeX (`x-raw`, a raw section's `latex`, `design.preamble_latex`) is kept only
    with `keep_latex`: TeX runs it when the CV is built, and whoever imports a résumé
    from elsewhere would not expect a JSON file to carry code."""
    document = copy.deepcopy(document)  # its lists become the CV's, which lose values
    run = _Run(_Reader(source), _ours(document), keep_latex)
    basics = run.read.get(document, "basics", OBJECT, "") or {}
    extra = run.read.get(document, "x-document", OBJECT, "") or {}
    design = dict(run.read.get(extra, "design", OBJECT, "x-document") or {})
    if design.get("preamble_latex") and not keep_latex:
        del design["preamble_latex"]
        run.note(f"x-document.design.preamble_latex is left out: {_RAW_LATEX}")
    data: Json = {"person": _person(basics, design.get("region"), run)}
    data["updated"] = _updated(document, today or date.today(), run)
    _unread_document_keys(extra, run)
    for key in ("title", "subject"):
        data[key] = run.read.get(extra, key, STRING, "x-document")
    data["keywords"] = run.read.get(extra, "keywords", STRINGS, "x-document")
    data["summary"] = basics.get("summary")
    data["sections"] = _sections(document, run)
    data["design"] = design
    region = data["person"].pop("x-region", None)
    if region:
        design["region"] = region
    for key in sorted(set(document) - _TOP_LEVEL):
        if document[key] not in (None, "", [], {}):
            run.note(f"{_plain(shorten(key, 40))} is left out: build-cv has no place for it")
    cleaned = _valid(_clean(data), run, source)
    _typesettable(cleaned, run, source)
    text = _dump(cleaned)
    _check_with_the_loader(text, source)
    _no_authors(cleaned, run)
    return Imported(cleaned, run.notes, text)


_DOCUMENT_KEYS = {"title", "subject", "keywords", "design"}  # what the writer puts there
_RAW_LATEX = (
    "it is raw LaTeX, which TeX runs when the CV is built; read it, and import again "
    "with --keep-latex to keep it"
)


def _unread_document_keys(extra: Json, run: _Run) -> None:
    """A note for each `x-document` key the importer does not read. `allow_outside` is
    never read: the consent to read files outside the CV's folder is the user's, given
    on the command line or written by them, and a file from elsewhere cannot give it."""
    for key in sorted(set(extra) - _DOCUMENT_KEYS):
        shown = _plain(shorten(key, 40))
        if key == "allow_outside":
            run.note(
                "x-document.allow_outside is left out: only you can let a CV read files "
                "outside its folder (--allow-outside, or `allow_outside: true` written by "
                "you), never a file you import"
            )
        elif extra[key] not in (None, "", [], {}):
            run.note(f"x-document.{shown} is left out: build-cv has no place for it")


def _no_authors(data: Json, run: _Run) -> None:
    """JSON Resume has no field for authors: say so once, rather than invent any."""
    titles = [
        e["title"]
        for s in data.get("sections", [])
        if s.get("kind") == "publications"
        for e in s.get("entries", [])
        if not e.get("authors")
    ]
    if titles:
        run.note(
            f"publications: {len(titles)} publication(s) have no authors (JSON Resume has no "
            f"field for them), e.g. {quoted(titles[0], 40)}; add `authors:` to each"
        )


def _ours(document: Json) -> bool:
    meta = document.get("meta")
    return isinstance(meta, dict) and meta.get("x-generator") == "build-cv"


def _clean(value: Any) -> Any:
    """`value` without empty values, changed in place: the notes know entries by identity."""
    if isinstance(value, dict):
        for key in list(value):
            if _clean(value[key]) in (None, "", [], {}):
                del value[key]
    elif isinstance(value, list):
        for item in value:
            _clean(item)
    return value


def _updated(document: Json, today: date, run: _Run) -> str:
    modified = (document.get("meta") or {}).get("lastModified")
    day = str(modified)[:10] if _ISO_DAY.match(str(modified)) else ""
    if day and real_date(day):
        return day
    if modified is None:
        why = "the résumé has no meta.lastModified"
    else:
        why = f"meta.lastModified {quoted(str(modified), 40)} is not a date that exists"
        why = why if day else why.replace("that exists", "(YYYY-MM-DD)")
    run.note(
        f"updated: set to today, {today.isoformat()} ({why}); "
        "it prints as `Last updated`, so correct it if the content is older"
    )
    return today.isoformat()


_FULL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def real_date(value: str) -> bool:
    """Whether `value` (YYYY, YYYY-MM or YYYY-MM-DD) names a month or day that exists:
    the official schema's pattern lets 2020-02-30 and 2020-13 through."""
    found = _FULL_DATE.match(value)
    if not found:
        return False
    year, month, day = (int(g or 1) for g in found.groups())
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _bad_dates(e: Json, keys: tuple[str, ...]) -> str:
    """What is wrong with the dates of `e` among `keys`, for a note; empty if nothing."""
    bad = [key for key in keys if e.get(key) and not real_date(str(e[key]))]
    if not bad:
        return ""
    named = " and ".join(f"{key} {quoted(str(e[key]), 40)}" for key in bad)
    return f"{named} {'is not a date' if len(bad) == 1 else 'are not dates'} that exist" + (
        "s" if len(bad) == 1 else ""
    )


# ---- the person ---------------------------------------------------------------------------


def _person(basics: Json, region: Any, run: _Run) -> Json:
    """The person; `region` is the design.region of a document build-cv wrote."""
    name = basics.get("name")
    if not name or not name.strip():
        raise InputError(
            f"{run.read.source}: basics.name: a CV needs the person's name; add "
            '`"name": "Your Name"` to `basics` and import again'
        )
    location = basics.get("location") or {}
    person: Json = {
        "name": name,
        "native_name": run.read.get(basics, "x-nativeName", STRING, "basics"),
        "headline": basics.get("label"),
        "email": basics.get("email"),
        "location": _place(location, run),
        "phone": basics.get("phone"),
        "homepage": basics.get("url") or basics.get("website"),
        "author_names": run.read.get(basics, "x-authorNames", STRINGS, "basics"),
    }
    for key, name in _X_PRIVATE.items():  # private still: printed only where shown
        person[name] = run.read.get(basics, key, STRING, "basics")
    _phone(person, region or location.get("countryCode"), run)
    for i, profile in enumerate(basics.get("profiles") or []):
        _profile(person, profile, f"basics.profiles[{i}]", run)
    used = {"name", "label", "email", "phone", "url", "summary", "location", "profiles"}
    used |= {"website", "x-nativeName", "x-authorNames", *_X_PRIVATE}
    run.left_out("basics", set(basics) - used, basics)
    return person


# The private person fields build-cv writes as `x-` keys of `basics`.
_X_PRIVATE = {
    "x-birthDate": "birth_date", "x-gender": "gender", "x-nationality": "nationality",
    "x-ethnicity": "ethnicity", "x-politicalStatus": "political_status", "x-hometown": "hometown",
}  # fmt: skip


def _place(location: Json, run: _Run) -> str | None:
    """`city, region, countryCode`; the street address only when there is no city."""
    if location.get("address") and not location.get("city"):
        run.left_out("basics.location", {"postalCode"}, location)
        return str(location["address"])
    run.left_out("basics.location", {"address", "postalCode"}, location)
    parts = [location.get(k) for k in ("city", "region", "countryCode")]
    return ", ".join(str(p) for p in parts if p) or None


def _phone(person: Json, country: Any, run: _Run) -> None:
    """Keep a phone the schema accepts, dialled in `country` (design.region, else
    `countryCode`) if the location names none."""
    number = person.get("phone")
    if not number:
        return
    code = country.upper() if isinstance(country, str) else ""
    region = code if re.fullmatch(r"[A-Z]{2}", code) and known_region(code) else None
    try:
        e164(number, region, person.get("location"))
    except ValueError as exc:
        run.note(f"basics.phone is left out: {exc}")
        person["phone"] = None
        return
    if region and not number.startswith("+") and region_of(person.get("location")) != region:
        person["x-region"] = region  # becomes design.region


def _profile(person: Json, profile: Json, where: str, run: _Run) -> None:
    network = str(profile.get("network") or "")
    url = str(profile.get("url") or "")
    user = str(profile.get("username") or "")
    key, value = profile_id(network, user, url)
    shown = _plain(shorten(network or url or user or "unnamed", 40))
    if key is None:
        run.note(f"{where}: the {shown} profile is left out: build-cv has no place for it")
    elif value is None and url and not user and (problem := id_problem(key, url)):
        run.note(f"{where}: {quoted(url)} is left out: {_plain(problem)}")
    elif value is None and url and not user:
        run.note(
            f"{where}: {quoted(url)} is left out: it is not the address of a profile, "
            f"which has the shape {SHAPES[key]}"
        )
    elif value is None:
        run.note(
            f"{where}: the {shown} profile is left out: neither its username nor its url "
            f"gives a valid {key} id ({quoted(user or url)})"
        )
    elif person.get(key):
        run.note(f"{where}: a second {shown} profile is left out ({quoted(value)})")
    else:
        person[key] = value


# ---- sections -----------------------------------------------------------------------------


def _sections(document: Json, run: _Run) -> list[Json]:
    """The sections, as `x-sections` orders them in a document build-cv wrote; in any
    other, each array becomes its default section (an `x-sections` there is checked, and
    named in a note, but its sections are not made up from what another tool meant)."""
    records = run.read.get(document, "x-sections", OBJECTS, "")
    foreign = bool(records) and not run.ours
    if foreign:
        run.note(
            "x-sections is left out: only a document build-cv wrote (meta.x-generator: "
            "build-cv) is read with its sections; each entry goes to its default section"
        )
    sections = (
        []
        if foreign
        else [_record(r, f"x-sections[{i}]", run) for i, r in enumerate(records or [])]
    )
    by_key: dict[str, Json] = {}
    for key, (title, kind) in DEFAULT_SECTIONS.items():
        entries = run.read.get(document, key, OBJECTS, "") if key.startswith("x-") else None
        for i, entry in enumerate(entries or document.get(key) or []):
            where = f"{key}[{i}]"
            index = run.read.get(entry, "x-section", INDEX, where)
            if isinstance(index, int) and 0 <= index < len(sections):
                section = sections[index]
                if section["kind"] not in _KINDS[key]:
                    run.note(f"{where}: x-section {index} is a {section['kind']} section; ignored")
                    section = by_key.setdefault(key, _section(title, kind))
            else:
                if index is not None and not foreign:
                    run.note(
                        f"{where} ({_label(entry)}): x-section {index} is ignored: x-sections "
                        f"has no section {index} (it has {len(sections)}); the entry goes to "
                        f"{quoted(title)}"
                    )
                section = by_key.setdefault(key, _section(title, kind))
            _add(section, key, entry, where, run)
    sections += by_key.values()
    for section in sections:
        if section["kind"] == "raw" and section.get("latex") and not run.keep_latex:
            del section["latex"]
            where = _where(run, section, "a raw section")
            run.note(f"{where} ({_plain(quoted(section['title'], 40))}) is left out: {_RAW_LATEX}")
    return [s for s in sections if s.get("entries") or s.get("latex")]


def _section(title: str, kind: str) -> Json:
    return {"title": title, "kind": kind, "entries": []}


def _record(r: Json, where: str, run: _Run) -> Json:
    title = run.read.get(r, "title", STRING, where)
    kind = run.read.get(r, "kind", STRING, where)
    known = kind in {k for kinds in _KINDS.values() for k in kinds}
    if not known or not (title or kind in _RECORD_KINDS):
        raise InputError(
            f"{run.read.source}: {where}: needs a `title` and a `kind` build-cv knows "
            f"(one of {', '.join(sorted({k for ks in _KINDS.values() for k in ks}))})"
        )
    section: Json = {"title": title, "kind": kind} if title else {"kind": kind}
    for key in ("intro", "tags", "numbering", "group_by", "columns", "latex", "order"):
        if key in r:
            section[key] = r[key]
    run.came_from(section, where)
    if kind != "raw":
        section["entries"] = []
    return section


def _add(section: Json, key: str, e: Json, where: str, run: _Run) -> None:
    if section["kind"] == "raw":
        section["latex"] = run.read.get(e, "latex", STRING, where) or ""
        run.came_from(section, where)
        return
    if section["kind"] == "list":
        section["entries"].extend(run.read.get(e, "keywords", STRINGS, where) or [])
        return
    convert = _RECORDS.get(section["kind"]) or _CONVERTERS[key]
    entry = convert(e, where, run)
    if entry is None:
        return
    entry["tags"] = run.read.get(e, "x-tags", STRINGS, where)
    run.came_from(entry, f"{where} ({_label(e)})")
    section["entries"].append(entry)


def _label(e: Json) -> str:
    names = (e.get(k) for k in ("name", "title", "institution", "organization", "company"))
    return _plain(shorten(str(next((n for n in names if isinstance(n, str) and n), "unnamed")), 40))


def _plain(text: str) -> str:
    """Text from the file, fit for a terminal: a control character (an escape sequence
    that recolours or rewrites the screen, a bidirectional override) shown as its code."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _skip(where: str, e: Json, missing: str, run: _Run) -> None:
    run.note(f"{where} ({_label(e)}) is left out: it has no {missing}, which build-cv needs")


def _dates(e: Json, where: str, run: _Run) -> Json:
    """start and end; a missing or empty endDate is a current entry, as JSON Resume has it.
    A date that does not exist (2020-02-30) leaves out both: its entry's span is unknown."""
    bad = _bad_dates(e, ("startDate", "endDate"))
    if bad:
        run.note(f"{where} ({_label(e)}): the dates are left out: {bad}")
        return {}
    start = _YEAR_MONTH.match(str(e.get("startDate") or ""))
    if not start:
        if e.get("endDate"):
            run.note(f"{where}: endDate {e['endDate']} is left out: there is no startDate")
        return {}
    dates: Json = {"start": start.group()}
    if run.read.get(e, "x-singleDate", BOOL, where):
        return dates
    end = _YEAR_MONTH.match(str(e.get("endDate") or ""))
    dates["end"] = end.group() if end else "present"
    return dates


_DATED = {"startDate", "endDate", "x-singleDate", "x-section", "x-tags"}


def _work(e: Json, where: str, run: _Run) -> Json | None:
    """`company` and `website` are the names JSON Resume used before v1.0."""
    organization = e.get("name") or e.get("organization") or e.get("company")
    if not organization:
        _skip(where, e, "organization (`name`)", run)
        return None
    summary, description = e.get("summary"), e.get("description")
    if description and summary:  # the organization, then the work: one summary
        summary = f"{description.rstrip()}{_stop(description)} {summary}"
    run.left_out(where, set(e) - _DATED - _WORK_USED, e)
    return {
        "position": e.get("position"),
        "organization": organization,
        "location": e.get("location"),
        **_dates(e, where, run),
        "summary": summary or description,
        "highlights": e.get("highlights"),
    }


_WORK_USED = {"name", "organization", "company", "position", "location", "summary", "highlights"}
_WORK_USED |= {"description"}


def _stop(text: str) -> str:
    return "" if text.rstrip().endswith((".", "!", "?", ":")) else "."


def _education(e: Json, where: str, run: _Run) -> Json | None:
    study, area = e.get("studyType"), e.get("area")
    degree = f"{study} in {area}" if study and area else study or area
    if not degree or not e.get("institution"):
        _skip(where, e, "institution" if degree else "degree (`studyType` or `area`)", run)
        return None
    details = list(run.read.get(e, "x-details", STRINGS, where) or [])
    score = e.get("score") or e.get("gpa")
    if score:
        details.append(f"Score: {score}")
    if e.get("courses"):
        details.append("Courses: " + ", ".join(e["courses"]))
    used = {"studyType", "area", "institution", "score", "gpa", "courses"}
    if run.ours:
        used |= {"url"}
    run.left_out(where, set(e) - _DATED - used - _X_EDUCATION, e)
    return {
        "degree": degree,
        "institution": e["institution"],
        "location": run.read.get(e, "x-location", STRING, where),
        **_dates(e, where, run),
        "advisors": run.read.get(e, "x-advisors", STRINGS, where),
        "dissertation": run.read.get(e, "x-dissertation", STRING, where),
        "dissertation_url": run.read.get(e, "x-dissertationUrl", STRING, where),
        "honours": run.read.get(e, "x-honours", STRINGS, where),
        "details": details,
    }


_X_EDUCATION = {"x-details", "x-location", "x-advisors", "x-dissertation", "x-dissertationUrl"}
_X_EDUCATION |= {"x-honours"}


def _project(e: Json, where: str, run: _Run) -> Json | None:
    if not e.get("name"):
        _skip(where, e, "name", run)
        return None
    links = run.read.get(e, "x-links", LINKS, where)
    url = e.get("url") or e.get("website")
    if links is None and url:
        links = [{"label": "link", "url": url}]
    used = {"name", "entity", "description", "summary", "highlights", "url", "website"}
    run.left_out(where, set(e) - _DATED - used - {"x-links"}, e)
    return {
        "title": e["name"],
        "organization": e.get("entity"),
        **_dates(e, where, run),
        "summary": e.get("description") or e.get("summary"),
        "highlights": e.get("highlights"),
        "links": links,
    }


def _publication(e: Json, where: str, run: _Run) -> Json | None:
    year = _YEAR_MONTH.match(str(e.get("releaseDate") or ""))
    bad = _bad_dates(e, ("releaseDate",))
    if e.get("name") and bad:
        run.note(f"{where} ({_label(e)}) is left out: its {bad}, and build-cv needs its year")
        return None
    if not e.get("name") or not year:
        _skip(where, e, "year (`releaseDate`)" if e.get("name") else "title (`name`)", run)
        return None
    get = run.read.get
    used = {"name", "publisher", "releaseDate", "url", "website", "summary", "x-section"}
    run.left_out(where, set(e) - used - {"x-tags"} - set(_X_PUBLICATION), e)
    return {
        "title": e["name"],
        "authors": get(e, "x-authors", STRINGS, where),
        "venue": e.get("publisher"),
        "et_al": get(e, "x-etAl", BOOL, where),
        "year": int(year.group(1)),
        "details": get(e, "x-details", STRING, where) or (None if run.ours else e.get("summary")),
        "equal_contribution": get(e, "x-equalContribution", STRINGS, where),
        "corresponding": get(e, "x-corresponding", STRINGS, where),
        "entry_type": get(e, "x-entryType", STRING, where),
        "arxiv": get(e, "x-arxiv", STRING, where),
        "doi": get(e, "x-doi", STRING, where),
        "url": get(e, "x-url", STRING, where) if run.ours else (e.get("url") or e.get("website")),
        "pdf": get(e, "x-pdf", STRING, where),
        "representative": get(e, "x-representative", BOOL, where),
        "contribution": get(e, "x-contribution", STRING, where),
        "credit": get(e, "x-credit", STRINGS, where),
        "dfg_category": get(e, "x-dfgCategory", STRING, where),
        "ranks": get(e, "x-ranks", OBJECT, where),
        "citations": get(e, "x-citations", OBJECT, where),
    }


_X_PUBLICATION = {
    "x-authors": STRINGS, "x-etAl": BOOL, "x-details": STRING, "x-equalContribution": STRINGS,
    "x-corresponding": STRINGS, "x-entryType": STRING, "x-arxiv": STRING, "x-doi": STRING,
    "x-url": STRING, "x-pdf": STRING, "x-representative": BOOL, "x-contribution": STRING,
    "x-credit": STRINGS, "x-dfgCategory": STRING, "x-ranks": OBJECT, "x-citations": OBJECT,
}  # fmt: skip


def _patents(e: Json, where: str, run: _Run) -> Json | None:
    organization = run.read.get(e, "organization", STRING, where)
    patents = run.read.get(e, "patents", OBJECTS, where) or []
    if not organization or not patents:
        _skip(where, e, "organization" if patents else "patents", run)
        return None
    return {
        "organization": organization,
        "patents": [
            {
                "number": run.read.get(p, "number", STRING, f"{where}.patents[{i}]"),
                "first_inventor": run.read.get(p, "firstInventor", BOOL, f"{where}.patents[{i}]"),
            }
            for i, p in enumerate(patents)
        ],
    }


def _year(e: Json, where: str, run: _Run) -> str:
    """The year of an award's or certificate's `date`, its label."""
    bad = _bad_dates(e, ("date",))
    if bad:
        run.note(f"{where} ({_label(e)}): the year is left out: {bad}")
        return ""
    return str(e.get("date") or "")[:4]


def _labelled(label: str, text: str, where: str, e: Json, run: _Run) -> Json | None:
    if not text:
        _skip(where, e, "text", run)
        return None
    return {"label": label, "text": text}


def _certificate(e: Json, where: str, run: _Run) -> Json | None:
    text = ", ".join(str(p) for p in (e.get("name"), e.get("issuer")) if p)
    if text and e.get("url"):
        text = f"[{_markup_text(text)}]({e['url']})"
    run.left_out(where, set(e) - {"name", "issuer", "url", "date", "x-section"}, e)
    return _labelled(_year(e, where, run), text, where, e, run)


def _markup_text(text: str) -> str:
    """Text inside a markup link's label: brackets would end it."""
    return re.sub(r"([\[\]\\])", r"\\\1", text)


def _named(name: Any, text: str, where: str, e: Json, run: _Run) -> Json | None:
    """A skill, language or interest: `Name: what`, or the name alone."""
    name = str(name or "")
    if not name and not text:
        _skip(where, e, "name", run)
        return None
    return {"label": name, "text": text} if text else {"label": "", "text": name}


def _skill(e: Json, where: str, run: _Run) -> Json | None:
    keywords = ", ".join(run.read.get(e, "keywords", STRINGS, where) or [])
    level = e.get("level")
    text = f"{keywords} ({level})" if keywords and level else keywords or level or ""
    run.left_out(where, set(e) - {"name", "keywords", "level", "x-section", "x-tags"}, e)
    return _named(e.get("name"), text, where, e, run)


def _language(e: Json, where: str, run: _Run) -> Json | None:
    run.left_out(where, set(e) - {"language", "fluency", "x-section", "x-tags"}, e)
    return _named(e.get("language"), e.get("fluency") or "", where, e, run)


def _interest(e: Json, where: str, run: _Run) -> Json | None:
    keywords = ", ".join(run.read.get(e, "keywords", STRINGS, where) or [])
    run.left_out(where, set(e) - {"name", "keywords", "x-section", "x-tags"}, e)
    return _named(e.get("name"), keywords, where, e, run)


def _reference(e: Json, where: str, run: _Run) -> Json | None:
    if not e.get("name"):
        _skip(where, e, "name", run)
        return None
    used = {"name", "reference", "x-position", "x-email", "x-phone", "x-url", "x-section"}
    run.left_out(where, set(e) - used - {"x-tags"}, e)
    return {
        "name": e["name"],
        "position": _referee_position(e, where, run),
        "email": run.read.get(e, "x-email", STRING, where),
        "phone": run.read.get(e, "x-phone", STRING, where),
        "url": run.read.get(e, "x-url", STRING, where),
    }


def _referee_position(e: Json, where: str, run: _Run) -> Any:
    """`reference` is what the referee wrote about the person ("It is my pleasure to
    recommend ..."), never their position, which only build-cv's `x-position` gives (or
    `reference`, in what build-cv wrote before it had `x-position`)."""
    position = run.read.get(e, "x-position", STRING, where)
    quote = e.get("reference")
    if position is None and run.ours and "x-position" not in e:
        return quote
    if quote not in (None, "") and quote != position:
        run.note(
            f"{where}.reference is left out ({_label(e)}): it is the referee's recommendation, "
            "and build-cv's references list who to ask, not what they wrote"
        )
    return position


_CONVERTERS: dict[str, Callable[[Json, str, _Run], Json | None]] = {
    "work": _work,
    "volunteer": _work,
    "education": _education,
    "projects": _project,
    "publications": _publication,
    "x-patents": _patents,
    "certificates": _certificate,
    "skills": _skill,
    "languages": _language,
    "interests": _interest,
    "references": _reference,
}


# ---- the record kinds (docs/kinds.md) ------------------------------------------------------


def _award(e: Json, where: str, run: _Run) -> Json | None:
    """Any JSON Resume's award: name from `title`, issuer from `awarder`, its month from
    `date`, `summary` as the citation; the amount only from a document build-cv wrote."""
    if not e.get("title"):
        _skip(where, e, "name (`title`)", run)
        return None
    used = {"title", "awarder", "date", "summary", "x-amount", "x-currency", "x-section", "x-tags"}
    run.left_out(where, set(e) - used, e)
    return {
        "name": e["title"],
        "issuer": e.get("awarder"),
        "date": _month(e, "date", where, run),
        "summary": e.get("summary"),
        **_money(e, where, run),
    }


def _month(e: Json, key: str, where: str, run: _Run) -> str | None:
    """`YYYY` or `YYYY-MM` of a date (a CV date has no day); a date that does not exist
    is left out, with a note."""
    bad = _bad_dates(e, (key,))
    if bad:
        run.note(f"{where} ({_label(e)}): the date is left out: {bad}")
        return None
    found = _YEAR_MONTH.match(str(e.get(key) or ""))
    return found.group() if found else None


def _money(
    e: Json, where: str, run: _Run, keys: tuple[str, str] = ("x-amount", "x-currency")
) -> Json:
    """An amount with its currency, or neither: an amount alone is not money."""
    amount = run.read.get(e, keys[0], NUMBER, where)
    currency = run.read.get(e, keys[1], STRING, where)
    if amount is None and currency is None:
        return {}
    if amount is None or currency is None or not is_currency(currency):
        shown = _plain(shorten(json.dumps([amount, currency], ensure_ascii=False), 60))
        run.note(
            f"{where} ({_label(e)}): the amount is left out: {keys[0]} and {keys[1]} are "
            f"{shown}, not a number and an ISO 4217 currency code"
        )
        return {}
    return {"amount": amount, "currency": currency}


def _talk(e: Json, where: str, run: _Run) -> Json | None:
    """A talk build-cv wrote as a project (`type: talk`); it needs its title and date."""
    date_ = _month(e, "startDate", where, run)
    if not e.get("name") or date_ is None:
        _skip(where, e, "date (`startDate`)" if e.get("name") else "title (`name`)", run)
        return None
    used = {"name", "type", "entity", "startDate", "endDate", "url", "x-place", "x-talkType"}
    run.left_out(where, set(e) - used - {"x-section", "x-tags"}, e)
    return {
        "title": e["name"],
        "event": e.get("entity"),
        "place": run.read.get(e, "x-place", STRING, where),
        "date": date_,
        "type": run.read.get(e, "x-talkType", STRING, where),
        "link": e.get("url"),
    }


def _service(e: Json, where: str, run: _Run) -> Json | None:
    """Service build-cv wrote as volunteering; its years are `x-years`, never a span
    filled in from startDate and endDate."""
    if not e.get("position"):
        _skip(where, e, "role (`position`)", run)
        return None
    used = {"position", "organization", "startDate", "endDate", "x-years", "x-serviceType"}
    run.left_out(where, set(e) - used - {"x-section", "x-tags"}, e)
    return {
        "role": e["position"],
        "body": e.get("organization"),
        "years": run.read.get(e, "x-years", INDEXES, where),
        "type": run.read.get(e, "x-serviceType", STRING, where),
    }


def _fields(e: Json, where: str, run: _Run, shapes: dict[str, _Shape]) -> Json:
    """An entry of an `x-` array, its fields named as build-cv's (camelCase in JSON)."""
    run.left_out(where, set(e) - set(shapes) - _DATED - {"x-tags", "x-section"}, e)
    return {
        re.sub(r"[A-Z]", lambda c: "_" + c.group().lower(), key): run.read.get(e, key, shape, where)
        for key, shape in shapes.items()
    }


def _grant(e: Json, where: str, run: _Run) -> Json | None:
    shapes = {"funder": STRING, "programme": STRING, "number": STRING, "title": STRING}
    shapes |= {"role": STRING, "status": STRING, "share": NUMBER}
    entry = _fields(e, where, run, {**shapes, "amount": NUMBER, "currency": STRING})
    if not entry["funder"]:
        _skip(where, e, "funder", run)
        return None
    del entry["amount"], entry["currency"]
    return {**entry, **_money(e, where, run, ("amount", "currency")), **_dates(e, where, run)}


def _teaching(e: Json, where: str, run: _Run) -> Json | None:
    shapes = {"course": STRING, "code": STRING, "institution": STRING, "terms": STRINGS}
    entry = _fields(e, where, run, shapes | {"role": STRING, "level": STRING, "enrolment": INDEX})
    if not entry["course"]:
        _skip(where, e, "course", run)
        return None
    return entry


def _supervision(e: Json, where: str, run: _Run) -> Json | None:
    shapes = {"student": STRING, "level": STRING, "status": STRING, "coAdvisor": STRING}
    entry = _fields(e, where, run, shapes | {"thesis": STRING, "placement": STRING})
    if not entry["student"] or not entry["level"]:
        _skip(where, e, "level" if entry["student"] else "student", run)
        return None
    return {**entry, **_dates(e, where, run)}


# An entry's converter by the kind of its section, where its JSON Resume array is
# shared with another kind (a talk is a project); otherwise by the array (_CONVERTERS).
_RECORDS: dict[str, Callable[[Json, str, _Run], Json | None]] = {
    "grants": _grant,
    "teaching": _teaching,
    "supervision": _supervision,
    "talks": _talk,
    "service": _service,
    "awards": _award,
}


# ---- what is written validates and builds ---------------------------------------------------


def _valid(data: Json, run: _Run, source: Path) -> Json:
    """`data` less each value the schema rejects, each with a note."""
    from build_cv.sources.validate import data_path

    while True:  # each round leaves something out, and there is only so much
        try:
            m.CV.model_validate(data)
            break
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
        found = [(data_path(data, tuple(e["loc"])), str(e["msg"])) for e in errors]
        gone: list[PathKey] = []
        for path, message in sorted(found, key=lambda p: _deepest_first(p[0])):
            if not any(path[: len(g)] == g for g in gone):
                text = message.removeprefix("Value error, ")
                gone.append(_leave_out(data, path, text, run, source))
        data = _clean(_drop_empty_sections(data, run))
    return data


def _deepest_first(path: PathKey) -> tuple[int, ...]:
    """Later list items first, so removing one does not shift the indexes still to come."""
    return (*(-p if isinstance(p, int) else 0 for p in path), -len(path))


_REQUIRED_HERE = {("person",), ("person", "name"), ("updated",), ()}


def _leave_out(data: Json, path: PathKey, message: str, run: _Run, source: Path) -> PathKey:
    """Leave out what `path` names (or the entry or section that cannot do without it),
    with a note; the path of what was removed."""
    if path in _REQUIRED_HERE or path[:1] == ("variants",):
        raise InputError(f"{source}: {_json_place(path)}: {shorten(message, 200)}")
    if path[:1] == ("sections",) and len(path) >= 4 and path[2] == "entries":
        return _leave_out_of_entry(data, path, message, run)
    if path[:1] == ("sections",) and (len(path) <= 2 or path[2] in ("title", "kind")):
        section = _at(data, path[:2])
        _remove(data, path[:2])
        run.note(f"{_where(run, section, 'a section')} is left out: {message}")
        return path[:2]
    value = _at(data, path)
    _remove(data, path)
    run.note(f"{_json_place(path)}: {_shown(value)} is left out: {message}")
    return path


def _leave_out_of_entry(data: Json, path: PathKey, message: str, run: _Run) -> PathKey:
    entry_path, rest = path[:4], path[4:]
    entry = _at(data, entry_path)
    where = _where(run, entry, format_path(entry_path))
    model = _ENTRY_MODELS.get(str(_at(data, path[:2]).get("kind", "")))
    name = rest[0] if rest else None
    fields = model.model_fields if model is not None and isinstance(entry, dict) else {}
    dates = name in ("start", "end") or (not rest and "`start`" in message)
    if isinstance(entry, dict) and dates:
        for key in ("start", "end"):
            entry.pop(key, None)
        run.note(f"{where}: the dates are left out: {message}")
        return (*entry_path, "start")
    if (
        isinstance(name, str)
        and name in fields
        and not (fields[name].is_required() and len(rest) == 1)
    ):
        value = _at(entry, rest[:2])
        _remove(data, (*entry_path, *rest[:2]))
        run.note(f"{where}: {name} {_shown(value)} is left out: {message}")
        return (*entry_path, *rest[:2])
    _remove(data, entry_path)
    what = f"its {name} {_shown(_at(entry, rest[:1]))}: " if isinstance(name, str) else ""
    run.note(f"{where} is left out: {what}{message}")
    return entry_path


_ENTRY_MODELS: dict[str, type[m.Strict]] = dict(m.SECTION_KINDS)


def _where(run: _Run, node: Any, otherwise: str) -> str:
    node_and_place = run.origin.get(id(node))
    return node_and_place[1] if node_and_place and node_and_place[0] is node else otherwise


def _json_place(path: PathKey) -> str:
    """Where a person's or document's value came from in the JSON Resume."""
    person = {"name": "basics.name", "headline": "basics.label", "homepage": "basics.url"}
    if path[:1] == ("person",) and len(path) >= 2:
        return person.get(str(path[1]), f"basics ({format_path(path)})")
    if path[:1] == ("updated",):
        return "meta.lastModified"
    return format_path(path) or "the document"


def _shown(value: Any) -> str:
    return quoted(value, 40) if isinstance(value, str) else "the value"


def _at(data: Any, path: PathKey) -> Any:
    node = data
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _remove(data: Json, path: PathKey) -> bool:
    parent = _at(data, path[:-1])
    key = path[-1] if path else None
    if isinstance(parent, dict) and key in parent:
        del parent[key]
        return True
    if isinstance(parent, list) and isinstance(key, int) and 0 <= key < len(parent):
        del parent[key]
        return True
    return False


def _drop_empty_sections(data: Json, run: _Run) -> Json:
    """A section whose every entry was left out goes too (the schema needs one entry)."""
    kept = []
    for section in data.get("sections", []):
        if section.get("kind") == "raw" or section.get("entries"):
            kept.append(section)
        else:
            title = section.get("title") or section.get("kind")
            run.note(f"the section {quoted(title, 40)} is left out: no entries left")
    data["sections"] = kept
    return data


def _typesettable(data: Json, run: _Run, source: Path) -> None:
    """What the PDF cannot show (no font build-cv typesets with has an Arabic letter, an
    emoji): the name, which the PDF check must find, is an error; the name in another
    script, which it must find too, is left out; anything else is kept, as the build
    keeps it, with a note. Section titles, which it must find as well, come from
    x-sections or are build-cv's own."""
    fallback = data.get("design", {}).get("script_fallback", True)
    person = data["person"]
    problem = name_problem(person["name"], fallback)
    if problem:
        raise InputError(f"{source}: basics.name {quoted(person['name'], 40)}: {problem}")
    for i, section in enumerate(data.get("sections", [])):
        missing = missing_glyphs(section.get("title", ""), fallback)  # none: build-cv's own
        if missing:
            where = _where(run, section, f"sections[{i}]")
            raise InputError(
                f"{source}: {where}.title {quoted(section['title'], 40)}: no font build-cv "
                f"typesets with has {shown(missing)}, so the PDF would fail its check that "
                "every section title is there; change the title"
            )
    native = person.get("native_name")
    missing = missing_glyphs(native, fallback) if native else []
    if missing:
        del person["native_name"]
        run.note(
            f"basics.x-nativeName {quoted(native, 40)} is left out: no font build-cv "
            f"typesets with has {shown(missing)}, so the PDF would fail its check that the "
            "name is there"
        )
    for path, value in _strings(data, ()):
        missing = missing_glyphs(value, fallback)
        if missing:
            run.note(
                f"{_place_of(data, path, run)}: no font build-cv typesets with has "
                f"{shown(missing)}; the PDF shows the rest without them (the other formats "
                "show them all)"
            )


def _strings(node: Any, path: PathKey) -> list[tuple[PathKey, str]]:
    """Every string of the CV data, with its path; raw LaTeX is code, not text."""
    if isinstance(node, str):
        return [(path, node)]
    if isinstance(node, dict):
        items = [(k, v) for k, v in node.items() if k not in ("latex", "preamble_latex")]
    elif isinstance(node, list):
        items = list(enumerate(node))
    else:
        return []
    return [found for key, value in items for found in _strings(value, (*path, key))]


def _place_of(data: Json, path: PathKey, run: _Run) -> str:
    """Where the value at `path` came from in the JSON Resume, for a note."""
    if path[:1] == ("sections",) and len(path) > 4 and path[2] == "entries":
        entry = _where(run, _at(data, path[:4]), format_path(path[:4]))
        return f"{entry}: {format_path(path[4:])}"
    return _json_place(path)


def _check_with_the_loader(text: str, source: Path) -> None:
    """The YAML text as `build-cv build` reads it: whatever passes here builds."""
    from build_cv.sources.load import from_loaded
    from build_cv.sources.yaml_source import load_yaml_text

    try:
        from_loaded(load_yaml_text(text, Path("imported.yaml")))
    except InputError as exc:
        raise InputError(
            f"{source}: the YAML made from it would not build; fix the JSON Resume:\n"
            + shorten(exc.render(), 2000)
        ) from None
