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
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields, is_dataclass
from dataclasses import field as dataclass_field
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Literal

from build_cv.errors import Origin
from build_cv.identifiers import arxiv_url, doi_url
from build_cv.languages import canonical, same_language, script
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
class NameLine:
    """One line of the person's name in the header, with the language it is written in
    (a BCP 47 tag), for the font its script needs and the HTML `lang` attribute."""

    text: str
    language: str


@dataclass(frozen=True)
class Header:
    name: str
    native_name: str | None
    # The name's lines, the one the document leads with first: the Latin name, then the
    # native name; the native name first in a document in its own language. Each stands
    # on its own line, since parsers take a CV's first line of text for the name.
    names: tuple[NameLine, ...]
    headline: str | None
    location: str | None
    phone: str | None
    phone_url: str | None  # tel: and the number in E.164, which dials from anywhere
    email: str | None
    homepage: str | None
    profiles: tuple[Profile, ...]
    updated: date
    updated_text: str
    # The basic-information block (出生年月, 性别, ...): the private fields the variant
    # shows, in the order a Chinese hiring form asks for them; and the photo, if shown.
    basic: tuple[Fact, ...] = ()
    photo: Photo | None = None


@dataclass(frozen=True)
class Photo:
    """The photo as build-cv re-encoded it (sources/photo.py): `file` is the name TeX
    reads it by in its build folder, `alt` its text in HTML."""

    file: str
    data: bytes = dataclass_field(repr=False)
    mime: str
    width: int
    height: int
    alt: str


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
    # What the publication says beyond its citation, where shown: its CRediT roles,
    # ranks, citations and DFG category (a line of facts), and its narrative.
    facts: tuple[Fact, ...] = ()
    between: str = "; "
    contribution: Rich | None = None


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


@dataclass(frozen=True)
class Fact:
    """One fact of a record entry, ready to print: `label` is empty where the text says
    what it is (a role, a status), `name` the field it shows (for a stylesheet, a test).
    A `title` (a thesis) is set as titles are; `text` may be `Rich` markup."""

    name: str
    label: str
    text: str
    title: bool = False


@dataclass(frozen=True)
class RecordView:
    """An entry of an academic record kind (grants, teaching, supervision, talks, service,
    awards), in one shape for all six: when, what (`heading`), where (`where`: the funder,
    the venue, the institution), then its facts in print order and its links. Every
    writer lays the six out alike, so none can drift from another."""

    origin: Origin
    dates: str
    heading: str
    where: str | None
    facts: tuple[Fact, ...]
    between: str  # what stands between two facts (`; `, `；`)
    links: tuple[Link, ...] = ()
    period: Period | None = None
    summary: Rich | None = None  # a line of its own, after the facts (an award's citation)


EntryView = (
    ExperienceView
    | EducationView
    | ProjectView
    | PublicationView
    | PatentGroupView
    | ItemView
    | ListItemView
    | ReferenceView
    | RecordView
)
Kind = Literal[
    "experience", "education", "projects", "publications", "patents", "items", "list",
    "references", "raw", "grants", "teaching", "supervision", "talks", "service", "awards",
]  # fmt: skip
# The kinds whose entries are RecordViews (docs/kinds.md).
RECORD_KINDS = ("grants", "teaching", "supervision", "talks", "service", "awards")


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
    (the LaTeX writer loads a CJK font only for a CV that has CJK text). Iterative, with
    each dataclass's field names looked up once per class: a view of a thousand
    publications holds thirty thousand strings."""
    stack: list[object] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, tuple | list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            stack.extend(reversed(list(item.values())))
        elif is_dataclass(item) and not isinstance(item, type):
            stack.extend(getattr(item, name) for name in reversed(_field_names(type(item))))


@cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(kind))


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


def native_language(person: m.Person) -> str:
    """The language the native name is written in: `person.native_name_language`, or
    Simplified Chinese, the language of most names written beside a Latin one here."""
    return canonical(person.native_name_language)


def name_lines(person: m.Person, design: m.Design) -> tuple[NameLine, ...]:
    """The name's lines in header order: the native name leads in a document written in
    its language (a Chinese CV of a Chinese name), the Latin name in any other."""
    document = canonical(design.language)
    fallback = canonical(design.fallback_language)
    latin = NameLine(person.name, document if script(document) == "Latn" else fallback)
    if person.native_name is None:
        return (latin,)
    native = NameLine(person.native_name, native_language(person))
    return (native, latin) if same_language(native.language, document) else (latin, native)


def document_words(design: m.Design) -> Words:
    """The labels and date style of a document: its language's, and its fallback
    language's labels where build-cv has none for it (build_cv/locales/)."""
    given = design.date_range
    ranges = (given.closed, given.open) if given is not None else None
    return words(design.language, design.fallback_language, design.date_style, ranges)


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
        names=name_lines(p, cv.design),
        headline=p.headline,
        location=p.location,
        phone=p.phone,
        phone_url=f"tel:{p.phone_e164}" if p.phone_e164 else None,
        email=p.email,
        homepage=p.homepage,
        profiles=profiles(p),
        updated=cv.updated,
        updated_text=long_date(cv.updated, w),
        basic=basic_information(p, w),
        photo=_photo(p, w),
    )
    editions: dict[str, int] = dict(cv.rank_editions.items())
    return View(
        header=header,
        metadata=_metadata(cv, w),
        keywords=tuple(cv.keywords),
        summary=_rich(cv.summary),
        sections=tuple(_section(s, owner, cv.design.marks, w, editions) for s in cv.sections),
        labels=dict(w.labels),
    )


# The private person fields of the basic-information block, in the order of a Chinese
# hiring form (出生年月, 性别, 民族, 政治面貌, 籍贯), nationality last.
BASIC_FIELDS = ("birth_date", "gender", "ethnicity", "political_status", "hometown", "nationality")


def basic_information(p: m.Person, w: Words) -> tuple[Fact, ...]:
    """The private fields `p` still has (a variant shows them), each under its label."""
    facts = []
    for name in BASIC_FIELDS:
        value = getattr(p, name)
        if value is None:
            continue
        text = w.birth_month(value.year, value.month) if name == "birth_date" else value
        facts.append(Fact(name, w.fields[f"person.{name}"], text))
    return tuple(facts)


def _photo(p: m.Person, w: Words) -> Photo | None:
    image = p.image
    if image is None:
        return None
    file = f"photo.{image.extension}"
    return Photo(file, image.data, image.mime, image.width, image.height, w.fields["person.photo"])


def _section(
    section: m.Section,
    owner: OwnerMatcher,
    marks: m.Marks,
    w: Words,
    editions: Mapping[str, int] | None = None,
) -> SectionView:
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
        groups = _publication_groups(section, owner, marks, w, editions or {})
        entries = tuple(p for g in groups for p in g.entries)
        legend = _publication_legend(section.entries, marks, w)
    elif isinstance(section, m.PatentSection):
        entries = tuple(_patents(g) for g in section.entries)
        if any(p.first_inventor for g in section.entries for p in g.patents):
            legend = (Mark(FIRST_INVENTOR_MARK, w.labels["first_inventor"]),)
    elif isinstance(section, m.RecordSection):
        entries = tuple(_record(e, w) for e in _in_order(section))
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
    section: m.PublicationSection,
    owner: OwnerMatcher,
    marks: m.Marks,
    w: Words,
    editions: Mapping[str, int],
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
            views.append(_publication(e, number, owner, marks, w, editions))
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
    p: m.Publication,
    number: str,
    owner: OwnerMatcher,
    marks: m.Marks,
    w: Words,
    editions: Mapping[str, int] | None = None,
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
        facts=publication_facts(p, w, editions or {}),
        between=w.kinds["facts"],
        contribution=_rich(p.contribution),
    )


def publication_facts(p: m.Publication, w: Words, editions: Mapping[str, int]) -> tuple[Fact, ...]:
    """What a publication says beyond its citation, each under its label: its CRediT
    roles, then what the variant shows of its ranks (each with its list's edition),
    citations (with their source and date) and DFG category."""
    facts = []
    if p.credit:
        roles = w.labels["comma"].join(w.fields[f"credit.{r}"] for r in p.credit)
        facts.append(Fact("credit", w.fields["publications.credit"], roles))
    if p.ranks:
        ranks = w.labels["comma"].join(
            _rank(system, rank, w, editions) for system, rank in p.ranks.items()
        )
        facts.append(Fact("ranks", w.fields["publications.ranks"], ranks))
    if p.citations is not None:
        c = p.citations
        count = w.fields["citations"].format(
            count=w.number(c.count), source=c.source, as_of=month_year(c.as_of, w)
        )
        facts.append(Fact("citations", w.fields["publications.citations"], count))
    if p.dfg_category is not None:
        facts.append(Fact("dfg_category", w.fields["publications.dfg_category"], p.dfg_category))
    return tuple(facts)


def _rank(system: str, rank: m.Rank, w: Words, editions: Mapping[str, int]) -> str:
    """`CCF A (2022)`, `中科院1区（2023）`: the list, the rank, the list's edition."""
    shown = w.fields[f"rank.{system}"].format(rank.rank)
    edition = rank.edition or editions.get(system)
    if edition is None:
        return shown
    return w.fields["rank.edition"].format(rank=shown, edition=edition)


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


# ---- the academic record kinds ---------------------------------------------------------

RecordEntry = m.Grant | m.Teaching | m.Supervision | m.Talk | m.Service | m.Award


def _in_order(section: m.RecordSection) -> list[RecordEntry]:
    """The entries as an academic reads such a list: newest first (grants by their start,
    talks and awards by their date, service and teaching by their latest year), current
    students before graduates; `order: as-written` keeps them as the data has them. The
    sort is stable, and an entry without a date goes after those with one."""
    entries: list[RecordEntry] = list(section.entries)
    if section.order == "as-written":
        return entries
    return sorted(entries, key=_newest_first)


def _newest_first(e: RecordEntry) -> tuple[int, int, int]:
    """A sort key: (group, -year, -month); supervision's group is its status."""
    group = 0
    when: m.YearMonth | None = None
    if isinstance(e, m.Grant):
        when = e.start
    elif isinstance(e, m.Supervision):
        group = {"current": 0, "graduated": 1}.get(e.status or "", 2)
        when = e.start if e.status == "current" or not isinstance(e.end, m.YearMonth) else e.end
    elif isinstance(e, m.Talk | m.Award):
        when = e.date
    elif isinstance(e, m.Service):
        when = m.YearMonth(year=max(e.years)) if e.years else None
    else:
        years = [int(y) for term in e.terms for y in _YEAR_IN.findall(term)]
        when = m.YearMonth(year=max(years)) if years else None
    if when is None:
        return (group, 1, 0)
    year, month = when.key()
    return (group, -year, -month)


_YEAR_IN = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def _record(e: RecordEntry, w: Words) -> RecordView:
    if isinstance(e, m.Grant):
        return _grant(e, w)
    if isinstance(e, m.Teaching):
        return _teaching(e, w)
    if isinstance(e, m.Supervision):
        return _supervision(e, w)
    if isinstance(e, m.Talk):
        return _talk(e, w)
    if isinstance(e, m.Service):
        return _service(e, w)
    return _award(e, w)


def _joined(w: Words, *parts: str | None) -> str | None:
    """The parts of a name or a place, as the language lists them (`, `, `，`)."""
    return w.labels["comma"].join(p for p in parts if p) or None


def _labelled(name: str, value: str | None, w: Words, *, title: bool = False) -> list[Fact]:
    return [] if value is None else [Fact(name, w.kinds[name], value, title)]


def _named(name: str, kind: str, value: str | None, w: Words) -> list[Fact]:
    """A closed value (a role, a status, a level) by its name in the document's language."""
    return [] if value is None else [Fact(name, "", w.kinds[f"{kind}.{name}.{value}"])]


def _money(amount: Decimal | None, currency: str | None, w: Words) -> list[Fact]:
    if amount is None or currency is None:
        return []
    return [Fact("amount", w.kinds["amount"], w.money(amount, currency))]


def _grant(e: m.Grant, w: Words) -> RecordView:
    """Headed by its title; a grant without one (a fellowship) by its funder."""
    share = None if e.share is None else w.percent(e.share)
    facts = [
        *_named("role", "grants", e.role, w),
        *_money(e.amount, e.currency, w),
        *_labelled("share", share, w),
        *_named("status", "grants", e.status, w),
    ]
    return RecordView(
        origin=e.origin,
        dates=date_range(e.start, e.end, w),
        heading=e.title or e.funder,
        where=_joined(w, e.funder if e.title else None, e.programme, e.number),
        facts=tuple(facts),
        between=w.kinds["facts"],
        period=period(e.start, e.end, w),
    )


def _teaching(e: m.Teaching, w: Words) -> RecordView:
    """The terms stand where dates stand: a course is taught in terms, named as the
    institution names them (Fall 2023, WS 2023/24, 2023 春季学期)."""
    enrolment = None if e.enrolment is None else w.number(e.enrolment)
    facts = [
        *_named("role", "teaching", e.role, w),
        *_named("level", "teaching", e.level, w),
        *_labelled("enrolment", enrolment, w),
    ]
    return RecordView(
        origin=e.origin,
        dates=w.labels["comma"].join(e.terms),
        heading=e.course,
        where=_joined(w, e.code, e.institution),
        facts=tuple(facts),
        between=w.kinds["facts"],
    )


def _supervision(e: m.Supervision, w: Words) -> RecordView:
    facts = [
        *_named("status", "supervision", e.status, w),
        *_labelled("co_advisor", e.co_advisor, w),
        *_labelled("thesis", e.thesis, w, title=True),
        *_labelled("placement", e.placement, w),
    ]
    return RecordView(
        origin=e.origin,
        dates=date_range(e.start, e.end, w),
        heading=e.student,
        where=w.kinds[f"supervision.level.{e.level}"],
        facts=tuple(facts),
        between=w.kinds["facts"],
        period=period(e.start, e.end, w),
    )


def _talk(e: m.Talk, w: Words) -> RecordView:
    return RecordView(
        origin=e.origin,
        dates=month_year(e.date, w),
        heading=e.title,
        where=_joined(w, e.event, e.place),
        facts=tuple(_named("type", "talks", e.type, w)),
        between=w.kinds["facts"],
        links=(Link(w.labels["link"], e.link),) if e.link else (),
        period=period(e.date, None, w),
    )


def _service(e: m.Service, w: Words) -> RecordView:
    """Its years as runs (`2019 – 2021, 2024`); its type only where the role does not
    already say it (a role `Program Committee` of type `program committee`)."""
    facts = _named("type", "service", e.type, w)
    role = e.role.casefold()
    if facts and role in (facts[0].text.casefold(), (e.type or "").casefold()):
        facts = []
    runs = _runs(sorted(e.years))
    dates = w.labels["comma"].join(f"{a}" if a == b else w.span(f"{a}", f"{b}") for a, b in runs)
    when = None
    if len(runs) == 1:
        ((first, last),) = runs
        when = period(m.YearMonth(year=first), m.YearMonth(year=last), w)
    return RecordView(
        origin=e.origin,
        dates=dates,
        heading=e.role,
        where=e.body,
        facts=tuple(facts),
        between=w.kinds["facts"],
        period=when,
    )


def _runs(years: list[int]) -> list[tuple[int, int]]:
    """Sorted years as runs of consecutive ones: 2019, 2020, 2021, 2024 → (2019, 2021),
    (2024, 2024)."""
    runs: list[tuple[int, int]] = []
    for year in years:
        if runs and runs[-1][1] == year - 1:
            runs[-1] = (runs[-1][0], year)
        else:
            runs.append((year, year))
    return runs


def _award(e: m.Award, w: Words) -> RecordView:
    return RecordView(
        origin=e.origin,
        dates="" if e.date is None else month_year(e.date, w),
        heading=e.name,
        where=e.issuer,
        facts=tuple(_money(e.amount, e.currency, w)),
        between=w.kinds["facts"],
        period=None if e.date is None else period(e.date, None, w),
        summary=_rich(e.summary),
    )
