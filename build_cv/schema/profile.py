"""What a funder's or employer's profile is: data, with every rule dated and cited.

A profile (build_cv/profiles/<name>.yaml) says how a target wants a CV laid out (the
order and titles of its sections, its language, paper and dates) and which of its rules
a build can check (caps on entries, page and character limits, personal data and metrics
it forbids). Rules change every call, so each one carries its own `source`, the date it
took effect and what it rests on (`basis`): a published rule, a secondary reading of one,
or a convention that no funder publishes. Nothing here is code a profile could run: the
rules engine (pipeline/compliance.py) knows a fixed set of checks, and a profile names
which apply, with their numbers.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, WithJsonSchema, field_validator, model_validator

from build_cv.schema.model import (
    DATE_RANGE_EXAMPLE,
    DateRange,
    Language,
    NonEmptyText,
    ProfileName,
    Strict,
    Text,
    WebUrl,
)

RuleId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,59}$")]

# The kinds a profile may place: the CV's own and the academic kinds (grants, teaching,
# supervision, talks, service, awards) the schema is gaining; a profile naming a kind the
# installed schema lacks places nothing there until it exists.
ProfileKind = Literal[
    "education", "experience", "projects", "publications", "patents", "items", "list",
    "references", "grants", "teaching", "supervision", "talks", "service", "awards",
]  # fmt: skip
# The personal data a target may require or forbid, by its field on `person`.
PrivateField = Literal[
    "birth_date", "gender", "nationality", "ethnicity", "political_status", "hometown", "photo"
]  # fmt: skip
# The opt-in data of a publication a profile may print (schema/model.py, OPT_IN).
PublicationOptIn = Literal[
    "publications.ranks", "publications.citations", "publications.dfg_category"
]
Policy = Literal["required", "expected", "allowed", "forbidden"]
Basis = Literal["published", "secondary", "convention"]
Metric = Literal["impact_factor", "citations", "h_index", "quartile"]


def _date(value: Any) -> Any:
    """YAML reads `2026-01-25` as a date already; a quoted one is read here."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{value!r} is not a date written YYYY-MM-DD") from None
    return value


Day = Annotated[date, BeforeValidator(_date), WithJsonSchema({"type": "string", "format": "date"})]


class Cited(Strict):
    """Where a rule (or a whole profile) comes from, and since when it holds.

    `basis` is honest about the kind of source: `published` (the funder's own text was
    read), `secondary` (the funder's text was not read, but a page or tool that quotes or
    implements it was), `convention` (no one publishes it; the sources describe practice).
    """

    source: WebUrl
    effective_from: Day = Field(description="The day the rule took effect (or the call's).")
    basis: Basis = "published"
    quote: Text | None = Field(None, description="The rule in its source's words, short.")
    note: Text | None = None


class Source(Strict):
    url: WebUrl
    title: NonEmptyText
    note: Text | None = None


class ProfileSection(Strict):
    """One place of the target's layout: the CV's sections of `kind` go there, under
    `title` (in the profile's language)."""

    kind: ProfileKind
    title: NonEmptyText


class ProfileMarks(Strict):
    """The marks after author names the target asks for, and what its legend says."""

    equal: NonEmptyText
    corresponding: NonEmptyText
    first_author: bool = Field(
        False, description="Mark the first author too, with `equal`: first and co-first alike."
    )
    equal_legend: NonEmptyText | None = None
    corresponding_legend: NonEmptyText | None = None


class _Rule(Cited):
    id: RuleId
    description: NonEmptyText = Field(description="What the rule asks, in a line.")


class SectionOrder(_Rule):
    """The sections the document has must come in the profile's order."""

    check: Literal["section_order"]


class RequiredSections(_Rule):
    check: Literal["required_sections"]
    kinds: list[ProfileKind] = Field(min_length=1)


class Where(Strict):
    """Count only entries whose `field` is `equals` (read by name: a field the installed
    schema lacks is derived where build-cv knows how, see compliance.py)."""

    field: Annotated[str, Field(pattern=r"^[a-z_]+$")]
    equals: str | bool


class MaxEntries(_Rule):
    """At most `max` entries in the sections of `kinds` (all kinds when left out)."""

    check: Literal["max_entries"]
    kinds: list[ProfileKind] | None = None
    max: int = Field(ge=1)
    where: Where | None = None
    noun: NonEmptyText = Field("entries", description="What is counted, in a message.")


class MaxPages(_Rule):
    check: Literal["max_pages"]
    max: int = Field(ge=1)


class MaxChars(_Rule):
    """At most `max` characters (spaces included) in the summary, or in each entry of
    `kinds`, as the plain-text output writes them (what is pasted into a form)."""

    check: Literal["max_chars"]
    max: int = Field(ge=1)
    of: Literal["summary", "each_entry"]
    kinds: list[ProfileKind] | None = None


class MinFontSize(_Rule):
    check: Literal["min_font_size"]
    size: int = Field(ge=1)


class PrivateFields(_Rule):
    """What the target does with each piece of personal data: `required` (missing is a
    violation), `expected` (missing is a warning), `allowed`, `forbidden` (shown is a
    violation)."""

    check: Literal["private_fields"]
    fields: dict[PrivateField, Policy] = Field(min_length=1)


class NoMetrics(_Rule):
    """None of `metrics` may be shown: not in the fields named in `fields`
    (`publications.citations`), nor written into any text."""

    check: Literal["no_metrics"]
    metrics: list[Metric] = Field(min_length=1)
    fields: list[PublicationOptIn] = Field(default_factory=list)


class RequiredField(_Rule):
    """Each entry of `kind` (whose `when_field` matches `when_matches`, if given) must have
    `field`: a violation when `level` is required, a warning when expected."""

    check: Literal["required_field"]
    kind: ProfileKind
    field: Annotated[str, Field(pattern=r"^[a-z_]+$")]
    level: Literal["required", "expected"] = "required"
    when_field: Annotated[str, Field(pattern=r"^[a-z_]+$")] | None = None
    when_matches: str | None = None

    @field_validator("when_matches")
    @classmethod
    def _pattern(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"is not a regular expression ({exc})") from None
        return value


Rule = Annotated[
    SectionOrder
    | RequiredSections
    | MaxEntries
    | MaxPages
    | MaxChars
    | MinFontSize
    | PrivateFields
    | NoMetrics
    | RequiredField,
    Field(discriminator="check"),
]


TargetFormat = Literal["pdf", "txt"]


def _pdf() -> list[TargetFormat]:
    return ["pdf"]


class Profile(Cited):
    """A target's layout and the rules a build checks a document against."""

    name: ProfileName
    title: NonEmptyText
    language: Language
    checked: Day = Field(description="When these rules were last read against their sources.")
    sources: list[Source] = Field(default_factory=list, description="Further reading.")
    formats: list[TargetFormat] = Field(
        default_factory=_pdf, description="What the target takes: a PDF, or text."
    )
    paper: Literal["a4", "letter"] | None = None
    date_style: Literal["auto", "month-year", "numeric", "iso"] | None = None
    date_range: DateRange | None = Field(
        None, description=f"How a date range is written, e.g. {DATE_RANGE_EXAMPLE}."
    )
    page_numbers: bool | None = None
    marks: ProfileMarks | None = None
    show: list[PublicationOptIn] = Field(
        default_factory=list,
        description="A publication's opt-in data the target's documents print (the DFG's "
        "categories); a person's private fields are printed only where a variant's own "
        "`show:` lists them.",
    )
    sections: list[ProfileSection] = Field(min_length=1)
    other_sections: Literal["keep", "drop"] = Field(
        "drop",
        description="What happens to the CV's sections of kinds `sections` does not place: "
        "`keep` them after the placed ones, or `drop` them (a form has no room for them).",
    )
    rules: list[Rule] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Profile:
        kinds = [s.kind for s in self.sections]
        twice = sorted({k for k in kinds if kinds.count(k) > 1})
        if twice:
            raise ValueError(f"`sections` places the kind {twice[0]} twice; give it one place")
        ids = [r.id for r in self.rules]
        again = sorted({i for i in ids if ids.count(i) > 1})
        if again:
            raise ValueError(f"two rules have the id `{again[0]}`")
        return self

    def title_of(self, kind: str) -> str | None:
        return next((s.title for s in self.sections if s.kind == kind), None)

    def metric_policy(self) -> str:
        """`forbidden` when a rule forbids any metric, else `allowed` (for listings)."""
        return "forbidden" if any(isinstance(r, NoMetrics) for r in self.rules) else "allowed"


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a profile file, for editors and for contributors' checks."""
    schema: dict[str, Any] = Profile.model_json_schema()
    return schema
