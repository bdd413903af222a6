"""Variants: each selection rule, each mistake's message, and hidden fields that never leak."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from build_cv.errors import InputError, SchemaError
from build_cv.pipeline.build import variant_expectations
from build_cv.pipeline.diagnose import Locator, leak_warnings
from build_cv.pipeline.options import Limits
from build_cv.pipeline.plan import make_plan
from build_cv.schema.model import CV
from build_cv.sources.load import from_loaded
from build_cv.sources.yaml_source import load_yaml_text
from build_cv.variants import select
from build_cv.view import PublicationView, build_view
from tests.render import tex_for

BASE: dict[str, Any] = {
    "person": {"name": "Ada Lovelace", "email": "ada@example.org", "phone": "+44 20 7946 0000"},
    "updated": "2024-06-15",
    "sections": [
        {
            "title": "Work",
            "kind": "experience",
            "entries": [
                {"position": "Analyst", "organization": "Engine Co", "tags": ["selected"]},
                {"position": "Tutor", "organization": "Home", "tags": ["teaching"]},
                {"position": "Writer", "organization": "Press"},
            ],
        },
        {
            "title": "Papers",
            "kind": "publications",
            "entries": [
                {"title": "One", "authors": ["Ada Lovelace"], "venue": "V", "year": 1843},
                {
                    "title": "Two",
                    "authors": ["Ada Lovelace"],
                    "venue": "V",
                    "year": 1844,
                    "tags": ["selected"],
                },
            ],
        },
        {
            "title": "Service",
            "kind": "list",
            "tags": ["service"],
            "entries": ["Reviewer", "Chair"],
        },
        {
            "title": "Referees",
            "kind": "references",
            "entries": [{"name": "Charles Babbage", "email": "cb@example.org", "phone": "123 456"}],
        },
    ],
}


def cv_with(**variants: dict[str, Any]) -> CV:
    data = copy.deepcopy(BASE)
    data["variants"] = variants
    return from_loaded(load_yaml_text(yaml.safe_dump(data, sort_keys=False), Path("cv.yaml")))


def titles(cv: CV) -> list[str]:
    return [s.title for s in cv.sections]


def entry_names(cv: CV, title: str) -> list[str]:
    section = next(s for s in cv.sections if s.title == title)
    return [
        e if isinstance(e, str) else str(getattr(e, "position", None) or getattr(e, "title", ""))
        for e in getattr(section, "entries", [])
    ]


def test_only_tags_keeps_tagged_entries_and_drops_untagged_ones() -> None:
    cv = select(cv_with(v={"only_tags": ["selected"]}), "v").cv
    assert titles(cv) == ["Work", "Papers"]  # Service and Referees lost every entry
    assert entry_names(cv, "Work") == ["Analyst"]
    assert entry_names(cv, "Papers") == ["Two"]


def test_omit_tags_drops_tagged_entries_and_keeps_untagged_ones() -> None:
    cv = select(cv_with(v={"omit_tags": ["teaching", "service"]}), "v").cv
    assert titles(cv) == ["Work", "Papers", "Referees"]
    assert entry_names(cv, "Work") == ["Analyst", "Writer"]


def test_section_tags_apply_to_every_entry() -> None:
    cv = select(cv_with(v={"only_tags": ["service"]}), "v").cv
    assert titles(cv) == ["Service"]
    assert entry_names(cv, "Service") == ["Reviewer", "Chair"]


def test_sections_choose_and_order() -> None:
    cv = select(cv_with(v={"sections": ["Referees", "Work"]}), "v").cv
    assert titles(cv) == ["Referees", "Work"]


def test_numbering_and_origins_follow_the_selection() -> None:
    cv = select(cv_with(v={"only_tags": ["selected"]}), "v").cv
    papers = build_view(cv).sections[1]
    (two,) = papers.entries
    assert isinstance(two, PublicationView)
    assert two.number == "1."
    assert two.origin.path == ("sections", 1, "entries", 1)
    assert two.origin.line is not None
    tex = tex_for(cv)
    assert "% build-cv source: sections[1].entries[1]" in tex


def test_the_full_cv_is_left_as_it_is() -> None:
    cv = cv_with(v={"only_tags": ["selected"], "hide": ["person.email"]})
    assert select(cv, None).cv is cv


def test_hide_removes_the_field_everywhere_and_records_it() -> None:
    cv = cv_with(v={"hide": ["person.phone", "references.email", "references.phone"]})
    selection = select(cv, "v")
    assert selection.cv.person.phone is None
    assert selection.cv.person.email == "ada@example.org"
    tex = tex_for(selection.cv)
    for value in ("7946", "cb@example.org", "123 456"):
        assert value not in tex
    assert "Charles Babbage" in tex
    assert {h.field for h in selection.hidden} == {
        "person.phone",
        "references.email",
        "references.phone",
    }


def test_hidden_email_is_not_expected_by_the_preflight() -> None:
    cv = cv_with(v={"hide": ["person.email"], "only_tags": ["selected"]})
    exp = variant_expectations(cv, "v", Limits())
    assert exp.email is None
    assert exp.section_titles == ["Work", "Papers"]
    assert variant_expectations(cv, None, Limits()).email == "ada@example.org"


def test_variant_checks_lie_over_the_design_checks() -> None:
    data = copy.deepcopy(BASE)
    data["design"] = {"checks": {"min_pages": 1, "max_pages": 6, "max_size_mb": 3}}
    data["variants"] = {"v": {"checks": {"max_pages": 2}}}
    cv = from_loaded(load_yaml_text(yaml.safe_dump(data), Path("cv.yaml")))
    checks = select(cv, "v").checks
    assert (checks.min_pages, checks.max_pages, checks.max_size_mb) == (1, 2, 3)


def problems_of(variants: dict[str, Any], **top: Any) -> list[str]:
    data = copy.deepcopy(BASE)
    data.update(top)
    data["variants"] = variants
    text = yaml.safe_dump(data, sort_keys=False)
    with pytest.raises(SchemaError) as err:
        from_loaded(load_yaml_text(text, Path("cv.yaml")))
    return [str(p) for p in err.value.problems]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        (
            {"only_tags": ["selectd"]},
            r"cv\.yaml:\d+:\d+: variants\.v\.only_tags\[0\]: unknown tag `selectd`: "
            r"no entry or section carries it \(did you mean `selected`\?\)",
        ),
        (
            {"omit_tags": ["teachng"]},
            r"variants\.v\.omit_tags\[0\]: unknown tag `teachng`.*did you mean `teaching`",
        ),
        (
            {"sections": ["Work", "Paper"]},
            r"variants\.v\.sections\[1\]: no section is titled `Paper` \(did you mean `Papers`\?\)",
        ),
        (
            {"hide": ["person.phon"]},
            r"variants\.v\.hide\[0\]: `person\.phon` names no field: person has no `phon` "
            r"\(did you mean `person\.phone`\?\)",
        ),
        (
            {"hide": ["referees.email"]},
            r"`referees\.email` names no field: `referees` is neither `person` nor a section "
            r"kind \(did you mean `references\.email`\?\)",
        ),
        (
            {"hide": ["publications.title"]},
            r"`publications\.title` cannot be hidden: every publications entry needs it",
        ),
        ({"hide": ["email"]}, r"variants\.v\.hide\[0\]: .*person\.FIELD or KIND\.FIELD"),
        (
            {"checks": {"max_pages": 2}},
            r"variants\.v\.checks: max_pages 2 is below min_pages 3",
        ),
    ],
)
def test_mistakes_name_file_line_and_what_to_write(variant: dict[str, Any], expected: str) -> None:
    found = problems_of({"v": variant}, design={"checks": {"min_pages": 3}})
    assert len(found) == 1, found
    assert re.search(expected, found[0]), found[0]
    assert re.match(r"cv\.yaml:\d+:\d+: ", found[0])


def test_mistakes_point_at_the_line_of_the_wrong_value() -> None:
    data = copy.deepcopy(BASE)
    data["variants"] = {"short": {"only_tags": ["selected", "nope"]}}
    text = yaml.safe_dump(data, sort_keys=False, default_flow_style=False)
    with pytest.raises(SchemaError) as err:
        from_loaded(load_yaml_text(text, Path("cv.yaml")))
    (problem,) = err.value.problems
    assert problem.location.line == line_of(text, "- nope")


@pytest.mark.parametrize("name", ["Short", "two words", "all", "x_y"])
def test_variant_names_are_checked(name: str) -> None:
    (found,) = problems_of({name: {}})
    assert f"variants.{name}" in found


def test_every_mistake_is_reported_at_once() -> None:
    found = problems_of({"a": {"only_tags": ["x"]}, "b": {"hide": ["person.nme"]}})
    assert len(found) == 2


def test_unknown_variant_on_the_command_line_suggests_one() -> None:
    cv = cv_with(short={"only_tags": ["selected"]}, public={})
    with pytest.raises(InputError, match=r"unknown variant `shrot` \(did you mean `short`\?\)"):
        make_plan(Path("cv.yaml"), Path("out"), cv, ["shrot"])
    plan = make_plan(Path("data/cv.yaml"), Path("out"), cv, ["all"])
    assert [(t.variant, t.outputs.pdf.name) for t in plan] == [
        (None, "cv.pdf"),
        ("short", "cv-short.pdf"),
        ("public", "cv-public.pdf"),
    ]


def test_a_hidden_value_shown_elsewhere_is_reported() -> None:
    data = copy.deepcopy(BASE)
    data["summary"] = "Write to me at ada@example.org."
    data["variants"] = {"v": {"hide": ["person.email"]}}
    text = yaml.safe_dump(data, sort_keys=False)
    loaded = load_yaml_text(text, Path("cv.yaml"))
    selection = select(from_loaded(loaded), "v")
    (warning,) = leak_warnings(Locator(loaded), selection)
    assert "summary: shows `ada@example.org`, which this variant hides (person.email" in str(
        warning
    )
    assert warning.location is not None
    assert warning.location.line == line_of(text, "summary:")


@pytest.mark.parametrize(
    ("phone", "typed"),
    [
        ("+49 30 1234567", "Call me on +49 (0)30 1234567 anytime."),  # the trunk 0 kept
        ("+44 20 7946 0000", "Call +44 (0)20 7946 0000."),
        ("+49 30 1234567", "Call me on 0049-30-1234567."),
    ],
)
def test_a_hidden_phone_typed_elsewhere_with_its_trunk_zero_is_reported(
    phone: str, typed: str
) -> None:
    data = copy.deepcopy(BASE)
    data["person"]["phone"] = phone
    data["summary"] = typed
    data["variants"] = {"v": {"hide": ["person.phone"]}}
    text = yaml.safe_dump(data, sort_keys=False)
    loaded = load_yaml_text(text, Path("cv.yaml"))
    (warning,) = leak_warnings(Locator(loaded), select(from_loaded(loaded), "v"))
    assert "which this variant hides (person.phone" in str(warning)


# ---- the leak property, on the generated LaTeX -------------------------------------------

TOKEN = "zq{:03d}x"
FIELDS: dict[str, str] = {
    "person.native_name": TOKEN,
    "person.headline": TOKEN,
    "person.location": TOKEN,
    "person.phone": "+1 212 555 0{:03d}",
    "person.email": "t{:03d}@example.org",
    "person.homepage": "https://example.org/t{:03d}",
    "person.github": "gh{:03d}",
    "person.linkedin": "li{:03d}",
    "experience.location": TOKEN,
    "experience.summary": TOKEN,
    "experience.highlights": TOKEN,
    "education.location": TOKEN,
    "education.advisors": TOKEN,
    "education.dissertation": TOKEN,
    "education.honours": TOKEN,
    "education.details": TOKEN,
    "projects.organization": TOKEN,
    "projects.summary": TOKEN,
    "projects.highlights": TOKEN,
    "publications.details": TOKEN,
    "publications.arxiv": "2401.00{:03d}",
    "publications.doi": "10.1234/t{:03d}",
    "publications.url": "https://example.org/u{:03d}",
    "publications.pdf": "https://example.org/p{:03d}.pdf",
    "references.position": TOKEN,
    "references.email": "r{:03d}@example.org",
    "references.phone": "+1 555 9{:03d}",
    "references.url": "https://example.org/r{:03d}",
    "grants.programme": TOKEN,
    "grants.number": TOKEN,
    "grants.title": TOKEN,
    "grants.amount": "7{:03d}500",
    "teaching.code": TOKEN,
    "teaching.institution": TOKEN,
    "teaching.terms": TOKEN,
    "teaching.enrolment": "1{:03d}7",
    "supervision.co_advisor": TOKEN,
    "supervision.thesis": TOKEN,
    "supervision.placement": TOKEN,
    "talks.event": TOKEN,
    "talks.place": TOKEN,
    "talks.link": "https://example.org/k{:03d}",
    "service.body": TOKEN,
    "awards.issuer": TOKEN,
    "awards.amount": "3{:03d}250",
    "awards.summary": TOKEN,
}
LIST_FIELDS = {
    "experience.highlights",
    "education.advisors",
    "education.honours",
    "education.details",
    "projects.highlights",
    "teaching.terms",
}
NUMBER_FIELDS = {"grants.amount", "teaching.enrolment", "awards.amount"}


def full_of_tokens() -> tuple[dict[str, Any], dict[str, str]]:
    """A CV whose every hideable field holds its own unique, searchable token."""
    values = {f: pattern.format(i) for i, (f, pattern) in enumerate(FIELDS.items())}
    entries: dict[str, dict[str, Any]] = {
        "experience": {"position": "P", "organization": "O"},
        "education": {"degree": "D", "institution": "I"},
        "projects": {"title": "T"},
        "publications": {"title": "Paper", "authors": ["Ada Lovelace"], "venue": "V", "year": 2020},
        "references": {"name": "Ref"},
        "grants": {"funder": "Funder", "currency": "USD"},
        "teaching": {"course": "Course"},
        "supervision": {"student": "Student", "level": "PhD"},
        "talks": {"title": "Talk", "date": "2020-05"},
        "service": {"role": "Reviewer"},
        "awards": {"name": "Prize", "currency": "EUR"},
    }
    person: dict[str, Any] = {"name": "Ada Lovelace"}
    for field, value in values.items():
        owner, _, key = field.partition(".")
        target = person if owner == "person" else entries[owner]
        typed: Any = int(value) if field in NUMBER_FIELDS else value
        target[key] = [typed] if field in LIST_FIELDS else typed
    sections = [{"title": k.title(), "kind": k, "entries": [v]} for k, v in entries.items()]
    data = {"person": person, "updated": "2024-06-15", "sections": sections}
    return data, values


def searchable_forms(value: str) -> list[str]:
    """The value as it could appear in LaTeX: as typed, and with its specials escaped."""
    escaped = value.replace("_", r"\_").replace("%", r"\%").replace("#", r"\#")
    bare = re.sub(r"^https://", "", value)  # moderncv adds the scheme to the homepage itself
    grouped = [f"{int(value):,}"] if value.isdigit() else []  # an amount: $7,012,500
    return [value, escaped, bare, value.replace("+", "").replace(" ", ""), *grouped]


@settings(max_examples=40, deadline=None)
@given(st.sets(st.sampled_from(sorted(FIELDS)), min_size=1))
def test_hidden_fields_never_reach_the_latex(hidden: set[str]) -> None:
    data, values = full_of_tokens()
    data["variants"] = {"v": {"hide": sorted(hidden)}}
    cv = from_loaded(load_yaml_text(yaml.safe_dump(data, sort_keys=False), Path("cv.yaml")))
    tex = tex_for(select(cv, "v").cv)
    for field, value in values.items():
        shown = any(form in tex for form in searchable_forms(value))
        assert shown != (field in hidden), f"{field} ({value}) shown={shown}"
