"""What a variant names must be in the record: its tags, its section titles and the
fields it hides; and the profile it follows must be one build-cv has.

A check of the whole record, made once the YAML and every .bib it names are read
(entries from either may carry the tags a variant selects by), and reported like a
schema problem, at the variant's own line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from build_cv.errors import Location, PathKey, SchemaProblem, did_you_mean
from build_cv.schema import model as m
from build_cv.schema.model import OPT_IN, PERSON, SECTION_KINDS, SELECTION_FIELDS
from build_cv.sources import profiles
from build_cv.sources.yaml_source import Loaded


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
        for i, path in enumerate(variant.show):
            problem = show_problem(path)
            if problem:
                found.append(Problem((*here, "show", i), problem))
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


def show_problem(path: str) -> str | None:
    """Why `show:` cannot name `path`: it is no field, or one every output prints anyway."""
    if path in OPT_IN:
        return None
    options = sorted(OPT_IN)
    if _hide_problem(path) is None:
        return (
            f"`{path}` is printed wherever it is given; `show:` names the fields no output "
            f"prints otherwise: {', '.join(options)}"
        )
    return f"`{path}` names no private field or metric" + (
        did_you_mean(path, options) or f"; `show:` takes {', '.join(options)}"
    )


def undated_ranks(cv: m.CV, loaded: Loaded) -> list[SchemaProblem]:
    """Each venue rank with no edition, neither its own nor the CV's `rank_editions`: a
    rank means nothing without the edition of the list that gave it."""
    found = []
    for section in cv.sections:
        for entry in section.entries if isinstance(section, m.PublicationSection) else []:
            for system, rank in entry.ranks.items():
                if rank.edition is not None or system in cv.rank_editions:
                    continue
                message = (
                    f"the {system} rank {rank.rank} has no edition: write "
                    f"`{system}: {{rank: {rank.rank}, edition: YEAR}}`, or give every {system} "
                    f"rank its edition with `rank_editions: {{{system}: YEAR}}`"
                )
                origin = entry.origin
                if origin.file is not None and origin.file != loaded.path:  # from a .bib
                    where = Location(origin.file, origin.line, None, origin.field)
                    message += f" (in the .bib: `{system}_edition = {{YEAR}}`)"
                else:
                    where = loaded.locate((*origin.path, "ranks", system))
                found.append(SchemaProblem(where, message))
    return found


def _all_tags(cv: m.CV) -> set[str]:
    tags: set[str] = set()
    for section in cv.sections:
        tags.update(section.tags)
        for entry in getattr(section, "entries", []):
            tags.update(getattr(entry, "tags", []))
    return tags
