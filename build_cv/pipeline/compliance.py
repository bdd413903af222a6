"""A profiled variant checked against its profile's rules (docs/profiles.md).

The rules are data (build_cv/profiles/<name>.yaml); this module knows the checks they can
name and nothing of any funder. Each finding names the profile, the rule, the rule's
source and the day it took effect, and where the data it is about was written
(`file:line`), so whoever fixes it can weigh it: a published limit, a secondary reading,
or a convention. A violation fails the build like the page budget: in the PDF's report,
as a `profile` check (exit 1, the PDF kept as `.failed.pdf`); a text output is not
written.

The rules about personal data and metrics read the opt-in fields by name (person.FIELD,
publications.citations, publications.ranks): the selection has already left out every
one the variant does not `show:` (variants.py), so what is still there is printed. The
DFG category a cap counts is the publication's own, else derived from its kind.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from build_cv.errors import Origin, PathKey, Warning_, format_path, shorten
from build_cv.formats.text.writer import markup_text
from build_cv.markup import strip_markup
from build_cv.pipeline.diagnose import Locator
from build_cv.report import CheckResult, Status
from build_cv.schema import model as m
from build_cv.schema import profile as p
from build_cv.variants import Selection, dfg_category
from build_cv.view import EntryView, ItemView, ListItemView, SectionView, View

CHECK = "profile"  # the name of the preflight check a profile's findings are reported under

# A metric written into a text, in the languages CVs with metrics are written in. A
# number is required where the word alone is innocent (`citations` is part of a Google
# Scholar address).
METRIC_TEXT: dict[str, re.Pattern[str]] = {
    "impact_factor": re.compile(
        r"\bimpact[\s-]+factors?\b|\bJIF\b|\bIF\s*[:=]\s*\d|影响因子|\bImpact-?Faktor", re.I
    ),
    "citations": re.compile(
        r"\b\d[\d,.]*\+?\s+citations?\b|\bcitations?\s*[:=]\s*\d|\bcited\s+by\s+\d|"
        r"被引|引用次数|\b\d[\d.]*\s+Zitationen\b",
        re.I,
    ),
    "h_index": re.compile(r"\bh-?index\b|\bh\s*=\s*\d|[hH]\s*指数|\bh-?Index\b", re.I),
    "quartile": re.compile(
        r"\bJCR\s*[-:]?\s*Q[1-4]\b|\bQ[1-4]\s*\(JCR\)|中科院\s*[一二三四1-4]\s*区|"
        r"\bSCI\s*[一二三四1-4]\s*区",
        re.I,
    ),
}
METRIC_NAMES = {
    "impact_factor": "an impact factor",
    "citations": "a citation count",
    "h_index": "an h-index",
    "quartile": "a journal quartile",
}


@dataclass(frozen=True)
class Finding:
    """One rule's outcome: what was found (`value`) against the rule's limit, and where."""

    profile: p.Profile
    rule: p.Rule
    status: Status
    value: str
    limit: str = ""
    where: str = ""

    def cited(self) -> dict[str, str]:
        """The rule as `--json` reports it."""
        return {
            "profile": self.profile.name,
            "rule": self.rule.id,
            "description": self.rule.description,
            "source": self.rule.source,
            "effective_from": self.rule.effective_from.isoformat(),
            "basis": self.rule.basis,
            "where": self.where,
        }

    def check_result(self) -> CheckResult:
        """`value`: the rule, what was found against its limit, and where; `limit`: what
        the rule asks, its source, the day it took effect and, unless it is the funder's
        published text, what it rests on."""
        limit = f" ({self.limit})" if self.limit else ""
        where = f" at {self.where}" if self.where else ""
        cited = (
            ""
            if self.status == "pass"  # a line of the report, not something to act on
            else f" ({self.rule.source}, in effect since {self.rule.effective_from}{self._basis()})"
        )
        return CheckResult(
            CHECK,
            self.status,
            f"{self.profile.name} rule `{self.rule.id}`: {self.value}{limit}{where}",
            f"the rule: {self.rule.description}{cited}",
            rule=self.cited(),
        )

    def _basis(self) -> str:
        """A rule that is not the funder's own published text says what it rests on."""
        return "" if self.rule.basis == "published" else f", {self.rule.basis}"

    def warning(self) -> Warning_:
        result = self.check_result()
        return Warning_(f"{result.value} ({result.limit})", kind=CHECK)


class Compliance:
    """The rules of one variant's profile, checked against its selection and view; the
    page limits wait for the PDF (`results`)."""

    def __init__(
        self,
        profile: p.Profile,
        selection: Selection,
        view: View,
        where: Locator,
        variant: str | None = None,
        settings: m.Variant | None = None,
    ) -> None:
        """`variant` names the variant, `settings` is what the data says of it."""
        self.profile, self.selection, self.view, self.where = profile, selection, view, where
        self.variant, self.settings = variant, settings
        self.findings: list[Finding] = [f for rule in profile.rules for f in self._check(rule)]

    @classmethod
    def of(
        cls, cv: m.CV, variant: str | None, selection: Selection, view: View, where: Locator
    ) -> Compliance | None:
        """The checks of `variant` of `cv` (as validated), if it follows a profile."""
        if selection.profile is None or variant is None:
            return None
        return cls(selection.profile, selection, view, where, variant, cv.variants[variant])

    def on(self, selection: Selection, view: View, where: Locator) -> Compliance:
        """The same rules, checked on another selection of the variant (what --fit left)."""
        return Compliance(self.profile, selection, view, where, self.variant, self.settings)

    def failures(self) -> list[Finding]:
        return [f for f in self.findings if f.status == "fail"]

    def warnings(self) -> list[Warning_]:
        return [f.warning() for f in self.findings if f.status == "warn"]

    def results(
        self, pages: int | None, overflow: Callable[[int], str | None] | None = None
    ) -> list[CheckResult]:
        """Every finding as a line of the PDF's report, the page limits with them."""
        found = [f for f in self.findings if f.status != "warn"]
        for rule in self.profile.rules:
            if isinstance(rule, p.MaxPages) and pages is not None:
                found.append(self._pages(rule, pages, overflow))
        return [f.check_result() for f in found]

    # ---- the checks --------------------------------------------------------------------

    def _check(self, rule: p.Rule) -> list[Finding]:
        checks: dict[type[Any], Callable[[Any], list[Finding]]] = {
            p.SectionOrder: self._order,
            p.RequiredSections: self._required_sections,
            p.MaxEntries: self._max_entries,
            p.MaxChars: self._max_chars,
            p.MinFontSize: self._font_size,
            p.PrivateFields: self._private,
            p.NoMetrics: self._metrics,
            p.RequiredField: self._required_field,
        }
        check = checks.get(type(rule))
        return check(rule) if check is not None else []

    def _finding(
        self, rule: p.Rule, status: Status, value: str, limit: str = "", where: str = ""
    ) -> Finding:
        return Finding(self.profile, rule, status, value, limit, where)

    def _order(self, rule: p.SectionOrder) -> list[Finding]:
        rank: dict[str, int] = {place.kind: i for i, place in enumerate(self.profile.sections)}
        placed = [s for s in self.view.sections if s.kind in rank]
        for before, after in pairwise(placed):
            if rank[after.kind] < rank[before.kind]:
                value = (
                    f"`{after.title}` ({after.kind}) comes after `{before.title}` ({before.kind})"
                )
                order = ", ".join(place.kind for place in self.profile.sections)
                return [self._finding(rule, "fail", value, order, self._at(after.origin))]
        return [self._finding(rule, "pass", "the sections are in the profile's order")]

    def _required_sections(self, rule: p.RequiredSections) -> list[Finding]:
        present = {s.kind for s in self.view.sections}
        missing = [k for k in rule.kinds if k not in present]
        if not missing:
            return [self._finding(rule, "pass", f"has {', '.join(rule.kinds)}")]
        value = f"no {', '.join(missing)} section"
        return [self._finding(rule, "fail", value, "required", self._variant_at())]

    def _max_entries(self, rule: p.MaxEntries) -> list[Finding]:
        counted = [
            origin
            for section, model in self._sections(rule.kinds)
            for origin, entry in _units(section, model)
            if rule.where is None or _matches(entry, rule.where)
        ]
        n = len(counted)
        value = f"{n} {rule.noun}"
        if n <= rule.max:
            return [self._finding(rule, "pass", value, f"at most {rule.max}")]
        return [
            self._finding(rule, "fail", value, f"at most {rule.max}", self._at(counted[rule.max]))
        ]

    def _max_chars(self, rule: p.MaxChars) -> list[Finding]:
        limit = f"at most {rule.max:,}"
        if rule.of == "summary":
            n = len(markup_text(self.view.summary)) if self.view.summary else 0
            status: Status = "pass" if n <= rule.max else "fail"
            where = "" if status == "pass" else self._path_at(("summary",))
            return [self._finding(rule, status, f"{n:,} characters in the summary", limit, where)]
        found = []
        for section, _ in self._sections(rule.kinds):
            for entry in section.entries:
                n = len(_entry_text(entry))
                if n > rule.max:
                    value = f"{n:,} characters in an entry of `{section.title}`"
                    found.append(self._finding(rule, "fail", value, limit, self._at(entry.origin)))
        return found or [self._finding(rule, "pass", "every entry is within the limit", limit)]

    def _font_size(self, rule: p.MinFontSize) -> list[Finding]:
        size = self.selection.cv.design.font_size
        limit = f"at least {rule.size} pt"
        if size >= rule.size:
            return [self._finding(rule, "pass", f"{size} pt", limit)]
        where = self._path_at(("design", "font_size"))
        return [self._finding(rule, "fail", f"{size} pt", limit, where)]

    def _private(self, rule: p.PrivateFields) -> list[Finding]:
        person = self.selection.cv.person
        found = []
        for field, policy in rule.fields.items():
            shown = _present(getattr(person, field)) and self._shows(f"person.{field}")
            if policy == "forbidden" and shown:
                where = self._path_at(("person", field))
                found.append(
                    self._finding(rule, "fail", f"person.{field} is shown", "forbidden", where)
                )
            elif policy in ("required", "expected") and not shown:
                status: Status = "fail" if policy == "required" else "warn"
                value = f"person.{field} is not shown (list it in the variant's `show:`)"
                found.append(self._finding(rule, status, value, policy, self._variant_at()))
        return found or [self._finding(rule, "pass", "personal data as the profile asks")]

    def _metrics(self, rule: p.NoMetrics) -> list[Finding]:
        found = []
        for spec in rule.fields:
            kind, _, field = spec.partition(".")
            for section in self.selection.cv.sections:
                if section.kind != kind:
                    continue
                for entry in getattr(section, "entries", []):
                    if isinstance(entry, m.Located) and _present(getattr(entry, field, None)):
                        where = self._at(entry.origin)
                        found.append(
                            self._finding(rule, "fail", f"{spec} is shown", "no metrics", where)
                        )
        for path, text in m.user_strings(self.selection.cv, ()):
            if path[:1] in (("design",), ("variants",)):
                continue
            plain = strip_markup(text)
            for metric in rule.metrics:
                hit = METRIC_TEXT[metric].search(plain)
                if hit:
                    value = f"{METRIC_NAMES[metric]} ({shorten(hit.group(), 40)!r}) in the text"
                    found.append(
                        self._finding(rule, "fail", value, "no metrics", self._path_at(path))
                    )
        return found or [self._finding(rule, "pass", "no metric shown")]

    def _required_field(self, rule: p.RequiredField) -> list[Finding]:
        found = []
        for _, model in self._sections([rule.kind]):
            for entry in getattr(model, "entries", []):
                if not isinstance(entry, m.Located) or rule.field not in type(entry).model_fields:
                    continue  # build-cv has no such field yet: nothing to ask for
                if rule.when_field and rule.when_matches:
                    text = getattr(entry, rule.when_field, None)
                    if not isinstance(text, str) or not re.search(rule.when_matches, text):
                        continue
                if not _present(getattr(entry, rule.field)):
                    status: Status = "fail" if rule.level == "required" else "warn"
                    value = f"{rule.kind} entry without `{rule.field}`"
                    found.append(
                        self._finding(rule, status, value, rule.level, self._at(entry.origin))
                    )
        return found or [self._finding(rule, "pass", f"every {rule.kind} entry has it")]

    def _pages(
        self, rule: p.MaxPages, pages: int, overflow: Callable[[int], str | None] | None
    ) -> Finding:
        value = f"{pages} page{'s' if pages != 1 else ''}"
        if pages <= rule.max:
            return self._finding(rule, "pass", value, f"at most {rule.max}")
        where = (overflow(rule.max) if overflow else None) or ""
        return self._finding(rule, "fail", value, f"at most {rule.max}", where)

    # ---- where things are ----------------------------------------------------------------

    def _sections(
        self, kinds: list[p.ProfileKind] | None
    ) -> Iterator[tuple[SectionView, m.Section]]:
        """Each section of the document of `kinds` (all when None): its view, its model."""
        for view, model in zip(self.view.sections, self.selection.cv.sections, strict=True):
            if kinds is None or view.kind in kinds:
                yield view, model

    def _shows(self, path: str) -> bool:
        """Whether the variant prints the opt-in field `path`: only what its `show:` (or
        its profile's) lists; the selection has left out the rest already."""
        return path in self.selection.shown

    def _at(self, origin: Origin) -> str:
        return self.where.describe(origin)

    def _path_at(self, path: PathKey) -> str:
        return f"{self.where.location(path)} ({format_path(path)})"

    def _variant_at(self) -> str:
        if self.variant is None:
            return ""
        return self._path_at(("variants", self.variant, "profile"))


def _units(section: SectionView, model: m.Section) -> Iterator[tuple[Origin, Any]]:
    """What a cap counts in a section, with where each is: every entry, and every patent
    of a group of patents (each is a result of its own)."""
    entries = getattr(model, "entries", [])
    if isinstance(model, m.PatentSection):
        for group in model.entries:
            for patent in group.patents:
                yield group.origin, patent
    elif isinstance(model, m.ListSection):
        for view in section.entries:
            yield view.origin, None
    else:
        for entry in entries:
            yield entry.origin, entry


def _matches(entry: Any, where: p.Where) -> bool:
    value = (
        dfg_category(entry) if where.field == "dfg_category" else getattr(entry, where.field, None)
    )
    if isinstance(where.equals, bool):
        return bool(value) is where.equals
    return value is not None and str(value).casefold() == where.equals.casefold()


def _present(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def _entry_text(entry: EntryView) -> str:
    """An entry as the plain-text output writes it (what is pasted into a form)."""
    if isinstance(entry, ItemView):
        text = markup_text(entry.text)
        return f"{entry.label}: {text}" if entry.label else text
    if isinstance(entry, ListItemView):
        return markup_text(entry.text)
    parts = [v for k, v in vars(entry).items() if k != "origin" and isinstance(v, str) and v]
    return " ".join(markup_text(v) for v in parts)
