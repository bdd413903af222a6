"""The format-neutral view: what a CV says, decided once, before any writer formats it.

Content rules (which author is the owner and goes in bold, the marks and their legends,
full stops, labels such as "Advisors", date ranges, link targets) live here and nowhere
else, so the PDF, HTML, Markdown and plain-text writers cannot drift apart. A writer only
formats: it never looks at the schema models, only at these plain, immutable values.

Strings stay text: a writer escapes every `str` it prints for its own format. `Rich` marks
the Markup fields (`**bold**`, `*italic*`, `[text](url)`), which each writer renders, and
`Raw` the LaTeX that only the LaTeX writer passes through.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Literal
from urllib.parse import quote

from build_cv.errors import Origin
from build_cv.schema import model as m


class Rich(str):
    """Markup text; a writer renders its markup instead of escaping it as plain text."""

    __slots__ = ()


class Raw(str):
    """LaTeX from a field the schema marks raw; only the LaTeX writer uses it."""

    __slots__ = ()


LABELS = {
    "updated": "Last updated",
    "advisor": "Advisor",
    "advisors": "Advisors",
    "dissertation": "Dissertation",
    "equal": "equal contribution",
    "first_inventor": "first inventor",
    "present": "present",
}
EQUAL_MARK = "*"
FIRST_INVENTOR_MARK = "*"
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Mark:
    """A symbol printed after names or numbers, explained in the section's legend."""

    symbol: str
    meaning: str


@dataclass(frozen=True)
class Header:
    name: str
    native_name: str | None
    headline: str | None
    location: str | None
    phone: str | None
    email: str | None
    homepage: str | None
    github: str | None
    linkedin: str | None
    orcid: str | None
    updated: date
    updated_text: str


@dataclass(frozen=True)
class Metadata:
    title: str
    author: str
    subject: str
    keywords: str


@dataclass(frozen=True)
class ExperienceView:
    origin: Origin
    dates: str
    position: str
    organization: str
    location: str | None
    summary: Rich | None
    highlights: tuple[Rich, ...]


@dataclass(frozen=True)
class EducationView:
    origin: Origin
    dates: str
    degree: str
    institution: str
    location: str | None
    advisors_label: str
    advisors: str
    dissertation: str | None
    dissertation_url: str | None
    lines: tuple[Rich, ...]


@dataclass(frozen=True)
class ProjectView:
    origin: Origin
    dates: str
    title: str
    organization: str | None
    summary: Rich | None
    links: tuple[Link, ...]
    highlights: tuple[Rich, ...]


@dataclass(frozen=True)
class Author:
    name: str
    owner: bool
    marks: str


@dataclass(frozen=True)
class PublicationView:
    origin: Origin
    number: str
    authors: tuple[Author, ...]
    authors_end: str
    title: str
    venue: str
    tail: str
    year: int
    links: tuple[Link, ...]


@dataclass(frozen=True)
class PatentView:
    number: str
    marks: str


@dataclass(frozen=True)
class PatentGroupView:
    origin: Origin
    organization: str
    patents: tuple[PatentView, ...]


@dataclass(frozen=True)
class ItemView:
    origin: Origin
    label: str
    text: Rich


@dataclass(frozen=True)
class ListItemView:
    origin: Origin
    text: Rich


@dataclass(frozen=True)
class ReferenceView:
    origin: Origin
    name: str
    position: Rich | None
    email: str | None
    phone: str | None
    url: str | None


EntryView = (
    ExperienceView
    | EducationView
    | ProjectView
    | PublicationView
    | PatentGroupView
    | ItemView
    | ListItemView
    | ReferenceView
)
Kind = Literal[
    "experience", "education", "projects", "publications", "patents", "items", "list",
    "references", "raw",
]  # fmt: skip


@dataclass(frozen=True)
class SectionView:
    origin: Origin
    kind: Kind
    title: str
    intro: Rich | None
    entries: tuple[EntryView, ...]
    legend: tuple[Mark, ...] = ()
    columns: int = 1
    latex: Raw | None = None


@dataclass(frozen=True)
class View:
    header: Header
    metadata: Metadata
    keywords: tuple[str, ...]
    summary: Rich | None
    sections: tuple[SectionView, ...]
    labels: dict[str, str]


def same_name(value: str) -> str:
    """A name as compared for bolding: Unicode forms and runs of spaces do not matter."""
    return " ".join(unicodedata.normalize("NFKC", value).split()).casefold()


def month_year(value: m.YearMonth) -> str:
    return f"{value.year}" if value.month is None else f"{_MONTHS[value.month - 1]} {value.year}"


def date_range(start: m.YearMonth | None, end: m.YearMonth | str | None) -> str:
    if start is None:
        return ""
    if end is None:
        return month_year(start)
    last = month_year(end) if isinstance(end, m.YearMonth) else LABELS["present"]
    return f"{month_year(start)} – {last}"


def long_date(value: date) -> str:
    return f"{value:%B} {value.day}, {value.year}"


def sentence(text: str) -> str:
    """Text ending a sentence: a full stop is added unless it already ends with one."""
    text = text.rstrip()
    return text + ("" if text.endswith((".", "?", "!")) else ".")


def doi_url(doi: str) -> str:
    """doi.org takes the DOI as a path: `#`, `?`, `%`, `<`, `>` and the like encoded."""
    return "https://doi.org/" + quote(doi, safe="/()")


def _rich(value: str | None) -> Rich | None:
    return None if value is None else Rich(value)


def build_view(cv: m.CV) -> View:
    """The view of `cv` as given: select a variant first (variants.py), then view it."""
    owners = {same_name(n) for n in (cv.person.name, *cv.person.author_names)}
    p = cv.person
    header = Header(
        name=p.name,
        native_name=p.native_name,
        headline=p.headline,
        location=p.location,
        phone=p.phone,
        email=p.email,
        homepage=p.homepage,
        github=p.github,
        linkedin=p.linkedin,
        orcid=p.orcid,
        updated=cv.updated,
        updated_text=long_date(cv.updated),
    )
    metadata = Metadata(cv.pdf_title, p.name, cv.subject, cv.pdf_keywords)
    return View(
        header=header,
        metadata=metadata,
        keywords=tuple(cv.keywords),
        summary=_rich(cv.summary),
        sections=tuple(_section(s, owners) for s in cv.sections),
        labels=dict(LABELS),
    )


def _section(section: m.Section, owners: set[str]) -> SectionView:
    entries: tuple[EntryView, ...] = ()
    legend: tuple[Mark, ...] = ()
    columns, latex = 1, None
    if isinstance(section, m.RawSection):
        latex = Raw(section.latex)
    elif isinstance(section, m.ListSection):
        entries = tuple(
            ListItemView(_item_origin(section.origin, j), Rich(text))
            for j, text in enumerate(section.entries)
        )
        columns = section.columns
    elif isinstance(section, m.PublicationSection):
        entries = tuple(
            _publication(e, f"{i}." if section.numbered else "", owners)
            for i, e in enumerate(section.entries, 1)
        )
        if any(e.equal_contribution for e in section.entries):
            legend = (Mark(EQUAL_MARK, LABELS["equal"]),)
    elif isinstance(section, m.PatentSection):
        entries = tuple(_patents(g) for g in section.entries)
        if any(p.first_inventor for g in section.entries for p in g.patents):
            legend = (Mark(FIRST_INVENTOR_MARK, LABELS["first_inventor"]),)
    else:
        entries = tuple(_entry(e) for e in section.entries)
    return SectionView(
        section.origin,
        section.kind,
        section.title,
        _rich(section.intro),
        entries,
        legend,
        columns,
        latex,
    )


def _item_origin(section: Origin, index: int) -> Origin:
    return Origin(section.file, (*section.path, "entries", index), section.line, section.column)


def _entry(e: m.Experience | m.Education | m.Project | m.Item | m.Reference) -> EntryView:
    if isinstance(e, m.Experience):
        return ExperienceView(
            e.origin,
            date_range(e.start, e.end),
            e.position,
            e.organization,
            e.location,
            _rich(e.summary),
            tuple(map(Rich, e.highlights)),
        )
    if isinstance(e, m.Education):
        return EducationView(
            e.origin,
            date_range(e.start, e.end),
            e.degree,
            e.institution,
            e.location,
            LABELS["advisors" if len(e.advisors) > 1 else "advisor"],
            sentence("; ".join(e.advisors)) if e.advisors else "",
            e.dissertation,
            e.dissertation_url,
            tuple(map(Rich, (*e.honours, *e.details))),
        )
    if isinstance(e, m.Project):
        return ProjectView(
            e.origin,
            date_range(e.start, e.end),
            e.title,
            e.organization,
            _rich(e.summary),
            tuple(Link(link.label, link.url) for link in e.links),
            tuple(map(Rich, e.highlights)),
        )
    if isinstance(e, m.Item):
        return ItemView(e.origin, e.label, Rich(e.text))
    return ReferenceView(e.origin, e.name, _rich(e.position), e.email, e.phone, e.url)


def _publication(p: m.Publication, number: str, owners: set[str]) -> PublicationView:
    authors = tuple(
        Author(a, same_name(a) in owners, EQUAL_MARK if a in p.equal_contribution else "")
        for a in p.authors
    )
    tail = sentence(f"{p.year}, {p.details}" if p.details else f"{p.year}")
    return PublicationView(
        origin=p.origin,
        number=number,
        authors=authors,
        authors_end="" if p.authors[-1].endswith((".", "?", "!")) else ".",
        title=sentence(p.title),
        venue=p.venue,
        tail=tail,
        year=p.year,
        links=_publication_links(p),
    )


def _publication_links(p: m.Publication) -> tuple[Link, ...]:
    links = []
    if p.arxiv:
        links.append(Link(f"arXiv:{p.arxiv}", f"https://arxiv.org/abs/{p.arxiv}"))
    if p.doi:
        links.append(Link(f"doi:{p.doi}", doi_url(p.doi)))
    if p.url:
        links.append(Link("link", p.url))
    if p.pdf:
        links.append(Link("pdf", p.pdf))
    return tuple(links)


def _patents(g: m.PatentGroup) -> PatentGroupView:
    patents = tuple(
        PatentView(p.number, FIRST_INVENTOR_MARK if p.first_inventor else "") for p in g.patents
    )
    return PatentGroupView(g.origin, g.organization, patents)
