"""Variants: several documents from one record, chosen by tags, with fields hidden.

Selection happens once, on the validated model, before the view and any writer run (as
Sphinx filters tags before its builders), so every format of a variant shows the same
entries and no writer can forget a hidden field: a hidden field is simply not in the
model the writers see. Entries keep their origin through selection, so messages still
name the line the user wrote.

A variant that follows a profile (`profile: nsfc`) is laid out here too, the one place
its settings meet: the profile orders and titles its sections and gives the paper, the
dates and the marks, and whatever the variant sets itself (`sections:`, `marks:`,
`language:`) wins. The profile's rules are checked later, on the view and the PDF
(pipeline/compliance.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from pydantic import BaseModel

from build_cv.errors import PathKey
from build_cv.exposure import MIN_LENGTH, View, find
from build_cv.languages import SUPPORTED
from build_cv.locales import words
from build_cv.markup import strip_markup
from build_cv.report import Secret
from build_cv.schema import model as m
from build_cv.schema.model import OPT_IN, PERSON, SECTION_KINDS
from build_cv.sources import profiles
from build_cv.sources.bibtex.kinds import Group, group_of, is_preprint
from build_cv.sources.bibtex.owners import OwnerMatcher

if TYPE_CHECKING:
    from build_cv.schema.profile import Profile

MIN_LEAK_CHECK = MIN_LENGTH  # shorter hidden values (a year, an initial) occur by chance
# Hidden fields whose values stay shown on purpose: hiding the marks keeps the authors,
# and other spellings of the owner's name only decide what is bolded.
NOT_SECRET = {
    "publications.equal_contribution",
    "publications.corresponding",
    "publications.entry_type",
    "person.author_names",
    # A closed value (a role, a status, a type) prints as its name in the document's
    # language, and a year is everywhere: hiding one leaves it out, but the value is no
    # secret another field could show.
    "grants.role",
    "grants.status",
    "teaching.role",
    "teaching.level",
    "supervision.level",
    "supervision.status",
    "talks.type",
    "service.type",
    "service.years",
    # Closed values and numbers (a rank, an A or B, a count): printed as the view labels
    # them, and too short or too common to be searched for; a test holds each out of the
    # outputs of a variant that does not show it (tests/test_private.py).
    "publications.ranks",
    "publications.dfg_category",
    "publications.citations",
    # Private categories and places: "Chinese", "Beijing" are words a CV uses elsewhere
    # ("21 Chinese patents", "Beijing, China"), so hunting them would refuse every build
    # of their owner. They are removed before any writer runs, like every hidden field,
    # and a test holds each out of every output (tests/test_private.py). The birth date
    # and the photo are still hunted.
    "person.gender",
    "person.nationality",
    "person.ethnicity",
    "person.political_status",
    "person.hometown",
}


@dataclass(frozen=True)
class Hidden:
    """A value a variant hides: which field (`references.email`) and where it was written."""

    field: str
    path: PathKey
    value: str


@dataclass(frozen=True)
class Selection:
    """`profile`: the rules the variant follows; `retitled`: the sections (by their path
    in the data) printed under the profile's title instead of their own; `shown`: the
    opt-in fields (OPT_IN) it prints."""

    cv: m.CV
    hidden: tuple[Hidden, ...]
    checks: m.Checks
    profile: Profile | None = None
    retitled: tuple[PathKey, ...] = ()
    shown: frozenset[str] = frozenset()


def profile_of(cv: m.CV, name: str | None) -> Profile | None:
    """The profile variant `name` follows, if any."""
    given = cv.variants[name].profile if name is not None else None
    return profiles.load(given) if given else None


def language_of(cv: m.CV, name: str | None) -> str | None:
    """The language variant `name` is written in: its own, else its profile's (None: the
    design's). The record is read in it before `select` (a field written in several
    languages gives its text as the model is validated)."""
    if name is None:
        return None
    profile = profile_of(cv, name)
    return cv.variants[name].language or (profile.language if profile else None)


def select(cv: m.CV, name: str | None) -> Selection:
    """The CV as variant `name` shows it (None: the full CV, without its opt-in fields).

    The opt-in fields (private data, metrics: OPT_IN) are hidden like those `hide:`
    names, unless the variant's `show:` (or, for a publication's, its profile's) lists
    them: the same removal before any writer runs, and the same leak check after."""
    if name is None:
        hidden: list[Hidden] = []
        person = _hide(cv.person, PERSON, sorted(OPT_IN), ("person",), hidden)
        kept = [_hide_in_section(s, sorted(OPT_IN), hidden) for s in cv.sections]
        if not hidden:
            return Selection(cv, (), cv.design.checks)
        full = cv.model_copy(update={"person": person, "sections": kept})
        return Selection(full, tuple(hidden), cv.design.checks)
    variant = cv.variants[name]
    profile = profile_of(cv, name)
    shown = frozenset([*variant.show, *(profile.show if profile is not None else [])])
    hide = [*variant.hide, *sorted(OPT_IN - shown)]
    sections = _ordered(cv.sections, variant.sections, profile)
    kept = [s for s in (_filter(s, variant) for s in sections) if s is not None]
    hidden = []
    person = _hide(cv.person, PERSON, hide, ("person",), hidden)
    kept = [_hide_in_section(s, hide, hidden) for s in kept]
    if "publications.dfg_category" in shown:
        kept = [_categorised(s) for s in kept]
    kept, retitled = _retitled(kept, profile)
    design = _design(cv.design, variant, profile)
    update = {"sections": kept, "person": person, "variants": {}, "design": design}
    selected = cv.model_copy(update=update)
    checks = variant.checks.over(cv.design.checks)
    return Selection(selected, tuple(hidden), checks, profile, retitled, shown & OPT_IN)


def _ordered(
    sections: list[m.Section], titles: list[str] | None, profile: Profile | None
) -> list[m.Section]:
    """The variant's own `sections:` (by title, in its order), else the profile's places
    (by kind, each kind's sections as written), else every section as written."""
    if titles is not None:
        return [s for title in titles for s in sections if m.is_named(s, title)]
    if profile is None:
        return list(sections)
    kinds = [place.kind for place in profile.sections]
    placed: list[m.Section] = [s for kind in kinds for s in sections if s.kind == kind]
    if profile.other_sections == "keep":
        placed += [s for s in sections if s.kind not in kinds]
    return placed


def _retitled(
    sections: list[m.Section], profile: Profile | None
) -> tuple[list[m.Section], tuple[PathKey, ...]]:
    """The profile's title on a section that is the only one of its kind in the document;
    several sections of one kind (journal papers and preprints) keep their own titles,
    which tell them apart."""
    if profile is None:
        return sections, ()
    count = Counter(s.kind for s in sections)
    out, retitled = [], []
    for s in sections:
        title = profile.title_of(s.kind) if count[s.kind] == 1 else None
        if title is not None and title != s.title:
            out.append(s.model_copy(update={"title": title}))
            retitled.append(s.origin.path)
        else:
            out.append(s)
    return out, tuple(retitled)


def _design(design: m.Design, variant: m.Variant, profile: Profile | None) -> m.Design:
    """The profile's paper, dates and marks over the design's: they are the variant's
    defaults; the variant's own `marks:` over both."""
    update: dict[str, Any] = {}
    if profile is not None:
        for key in ("paper", "date_style", "date_range", "page_numbers"):
            if getattr(profile, key) is not None:
                update[key] = getattr(profile, key)
        if profile.marks is not None:
            update["marks"] = m.Marks(**profile.marks.model_dump())
    if variant.marks is not None:
        update["marks"] = variant.marks
    return design.model_copy(update=update) if update else design


def _keeps(tags: Iterable[str], variant: m.Variant) -> bool:
    tags = set(tags)
    if variant.only_tags and not tags & set(variant.only_tags):
        return False
    return not tags & set(variant.omit_tags)


def _filter(section: m.Section, variant: m.Variant) -> m.Section | None:
    """The section with only the entries the variant keeps; None when none is left.
    `only_representative` keeps only the publications marked representative."""
    entries = getattr(section, "entries", None)
    if entries is None or isinstance(section, m.ListSection):
        return section if _keeps(section.tags, variant) else None
    kept = [e for e in entries if _keeps([*section.tags, *e.tags], variant)]
    if variant.only_representative and isinstance(section, m.PublicationSection):
        kept = [e for e in kept if e.representative]
    if not kept:
        return None
    return section.model_copy(update={"entries": kept})


def _hide(model: Any, owner: str, hide: list[str], path: PathKey, hidden: list[Hidden]) -> Any:
    """`model` without the fields `hide` names, nor any field derived from one of them
    (an arXiv id the .bib reader took from a hidden `url`): see `derived_from`."""
    update = {}
    for spec, field in _hidden_fields(model, owner, hide):
        value = getattr(model, field)
        if value in (None, [], ""):
            continue
        if isinstance(value, m.YearMonth) and value.month is not None:  # as printed
            for text in month_forms(value):
                hidden.append(Hidden(spec, (*path, field), text))
        for sub, text in _texts(value, (*path, field)):
            hidden.append(Hidden(spec, sub, text))
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            for text in _grouped(value):  # as the outputs print it: 550,000 or 550.000
                hidden.append(Hidden(spec, (*path, field), text))
        update[field] = type(model).model_fields[field].get_default(call_default_factory=True)
    return model.model_copy(update=update) if update else model


def _hidden_fields(model: Any, owner: str, hide: list[str]) -> list[tuple[str, str]]:
    """(the `hide` entry responsible, field) for each field to drop, derivations followed."""
    named = {f: f"{owner}.{f}" for o, _, f in (s.partition(".") for s in hide) if o == owner}
    sources = derived_from(model)
    grew = True
    while grew:
        grew = False
        for field, origins in sources.items():
            cause = next((named[o] for o in origins if o in named), None)
            if field not in named and cause is not None:
                named[field] = cause
                grew = True
    return [(spec, field) for field, spec in named.items()]


def derived_from(model: Any) -> dict[str, tuple[str, ...]]:
    """The fields of `model` that a source derived from others, and from which: a
    `Publication` read from a .bib records where its arXiv id was found."""
    derived = getattr(model, "derived", None)
    return dict(derived) if isinstance(derived, dict) else {}


def _categorised(section: m.Section) -> m.Section:
    """A publications section whose every entry has its DFG category, derived where the
    data gives none: what a variant that shows the categories prints."""
    if not isinstance(section, m.PublicationSection):
        return section
    entries = [
        e if e.dfg_category else e.model_copy(update={"dfg_category": dfg_category(e)})
        for e in section.entries
    ]
    return section.model_copy(update={"entries": entries})


def _hide_in_section(section: m.Section, hide: list[str], hidden: list[Hidden]) -> m.Section:
    entries = getattr(section, "entries", None)
    if entries is None or section.kind not in SECTION_KINDS:
        return section
    new = [_hide(e, section.kind, hide, e.origin.path, hidden) for e in entries]
    return section.model_copy(update={"entries": new})


def month_forms(value: m.YearMonth) -> list[str]:
    """A month as the outputs could print it, in every language build-cv writes: ISO
    (1990-05), each language's numeric form (1990.05, 05/1990) and its month names from
    CLDR (May 1990, 1990年5月, Mai 1990), short and long."""
    forms = {str(value)}
    for tag in SUPPORTED:
        w = words(tag, tag, "numeric")
        forms.add(w.month(value.year, value.month))
        forms.add(words(tag, tag, "month-year").month(value.year, value.month))
        forms.add(w.birth_month(value.year, value.month or 1))  # May 1990, 1990年5月
    return sorted(forms)


def _grouped(value: Decimal | int) -> list[str]:
    """A number as writers print it, in the digit groupings of the supported languages
    (1,234,567; 1.234.567; 1 234 567, a no-break space being a space to the search): a
    hidden amount is searched for in each."""
    whole = int(value)
    if whole < 1000:
        return []
    plain = f"{whole:,}"
    return [plain, plain.replace(",", "."), plain.replace(",", " ")]


def _texts(value: Any, path: PathKey) -> Iterator[tuple[PathKey, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _texts(item, (*path, i))
    elif isinstance(value, BaseModel) and not isinstance(value, m.YearMonth):
        for name in type(value).model_fields:
            yield from _texts(getattr(value, name), (*path, name))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, (*path, key))
    elif isinstance(value, Decimal):
        yield path, f"{value:f}"  # 550000, never 5.5E+5
    elif value is not None and not isinstance(value, bool):
        yield path, str(value)


# Hidden names that are the owner's own are shown by the header whatever a variant hides:
# hiding the author lists cannot hide the owner of the CV.
_NAMES = {"publications.authors", "publications.equal_contribution"}


def secret(selection: Selection) -> list[Hidden]:
    """The hidden values that must appear in none of the variant's outputs: all but those
    shown on purpose (NOT_SECRET), and the owner's own name in a hidden author list."""
    person = selection.cv.person
    owner = OwnerMatcher(person.name, [*filter(None, [person.native_name]), *person.author_names])
    return [
        h
        for h in selection.hidden
        if h.field not in NOT_SECRET and not (h.field in _NAMES and owner.matches(h.value))
    ]


def leaks(selection: Selection) -> list[tuple[Hidden, PathKey]]:
    """Hidden values that the variant still shows in another field, and where.

    Hiding `references.email` promises the address is nowhere in the document; if the
    user also typed it into a summary, the field is gone but the value is not. It is
    looked for as the outputs are searched (exposure.py): in any case and spacing, in a
    %-encoded link, and a phone number as its digits.
    """
    values = {Secret(h.field, h.value): h for h in secret(selection)}
    if not values:
        return []
    secrets = list(values)
    found = []
    for path, text in m.user_strings(selection.cv, ()):
        readings = (text, strip_markup(text), unquote(text, errors="replace"))
        for exposure in find(secrets, [View(t, lines=False) for t in readings]):
            found.append((values[exposure.secret], path))
    return found


# DFG category B: what is not a peer-reviewed format (the DFG's FAQ on publication lists).
_CATEGORY_B_TYPES = frozenset(
    {"software", "dataset", "data", "patent", "misc", "online", "unpublished", "electronic"}
)
_CATEGORY_A_GROUPS = frozenset({Group.JOURNAL, Group.CONFERENCE, Group.BOOK, Group.CHAPTER})


def dfg_category(entry: Any) -> str | None:
    """A result's DFG category: its own `dfg_category` where the data sets it, else
    derived from its kind: peer-reviewed formats (journal and conference papers, books
    and chapters) are A; preprints, patents, software, data, reports, theses and
    anything without a venue are B (the DFG's FAQ on publication lists: docs/private.md)."""
    own = getattr(entry, "dfg_category", None) or getattr(entry, "declared_dfg_category", None)
    if own:
        return str(own).upper()
    if isinstance(entry, m.Patent):
        return "B"
    if not isinstance(entry, m.Publication):
        return None
    if is_preprint(entry) or (entry.entry_type or "") in _CATEGORY_B_TYPES:
        return "B"
    if group_of(entry) in _CATEGORY_A_GROUPS:
        return "A"
    return "A" if entry.entry_type is None and entry.venue else "B"
