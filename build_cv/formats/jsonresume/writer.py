"""The CV as JSON Resume (jsonresume.org), checked against the official schema.

Like the BibTeX writer it reads the selected model, not the view: JSON Resume wants dates
as ISO strings and fields as typed, and selection has already removed what a variant
leaves out or hides. What the schema has no field for goes into keys starting `x-`
(docs/formats.md has the table); with `x-sections` and each entry's `x-section` the
importer rebuilds the sections as they were. Markup fields stay markup: JSON Resume
themes render summaries as Markdown, of which the markup is a subset.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from build_cv.errors import BuildCVError
from build_cv.formats import Choices, Document
from build_cv.identifiers import arxiv_url, doi_url
from build_cv.schema import model as m
from build_cv.view import profiles as view_profiles

SCHEMA_FILE = Path(__file__).resolve().parent / "schema.json"
SCHEMA_URL = "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json"
Json = dict[str, Any]


class JsonResumeError(BuildCVError):
    """The JSON made from valid data breaks the official schema: a bug in this writer."""


@cache
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def schema_problems(document: Any) -> list[str]:
    """Each way `document` breaks the JSON Resume schema, as `path: message`."""
    found = []
    for error in sorted(validator().iter_errors(document), key=lambda e: list(e.path)):
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.path)
        found.append(f"{path.lstrip('.') or '(top level)'}: {error.message}")
    return found


def render_json_resume(cv: m.CV) -> str:
    document = json_resume(cv)
    problems = schema_problems(document)
    if problems:
        raise JsonResumeError("the JSON Resume breaks the schema: " + "; ".join(problems))
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _clean(value: Any) -> Any:
    """Without empty values: JSON Resume leaves out what a CV does not have."""
    if isinstance(value, dict):
        cleaned = {k: _clean(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def json_resume(cv: m.CV) -> Json:
    doc: Json = {"$schema": SCHEMA_URL, "basics": _basics(cv)}
    sections: list[Json] = []
    for index, section in enumerate(cv.sections):
        sections.append(_section_record(section))
        key, entries = _entries(section, index)
        doc.setdefault(key, []).extend(entries)
    doc["x-sections"] = sections
    doc["x-document"] = {
        "title": cv.title,
        "subject": cv.subject if "subject" in cv.model_fields_set else None,
        "keywords": list(cv.keywords),
        "design": cv.design.model_dump(mode="json", exclude_defaults=True),
    }
    doc["meta"] = {
        "lastModified": cv.updated.isoformat(),
        "language": cv.design.language,  # which text of each field this document holds
        "x-generator": "build-cv",
    }
    return dict(_clean(doc))


def _basics(cv: m.CV) -> Json:
    p = cv.person
    profiles = [
        {"network": link.network, "username": link.user, "url": link.url}
        for link in view_profiles(p)
    ]
    return {
        "name": p.name,
        "label": p.headline,
        "email": p.email,
        "phone": p.phone,
        "url": p.homepage,
        "summary": cv.summary,
        "location": {"address": p.location} if p.location else None,
        "profiles": profiles,
        "x-nativeName": p.native_name,
        "x-authorNames": list(p.author_names),
        # The private fields a variant shows (JSON Resume has no place for them; the
        # photo, a file, is not written: docs/private.md).
        "x-birthDate": str(p.birth_date) if p.birth_date else None,
        "x-gender": p.gender,
        "x-nationality": p.nationality,
        "x-ethnicity": p.ethnicity,
        "x-politicalStatus": p.political_status,
        "x-hometown": p.hometown,
    }


def _section_record(section: m.Section) -> Json:
    record: Json = {
        "title": section.title,
        "kind": section.kind,
        "intro": section.intro,
        "tags": list(section.tags),
    }
    if isinstance(section, m.PublicationSection):
        if section.number_style != "ascending":
            record["numbering"] = section.number_style
        if section.group_by is not None:
            record["group_by"] = section.group_by
    if isinstance(section, m.ListSection):
        record["columns"] = section.columns
    if isinstance(section, m.RawSection):
        record["latex"] = section.latex
    if isinstance(section, m.RecordSection):
        if "title" not in section.model_fields_set:
            del record["title"]  # the kind's name, in the language of whatever reads it
        if section.order != "newest-first":
            record["order"] = section.order
    return record


def _dates(e: m.Dated) -> Json:
    """startDate/endDate; an open range has no endDate, a single date says so in x-."""
    if e.start is None:
        return {}
    dates: Json = {"startDate": str(e.start)}
    if e.end is None:
        dates["endDate"] = str(e.start)
        dates["x-singleDate"] = True
    elif isinstance(e.end, m.YearMonth):
        dates["endDate"] = str(e.end)
    return dates


def _entries(section: m.Section, index: int) -> tuple[str, list[Json]]:
    """The JSON Resume array a section's entries go to, and the entries."""
    mark = {"x-section": index}
    if isinstance(section, m.ExperienceSection):
        return "work", [_work(e) | mark for e in section.entries]
    if isinstance(section, m.EducationSection):
        return "education", [_education(e) | mark for e in section.entries]
    if isinstance(section, m.ProjectSection):
        return "projects", [_project(e) | mark for e in section.entries]
    if isinstance(section, m.PublicationSection):
        return "publications", [_publication(e) | mark for e in section.entries]
    if isinstance(section, m.PatentSection):
        return "x-patents", [_patents(e) | mark for e in section.entries]
    if isinstance(section, m.ItemSection):
        return "skills", [_item(e) | mark for e in section.entries]
    if isinstance(section, m.ListSection):
        return "interests", [{"name": section.title, "keywords": section.entries} | mark]
    if isinstance(section, m.ReferenceSection):
        return "references", [_reference(e) | mark for e in section.entries]
    if isinstance(section, m.RecordSection):
        return _records(section, mark)
    return "x-raw", [{"latex": section.latex} | mark]


def _records(section: m.RecordSection, mark: Json) -> tuple[str, list[Json]]:
    """The record kinds (docs/kinds.md): awards to `awards`, talks to `projects` (whose
    `type` JSON Resume documents with `talk` as an example), service to `volunteer`;
    grants, teaching and supervision have no array in JSON Resume (1.2.1), and printed as
    projects or jobs they would say something false, so they go to arrays of their own,
    `x-grants`, `x-teaching`, `x-supervision`, as patents go to `x-patents`."""
    if isinstance(section, m.AwardSection):
        return "awards", [_award(e) | mark for e in section.entries]
    if isinstance(section, m.TalkSection):
        return "projects", [_talk(e) | mark for e in section.entries]
    if isinstance(section, m.ServiceSection):
        return "volunteer", [_service(e) | mark for e in section.entries]
    if isinstance(section, m.GrantSection):
        return "x-grants", [_grant(e) | mark for e in section.entries]
    if isinstance(section, m.TeachingSection):
        return "x-teaching", [_teaching(e) | mark for e in section.entries]
    return "x-supervision", [_supervision(e) | mark for e in section.entries]


def _work(e: m.Experience) -> Json:
    return {
        "name": e.organization,
        "position": e.position,
        "location": e.location,
        **_dates(e),
        "summary": e.summary,
        "highlights": list(e.highlights),
        "x-tags": list(e.tags),
    }


def _education(e: m.Education) -> Json:
    return {
        "institution": e.institution,
        "studyType": e.degree,
        **_dates(e),
        "x-location": e.location,
        "x-advisors": list(e.advisors),
        "x-dissertation": e.dissertation,
        "x-dissertationUrl": e.dissertation_url,
        "x-honours": list(e.honours),
        "x-details": list(e.details),
        "x-tags": list(e.tags),
    }


def _project(e: m.Project) -> Json:
    return {
        "name": e.title,
        "entity": e.organization,
        "description": e.summary,
        "highlights": list(e.highlights),
        **_dates(e),
        "url": e.links[0].url if e.links else None,
        "x-links": [{"label": link.label, "url": link.url} for link in e.links],
        "x-tags": list(e.tags),
    }


def _publication(e: m.Publication) -> Json:
    arxiv = arxiv_url(e.arxiv) if e.arxiv else None
    return {
        "name": e.title,
        "publisher": e.venue,
        "releaseDate": f"{e.year}",
        "url": e.url or (doi_url(e.doi) if e.doi else None) or arxiv or e.pdf,
        "x-authors": list(e.authors),
        "x-etAl": e.et_al or None,
        "x-equalContribution": list(e.equal_contribution),
        "x-corresponding": list(e.corresponding),
        "x-entryType": e.entry_type,
        "x-details": e.details,
        "x-doi": e.doi,
        "x-arxiv": e.arxiv,
        "x-url": e.url,
        "x-pdf": e.pdf,
        "x-tags": list(e.tags),
        "x-representative": e.representative or None,
        "x-contribution": e.contribution,
        "x-credit": list(e.credit),
        "x-dfgCategory": e.dfg_category,
        "x-ranks": {k: r.model_dump(exclude_none=True) for k, r in e.ranks.items()},
        "x-citations": e.citations.model_dump(mode="json") if e.citations else None,
    }


def _patents(e: m.PatentGroup) -> Json:
    return {
        "organization": e.organization,
        "patents": [{"number": p.number, "firstInventor": p.first_inventor} for p in e.patents],
        "x-tags": list(e.tags),
    }


def _item(e: m.Item) -> Json:
    return {"name": e.label, "keywords": [e.text], "x-tags": list(e.tags)}


def _reference(e: m.Reference) -> Json:
    return {
        "name": e.name,
        "reference": e.position or "",  # what themes print under the name
        "x-position": e.position,  # what the importer reads: `reference` is a quote
        "x-email": e.email,
        "x-phone": e.phone,
        "x-url": e.url,
        "x-tags": list(e.tags),
    }


def _number(value: Decimal | None) -> int | float | None:
    """An amount as JSON writes a number: whole amounts as integers."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _award(e: m.Award) -> Json:
    return {
        "title": e.name,
        "awarder": e.issuer,
        "date": str(e.date) if e.date else None,
        "summary": e.summary,
        "x-amount": _number(e.amount),
        "x-currency": e.currency,
        "x-tags": list(e.tags),
    }


def _talk(e: m.Talk) -> Json:
    return {
        "name": e.title,
        "type": "talk",
        "entity": e.event,
        "startDate": str(e.date),
        "endDate": str(e.date),
        "url": e.link,
        "x-place": e.place,
        "x-talkType": e.type,
        "x-tags": list(e.tags),
    }


def _service(e: m.Service) -> Json:
    """The years as a span only where they run on (2023, 2024, 2025): 2022 and 2024 are
    not 2022 to 2024. `x-years` keeps them all."""
    years = sorted(e.years)
    span = bool(years) and years == list(range(years[0], years[-1] + 1))
    return {
        "organization": e.body,
        "position": e.role,
        "startDate": f"{years[0]}" if span else None,
        "endDate": f"{years[-1]}" if span else None,
        "x-years": list(e.years),
        "x-serviceType": e.type,
        "x-tags": list(e.tags),
    }


def _grant(e: m.Grant) -> Json:
    return {
        "funder": e.funder,
        "programme": e.programme,
        "number": e.number,
        "title": e.title,
        "amount": _number(e.amount),
        "currency": e.currency,
        "role": e.role,
        **_dates(e),
        "status": e.status,
        "share": _number(e.share),
        "x-tags": list(e.tags),
    }


def _teaching(e: m.Teaching) -> Json:
    return {
        "course": e.course,
        "code": e.code,
        "institution": e.institution,
        "terms": list(e.terms),
        "role": e.role,
        "level": e.level,
        "enrolment": e.enrolment,
        "x-tags": list(e.tags),
    }


def _supervision(e: m.Supervision) -> Json:
    return {
        "student": e.student,
        "level": e.level,
        "status": e.status,
        **_dates(e),
        "coAdvisor": e.co_advisor,
        "thesis": e.thesis,
        "placement": e.placement,
        "x-tags": list(e.tags),
    }


def write(document: Document, choices: Choices) -> str:
    """The JSON Resume of the selected record, as the formats table calls a text writer."""
    return render_json_resume(document.cv)
