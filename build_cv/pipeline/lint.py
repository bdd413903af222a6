"""`build-cv lint`: problems in the data that a schema cannot call errors, found without
building anything.

Each is a warning with the place it was written (`file:line`): a placeholder left in
(TBD, TODO, XXX), an entry or identifier listed twice, a date in the future, a year the
venue's own text contradicts, a publication a reader cannot find (no DOI, arXiv id or
URL), a tag written once that no variant names (usually a typo), a homepage on plain
http. An end before its start is already a schema error. `--strict` makes them errors.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import date

from build_cv.errors import Location, Origin, PathKey, Warning_, format_path
from build_cv.identifiers import ARXIV_MONTH
from build_cv.pipeline import translations
from build_cv.pipeline.diagnose import Locator
from build_cv.schema import model as m
from build_cv.sources import profiles
from build_cv.sources.bibtex.kinds import is_preprint
from build_cv.sources.load import from_loaded
from build_cv.sources.yaml_source import Loaded
from build_cv.variants import language_of, select
from build_cv.view import build_view

PLACEHOLDER = re.compile(r"\b(TBD|TBA|TODO|FIXME|XXX+)\b|lorem ipsum", re.IGNORECASE)
_YEAR = re.compile(r"(?<![\d.])((?:19|20)\d\d)(?![\d.])")


class _Lint:
    def __init__(self, loaded: Loaded, cv: m.CV, today: date) -> None:
        self.loaded, self.cv, self.today = loaded, cv, today
        self.where = Locator(loaded, build_view(cv))
        self.found: list[Warning_] = []

    def warn(self, location: Location, message: str, kind: str) -> None:
        self.found.append(Warning_(message, location, kind))

    def at(self, origin: Origin, *sub: str | int) -> Location:
        """A field of an entry: its own line in the YAML, the entry's line in a .bib."""
        if origin.file not in (None, self.loaded.path):
            return origin.location()
        return self.where.location((*origin.path, *sub))

    def entries(self) -> Iterator[tuple[m.Section, m.Entry]]:
        for section in self.cv.sections:
            for entry in getattr(section, "entries", []):
                if isinstance(entry, m.Entry):
                    yield section, entry


def lint(
    loaded: Loaded, cv: m.CV, today: date | None = None, *, allow_outside: bool = False
) -> list[Warning_]:
    """Every warning about `cv` (as loaded, every variant's entries included), in file
    order; `allow_outside` as for the build, since a variant in another language reads
    the record again."""
    run = _Lint(loaded, cv, today or date.today())
    checks = (
        _placeholders, _twice, _future, _records, _venue_years, _unfindable, _lonely_tags, _http,
        _profile_dates,
    )  # fmt: skip
    for check in checks:
        check(run)
    _translations(run, allow_outside)
    return sorted(run.found, key=lambda w: (str(w.location and w.location.file), _line(w)))


def _translations(run: _Lint, allow_outside: bool) -> None:
    """Each field a document prints in the fallback language, for the full CV and for
    every variant in its own language, once per field and language."""
    told: set[tuple[PathKey, str]] = set()
    in_language = {run.cv.design.language: run.cv}
    for name in [None, *run.cv.variants]:
        language = language_of(run.cv, name) or run.cv.design.language
        if language not in in_language:
            in_language[language] = from_loaded(
                run.loaded, allow_outside=allow_outside, language=language
            )
        for gap in translations.missing(run.loaded, select(in_language[language], name)):
            if (gap.path, gap.language) not in told:
                told.add((gap.path, gap.language))
                whose = f" (variant `{name}`)" if name else ""
                run.warn(gap.location, str(gap).partition(": ")[2] + whose, "translation")


def _line(w: Warning_) -> int:
    return (w.location.line or 0) if w.location else 0


def _placeholders(run: _Lint) -> None:
    for path, text in m.user_strings(run.cv, ()):
        found = PLACEHOLDER.search(text)
        if found:
            run.warn(
                run.where.location(path),
                f"{format_path(path)}: `{found.group()}` is a placeholder: "
                f"fill it in or leave the field out ({clip(text)!r})",
                "placeholder",
            )


def _twice(run: _Lint) -> None:
    seen: dict[tuple[str, str], Location] = {}

    def once(kind: str, key: str, shown: str, here: Location) -> None:
        first = seen.setdefault((kind, key), here)
        if first is not here:
            run.warn(here, f"{shown} is listed twice (also at {first})", "twice")

    for section, entry in run.entries():
        o = entry.origin
        if isinstance(entry, m.PatentGroup):
            for i, p in enumerate(entry.patents):
                here = run.at(o, "patents", i, "number")
                once("patent", p.number.upper(), f"patent {p.number}", here)
        elif isinstance(entry, m.Publication):
            title = re.sub(r"\W+", " ", entry.title).casefold().strip()
            once("title", title, f"the publication {clip(entry.title)!r}", run.at(o, "title"))
            if entry.doi:
                once("doi", entry.doi.casefold(), f"DOI {entry.doi}", run.at(o, "doi"))
            if entry.arxiv:
                arxiv = re.sub(r"v\d+$", "", entry.arxiv)
                once("arxiv", arxiv, f"arXiv:{arxiv}", run.at(o, "arxiv"))
        else:
            content = entry.model_dump(exclude={"tags"})
            once(f"entry-{section.title}", repr(content), f"this {section.kind} entry", run.at(o))


def _future(run: _Lint) -> None:
    now = (run.today.year, run.today.month)
    if run.cv.updated > run.today:
        run.warn(
            run.loaded.locate(("updated",)), f"updated: {run.cv.updated} is in the future", "future"
        )
    for section, entry in run.entries():
        if isinstance(section, m.RecordSection):
            continue  # a grant ends, a student graduates, in the future: see _records
        for name in ("start", "end"):
            value = getattr(entry, name, None)
            if isinstance(value, m.YearMonth) and value.key() > now:
                run.warn(run.at(entry.origin, name), f"{name} {value} is in the future", "future")
        if isinstance(entry, m.Publication) and entry.year > run.today.year:
            run.warn(run.at(entry.origin, "year"), f"year {entry.year} is in the future", "future")


def _records(run: _Lint) -> None:
    """The record kinds' dates say what their status does not: a grant runs, a student
    studies, a talk is given in the future, but an award is not won there; a completed
    grant has ended, a current student has not. A share below 1 is most likely a
    fraction meant as a percentage (docs/kinds.md)."""
    now = (run.today.year, run.today.month)
    for _, entry in run.entries():
        o = entry.origin
        if isinstance(entry, m.Award) and entry.date is not None and entry.date.key() > now:
            run.warn(run.at(o, "date"), f"date {entry.date} is in the future", "future")
        end = getattr(entry, "end", None)
        ended = isinstance(end, m.YearMonth) and end.key() < now
        if isinstance(entry, m.Grant):
            if entry.status == "completed" and isinstance(end, m.YearMonth) and not ended:
                run.warn(
                    run.at(o, "status"), f"status: completed, but `end` {end} is not past", "status"
                )
            if entry.share is not None and entry.share < 1:
                meant = f"{(entry.share * 100).normalize():f}"
                run.warn(
                    run.at(o, "share"),
                    f"share: {entry.share} reads as {entry.share} %; a share is a percentage "
                    f"(write {meant} for {meant} %)",
                    "share",
                )
        if isinstance(entry, m.Supervision) and entry.status == "current" and ended:
            run.warn(run.at(o, "status"), f"status: current, but `end` {end} is past", "status")


def _venue_years(run: _Lint) -> None:
    for _, entry in run.entries():
        if not isinstance(entry, m.Publication):
            continue
        years = {int(y) for y in _YEAR.findall(entry.venue or "")}
        if years and entry.year not in years:
            shown = ", ".join(map(str, sorted(years)))
            run.warn(
                run.at(entry.origin, "year"),
                f"year: {entry.year}, but the venue says {shown} ({clip(entry.venue or '')!r})",
                "year",
            )
        arxiv = ARXIV_MONTH.match(entry.arxiv or "")
        if arxiv and is_preprint(entry) and 2000 + int(arxiv.group(1)) != entry.year:
            run.warn(
                run.at(entry.origin, "year"),
                f"year: {entry.year}, but arXiv:{entry.arxiv} appeared in "
                f"20{arxiv.group(1)}-{arxiv.group(2)}",
                "year",
            )


def _unfindable(run: _Lint) -> None:
    for _, entry in run.entries():
        if isinstance(entry, m.Publication) and not (
            entry.doi or entry.arxiv or entry.url or entry.pdf
        ):
            run.warn(
                run.at(entry.origin),
                f"the publication {clip(entry.title)!r} has no DOI, arXiv id or URL",
                "unfindable",
            )


def _lonely_tags(run: _Lint) -> None:
    used: dict[str, list[Location]] = {}
    for i, section in enumerate(run.cv.sections):
        for j, tag in enumerate(section.tags):
            used.setdefault(tag, []).append(run.loaded.locate(("sections", i, "tags", j)))
    for _, entry in run.entries():
        if entry.origin.file in (None, run.loaded.path):
            for j, tag in enumerate(entry.tags):
                used.setdefault(tag, []).append(run.at(entry.origin, "tags", j))
    named = {tag for v in run.cv.variants.values() for tag in (*v.only_tags, *v.omit_tags)} | {
        tag
        for s in run.cv.sections
        if isinstance(s, m.PublicationSection)
        for tag in (*s.select, *s.omit)
    }
    for tag, places in used.items():
        if len(places) == 1 and tag not in named:
            run.warn(
                places[0], f"the tag `{tag}` is used once and no variant names it (a typo?)", "tag"
            )


def _http(run: _Lint) -> None:
    """An http:// homepage is accepted (some hosts still serve no other), but a browser
    marks it "Not secure", and a reader who types https may find nothing."""
    page = run.cv.person.homepage
    if page and page[:7].lower() == "http://":
        run.warn(
            run.loaded.locate(("person", "homepage")),
            f'person.homepage: {page[:60]!r} is plain http; browsers mark it "Not secure": '
            "use https:// if the site serves it",
            "http",
        )


def _profile_dates(run: _Lint) -> None:
    """A profile describes the rules of one call; funders re-issue theirs every year. One
    that took effect before this year may be out of date: say so where a variant names it,
    with where to check (its source)."""
    for name, variant in run.cv.variants.items():
        if variant.profile is None:
            continue
        profile = profiles.load(variant.profile)
        if profile.effective_from.year < run.today.year:
            run.warn(
                run.loaded.locate(("variants", name, "profile")),
                f"variants.{name}.profile: profile `{profile.name}` describes the rules in "
                f"effect from {profile.effective_from}, before {run.today.year}, this call's "
                f"year: check them against {profile.source} and the call you apply to",
                "profile",
            )


SHOWN = 60  # characters of a title or value quoted in a warning


def clip(text: str, limit: int = SHOWN) -> str:
    """`text` on one line, or as many whole words as fit in `limit` and an ellipsis: a
    title cut mid-word reads as a typo in the data."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit + 1]
    cut = head.rsplit(" ", 1)[0] if " " in head else text[:limit]
    return cut.rstrip(" ,;:") + "…"


# How a summary counts each kind of warning: (one, several).
_KINDS = {
    "unfindable": (
        "publication without a DOI, arXiv id or URL",
        "publications without a DOI, arXiv id or URL",
    ),
    "year": (
        "year that disagrees with its venue or arXiv id",
        "years that disagree with their venue or arXiv id",
    ),
    "twice": ("entry listed twice", "entries listed twice"),
    "future": ("date in the future", "dates in the future"),
    "placeholder": ("placeholder left in", "placeholders left in"),
    "tag": ("tag used once", "tags used once"),
    "http": ("homepage on plain http", "homepages on plain http"),
    "translation": ("missing translation", "missing translations"),
    "status": ("status its dates contradict", "statuses their dates contradict"),
    "share": ("share that looks like a fraction", "shares that look like fractions"),
    "profile": ("profile older than this year", "profiles older than this year"),
}


def summary(warnings: list[Warning_]) -> str:
    """The warnings counted by kind, most frequent first: `13 publications without a DOI,
    arXiv id or URL; 2 entries listed twice`."""
    counts = Counter(w.kind for w in warnings)
    parts = []
    for kind, n in sorted(counts.items(), key=lambda item: -item[1]):
        one, several = _KINDS.get(kind, ("other warning", "other warnings"))
        parts.append(f"{n} {one if n == 1 else several}")
    return "; ".join(parts)
