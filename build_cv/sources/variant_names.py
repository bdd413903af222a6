"""What a variant names must be in the record: its tags, its section titles and the
fields it hides; and the profile it follows must be one build-cv has.

A check of the whole record, made once the YAML and every .bib it names are read
(entries from either may carry the tags a variant selects by), and reported like a
schema problem, at the variant's own line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from build_cv.errors import PathKey, did_you_mean
from build_cv.schema import model as m
from build_cv.schema.model import PERSON, SECTION_KINDS, SELECTION_FIELDS
from build_cv.sources import profiles


@dataclass(frozen=True)
class Problem:
    """A mistake in a variant, at a path of the data; the source locates it."""

    path: PathKey
    message: str


def problems(cv: m.CV) -> list[Problem]:
    """Every tag, title or hidden field a variant names that the data does not have."""
    tags = sorted(_all_tags(cv))
    titles = [s.title for s in cv.sections]
    kinds = [s.kind for s in cv.sections if isinstance(s, m.RecordSection)]
    found: list[Problem] = []
    for name, variant in cv.variants.items():
        here: PathKey = ("variants", name)
        for key in ("only_tags", "omit_tags"):
            for i, tag in enumerate(getattr(variant, key)):
                if tag not in tags:
                    message = f"unknown tag `{tag}`: no entry or section carries it"
                    found.append(Problem((*here, key, i), message + did_you_mean(tag, tags)))
        for i, title in enumerate(variant.sections or []):
            if not any(m.is_named(s, title) for s in cv.sections):
                message = f"no section is titled `{title}`"
                hint = did_you_mean(title, [*titles, *kinds])
                found.append(Problem((*here, "sections", i), message + hint))
        for i, path in enumerate(variant.hide):
            problem = _hide_problem(path)
            if problem:
                found.append(Problem((*here, "hide", i), problem))
        unknown = variant.profile and profiles.unknown(variant.profile)
        if unknown:
            found.append(Problem((*here, "profile"), unknown))
        checks = variant.checks.over(cv.design.checks)
        if checks.max_pages is not None and checks.max_pages < checks.min_pages:
            found.append(
                Problem(
                    (*here, "checks"),
                    f"max_pages {checks.max_pages} is below min_pages {checks.min_pages} "
                    "(set min_pages here too; design.checks gives the rest)",
                )
            )
        problem = m.fit_problem(checks)
        if problem:
            found.append(
                Problem((*here, "checks"), f"{problem} (design.checks gives what is not set here)")
            )
    return found


def _hide_problem(path: str) -> str | None:
    owner, _, field = path.partition(".")
    if owner == PERSON:
        fields: dict[str, Any] = dict(m.Person.model_fields)
    elif owner in SECTION_KINDS:
        fields = dict(SECTION_KINDS[owner].model_fields)
    else:
        message = f"`{path}` names no field: `{owner}` is neither `person` nor a section kind"
        return message + did_you_mean(owner, [PERSON, *SECTION_KINDS], f"{{}}.{field}")
    names = [n for n in fields if n not in SELECTION_FIELDS]
    if field not in names:
        message = f"`{path}` names no field: {owner} has no `{field}`"
        return message + did_you_mean(field, names, f"{owner}.{{}}")
    if fields[field].is_required():
        return f"`{path}` cannot be hidden: every {owner} entry needs it"
    return None


def _all_tags(cv: m.CV) -> set[str]:
    tags: set[str] = set()
    for section in cv.sections:
        tags.update(section.tags)
        for entry in getattr(section, "entries", []):
            tags.update(getattr(entry, "tags", []))
    return tags
