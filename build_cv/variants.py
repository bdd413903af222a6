"""Variants: several documents from one record, chosen by tags, with fields hidden.

Selection happens once, on the validated model, before the view and any writer run (as
Sphinx filters tags before its builders), so every format of a variant shows the same
entries and no writer can forget a hidden field: a hidden field is simply not in the
model the writers see. Entries keep their origin through selection, so messages still
name the line the user wrote.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import unquote

from pydantic import BaseModel

from build_cv.errors import PathKey
from build_cv.exposure import MIN_LENGTH, View, find
from build_cv.markup import strip_markup
from build_cv.report import Secret
from build_cv.schema import model as m
from build_cv.schema.model import PERSON, SECTION_KINDS
from build_cv.sources.bibtex.owners import OwnerMatcher

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
}


@dataclass(frozen=True)
class Hidden:
    """A value a variant hides: which field (`references.email`) and where it was written."""

    field: str
    path: PathKey
    value: str


@dataclass(frozen=True)
class Selection:
    cv: m.CV
    hidden: tuple[Hidden, ...]
    checks: m.Checks


def select(cv: m.CV, name: str | None) -> Selection:
    """The CV as variant `name` shows it (None: the full CV, unchanged)."""
    if name is None:
        return Selection(cv, (), cv.design.checks)
    variant = cv.variants[name]
    sections = _ordered(cv.sections, variant.sections)
    kept = [s for s in (_filter(s, variant) for s in sections) if s is not None]
    hidden: list[Hidden] = []
    person = _hide(cv.person, PERSON, variant.hide, ("person",), hidden)
    kept = [_hide_in_section(s, variant.hide, hidden) for s in kept]
    design = cv.design
    if variant.marks is not None:
        design = design.model_copy(update={"marks": variant.marks})
    update = {"sections": kept, "person": person, "variants": {}, "design": design}
    selected = cv.model_copy(update=update)
    return Selection(selected, tuple(hidden), variant.checks.over(cv.design.checks))


def _ordered(sections: list[m.Section], titles: list[str] | None) -> list[m.Section]:
    if titles is None:
        return list(sections)
    return [s for title in titles for s in sections if m.is_named(s, title)]


def _keeps(tags: Iterable[str], variant: m.Variant) -> bool:
    tags = set(tags)
    if variant.only_tags and not tags & set(variant.only_tags):
        return False
    return not tags & set(variant.omit_tags)


def _filter(section: m.Section, variant: m.Variant) -> m.Section | None:
    """The section with only the entries the variant keeps; None when none is left."""
    entries = getattr(section, "entries", None)
    if entries is None or isinstance(section, m.ListSection):
        return section if _keeps(section.tags, variant) else None
    kept = [e for e in entries if _keeps([*section.tags, *e.tags], variant)]
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


def _hide_in_section(section: m.Section, hide: list[str], hidden: list[Hidden]) -> m.Section:
    entries = getattr(section, "entries", None)
    if entries is None or section.kind not in SECTION_KINDS:
        return section
    new = [_hide(e, section.kind, hide, e.origin.path, hidden) for e in entries]
    return section.model_copy(update={"entries": new})


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
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _texts(getattr(value, name), (*path, name))
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
