"""JSON Resume into build-cv YAML: `build-cv import resume.json`.

A document this tool wrote carries `x-sections` and `x-` fields, and comes back as the CV
it was made from. Any other JSON Resume is mapped section by section (docs/formats.md);
what build-cv has no place for is named in the returned notes rather than dropped
silently. Text goes into Markup fields as it is: JSON Resume themes read summaries as
Markdown, and the schema still rejects a link that is not http(s) or mailto.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from build_cv.errors import InputError, Location, SchemaError, SchemaProblem
from build_cv.formats.jsonresume.writer import schema_problems
from build_cv.schema.phone import e164, known_region, region_of

Json = dict[str, Any]
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
    "awards": ("Awards", "items"),
    "certificates": ("Certificates", "items"),
    "skills": ("Skills", "items"),
    "languages": ("Languages", "items"),
    "interests": ("Interests", "items"),
    "references": ("References", "references"),
    "x-raw": ("LaTeX", "raw"),
}
HEADER = "# Converted from JSON Resume by `build-cv import`; build it with `build-cv build`.\n"


@dataclass
class Imported:
    """The CV data made from a JSON Resume, and what could not be carried over."""

    data: Json
    notes: list[str] = field(default_factory=list)

    def yaml(self) -> str:
        body = yaml.safe_dump(self.data, allow_unicode=True, sort_keys=False, width=100)
        return HEADER + body


def read_json_resume(path: Path) -> Json:
    """The document at `path`, valid against the official schema, or an InputError."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read it as UTF-8 text ({exc})") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from None
    if not isinstance(document, dict):
        raise InputError(f'{path}: a JSON Resume is an object (`{{"basics": ...}}`)')
    problems = schema_problems(document)
    if problems:
        raise SchemaError(
            [
                SchemaProblem(Location(path, field=p.partition(": ")[0]), p.partition(": ")[2])
                for p in problems
            ]
        )
    return document


def import_json_resume(document: Json, today: date | None = None) -> Imported:
    notes: list[str] = []
    ours = document.get("meta", {}).get("x-generator") == "build-cv"
    data: Json = {"person": _person(document.get("basics", {}), notes)}
    data["updated"] = _updated(document, today or date.today())
    extra = document.get("x-document", {})
    for key in ("title", "subject", "keywords"):
        if extra.get(key):
            data[key] = extra[key]
    summary = document.get("basics", {}).get("summary")
    if summary:
        data["summary"] = summary
    data["sections"] = _sections(document, ours, data["person"]["name"], notes)
    if extra.get("design"):
        data["design"] = extra["design"]
    region = data["person"].pop("x-region", None)
    if region and not data.get("design", {}).get("region"):
        data["design"] = {**data.get("design", {}), "region": region}
    for key in ("image",):
        if document.get("basics", {}).get(key):
            notes.append(f"basics.{key} is not used: build-cv has no photo")
    return Imported(_clean(data), notes)


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        cleaned = {k: _clean(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _updated(document: Json, today: date) -> str:
    modified = str(document.get("meta", {}).get("lastModified", ""))
    return modified[:10] if _ISO_DAY.match(modified) else today.isoformat()


def _person(basics: Json, notes: list[str]) -> Json:
    person: Json = {
        "name": basics.get("name") or "Your Name",
        "native_name": basics.get("x-nativeName"),
        "headline": basics.get("label"),
        "email": basics.get("email"),
        "phone": basics.get("phone"),
        "location": _place(basics.get("location", {})),
        "author_names": basics.get("x-authorNames"),
    }
    _phone(person, basics.get("location", {}).get("countryCode"), notes)
    url = basics.get("url")
    if url and url.lower().startswith("https://"):
        person["homepage"] = url
    elif url:
        notes.append(f"basics.url {url} is not used: the homepage must be an https:// URL")
    for profile in basics.get("profiles", []):
        network = str(profile.get("network", "")).lower()
        user = profile.get("username")
        if network in ("github", "linkedin", "orcid") and user:
            person[network] = user
        else:
            notes.append(f"basics.profiles: the {profile.get('network')} profile is not used")
    return person


def _phone(person: Json, country: Any, notes: list[str]) -> None:
    """Keep a phone the schema accepts, dialled in `countryCode` if the location names none."""
    number = person.get("phone")
    if not number:
        return
    region = country.upper() if isinstance(country, str) and known_region(country.upper()) else None
    try:
        e164(number, region, person.get("location"))
    except ValueError as exc:
        notes.append(f"basics.phone is left out: {exc}")
        person["phone"] = None
        return
    if region and not number.startswith("+") and region_of(person.get("location")) != region:
        person["x-region"] = region


def _place(location: Json) -> str | None:
    if location.get("address") and not location.get("city"):
        return str(location["address"])
    parts = [location.get(k) for k in ("city", "region", "countryCode")]
    return ", ".join(str(p) for p in parts if p) or None


def _dates(e: Json) -> Json:
    start = _YEAR_MONTH.match(str(e.get("startDate", "")))
    if not start:
        return {}
    dates: Json = {"start": start.group()}
    end = _YEAR_MONTH.match(str(e.get("endDate", "")))
    if e.get("x-singleDate"):
        return dates
    dates["end"] = end.group() if end else "present"
    return dates


def _sections(document: Json, ours: bool, owner: str, notes: list[str]) -> list[Json]:
    records = document.get("x-sections") if ours else None
    sections: list[Json] = []
    if records:
        sections = [_record(r) for r in records]
    by_key: dict[str, Json] = {}
    for key, (title, kind) in DEFAULT_SECTIONS.items():
        for entry in document.get(key, []):
            index = entry.get("x-section")
            if records and isinstance(index, int) and 0 <= index < len(sections):
                section = sections[index]
            else:
                if key not in by_key:
                    by_key[key] = {"title": title, "kind": kind, "entries": []}
                section = by_key[key]
            _add(section, key, entry, ours, notes)
            if key == "publications" and section["entries"][-1]["authors"] == [_OWNER]:
                section["entries"][-1]["authors"] = [owner]
    sections += by_key.values()
    return [s for s in sections if s.get("entries") or s.get("latex")]


def _record(r: Json) -> Json:
    section: Json = {"title": r["title"], "kind": r["kind"]}
    for key in ("intro", "tags", "numbering", "group_by", "columns", "latex"):
        if key in r:
            section[key] = r[key]
    if r["kind"] != "raw":
        section["entries"] = []
    return section


def _add(section: Json, key: str, e: Json, ours: bool, notes: list[str]) -> None:
    if section["kind"] == "raw":
        section["latex"] = e.get("latex", "")
        return
    if section["kind"] == "list":
        section["entries"].extend(e.get("keywords", []))
        return
    convert = _CONVERTERS[key]
    entry = convert(e, ours)
    if e.get("x-tags"):
        entry["tags"] = e["x-tags"]
    for dropped in sorted(set(e) & _DROPPED.get(key, set())):
        notes.append(f"{key}: `{dropped}` of {_label(e)} has no place in build-cv; left out")
    section["entries"].append(entry)


def _label(e: Json) -> str:
    names = (e.get(k) for k in ("name", "title", "institution", "organization"))
    return str(next((n for n in names if n), "an entry"))


_DROPPED = {
    "work": {"url", "description"},
    "volunteer": {"url"},
    "education": {"url"},
    "projects": {"roles", "keywords", "type"},
}


def _work(e: Json, ours: bool) -> Json:
    position = e.get("position") or e.get("name") or e.get("organization")
    return {
        "position": position,
        "organization": e.get("name") or e.get("organization") or position,
        "location": e.get("location"),
        **_dates(e),
        "summary": e.get("summary"),
        "highlights": e.get("highlights", []),
    }


def _education(e: Json, ours: bool) -> Json:
    study, area = e.get("studyType"), e.get("area")
    degree = f"{study} in {area}" if study and area else study or area or "Studies"
    details = list(e.get("x-details", []))
    if e.get("score"):
        details.append(f"Score: {e['score']}")
    if e.get("courses"):
        details.append("Courses: " + ", ".join(e["courses"]))
    return {
        "degree": degree,
        "institution": e.get("institution") or "Institution",
        "location": e.get("x-location"),
        **_dates(e),
        "advisors": e.get("x-advisors"),
        "dissertation": e.get("x-dissertation"),
        "dissertation_url": e.get("x-dissertationUrl"),
        "honours": e.get("x-honours"),
        "details": details,
    }


def _project(e: Json, ours: bool) -> Json:
    links = e.get("x-links")
    if links is None and e.get("url"):
        links = [{"label": "link", "url": e["url"]}]
    return {
        "title": e.get("name") or "Project",
        "organization": e.get("entity"),
        **_dates(e),
        "summary": e.get("description") or e.get("summary"),
        "highlights": e.get("highlights", []),
        "links": links,
    }


def _publication(e: Json, ours: bool) -> Json:
    year = _YEAR_MONTH.match(str(e.get("releaseDate", "")))
    return {
        "title": e.get("name"),
        "authors": e.get("x-authors") or [_OWNER],
        "venue": e.get("publisher") or (None if ours else "Unpublished"),
        "et_al": e.get("x-etAl"),
        "year": int(year.group(1)) if year else None,
        "details": e.get("x-details") or (None if ours else e.get("summary")),
        "equal_contribution": e.get("x-equalContribution"),
        "corresponding": e.get("x-corresponding"),
        "entry_type": e.get("x-entryType"),
        "arxiv": e.get("x-arxiv"),
        "doi": e.get("x-doi"),
        "url": e.get("x-url") if ours else e.get("url"),
        "pdf": e.get("x-pdf"),
    }


_OWNER = "\0owner"  # replaced by the person's name: JSON Resume lists no authors


def _patents(e: Json, ours: bool) -> Json:
    return {
        "organization": e.get("organization"),
        "patents": [
            {"number": p["number"], "first_inventor": bool(p.get("firstInventor"))}
            for p in e.get("patents", [])
        ],
    }


def _award(e: Json, ours: bool) -> Json:
    text = ", ".join(str(p) for p in (e.get("title"), e.get("awarder")) if p)
    if e.get("summary"):
        text += f". {e['summary']}"
    return {"label": str(e.get("date", ""))[:4], "text": text}


def _certificate(e: Json, ours: bool) -> Json:
    text = ", ".join(str(p) for p in (e.get("name"), e.get("issuer")) if p)
    if e.get("url"):
        text = f"[{text}]({e['url']})"
    return {"label": str(e.get("date", ""))[:4], "text": text}


def _skill(e: Json, ours: bool) -> Json:
    keywords = ", ".join(e.get("keywords", []))
    level = e.get("level")
    text = f"{keywords} ({level})" if keywords and level else keywords or level or ""
    return {"label": e.get("name", ""), "text": text}


def _language(e: Json, ours: bool) -> Json:
    return {"label": e.get("language", ""), "text": e.get("fluency", "")}


def _interest(e: Json, ours: bool) -> Json:
    return {"label": e.get("name", ""), "text": ", ".join(e.get("keywords", []))}


def _reference(e: Json, ours: bool) -> Json:
    return {
        "name": e.get("name"),
        "position": e.get("reference"),
        "email": e.get("x-email"),
        "phone": e.get("x-phone"),
        "url": e.get("x-url"),
    }


_CONVERTERS: dict[str, Callable[[Json, bool], Json]] = {
    "work": _work,
    "volunteer": _work,
    "education": _education,
    "projects": _project,
    "publications": _publication,
    "x-patents": _patents,
    "awards": _award,
    "certificates": _certificate,
    "skills": _skill,
    "languages": _language,
    "interests": _interest,
    "references": _reference,
}
