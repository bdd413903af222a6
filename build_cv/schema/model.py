"""The CV schema: strict pydantic models that also produce the JSON Schema for editors.

Strict means an unknown key is an error (a typo must never silently drop data from a CV
that goes to a hiring committee). String fields come in three kinds, which the renderer
treats differently and the JSON Schema documents through `x-build-cv`:
- `Text`: plain text, every character typeset literally;
- `Markup`: plain text plus `**bold**`, `*italic*` and `[text](url)`;
- `RawLatex`: passed to TeX as it is; only where a field's name says `latex`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PrivateAttr,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from build_cv.errors import Origin, PathKey, did_you_mean, quoted, shorten
from build_cv.identifiers import ARXIV_ID, DOI
from build_cv.languages import DEFAULT as DEFAULT_LANGUAGE
from build_cv.languages import SUPPORTED as SUPPORTED_LANGUAGES
from build_cv.languages import alike
from build_cv.languages import known as known_language
from build_cv.languages import pick as pick_language
from build_cv.locales import labels_language
from build_cv.locales import read as read_locale
from build_cv.markup import link_targets, strip_markup
from build_cv.schema import ALL_VARIANTS as ALL_VARIANTS
from build_cv.schema.bibentry import BibEntry
from build_cv.schema.phone import dialable, e164, known_region, region_of
from build_cv.uri import URI, WEB_URL


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


MAX_TEXT = 5000
MAX_WORD = 300
# A run this long with no space cannot be broken across lines; CJK text needs no spaces.
_LONG_WORD = re.compile(rf"[^\s\u3000-\u9fff\uac00-\ud7af\uf900-\ufaff]{{{MAX_WORD + 1},}}")


# Embedding, override and isolate controls reorder how text displays without changing what
# is stored ("Trojan Source"): a name or title could read differently on paper than in
# the data a reviewer checked.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


# Printable ASCII (with tab and newline) has no character `_printable` refuses: most text
# is taken in one step rather than a character at a time.
_PLAIN_ASCII = re.compile(r"[\t\n\x20-\x7e]*")


def _printable(value: str) -> str:
    if _PLAIN_ASCII.fullmatch(value):
        return value
    for ch in value:
        if ch in "\n\t":
            continue
        if ch in _BIDI_CONTROLS:
            raise ValueError(
                f"contains the bidirectional control U+{ord(ch):04X}, which makes text display "
                "in another order than it is written; remove it"
            )
        category = unicodedata.category(ch)
        if category in ("Cc", "Cs", "Co", "Cn", "Zl", "Zp"):
            raise ValueError(
                f"contains the control, separator or unassigned character U+{ord(ch):04X}, "
                "which cannot be typeset"
            )
    return value


def _typesettable(value: str) -> str:
    _printable(value)
    m = _LONG_WORD.search(value)
    if m:
        raise ValueError(
            f"has a {len(m.group())}-character word starting {m.group()[:20]!r}; "
            f"words over {MAX_WORD} characters cannot be broken across lines"
        )
    return value


# The languages a CV is being validated in: a text field written as a map from language
# tags to strings (`{en: Education, zh: 教育经历}`) gives the value for `language`, else
# for `fallback`; every map that fell back is noted, for `lint` and `checks.translations`.
# Set around the whole validation (CV._with_languages), since `design` comes last.
@dataclass
class Languages:
    language: str = DEFAULT_LANGUAGE
    fallback: str = DEFAULT_LANGUAGE
    fell_back: dict[int, str] = field(default_factory=dict)  # id of the map -> language used


_LANGUAGES: ContextVar[Languages | None] = ContextVar("build_cv_languages", default=None)
_TAG_HINTS = sorted({*SUPPORTED_LANGUAGES, *(t.split("-")[0] for t in SUPPORTED_LANGUAGES)})


def _one_language(value: Any) -> Any:
    """A map of translations as the one string of the document's language."""
    if not isinstance(value, dict):
        return value
    unknown = [t for t in value if not isinstance(t, str) or not known_language(t)]
    if unknown:
        tag = str(unknown[0])
        did = did_you_mean(tag, _TAG_HINTS, cutoff=0.5)
        raise ValueError(
            f"`{tag}` is not a language tag{did}; a text is a string, or a map from "
            f"language tags (en, zh, de, ...) to strings{_comma_hint(value, unknown[0])}"
        )
    if not value:
        raise ValueError("an empty map of translations: give a string, or `en: ...` and others")
    same = alike(value)
    if same is not None:  # a document would print one of them, and drop the other unsaid
        raise ValueError(
            f"`{same[0]}` and `{same[1]}` name one language, so only one of their texts "
            "could ever be printed; keep one"
        )
    wrong = [t for t, v in value.items() if not isinstance(v, str)]
    if wrong:
        raise ValueError(f"the `{wrong[0]}` text must be a string")
    languages = _LANGUAGES.get() or Languages()
    chosen = pick_language(value, languages.language)
    if chosen is not None:
        return chosen
    chosen = pick_language(value, languages.fallback)
    if chosen is None:
        given = ", ".join(value)
        raise ValueError(
            f"has no text in {languages.language}, the document's language, nor in "
            f"{languages.fallback}, its fallback (it has {given}); add one"
        )
    languages.fell_back[id(value)] = languages.fallback
    return chosen


def _comma_hint(value: dict[Any, Any], tag: Any) -> str:
    """`{en: Berlin, Germany}` is YAML for `{en: Berlin, Germany: null}`: a would-be tag
    with no value after a tag that has one is the rest of the value before it."""
    tags = list(value)
    at = tags.index(tag)
    if value[tag] is not None or at == 0:
        return ""
    before = tags[at - 1]
    if not isinstance(value[before], str):
        return ""
    whole = shorten(f"{value[before]}, {tag}", 60)
    quote = f'`{before}: "{whole}"`'
    return f". A comma inside a value ends it in a `{{...}}` map: quote the value, as {quote}"


Text = Annotated[
    str,
    BeforeValidator(_one_language),
    AfterValidator(_typesettable),
    Field(max_length=MAX_TEXT, json_schema_extra={"x-build-cv": "text"}),
]


def _markup(value: str) -> str:
    _printable(value)
    _typesettable(strip_markup(value))
    for target in link_targets(value):
        if not URI.match(target):
            raise ValueError(
                f"the link target {quoted(target)} is not a valid http(s):// or mailto: URL"
            )
    return value


Markup = Annotated[
    str,
    BeforeValidator(_one_language),
    AfterValidator(_markup),
    Field(max_length=MAX_TEXT, json_schema_extra={"x-build-cv": "markup"}),
]
NonEmptyMarkup = Annotated[Markup, Field(min_length=1)]
RawLatex = Annotated[str, Field(json_schema_extra={"x-build-cv": "raw-latex"})]
NonEmptyText = Annotated[Text, Field(min_length=1)]
Keyword = Annotated[Text, Field(min_length=1, max_length=200)]

_EMAIL = re.compile(r"^[A-Za-z0-9._+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
_TAG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_HANDLE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def _matches(pattern: re.Pattern[str], what: str) -> AfterValidator:
    def check(value: str) -> str:
        if not pattern.match(value):
            raise ValueError(f"{quoted(value)} is not {what}")
        return value

    return AfterValidator(check)


MAX_URL = 2000  # what browsers and portals handle; TeX's input buffer is the hard limit


def _known_language(value: str) -> str:
    if not known_language(value):
        did = did_you_mean(value, _TAG_HINTS, cutoff=0.5)
        raise ValueError(f"`{value}` is not a language tag{did} (BCP 47: en, en-GB, zh, de, ...)")
    return value


Language = Annotated[
    str,
    _matches(_LANGUAGE, "a BCP 47 language tag such as en or en-GB"),
    AfterValidator(_known_language),
]


Url = Annotated[
    str,
    Field(max_length=MAX_URL),
    AfterValidator(_printable),
    _matches(URI, "an http(s):// or mailto: URL (ASCII; an IDN host in punycode)"),
]
WebUrl = Annotated[
    str,
    Field(max_length=MAX_URL),
    AfterValidator(_printable),
    _matches(WEB_URL, "an http(s):// URL (ASCII; an IDN host in punycode)"),
]
Email = Annotated[
    str,
    Field(max_length=254),  # RFC 5321's limit on a deliverable address
    _matches(_EMAIL, "an email address (ASCII letters, digits, . _ + -)"),
]
ArxivId = Annotated[str, _matches(ARXIV_ID, "an arXiv id such as 2405.14430")]
Doi = Annotated[
    str,
    Field(max_length=MAX_URL),
    AfterValidator(_printable),
    _matches(DOI, "a DOI such as 10.1145/3437801.3441578"),
]
Tag = Annotated[
    str, Field(max_length=100), _matches(_TAG, "a tag (lower-case letters, digits, '-' and '_')")
]
Handle = Annotated[str, _matches(_HANDLE, "a user name (letters, digits and '-')")]


# Profile ids, each checked against what the site itself allows: an id that cannot be part
# of the profile's address is a typo, and would print a dead link.
_DOMAIN = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]{0,61}"
ScholarId = Annotated[
    str,
    _matches(
        re.compile(r"^[A-Za-z0-9_-]{12}$"),
        "a Google Scholar user id: the 12 characters after `user=` in the profile's address, "
        "e.g. AbCdEfGAAAAJ",
    ),
]
ResearchGateName = Annotated[
    str,
    _matches(
        re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,98}[A-Za-z0-9])?$"),
        "a ResearchGate profile name: what follows researchgate.net/profile/, e.g. Jiarui-Fang",
    ),
]
DblpPid = Annotated[
    str,
    _matches(
        re.compile(
            r"^(?:[0-9]{2,3}/[0-9]{1,7}|[a-z]/[A-Za-z][A-Za-z0-9=_]{0,98})(?:-[0-9]{1,3})?$"
        ),
        "a dblp person id (PID): what lies between dblp.org/pid/ and .html, e.g. 09/5768 or "
        "f/JiaruiFang",
    ),
]
SemanticScholarId = Annotated[
    str,
    _matches(
        re.compile(r"^[0-9]{1,12}$"),
        "a Semantic Scholar author id: the digits that end the author page's address",
    ),
]
MastodonAddress = Annotated[
    str,
    _matches(
        re.compile(rf"^@[A-Za-z0-9_]{{1,30}}@(?=.{{1,253}}$){_DOMAIN}$"),
        "a Mastodon address written @user@server, e.g. @ada@mathstodon.xyz",
    ),
]
BlueskyHandle = Annotated[
    str,
    _matches(
        re.compile(rf"^(?=.{{1,253}}$){_DOMAIN}$"),
        "a Bluesky handle such as ada.bsky.social (without the @)",
    ),
]
XHandle = Annotated[
    str,
    _matches(
        re.compile(r"^[A-Za-z0-9_]{1,15}$"), "an X handle: up to 15 letters, digits or _, no @"
    ),
]


def _orcid_check_digit(value: str) -> str:
    """The last character of an ORCID is a check digit (ISO 7064 MOD 11-2) over the other
    fifteen: a typed-over digit gives a link to someone else, or to no one."""
    total = 0
    for digit in value[:-1].replace("-", ""):
        total = (total + int(digit)) * 2
    expected = (12 - total % 11) % 11
    if value[-1] != ("X" if expected == 10 else str(expected)):
        raise ValueError(
            f"{quoted(value)} is not an ORCID: its last character, a check digit, does not "
            "match the other digits; one of them is mistyped (copy the iD from orcid.org)"
        )
    return value


Orcid = Annotated[
    str,
    _matches(re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$"), "an ORCID"),
    AfterValidator(_orcid_check_digit),
]


class YearMonth(BaseModel):
    """A CV date: a year, or a year and a month. Day precision is noise on a CV."""

    model_config = ConfigDict(frozen=True)

    year: int
    month: int | None = None

    def key(self) -> tuple[int, int]:
        return (self.year, self.month or 0)

    def __str__(self) -> str:
        return f"{self.year}" if self.month is None else f"{self.year}-{self.month:02d}"


_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?$")


def _parse_date(value: Any) -> Any:
    if isinstance(value, YearMonth):
        return value
    if isinstance(value, bool):
        raise ValueError("must be a date written YYYY or YYYY-MM")
    if isinstance(value, int):
        value = str(value)
    if isinstance(value, date):
        raise ValueError(f"{value.isoformat()}: write YYYY or YYYY-MM (a CV date has no day)")
    if not isinstance(value, str):
        raise ValueError("must be a date written YYYY or YYYY-MM")
    m = _DATE.match(value.strip())
    if not m:
        raise ValueError(f"{quoted(value)} is not a date written YYYY or YYYY-MM")
    year, month = int(m.group(1)), int(m.group(2)) if m.group(2) else None
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"{value!r}: month {month} is not between 01 and 12")
    return YearMonth(year=year, month=month)


CvDate = Annotated[
    YearMonth,
    BeforeValidator(_parse_date),
    PlainSerializer(str),
    WithJsonSchema(
        {"anyOf": [{"type": "integer"}, {"type": "string", "pattern": r"^\d{4}(-\d{2})?$"}]}
    ),
]
EndDate = Annotated[
    YearMonth | Literal["present"],
    BeforeValidator(lambda v: v if v == "present" else _parse_date(v)),
    PlainSerializer(str),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer"},
                {"type": "string", "pattern": r"^(\d{4}(-\d{2})?|present)$"},
            ]
        }
    ),
]


def _parse_updated(value: Any) -> Any:
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError as exc:
            raise ValueError(f"{quoted(value)} is not a real date ({exc})") from None
    if type(value) is not date:
        raise ValueError("must be a date written YYYY-MM-DD")
    if value.year < 1970:
        raise ValueError("must be 1970-01-01 or later (it dates the PDF)")
    return value


Updated = Annotated[
    date,
    BeforeValidator(_parse_updated),
    WithJsonSchema({"type": "string", "format": "date"}),
]


class Dated(Strict):
    start: CvDate | None = None
    end: EndDate | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Dated:
        if self.end is not None and self.start is None:
            raise ValueError("has an `end` but no `start`")
        end, start = self.end, self.start
        if isinstance(end, YearMonth) and start is not None and end.key() < start.key():
            raise ValueError(f"`start` {self.start} is after `end` {self.end}")
        return self


class Located(Strict):
    """A section or entry: it remembers where it was written (see `Origin`)."""

    _origin: Origin | None = PrivateAttr(None)

    @property
    def origin(self) -> Origin:
        return self._origin or Origin(None, ())

    def locate(self, origin: Origin) -> None:
        self._origin = origin


class Entry(Located):
    tags: list[Tag] = Field(
        default_factory=list,
        description="Tags that variants select entries by (`only_tags`, `omit_tags`).",
    )
    priority: int = Field(
        0,
        strict=True,
        description="When `--fit` (or `checks.fit_pages`) must leave entries out, those of "
        "lower priority go first (then the oldest); 0 unless given. Printed nowhere.",
    )
    keep: bool = Field(
        False, strict=True, description="Never left out to fit the pages. Printed nowhere."
    )


# Entry fields that choose which entries a document shows, rather than say anything: a
# variant cannot hide them (docs/fit.md, docs/variants.md).
SELECTION_FIELDS = frozenset({"tags", "priority", "keep"})


class Link(Strict):
    label: NonEmptyText
    url: Url


# ---- entry kinds -----------------------------------------------------------------------


class Experience(Entry, Dated):
    position: NonEmptyText | None = Field(
        None, description="The job title; an entry without one shows the organization alone."
    )
    organization: NonEmptyText
    location: Text | None = None
    summary: Markup | None = None
    highlights: list[NonEmptyMarkup] = Field(default_factory=list)


class Education(Entry, Dated):
    degree: NonEmptyText
    institution: NonEmptyText
    location: Text | None = None
    advisors: list[NonEmptyText] = Field(default_factory=list, max_length=20)
    dissertation: Text | None = None
    dissertation_url: Url | None = None
    honours: list[NonEmptyMarkup] = Field(default_factory=list)
    details: list[NonEmptyMarkup] = Field(default_factory=list)

    @model_validator(mode="after")
    def _url_needs_title(self) -> Education:
        if self.dissertation_url and not self.dissertation:
            raise ValueError("has a `dissertation_url` but no `dissertation` to link it from")
        return self


class Project(Entry, Dated):
    title: NonEmptyText
    organization: Text | None = None
    summary: Markup | None = None
    highlights: list[NonEmptyMarkup] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)


Year = Annotated[int, Field(strict=True, ge=1000, le=2100)]
Count = Annotated[int, Field(strict=True, ge=0, le=1_000_000)]


# ---- what a publication says beyond its citation (docs/private.md) -----------------------
# CRediT, the Contributor Roles Taxonomy (ANSI/NISO Z39.104-2022): its fourteen roles,
# by the names build-cv writes them (each role's words in every language: locales/).
CREDIT_ROLES = (
    "conceptualization", "data_curation", "formal_analysis", "funding_acquisition",
    "investigation", "methodology", "project_administration", "resources", "software",
    "supervision", "validation", "visualization", "writing_original_draft",
    "writing_review_editing",
)  # fmt: skip
_ROLE_WORDS = re.compile(r"[^a-z]+")


def credit_role(value: Any) -> str:
    """A CRediT role as its name, however it is written (`Data curation`, `writing –
    review & editing`, `Writing - Original Draft`); any other is refused with the
    nearest role."""
    if not isinstance(value, str):
        raise ValueError("a CRediT role is a name such as conceptualization or software")
    words = [w for w in _ROLE_WORDS.split(value.lower()) if w and w != "and"]
    name = "_".join(words)
    if name not in CREDIT_ROLES:
        hint = did_you_mean(name, CREDIT_ROLES) or f"; the roles are {', '.join(CREDIT_ROLES)}"
        raise ValueError(f"`{shorten(value)}` is not a CRediT role{hint}")
    return name


CreditRole = Annotated[
    str,
    BeforeValidator(credit_role),
    WithJsonSchema({"type": "string", "description": "A CRediT role: " + ", ".join(CREDIT_ROLES)}),
]

# Venue ranks a user types, by the list that gives them, each with its possible ranks:
# the CCF's list of recommended venues, the CORE conference ranking, the Journal Citation
# Reports' quartiles and the Chinese Academy of Sciences' journal zones (中科院分区).
RANK_SYSTEMS: dict[str, tuple[str, ...]] = {
    "ccf": ("A", "B", "C"),
    "core": ("A*", "A", "B", "C"),
    "jcr": ("Q1", "Q2", "Q3", "Q4"),
    "cas": ("1", "2", "3", "4"),
}


def _rank_value(system: str, value: Any) -> str:
    """A rank as its list writes it: `a` is A, `q1` Q1, CAS `1区` or 1 is 1."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"a {system} rank is one of {', '.join(RANK_SYSTEMS[system])}")
    text = str(value).strip().upper().removesuffix("区")
    if text in RANK_SYSTEMS[system]:
        return text
    ranks = RANK_SYSTEMS[system]
    hint = did_you_mean(text, ranks, cutoff=0.4)
    raise ValueError(
        f"`{shorten(str(value))}` is not a {system} rank{hint}; one of {', '.join(ranks)}"
    )


class Rank(Strict):
    """A venue's rank in one list, with the list's edition (its year): lists are revised
    (the CCF's in 2019 and 2022, CORE's every few years), and a rank means nothing without
    the edition that gave it. `edition` may be left to the CV's `rank_editions`."""

    rank: str
    edition: Year | None = Field(None, description="The year of the list's edition: 2022.")


def _ranks(value: Any) -> Any:
    """`{ccf: A}` or `{ccf: {rank: A, edition: 2022}}`; each list by its name, each rank
    one of that list's."""
    if not isinstance(value, dict):
        raise ValueError(
            "`ranks` maps a list's name to a rank: {ccf: A} or {ccf: {rank: A, edition: 2022}}"
        )
    out: dict[str, Any] = {}
    for system, given in value.items():
        name = str(system).lower()
        if name not in RANK_SYSTEMS:
            hint = did_you_mean(name, RANK_SYSTEMS) or ""
            raise ValueError(
                f"`{shorten(str(system))}` is not a rank list build-cv knows{hint}; "
                f"one of {', '.join(RANK_SYSTEMS)}"
            )
        fields = dict(given) if isinstance(given, dict) else {"rank": given}
        fields["rank"] = _rank_value(name, fields.get("rank"))
        out[name] = fields
    return out


Ranks = Annotated[
    dict[Literal["ccf", "core", "jcr", "cas"], Rank],
    BeforeValidator(_ranks),
]


class Citations(Strict):
    """A citation count, with where it was read and when: a count without them cannot be
    checked, and grows."""

    count: Count
    source: NonEmptyText = Field(description="Where the count was read: Google Scholar.")
    as_of: CvDate = Field(description="When it was read: YYYY-MM.")


DfgCategory = Annotated[
    Literal["A", "B"],
    BeforeValidator(lambda v: v.strip().upper() if isinstance(v, str) else v),
]


class Publication(Entry):
    title: NonEmptyText
    authors: list[NonEmptyText] = Field(
        default_factory=list,
        description="In order. JSON Resume lists no authors, so an imported entry has none "
        "until you add them.",
    )
    venue: NonEmptyText | None = None
    year: int = Field(ge=1000, le=2100)
    details: Text | None = Field(None, description="Volume, issue, pages, place.")
    et_al: bool = Field(False, description="More authors follow (BibTeX `and others`).")
    equal_contribution: list[NonEmptyText] = Field(
        default_factory=list, description="Authors who contributed equally (marked, see `marks`)."
    )
    corresponding: list[NonEmptyText] = Field(
        default_factory=list, description="Corresponding authors (marked, see `marks`)."
    )
    arxiv: ArxivId | None = None
    doi: Doi | None = None
    url: Url | None = None
    pdf: Url | None = None
    entry_type: Annotated[str, Field(pattern=r"^[a-z]+$")] | None = Field(
        None, description="BibTeX entry type (article, inproceedings, ...), for grouping."
    )
    representative: bool = Field(
        False,
        strict=True,
        description="One of your representative works: a variant with "
        "`only_representative: true` shows these alone. Printed nowhere.",
    )
    contribution: Markup | None = Field(
        None, description="A short narrative of the work's significance and your part in it."
    )
    credit: list[CreditRole] = Field(
        default_factory=list, max_length=14, description="Your CRediT roles in the work."
    )
    dfg_category: DfgCategory | None = Field(
        None,
        description="A or B, as the DFG counts results (default: derived from the kind of "
        "publication, docs/private.md). Printed only where `show:` lists it.",
    )
    ranks: Ranks = Field(
        default_factory=dict,
        description="The venue's rank in a list: {ccf: A} or {ccf: {rank: A, edition: 2022}} "
        "(lists: ccf, core, jcr, cas). Printed only where `show:` lists publications.ranks.",
    )
    citations: Citations | None = Field(
        None,
        description="{count: 120, source: Google Scholar, as_of: 2026-11}. Printed only where "
        "`show:` lists publications.citations.",
    )

    _source: BibEntry | None = PrivateAttr(None)
    _derived: dict[str, tuple[str, ...]] = PrivateAttr(default_factory=dict)
    _declared_category: str | None = PrivateAttr(None)

    @property
    def declared_dfg_category(self) -> str | None:
        """The `dfg_category` the data gives, kept when a variant leaves it unprinted: a
        profile's caps count by it all the same."""
        return self._declared_category

    @property
    def source(self) -> BibEntry | None:
        """The BibTeX record this entry was read from, if any (for a faithful export)."""
        return self._source

    def keep_source(self, record: BibEntry) -> None:
        self._source = record

    @property
    def derived(self) -> dict[str, tuple[str, ...]]:
        """Fields a source filled from other fields (`{"arxiv": ("url",)}`): a variant that
        hides a field hides what was taken from it too (variants.py)."""
        return self._derived

    def derive(self, field: str, *sources: str) -> None:
        self._derived = {**self._derived, field: sources}

    @field_validator("credit")
    @classmethod
    def _roles_once(cls, roles: list[str]) -> list[str]:
        twice = sorted({r for r in roles if roles.count(r) > 1})
        if twice:
            raise ValueError(f"names the role {twice[0]} twice")
        return roles

    @model_validator(mode="after")
    def _marked_are_authors(self) -> Publication:
        self._declared_category = self.dfg_category
        if self.et_al and not self.authors:
            raise ValueError("has `et_al` but no `authors` for it to follow")
        for role in ("equal_contribution", "corresponding"):
            unknown = [a for a in getattr(self, role) if a not in self.authors]
            if unknown:
                raise ValueError(f"{role} names {unknown} who are not in `authors`")
        return self


class Patent(Strict):
    number: Annotated[
        str,
        Field(max_length=50),
        _matches(re.compile(r"^[A-Z]{2}[0-9A-Z.\-/]+$"), "a patent number"),
    ]
    first_inventor: bool = False


class PatentGroup(Entry):
    organization: NonEmptyText
    patents: list[Patent] = Field(min_length=1)


class Item(Entry):
    label: Text = ""
    text: Markup


class Reference(Entry):
    name: NonEmptyText
    position: Markup | None = None
    email: Email | None = None
    phone: Text | None = None
    url: Url | None = None


# ---- the academic record kinds (docs/kinds.md) -----------------------------------------
# Their closed values are checked like every other enum (a misspelt one is an error with a
# suggestion); each value's name in every language is in build_cv/locales/ (`kinds`).

MAX_AMOUNT = Decimal(10) ** 15  # more than any grant; Babel formats it without exponent


def _amount(value: Any) -> Any:
    """Money as a number the YAML gives as one: `550000` or `1234.50`. A string (`"550,000"`,
    `"$5k"`) is refused rather than guessed at; a float becomes the decimal it was written
    as (`0.1`, not 0.1000000000000000055...)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError(
            "must be a number, written without grouping or a currency sign (550000 or "
            "1234.50); the currency goes in `currency`"
        )
    return Decimal(str(value)) if isinstance(value, float) else Decimal(value)


Amount = Annotated[
    Decimal,
    BeforeValidator(_amount),
    Field(ge=0, le=MAX_AMOUNT, allow_inf_nan=False),
    PlainSerializer(lambda d: int(d) if d == d.to_integral_value() else float(d)),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": int(MAX_AMOUNT)}),
]


def _percent(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError("must be a number: the percentage of the amount that is yours (40)")
    return Decimal(str(value)) if isinstance(value, float) else Decimal(value)


Percent = Annotated[
    Decimal,
    BeforeValidator(_percent),
    Field(gt=0, le=100, allow_inf_nan=False),
    PlainSerializer(lambda d: int(d) if d == d.to_integral_value() else float(d)),
    WithJsonSchema({"type": "number", "exclusiveMinimum": 0, "maximum": 100}),
]


def _currency(value: str) -> str:
    """An ISO 4217 code that CLDR (through Babel) knows, so every language can print it;
    a former currency (DEM, FRF) too, for a grant paid in it."""
    from babel.numbers import list_currencies

    if value in list_currencies():
        return value
    hint = _currency_hint(value) or " such as USD, EUR or CNY"
    raise ValueError(f"`{shorten(value)}` is not an ISO 4217 currency code{hint}")


# What people write for a currency instead of its code: a symbol, a name, a common alias.
_CURRENCY_ALIASES = {
    "$": "USD", "US$": "USD", "DOLLAR": "USD", "€": "EUR", "EURO": "EUR", "EUROS": "EUR",
    "£": "GBP", "POUND": "GBP", "RMB": "CNY", "YUAN": "CNY", "RENMINBI": "CNY", "元": "CNY",
    "¥": "CNY` or `JPY", "￥": "CNY` or `JPY", "YEN": "JPY", "円": "JPY", "₩": "KRW",
    "WON": "KRW", "₽": "RUB", "₹": "INR", "SFR": "CHF", "FR.": "CHF", "NT$": "TWD",
    "DOLLARS": "USD", "CHN": "CNY",
}  # fmt: skip
# The codes a typo is most likely of, nearest first when several are one letter away.
_MAJOR_CURRENCIES = (
    "USD", "EUR", "GBP", "CNY", "JPY", "CHF", "CAD", "AUD", "HKD", "TWD", "KRW", "SGD",
    "INR", "BRL", "RUB", "SEK", "NOK", "DKK", "PLN", "CZK", "ILS", "NZD", "ZAR", "MXN",
)  # fmt: skip


def _currency_hint(value: str) -> str:
    """` (did you mean `CNY`?)`: the code of a symbol or name (`¥`, `RMB`, `euro`), the same
    letters in another order (`UDS`), a major currency one letter away (`EUD`), else the
    nearest current one; nothing when none is near."""
    from babel.core import get_global

    typed = value.strip().upper()
    current = sorted(
        {c for spans in get_global("territory_currencies").values() for c, _, end, t in spans
         if end is None and t}
    )  # fmt: skip
    if typed in current:
        return f" (did you mean `{typed}`? a code is written in capitals)"
    if typed in _CURRENCY_ALIASES:
        return f" (did you mean `{_CURRENCY_ALIASES[typed]}`?)"
    same_letters = [c for c in current if sorted(c) == sorted(typed)]
    near = [c for c in _MAJOR_CURRENCIES if len(typed) == 3 and _differ(c, typed) == 1]
    if same_letters or near:
        return f" (did you mean `{(same_letters or near)[0]}`?)"
    return did_you_mean(typed, current, cutoff=0.6)


def _differ(a: str, b: str) -> int:
    return sum(x != y for x, y in zip(a, b, strict=True))


Currency = Annotated[
    str,
    AfterValidator(_currency),
    WithJsonSchema({"type": "string", "pattern": "^[A-Z]{3}$", "description": "ISO 4217"}),
]


def _with_currency(amount: Decimal | None, currency: str | None) -> None:
    """An amount is money only with its currency."""
    if amount is not None and currency is None:
        raise ValueError("has an `amount` but no `currency` (an ISO 4217 code: USD, EUR, ...)")
    if currency is not None and amount is None:
        raise ValueError("has a `currency` but no `amount`")


_AMOUNT = Field(None, description="A number, e.g. 550000; needs `currency`.")
_CURRENCY = Field(None, description="ISO 4217 code: USD, EUR, CNY, ...")


GrantRole = Literal["PI", "co-PI", "co-I", "participant"]
GrantStatus = Literal["awarded", "pending", "completed", "declined"]


class Grant(Entry, Dated):
    funder: NonEmptyText
    programme: NonEmptyText | None = Field(None, description="The funding line, e.g. CAREER.")
    number: NonEmptyText | None = Field(None, description="The award or grant number.")
    title: NonEmptyText | None = None
    amount: Amount | None = _AMOUNT
    currency: Currency | None = _CURRENCY
    role: GrantRole | None = None
    status: GrantStatus | None = None
    share: Percent | None = Field(
        None,
        description="Your share of the amount as a percentage (40 means 40 %, 100 the whole).",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Grant:
        _with_currency(self.amount, self.currency)
        if self.status == "completed" and self.end == "present":
            raise ValueError("is `completed` but its `end` is `present`")
        return self


class Teaching(Entry):
    course: NonEmptyText
    code: NonEmptyText | None = Field(None, description="The course number, e.g. CS 4410.")
    institution: NonEmptyText | None = None
    terms: list[NonEmptyText] = Field(
        default_factory=list, max_length=50, description="As the institution names them: Fall 2023."
    )
    role: Literal["instructor", "co-instructor", "TA", "guest"] | None = None
    level: Literal["undergraduate", "graduate", "doctoral", "professional"] | None = None
    enrolment: Count | None = Field(None, description="Students enrolled.")


class Supervision(Entry, Dated):
    student: NonEmptyText
    level: Literal["PhD", "MSc", "BSc", "postdoc", "intern"]
    status: Literal["current", "graduated"] | None = None
    co_advisor: NonEmptyText | None = None
    thesis: NonEmptyText | None = Field(None, description="The thesis title.")
    placement: NonEmptyText | None = Field(None, description="The first position after.")

    @model_validator(mode="after")
    def _graduated_has_ended(self) -> Supervision:
        if self.status == "graduated" and self.end == "present":
            raise ValueError("is `graduated` but its `end` is `present`")
        return self


class Talk(Entry):
    title: NonEmptyText
    event: NonEmptyText | None = None
    place: NonEmptyText | None = None
    date: CvDate
    type: Literal["keynote", "invited", "contributed", "seminar", "panel"] | None = None
    link: Url | None = Field(None, description="Slides, a video or the event's page.")


class Service(Entry):
    role: NonEmptyText
    body: NonEmptyText | None = Field(None, description="The venue, journal or body served.")
    years: list[Year] = Field(default_factory=list, max_length=100)
    type: Literal["program committee", "reviewer", "editor", "organizer", "committee"] | None = None

    @field_validator("years")
    @classmethod
    def _once_each(cls, years: list[int]) -> list[int]:
        twice = sorted({y for y in years if years.count(y) > 1})
        if twice:
            raise ValueError(f"lists {', '.join(map(str, twice))} twice")
        return years


class Award(Entry):
    name: NonEmptyText
    issuer: NonEmptyText | None = None
    date: CvDate | None = None
    amount: Amount | None = _AMOUNT
    currency: Currency | None = _CURRENCY
    summary: Markup | None = Field(None, description="What it was for (JSON Resume's `summary`).")

    @model_validator(mode="after")
    def _money(self) -> Award:
        _with_currency(self.amount, self.currency)
        return self


# ---- sections --------------------------------------------------------------------------


class SectionBase(Located):
    title: NonEmptyText
    intro: Markup | None = None
    tags: list[Tag] = Field(
        default_factory=list, description="Tags every entry of the section carries."
    )


class ExperienceSection(SectionBase):
    kind: Literal["experience"]
    entries: list[Experience] = Field(min_length=1)


class EducationSection(SectionBase):
    kind: Literal["education"]
    entries: list[Education] = Field(min_length=1)


class ProjectSection(SectionBase):
    kind: Literal["projects"]
    entries: list[Project] = Field(min_length=1)


class PublicationSection(SectionBase):
    kind: Literal["publications"]
    bib: Text | None = Field(
        None, description="A .bib file (relative to this YAML file) to read entries from."
    )
    select: list[Tag] = Field(
        default_factory=list,
        description="Keep only entries with one of these tags (BibTeX keywords are tags).",
    )
    omit: list[Tag] = Field(default_factory=list, description="Drop entries with these tags.")
    order: Literal["newest-first", "as-written"] | None = Field(
        None, description="Default: newest-first when a .bib is read, else as written."
    )
    group_by: Literal["type"] | dict[Tag, NonEmptyText] | None = Field(
        None,
        description="`type` (Journal Articles, Conference Papers, Preprints, ...) or a "
        "mapping from tag to heading, in order; the rest go under `Other`.",
    )
    numbering: Literal["ascending", "descending", "none"] | None = Field(
        None, description="Default: ascending (`numbered: false` means none)."
    )
    numbered: bool = True
    entries: list[Publication] = Field(default_factory=list)

    @model_validator(mode="after")
    def _has_entries(self) -> PublicationSection:
        if not self.entries and not self.bib:
            raise ValueError("needs `entries` or a `bib` file (or leave the section out)")
        return self

    @property
    def number_style(self) -> str:
        return self.numbering or ("ascending" if self.numbered else "none")


class PatentSection(SectionBase):
    kind: Literal["patents"]
    entries: list[PatentGroup] = Field(min_length=1)


class ItemSection(SectionBase):
    kind: Literal["items"]
    entries: list[Item] = Field(min_length=1)


class ListSection(SectionBase):
    kind: Literal["list"]
    columns: Literal[1, 2] = 1
    entries: list[NonEmptyMarkup] = Field(min_length=1)


class ReferenceSection(SectionBase):
    kind: Literal["references"]
    entries: list[Reference] = Field(min_length=1)


class RawSection(SectionBase):
    """An escape hatch: LaTeX passed through unescaped. TeX still runs sandboxed."""

    kind: Literal["raw"]
    latex: RawLatex


def record_words(language: str, fallback: str = DEFAULT_LANGUAGE) -> Mapping[str, str]:
    """The record kinds' words (`kinds` in build_cv/locales/) of a document in `language`."""
    return read_locale(labels_language(language, fallback)).kinds


def _default_title(kind: str) -> Callable[[], str]:
    """A record kind's section title when the data gives none: the kind's name in the
    language the CV is being validated in (build_cv/locales/, `kinds`)."""

    def title() -> str:
        languages = _LANGUAGES.get() or Languages()
        return record_words(languages.language, languages.fallback)[f"title.{kind}"]

    return title


_UNTITLED = "Default: the kind's name in the document's language (Grants, 科研项目, ...)."
_ORDER = "newest-first (the default; supervision: current students first) or as-written."
Order = Literal["newest-first", "as-written"]


class GrantSection(SectionBase):
    kind: Literal["grants"]
    title: NonEmptyText = Field(default_factory=_default_title("grants"), description=_UNTITLED)
    order: Order = Field("newest-first", description=_ORDER)
    entries: list[Grant] = Field(min_length=1)


class TeachingSection(SectionBase):
    kind: Literal["teaching"]
    title: NonEmptyText = Field(default_factory=_default_title("teaching"), description=_UNTITLED)
    order: Order = Field("newest-first", description=_ORDER)
    entries: list[Teaching] = Field(min_length=1)


class SupervisionSection(SectionBase):
    kind: Literal["supervision"]
    title: NonEmptyText = Field(
        default_factory=_default_title("supervision"), description=_UNTITLED
    )
    order: Order = Field("newest-first", description=_ORDER)
    entries: list[Supervision] = Field(min_length=1)


class TalkSection(SectionBase):
    kind: Literal["talks"]
    title: NonEmptyText = Field(default_factory=_default_title("talks"), description=_UNTITLED)
    order: Order = Field("newest-first", description=_ORDER)
    entries: list[Talk] = Field(min_length=1)


class ServiceSection(SectionBase):
    kind: Literal["service"]
    title: NonEmptyText = Field(default_factory=_default_title("service"), description=_UNTITLED)
    order: Order = Field("newest-first", description=_ORDER)
    entries: list[Service] = Field(min_length=1)


class AwardSection(SectionBase):
    kind: Literal["awards"]
    title: NonEmptyText = Field(default_factory=_default_title("awards"), description=_UNTITLED)
    order: Order = Field("newest-first", description=_ORDER)
    entries: list[Award] = Field(min_length=1)


RecordSection = (
    GrantSection
    | TeachingSection
    | SupervisionSection
    | TalkSection
    | ServiceSection
    | AwardSection
)


Section = Annotated[
    ExperienceSection
    | EducationSection
    | ProjectSection
    | PublicationSection
    | PatentSection
    | ItemSection
    | ListSection
    | ReferenceSection
    | RawSection
    | GrantSection
    | TeachingSection
    | SupervisionSection
    | TalkSection
    | ServiceSection
    | AwardSection,
    Field(discriminator="kind"),
]


def is_named(section: Section, name: str) -> bool:
    """Whether a variant's `sections:` names `section`: by its title, or by its kind
    (`grants`) where the title is the kind's name in the document's language, which the
    data does not spell (a Chinese variant's Grants are 科研项目)."""
    untitled = isinstance(section, RecordSection) and "title" not in section.model_fields_set
    return section.title == name or (untitled and section.kind == name)


# ---- header, design, checks -------------------------------------------------------------


# design.region while a CV is validated: a person's national phone number is checked in
# that country. Set around the whole validation, since `design` comes after `person`.
_REGION: ContextVar[str | None] = ContextVar("build_cv_region", default=None)
_REGION_INVALID = "?"  # design.region is given but wrong: that error is reported instead
# Every language's `person.location` while a Person is validated, the fallback's first: a
# Chinese CV's `中国北京` names no country build-cv reads, its English `Beijing, China` does.
_LOCATIONS: ContextVar[tuple[str, ...]] = ContextVar("build_cv_locations", default=())


def _every_location(data: Any) -> tuple[str, ...]:
    raw = data.get("location") if isinstance(data, dict) else None
    if not isinstance(raw, dict):
        return ()
    languages = _LANGUAGES.get() or Languages()
    first = pick_language(raw, languages.fallback)
    rest = [v for v in raw.values() if v is not first]
    return tuple(v for v in (first, *rest) if isinstance(v, str))


def _dialling_location(location: str | None) -> str | None:
    """The location a national phone number is dialled from: the document's own, else the
    first of its other languages that ends with a country (it is one place)."""
    if location is not None and region_of(location) is not None:
        return location
    found = (other for other in _LOCATIONS.get() if region_of(other) is not None)
    return next(found, location)


_PRIVATE = "Private: printed only where a variant's `show:` lists it."


def _birth_date(value: Any) -> Any:
    """`1990-05`, or a whole date (`1990-05-17`, which YAML reads as a date) of which the
    month is kept: a CV prints the month (出生年月), and the day is not kept to be lost."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError as exc:
            raise ValueError(f"{quoted(value)} is not a real date ({exc})") from None
    if isinstance(value, date):
        return YearMonth(year=value.year, month=value.month)
    parsed = _parse_date(value)
    if parsed.month is None:
        raise ValueError("write the birth date as YYYY-MM: a CV prints the month (出生年月)")
    return parsed


BirthDate = Annotated[
    YearMonth,
    BeforeValidator(_birth_date),
    PlainSerializer(str),
    WithJsonSchema({"type": "string", "pattern": r"^\d{4}-\d{2}(-\d{2})?$"}),
]


def _photo_path(value: str) -> str:
    if not value.lower().endswith((".png", ".jpg", ".jpeg")):
        raise ValueError(f"{quoted(value)} is not a .png, .jpg or .jpeg file")
    return value


PhotoPath = Annotated[str, Field(min_length=1, max_length=1000), AfterValidator(_photo_path)]


@dataclass(frozen=True)
class Image:
    """A photo as build-cv wrote it again from its pixels: `data` in `format` (png or
    jpeg), nothing of the file it was read from but the picture."""

    data: bytes = field(repr=False)
    format: Literal["png", "jpeg"]
    width: int
    height: int

    @property
    def extension(self) -> str:
        return "jpg" if self.format == "jpeg" else "png"

    @property
    def mime(self) -> str:
        return f"image/{self.format}"


# The fields no output prints unless a variant lists them in `show:` (a profile may turn
# on the publication data, never the person's): the personal data a Chinese hiring form
# asks for and a Western CV must not print, and the metrics some funders forbid.
OPT_IN = frozenset(
    {
        "person.birth_date", "person.gender", "person.nationality", "person.ethnicity",
        "person.political_status", "person.hometown", "person.photo",
        "publications.ranks", "publications.citations", "publications.dfg_category",
    }
)  # fmt: skip


class Person(Strict):
    name: NonEmptyText
    native_name: Text | None = Field(None, description="The name in another script, e.g. 方佳瑞.")
    native_name_language: Language = Field(
        "zh-Hans", description="The language the native name is written in (its glyph forms)."
    )
    headline: Text | None = None
    email: Email | None = None
    location: Text | None = Field(
        None,
        description="Ending with a country (`Berlin, Germany`, `Lyon, FR`), it also says where "
        "a national phone number is dialled.",
    )
    phone: Text | None = Field(
        None,
        description="As printed; linked in E.164. A national form (`030 1234567`) needs the "
        "country: from `design.region` or the end of `location`.",
    )
    homepage: WebUrl | None = None
    github: Handle | None = None
    linkedin: Handle | None = None
    orcid: Orcid | None = None
    scholar: ScholarId | None = Field(None, description="Google Scholar user id.")
    researchgate: ResearchGateName | None = Field(None, description="ResearchGate profile name.")
    dblp: DblpPid | None = Field(None, description="dblp person id, e.g. 09/5768.")
    semantic_scholar: SemanticScholarId | None = Field(
        None, description="Semantic Scholar author id."
    )
    mastodon: MastodonAddress | None = Field(None, description="@user@server")
    bluesky: BlueskyHandle | None = Field(None, description="Bluesky handle, e.g. ada.bsky.social")
    x: XHandle | None = Field(None, description="X (Twitter) handle, without the @.")
    author_names: list[NonEmptyText] = Field(
        default_factory=list,
        description="Other spellings of the name in author lists; all are bolded.",
    )
    # Private: printed only by a variant whose `show:` lists each (docs/private.md).
    birth_date: BirthDate | None = Field(
        None, description=f"YYYY-MM (the month is what a CV prints). {_PRIVATE}"
    )
    gender: Text | None = Field(None, description=_PRIVATE)
    nationality: Text | None = Field(None, description=_PRIVATE)
    ethnicity: Text | None = Field(None, description=f"民族. {_PRIVATE}")
    political_status: Text | None = Field(None, description=f"政治面貌. {_PRIVATE}")
    hometown: Text | None = Field(None, description=f"籍贯, the place of family origin. {_PRIVATE}")
    photo: PhotoPath | None = Field(
        None,
        description="A PNG or JPEG file in the CV's folder (relative to this YAML file), "
        f"re-encoded before it is printed. {_PRIVATE}",
    )

    _phone_e164: str | None = PrivateAttr(None)
    _image: Image | None = PrivateAttr(None)

    @field_validator("phone")
    @classmethod
    def _dialable(cls, value: str | None, info: ValidationInfo) -> str | None:
        region = _REGION.get()
        if value is None:
            return value
        if region == _REGION_INVALID or "location" not in info.data:
            return dialable(value)  # the wrong region or location is reported at its own line
        e164(value, region, _dialling_location(info.data["location"]))
        return value

    @model_validator(mode="after")
    def _dial(self) -> Person:
        """Kept from validation: a variant that hides `location` still links the phone."""
        if self.phone is not None and _REGION.get() != _REGION_INVALID:
            self._phone_e164 = e164(self.phone, _REGION.get(), _dialling_location(self.location))
        return self

    @model_validator(mode="wrap")
    @classmethod
    def _with_locations(cls, data: Any, handler: Callable[[Any], Person]) -> Person:
        """Defined after `_dial`, so it wraps that too (pydantic applies them in order)."""
        token = _LOCATIONS.set(_every_location(data))
        try:
            return handler(data)
        finally:
            _LOCATIONS.reset(token)

    @property
    def image(self) -> Image | None:
        """The photo as read and re-encoded (sources/photo.py); None once a variant
        leaves the photo out."""
        return self._image if self.photo is not None else None

    def with_image(self, image: Image) -> Person:
        person = self.model_copy()
        person._image = image
        return person

    @property
    def phone_e164(self) -> str | None:
        """The phone number as E.164 (`+49301234567`), for a tel: link; None once a
        variant hides the phone."""
        return self._phone_e164 if self.phone is not None else None


class Checks(Strict):
    """Limits for the PDF preflight; the command line can override each."""

    min_pages: int = Field(1, ge=1)
    max_pages: int | None = Field(None, ge=1)
    max_size_mb: float = Field(10.0, gt=0, allow_inf_nan=False)
    translations: Literal["optional", "required"] = Field(
        "optional",
        description="`required`: a field with no text in the document's language is an "
        "error, not the fallback language's text.",
    )
    fit_pages: int | None = Field(
        None,
        ge=1,
        description="Leave entries out (lowest `priority`, then oldest, first; never one "
        "marked `keep`) until the PDF has at most this many pages; `--fit` overrides it.",
    )

    @model_validator(mode="after")
    def _bounds(self) -> Checks:
        if self.max_pages is not None and self.max_pages < self.min_pages:
            raise ValueError(f"max_pages {self.max_pages} is below min_pages {self.min_pages}")
        problem = fit_problem(self)
        if problem:
            raise ValueError(problem)
        return self


def fit_problem(checks: Checks | VariantChecks) -> str | None:
    """Why `fit_pages` contradicts the page limits beside it: a fitted PDF has at most
    fit_pages pages, so it needs max_pages (if given) at least that and min_pages at most."""
    fit = checks.fit_pages
    if fit is None:
        return None
    if checks.max_pages is not None and checks.max_pages < fit:
        return f"max_pages {checks.max_pages} is below fit_pages {fit}"
    if checks.min_pages is not None and checks.min_pages > fit:
        return f"min_pages {checks.min_pages} is above fit_pages {fit}"
    return None


class Marks(Strict):
    """Symbols after authors' names; Chinese funding CVs use `#` for co-first, `*` for
    corresponding."""

    equal: NonEmptyText = "*"
    corresponding: NonEmptyText = "†"
    first_author: bool = Field(
        False,
        description="Mark the first author with `equal` too: the NSFC marks first and "
        "co-first authors alike.",
    )
    equal_legend: NonEmptyText | None = Field(
        None, description="The legend of `equal` (default: the language's `equal contribution`)."
    )
    corresponding_legend: NonEmptyText | None = Field(
        None, description="The legend of `corresponding` (default: the language's own)."
    )


def _known_region(value: str) -> str:
    if not known_region(value):
        raise ValueError(f"{quoted(value)} is not a country code that has phone numbers")
    return value


Region = Annotated[
    str,
    _matches(re.compile(r"^[A-Z]{2}$"), "an ISO 3166 country code in capitals, e.g. DE or US"),
    AfterValidator(_known_region),
]


DATE_RANGE_EXAMPLE = "{closed: '{start} 至 {end}', open: '{start} 至今'}"
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def _placeholders(pattern: str, wanted: list[str]) -> str:
    """A range's pattern starts with `{start}`, ends with `{end}` if it has one, and holds
    nothing else in braces: what stands between them is what the view prints there."""
    found = _PLACEHOLDER.findall(pattern)
    names = " and ".join(f"{{{w}}}" for w in wanted)
    if found != wanted or not pattern.startswith("{start}"):
        raise ValueError(
            f"{quoted(pattern)} must start with {names}, once each, and no other {{...}}"
        )
    if "end" in wanted and not pattern.endswith("{end}"):
        raise ValueError(f"{quoted(pattern)} must end with {{end}}")
    return pattern


class DateRange(Strict):
    """How a date range is written, overriding the language's (`2014.09—2019.07` in
    Chinese): `closed` is `{start}`, a separator and `{end}`; `open` (a range that runs to
    the present) is `{start}` and what follows it, as the NSFC writes `2014-09 至 2019-07`
    and `2020-09 至今`."""

    closed: Annotated[NonEmptyText, AfterValidator(lambda v: _placeholders(v, ["start", "end"]))]
    open: Annotated[NonEmptyText, AfterValidator(lambda v: _placeholders(v, ["start"]))]


class Design(Strict):
    style: Literal["classic", "casual", "banking", "oldstyle", "fancy"] = "classic"
    color: Literal["blue", "orange", "green", "red", "purple", "grey", "black", "burgundy"] = "blue"
    paper: Literal["a4", "letter"] = "a4"
    font_size: Literal[10, 11, 12] = 11
    icons: bool = Field(True, description="Small drawn icons beside the email, phone and links.")
    script_fallback: bool = Field(
        True,
        description="Set Greek and Cyrillic in Computer Modern Unicode (Latin Modern has neither).",
    )
    page_numbers: bool = True
    language: Language = Field(
        "en",
        description="The document's language (BCP 47: en, zh, de, ...): which text of a field "
        "written in several languages is printed, the labels and dates, the fonts, the PDF's "
        "/Lang. A variant's `language:` or `build --language` overrides it.",
    )
    fallback_language: Language = Field(
        "en",
        description="The language printed where a field has no text in the document's "
        "language (`lint` lists each such place).",
    )
    date_style: Literal["auto", "month-year", "numeric", "iso"] = Field(
        "auto",
        description="How dates print: auto (as CVs in the document's language write them), "
        "month-year (Sep 2014; month names from CLDR), numeric (the language's digits: "
        "2014.09 in Chinese, 09/2014 in German) or iso (2014-09).",
    )
    date_range: DateRange | None = Field(
        None,
        description="How date ranges are written, over the language's, e.g. "
        f"{DATE_RANGE_EXAMPLE} (a variant's profile may set it).",
    )
    show_updated: bool = Field(True, description="Print `Last updated: <updated>` in the header.")
    region: Region | None = Field(
        None,
        description="The country (ISO 3166 code, e.g. DE) where national phone numbers are "
        "dialled; default: the country `person.location` ends with.",
    )
    pdfa: bool = Field(False, description="Write PDF/A-2b (XMP metadata, sRGB OutputIntent).")
    embed_data: bool = Field(
        False,
        description="Write a PDF/A-3b that carries the document's JSON Resume and BibTeX as "
        "associated files, the same bytes `--format json,bib` writes (docs/pdfa.md). Implies "
        "`pdfa`.",
    )
    contact_email: Email | None = Field(
        None,
        description="The address `build-cv pubs` names to DBLP, ORCID, Crossref, arXiv and "
        "OpenAlex when it fetches (their polite pools ask for one); never printed in the CV.",
    )
    checks: Checks = Field(default_factory=Checks)
    marks: Marks = Field(default_factory=Marks)
    preamble_latex: RawLatex | None = Field(None, description="Raw LaTeX added to the preamble.")

    @property
    def pdfa_part(self) -> int | None:
        """Which PDF/A the PDF claims: 3 (b) when it carries its data, which only PDF/A-3
        allows; 2 (b) for `pdfa` alone; None for an ordinary PDF."""
        if self.embed_data:
            return 3
        return 2 if self.pdfa else None


class VariantChecks(Strict):
    """A variant's own preflight limits; what it leaves out comes from `design.checks`."""

    min_pages: int | None = Field(None, ge=1)
    max_pages: int | None = Field(None, ge=1)
    max_size_mb: float | None = Field(None, gt=0)
    translations: Literal["optional", "required"] | None = None
    fit_pages: int | None = Field(
        None, ge=1, description="As `design.checks.fit_pages`, for this variant."
    )

    @model_validator(mode="after")
    def _fits(self) -> VariantChecks:
        problem = fit_problem(self)
        if problem:
            raise ValueError(problem)
        return self

    def over(self, base: Checks) -> Checks:
        """These limits laid over `base`; the caller checks that min and max still agree."""
        return base.model_copy(update=self.model_dump(exclude_none=True))


VARIANT_NAME = re.compile(r"^[a-z0-9-]+$")
ProfileName = Annotated[
    str,
    _matches(
        re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$"),
        "a profile name (lower-case letters, digits and '-'; `build-cv profiles` lists them)",
    ),
]


def _not_reserved(name: str) -> str:
    if name == ALL_VARIANTS:
        raise ValueError(f"`{name}` is reserved: `--variant {name}` builds every variant")
    return name


VariantName = Annotated[
    str,
    _matches(VARIANT_NAME, "a variant name (lower-case letters, digits and '-')"),
    AfterValidator(_not_reserved),
]
HidePath = Annotated[
    str,
    _matches(
        re.compile(r"^[a-z_]+\.[a-z_]+$"),
        "a field to hide, written person.FIELD or KIND.FIELD (e.g. references.email)",
    ),
]


class Variant(Located):
    """One document made from the same data: a selection of entries, with fields hidden."""

    description: Text | None = None
    only_tags: list[Tag] = Field(
        default_factory=list, description="Keep only entries with at least one of these tags."
    )
    omit_tags: list[Tag] = Field(
        default_factory=list, description="Drop entries with any of these tags."
    )
    sections: list[NonEmptyText] | None = Field(
        None, description="Section titles to include, in this order (default: all, as written)."
    )
    hide: list[HidePath] = Field(
        default_factory=list,
        description="Fields left out of every output: person.FIELD or KIND.FIELD.",
    )
    show: list[HidePath] = Field(
        default_factory=list,
        description="Private fields and metrics this variant prints, which no output prints "
        "otherwise: person.birth_date, person.photo, publications.ranks, ... "
        "(docs/private.md).",
    )
    only_representative: bool = Field(
        False, description="Show only the publications marked `representative: true`."
    )
    checks: VariantChecks = Field(default_factory=VariantChecks)
    marks: Marks | None = Field(None, description="Author marks for this variant.")
    language: Language | None = Field(
        None, description="The language of every output of this variant (default: design's)."
    )
    profile: ProfileName | None = Field(
        None,
        description="The funder's or employer's rules this document follows (`build-cv "
        "profiles` lists them): its section order and titles, language, paper and dates, "
        "and the limits a build checks. The variant's own settings win (docs/profiles.md).",
    )


PacketName = Annotated[
    str, _matches(VARIANT_NAME, "a packet name (lower-case letters, digits and '-')")
]
PdfFileName = Annotated[
    str,
    _matches(
        re.compile(r"^[^/\\\x00-\x1f]{1,200}\.pdf$"),
        "a file name ending in .pdf, without a folder (it is written in --out)",
    ),
]
PartFile = Annotated[str, Field(min_length=1, max_length=1000)]


class PacketPart(Strict):
    """One part of a packet: the CV (a variant, or `full`) typeset by build-cv, or a PDF
    file beside the CV (a cover letter, a statement)."""

    variant: VariantName | None = Field(
        None,
        description="This variant of the CV (`full`: the full CV, unless a variant has that name).",
    )
    file: PartFile | None = Field(
        None,
        description="A PDF, relative to the CV's folder (and inside it, unless `--allow-outside`).",
    )
    title: NonEmptyText | None = Field(
        None, description="The part's bookmark (default: the CV's subject, or the file's name)."
    )
    label: Annotated[Text, Field(min_length=1, max_length=40)] | None = Field(
        None, description="Its pages' labels, as LABEL-1, LABEL-2... (default: the title)."
    )
    max_pages: int | None = Field(None, ge=1, description="This part's page budget.")

    @model_validator(mode="after")
    def _one_source(self) -> PacketPart:
        if (self.variant is None) == (self.file is None):
            raise ValueError("a part is either `variant: NAME` or `file: NAME.pdf`, not both")
        return self


class Packet(Located):
    """One PDF made of several: what a portal's single upload slot takes (docs/packet.md)."""

    parts: list[PacketPart] = Field(min_length=1, max_length=50)
    max_pages: int | None = Field(None, ge=1, description="The whole packet's page budget.")
    output: PdfFileName | None = Field(
        None, description="The file written in --out (default: <stem>-packet-<name>.pdf)."
    )
    title: NonEmptyText | None = Field(
        None, description="The PDF's Title (default: `<name> - Application`)."
    )


class CV(Strict):
    person: Person
    updated: Updated = Field(description="When the content was last updated; also the PDF date.")
    title: Text | None = Field(None, description="PDF Title; default `<name> - Curriculum Vitae`.")
    subject: NonEmptyText = "Curriculum Vitae"
    keywords: list[Keyword] = Field(default_factory=list, max_length=50)
    summary: Markup | None = None
    sections: list[Section] = Field(default_factory=list)
    design: Design = Field(default_factory=Design)
    variants: dict[VariantName, Variant] = Field(
        default_factory=dict, description="Other documents made from this data, by name."
    )
    rank_editions: dict[Literal["ccf", "core", "jcr", "cas"], Year] = Field(
        default_factory=dict,
        description="The edition (year) of each rank list, for every rank written without "
        "its own: {ccf: 2022}.",
    )
    packets: dict[PacketName, Packet] = Field(
        default_factory=dict,
        description="Application packets: the CV and other PDFs joined into one, by name "
        "(`build-cv packet NAME`).",
    )
    # The consent may be the CV's own: someone who keeps papers.bib one folder up should
    # not have to type a flag on every build. A CV from someone else can say it too, so
    # docs/security.md tells whoever builds one to look for it (as `--allow-outside`).
    allow_outside: bool = Field(
        False,
        description="Let a `bib:` or a packet's `file:` name a file outside this YAML's "
        "folder (after symlinks and `..`); without it (or `--allow-outside`) such a file is "
        "refused. Set it only in a CV you wrote: it lets the CV read any file you can.",
    )

    _languages: Languages = PrivateAttr(default_factory=Languages)

    @model_validator(mode="wrap")
    @classmethod
    def _with_region(cls, data: Any, handler: Callable[[Any], CV]) -> CV:
        """Validate with design.region and the languages known, before `design` itself is
        validated."""
        languages = _languages_given(data)
        token = _REGION.set(_region_given(data))
        chosen = _LANGUAGES.set(languages)
        try:
            cv = handler(data)
        finally:
            _REGION.reset(token)
            _LANGUAGES.reset(chosen)
        cv._languages = languages
        return cv

    @property
    def fell_back(self) -> dict[int, str]:
        """The maps of translations (by id, in the data validated) that had no text in the
        document's language, and the language used instead."""
        return self._languages.fell_back

    @model_validator(mode="after")
    def _paths(self) -> CV:
        """Every section and entry knows its path; a source adds the file and line."""
        locate_all(self, lambda path: Origin(None, path))
        return self

    @property
    def updated_epoch(self) -> int:
        """Seconds since 1970 at midnight UTC of `updated`: the PDF's dates."""
        return (self.updated - date(1970, 1, 1)).days * 86400


def _languages_given(data: Any) -> Languages:
    """The document's language and its fallback as the data gives them (checked later,
    with `design`; an unknown tag here picks by the default)."""
    design = data.get("design") if isinstance(data, dict) else None
    design = design if isinstance(design, dict) else {}
    given = [design.get(k) for k in ("language", "fallback_language")]
    language, fallback = (
        g if isinstance(g, str) and known_language(g) else DEFAULT_LANGUAGE for g in given
    )
    return Languages(language, fallback)


def _region_given(data: Any) -> str | None:
    design = data.get("design") if isinstance(data, dict) else None
    region = design.get("region") if isinstance(design, dict) else None
    if region is None:
        return None
    if isinstance(region, str) and re.fullmatch(r"[A-Z]{2}", region) and known_region(region):
        return region
    return _REGION_INVALID


def locate_all(cv: CV, origin_of: Callable[[PathKey], Origin]) -> None:
    """Give each section and entry of `cv` the origin of its path in the data."""
    for name, variant in cv.variants.items():
        variant.locate(origin_of(("variants", name)))
    for name, packet in cv.packets.items():
        packet.locate(origin_of(("packets", name)))
    for i, section in enumerate(cv.sections):
        section.locate(origin_of(("sections", i)))
        for j, entry in enumerate(getattr(section, "entries", [])):
            if isinstance(entry, Located):
                entry.locate(origin_of(("sections", i, "entries", j)))


def user_strings(node: Any, path: PathKey) -> Iterator[tuple[PathKey, str]]:
    """Every string the user wrote in `node`, with its path in their file.

    A section or entry restarts the path at its origin, so the paths stay true after a
    variant dropped the entries before it. Defaults the user did not write are skipped.
    """
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, BaseModel):
        if isinstance(node, Located) and node.origin.path:
            path = node.origin.path
        for name in type(node).model_fields:
            if name in node.model_fields_set:
                yield from user_strings(getattr(node, name), (*path, name))
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from user_strings(v, (*path, k))
    elif isinstance(node, list | tuple):
        for i, v in enumerate(node):
            yield from user_strings(v, (*path, i))


PERSON = "person"
# The entry model of each section kind that has entries a variant can hide fields of.
SECTION_KINDS: dict[str, type[Entry]] = {
    "experience": Experience,
    "education": Education,
    "projects": Project,
    "publications": Publication,
    "patents": PatentGroup,
    "items": Item,
    "references": Reference,
    "grants": Grant,
    "teaching": Teaching,
    "supervision": Supervision,
    "talks": Talk,
    "service": Service,
    "awards": Award,
}


def json_schema() -> dict[str, Any]:
    """The JSON Schema editors check the data against: the models' own, with every text
    field taking either form, a string or a map from language tags to strings."""
    schema: dict[str, Any] = _either_form(CV.model_json_schema())
    return schema


_STRING_KEYS = ("type", "maxLength", "minLength")


def _either_form(node: Any) -> Any:
    if isinstance(node, list):
        return [_either_form(n) for n in node]
    if not isinstance(node, dict):
        return node
    node = {k: _either_form(v) for k, v in node.items()}
    if node.get("x-build-cv") not in ("text", "markup") or node.get("type") != "string":
        return node
    string = {k: node.pop(k) for k in _STRING_KEYS if k in node}
    translations = {
        "type": "object",
        "propertyNames": {"pattern": _LANGUAGE.pattern},
        "additionalProperties": string,
        "minProperties": 1,
        "description": "The text in each language, by BCP 47 tag: {en: ..., zh: ...}",
    }
    return {**node, "anyOf": [string, translations]}
