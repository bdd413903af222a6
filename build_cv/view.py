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

import re
from collections.abc import Iterator
from dataclasses import dataclass, fields, is_dataclass
from datetime import date
from typing import Literal

from build_cv.errors import Origin
from build_cv.identifiers import arxiv_url, doi_url
from build_cv.languages import DEFAULT
from build_cv.locales import Words, words
from build_cv.schema import model as m
from build_cv.sources.bibtex.kinds import Group, group_of
from build_cv.sources.bibtex.owners import OwnerMatcher
from build_cv.uri import link_target


class Rich(str):
    """Markup text; a writer renders its markup instead of escaping it as plain text."""

    __slots__ = ()


class Raw(str):
    """LaTeX from a field the schema marks raw; only the LaTeX writer uses it."""

    __slots__ = ()


FIRST_INVENTOR_MARK = "*"
# The order a section grouped by type prints its kinds of publication in (which entry is
# of which kind is the bibtex package's rule, `group_of`; each heading is the language's,
# build_cv/locales/).
GROUP_ORDER = (
    Group.JOURNAL, Group.CONFERENCE, Group.THESIS, Group.BOOK, Group.CHAPTER, Group.REPORT,
    Group.PATENT, Group.PREPRINT, Group.OTHER,
)  # fmt: skip


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
class Period:
    """A date range with machine-readable ends (ISO `YYYY` or `YYYY-MM`) for `<time>` tags.

    `end` is None for an open range ("present") or a single date; `end_text` says which.
    `between` is what the document's language puts between the ends.
    """

    start: str
    start_text: str
    end: str | None
    end_text: str
    between: str


@dataclass(frozen=True)
class Profile:
    """A profile on another site, linked from the header.

    `field` is the person field it comes from, `network` the site's own name, `user` the id
    as written, `url` where it links and `label` the text that shows the link.
    """

    field: str
    network: str
    user: str
    url: str
    label: str


# Each profile's site name, address and link text, by the person field that holds its id:
# the one place these are built. Readable ids show as an address or handle; opaque ones
# (Scholar's, Semantic Scholar's) as the site's name. Header order is this order.
PROFILES: dict[str, tuple[str, str, str]] = {
    "github": ("GitHub", "https://github.com/{}", "github.com/{}"),
    "linkedin": ("LinkedIn", "https://www.linkedin.com/in/{}", "linkedin.com/in/{}"),
    "orcid": ("ORCID", "https://orcid.org/{}", "ORCID {}"),
    "scholar": ("Google Scholar", "https://scholar.google.com/citations?user={}", "Google Scholar"),
    "researchgate": (
        "ResearchGate", "https://www.researchgate.net/profile/{}", "researchgate.net/profile/{}"
    ),
    "dblp": ("dblp", "https://dblp.org/pid/{}.html", "dblp {}"),
    "semantic_scholar": (
        "Semantic Scholar", "https://www.semanticscholar.org/author/{}", "Semantic Scholar"
    ),
    "mastodon": ("Mastodon", "https://{1}/@{0}", "{}"),
    "bluesky": ("Bluesky", "https://bsky.app/profile/{}", "@{}"),
    "x": ("X", "https://x.com/{}", "x.com/{}"),
}  # fmt: skip


def profiles(person: m.Person) -> tuple[Profile, ...]:
    """The person's profiles, in header order, each with its address and link text."""
    found = []
    for field, (network, url, label) in PROFILES.items():
        user = getattr(person, field)
        if user is None:
            continue
        parts = user[1:].split("@", 1) if field == "mastodon" else [user]
        found.append(Profile(field, network, user, url.format(*parts), label.format(user)))
    return tuple(found)


@dataclass(frozen=True)
class Header:
    name: str
    native_name: str | None
    headline: str | None
    location: str | None
    phone: str | None
    phone_url: str | None  # tel: and the number in E.164, which dials from anywhere
    email: str | None
    homepage: str | None
    profiles: tuple[Profile, ...]
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
    position: str | None  # None: the organization takes the title's place
    organization: str
    location: str | None
    summary: Rich | None
    highlights: tuple[Rich, ...]
    period: Period | None = None


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
    period: Period | None = None


@dataclass(frozen=True)
class ProjectView:
    origin: Origin
    dates: str
    title: str
    organization: str | None
    summary: Rich | None
    links: tuple[Link, ...]
    highlights: tuple[Rich, ...]
    period: Period | None = None


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
    et_al: str
    authors_end: str
    title: str
    venue: str | None
    tail: str
    year: int
    links: tuple[Link, ...]


@dataclass(frozen=True)
class PublicationGroup:
    """Publications under one heading (None: the section is not grouped)."""

    heading: str | None
    entries: tuple[PublicationView, ...]


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
    groups: tuple[PublicationGroup, ...] = ()


@dataclass(frozen=True)
class View:
    header: Header
    metadata: Metadata
    keywords: tuple[str, ...]
    summary: Rich | None
    sections: tuple[SectionView, ...]
    labels: dict[str, str]


def texts(node: object) -> Iterator[str]:
    """Every string a view holds, for a writer that must know what its text needs
    (the LaTeX writer loads a CJK font only for a CV that has CJK text)."""
    if isinstance(node, str):
        yield node
    elif is_dataclass(node) and not isinstance(node, type):
        for f in fields(node):
            yield from texts(getattr(node, f.name))
    elif isinstance(node, tuple | list):
        for item in node:
            yield from texts(item)
    elif isinstance(node, dict):
        for value in node.values():
            yield from texts(value)


def month_year(value: m.YearMonth, w: Words) -> str:
    return w.month(value.year, value.month)


def date_range(start: m.YearMonth | None, end: m.YearMonth | str | None, w: Words) -> str:
    """`Jun 2019 – Aug 2020` (in English); a span that ends in the month it starts (a
    one-month job) is that month once, never `Jun 2019 – Jun 2019`."""
    if start is None:
        return ""
    if end is None or end == start:
        return month_year(start, w)
    if isinstance(end, m.YearMonth):
        return w.span(month_year(start, w), month_year(end, w))
    return w.open_span(month_year(start, w))


def period(start: m.YearMonth | None, end: m.YearMonth | str | None, w: Words) -> Period | None:
    if start is None:
        return None
    first = month_year(start, w)
    if end is None or end == start:
        return Period(str(start), first, None, "", w.between)
    if isinstance(end, m.YearMonth):
        return Period(str(start), first, str(end), month_year(end, w), w.between)
    between, end_text = w.open_parts()
    return Period(str(start), first, None, end_text, between)


def long_date(value: date, w: Words) -> str:
    return w.long_date(value)


def sentence(text: str, stop: str = ".") -> str:
    """Text ending a sentence: a full stop (the language's; none in Chinese or Japanese,
    whose lines of names end without one) is added unless it already ends with one."""
    text = text.rstrip()
    return text + ("" if not stop or text.endswith((".", "?", "!", stop)) else stop)


_PAGE_RANGE = re.compile(r"(?<=\d)\s*(?:-{1,2}|\u2013)\s*(?=\d)")


def page_ranges(text: str) -> str:
    """Number ranges (`pp. 921-931`) with an en dash, which no line breaks after: a range
    broken at its hyphen extracts as one number."""
    return _PAGE_RANGE.sub("\u2013", text)


def _rich(value: str | None) -> Rich | None:
    return None if value is None else Rich(value)


def document_words(design: m.Design) -> Words:
    """The labels and date style of a document: its language's, and its fallback
    language's labels where build-cv has none for it (build_cv/locales/)."""
    fallback = getattr(design, "fallback_language", DEFAULT)
    given = getattr(design, "date_range", None)
    ranges = (given.closed, given.open) if given is not None else None
    return words(design.language, fallback, design.date_style, ranges)


def _metadata(cv: m.CV, w: Words) -> Metadata:
    """The PDF's Info; what the data leaves out is said in the document's language."""
    p = cv.person
    title = cv.title or f"{p.name} - {w.labels['document']}"
    subject = cv.subject if "subject" in cv.model_fields_set else w.labels["document"]
    keywords = ", ".join(cv.keywords or [p.name, w.labels["keyword"]])
    return Metadata(title, p.name, subject, keywords)


def build_view(cv: m.CV) -> View:
    """The view of `cv` as given: select a variant first (variants.py), then view it."""
    p = cv.person
    w = document_words(cv.design)
    owner = OwnerMatcher(p.name, [*([p.native_name] if p.native_name else []), *p.author_names])
    header = Header(
        name=p.name,
        native_name=p.native_name,
        headline=p.headline,
        location=p.location,
        phone=p.phone,
        phone_url=f"tel:{p.phone_e164}" if p.phone_e164 else None,
        email=p.email,
        homepage=p.homepage,
        profiles=profiles(p),
        updated=cv.updated,
        updated_text=long_date(cv.updated, w),
    )
    return View(
        header=header,
        metadata=_metadata(cv, w),
        keywords=tuple(cv.keywords),
        summary=_rich(cv.summary),
        sections=tuple(_section(s, owner, cv.design.marks, w) for s in cv.sections),
        labels=dict(w.labels),
    )


def _section(section: m.Section, owner: OwnerMatcher, marks: m.Marks, w: Words) -> SectionView:
    entries: tuple[EntryView, ...] = ()
    legend: tuple[Mark, ...] = ()
    groups: tuple[PublicationGroup, ...] = ()
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
        groups = _publication_groups(section, owner, marks, w)
        entries = tuple(p for g in groups for p in g.entries)
        legend = _publication_legend(section.entries, marks, w)
    elif isinstance(section, m.PatentSection):
        entries = tuple(_patents(g) for g in section.entries)
        if any(p.first_inventor for g in section.entries for p in g.patents):
            legend = (Mark(FIRST_INVENTOR_MARK, w.labels["first_inventor"]),)
    else:
        entries = tuple(_entry(e, w) for e in section.entries)
    return SectionView(
        section.origin,
        section.kind,
        section.title,
        _rich(section.intro),
        entries,
        legend,
        columns,
        latex,
        groups,
    )


def _publication_legend(entries: list[m.Publication], marks: m.Marks, w: Words) -> tuple[Mark, ...]:
    """A legend line for each mark the list uses, and only for those."""
    legend = []
    if any(e.equal_contribution or (marks.first_author and e.authors) for e in entries):
        legend.append(Mark(marks.equal, marks.equal_legend or w.labels["equal"]))
    if any(e.corresponding for e in entries):
        legend.append(
            Mark(marks.corresponding, marks.corresponding_legend or w.labels["corresponding"])
        )
    return tuple(legend)


def _publication_groups(
    section: m.PublicationSection, owner: OwnerMatcher, marks: m.Marks, w: Words
) -> tuple[PublicationGroup, ...]:
    """The entries under their headings, numbered across the whole section."""
    headed: dict[str | None, list[m.Publication]] = {}
    for heading in _headings(section, w):
        headed[heading] = []
    for e in section.entries:
        headed.setdefault(_heading_of(e, section.group_by, w), []).append(e)
    total = len(section.entries)
    style = section.number_style
    groups, i = [], 0
    for heading, members in headed.items():
        views = []
        for e in members:
            i += 1
            number = {"ascending": f"{i}.", "descending": f"{total - i + 1}."}.get(style, "")
            views.append(_publication(e, number, owner, marks, w))
        if views:
            groups.append(PublicationGroup(heading, tuple(views)))
    return tuple(groups)


def _group_heading(group: Group, w: Words) -> str:
    return w.labels["other"] if group is Group.OTHER else w.headings[group.value]


def _headings(section: m.PublicationSection, w: Words) -> list[str | None]:
    """Headings in print order: as the mapping lists them, or by kind of publication."""
    if section.group_by is None:
        return [None]
    if section.group_by == "type":
        return [_group_heading(g, w) for g in GROUP_ORDER]
    return [*section.group_by.values(), w.labels["other"]]


def _heading_of(p: m.Publication, group_by: str | dict[str, str] | None, w: Words) -> str | None:
    if group_by is None:
        return None
    if isinstance(group_by, dict):
        return next((group_by[t] for t in group_by if t in p.tags), w.labels["other"])
    return _group_heading(group_of(p), w)


def _item_origin(section: Origin, index: int) -> Origin:
    return Origin(section.file, (*section.path, "entries", index), section.line, section.column)


def _entry(e: m.Experience | m.Education | m.Project | m.Item | m.Reference, w: Words) -> EntryView:
    if isinstance(e, m.Experience):
        return ExperienceView(
            e.origin,
            date_range(e.start, e.end, w),
            e.position,
            e.organization,
            e.location,
            _rich(e.summary),
            tuple(map(Rich, e.highlights)),
            period(e.start, e.end, w),
        )
    if isinstance(e, m.Education):
        return EducationView(
            e.origin,
            date_range(e.start, e.end, w),
            e.degree,
            e.institution,
            e.location,
            w.labels["advisors" if len(e.advisors) > 1 else "advisor"],
            _advisors(e.advisors, w),
            e.dissertation,
            e.dissertation_url,
            tuple(map(Rich, (*e.honours, *e.details))),
            period(e.start, e.end, w),
        )
    if isinstance(e, m.Project):
        return ProjectView(
            e.origin,
            date_range(e.start, e.end, w),
            e.title,
            e.organization,
            _rich(e.summary),
            tuple(Link(link.label, link.url) for link in e.links),
            tuple(map(Rich, e.highlights)),
            period(e.start, e.end, w),
        )
    if isinstance(e, m.Item):
        return ItemView(e.origin, e.label, Rich(e.text))
    return ReferenceView(e.origin, e.name, _rich(e.position), e.email, e.phone, e.url)


def _advisors(names: list[str], w: Words) -> str:
    if not names:
        return ""
    return sentence(w.labels["separator"].join(names), w.labels["full_stop"])


def _publication(
    p: m.Publication, number: str, owner: OwnerMatcher, marks: m.Marks, w: Words
) -> PublicationView:
    authors = tuple(
        Author(
            a,
            owner.matches(a),
            (marks.equal if a in p.equal_contribution or (marks.first_author and i == 0) else "")
            + (marks.corresponding if a in p.corresponding else ""),
        )
        for i, a in enumerate(p.authors)
    )
    et_al = p.et_al and bool(p.authors)  # a variant that hides the authors hides this too
    last = w.labels["et_al"] if et_al else p.authors[-1] if p.authors else ""
    tail = sentence(f"{p.year}, {page_ranges(p.details)}" if p.details else f"{p.year}")
    return PublicationView(
        origin=p.origin,
        number=number,
        authors=authors,
        et_al=w.labels["et_al"] if et_al else "",
        authors_end="" if not last or last.endswith((".", "?", "!")) else ".",
        title=sentence(p.title),
        venue=p.venue,
        tail=tail,
        year=p.year,
        links=_publication_links(p, w),
    )


def _publication_links(p: m.Publication, w: Words) -> tuple[Link, ...]:
    """Links under their labels; `arXiv:` and `doi:` are how the identifiers are written in
    every language (arXiv's citation form, the doi: URI), not words to translate."""
    links = []
    if p.arxiv:
        links.append(Link(f"arXiv:{p.arxiv}", arxiv_url(p.arxiv)))
    if p.doi:
        links.append(Link(f"doi:{p.doi}", doi_url(p.doi)))
    for label, url in ((w.labels["link"], p.url), (w.labels["pdf"], p.pdf)):
        if url and link_target(url) not in {link_target(link.url) for link in links}:
            links.append(Link(label, url))  # DBLP's `url` is the DOI link: shown once
    return tuple(links)


def _patents(g: m.PatentGroup) -> PatentGroupView:
    patents = tuple(
        PatentView(p.number, FIRST_INVENTOR_MARK if p.first_inventor else "") for p in g.patents
    )
    return PatentGroupView(g.origin, g.organization, patents)
