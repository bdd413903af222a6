"""Fitting a document to N pages: which entries go, in which order, and how few TeX runs
find the fewest that must.

The order is data, decided before TeX runs (`candidates`): the lowest `priority` first,
then the oldest, then the entry written last; an entry marked `keep` never goes, and
neither do `list` and `raw` sections, whose lines are not entries. How many must go is
then measured on real PDFs, never guessed: the answer `k` is such that the PDF without
the first `k` candidates fits and the PDF without the first `k - 1` does not, both
typeset (`search`).

TeX runs cost a second or more each, so the runs are aimed. Every run marks where each
entry and section starts (`marked`: `\\pdfsavepos` in the first line of each, written
to the .aux at shipout), which gives each entry's height on the page; `guess` adds up the
heights of the next candidates until they cover what overflows. A guess that falls short
is refined from the next run's marks, one that overshoots is walked back the same way,
and guesses that keep missing give way to doubling steps and halving. The default CV and
a generated one of 80 entries, fitted to each of 1 to 4 pages in three styles, took 3 to
5 runs each (where one run per entry left out would take up to 78), the last of which
is the one published. The marks draw nothing: the PDFs with and without them were
byte-identical, or differed by a fraction of a point in one line, in every style tried.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from build_cv.formats.latex.writer import SOURCE_MARK, marker_of
from build_cv.markup import strip_markup
from build_cv.schema import model as m


@dataclass(frozen=True)
class Candidate:
    """An entry fitting may leave out: where it is in the selected record, and what
    decides when it goes."""

    section: int  # index in cv.sections
    entry: int  # index in that section's entries
    priority: int
    age: tuple[int, int, int]  # (0, year, month) dated, (1, 0, 0) ongoing, (2, 0, 0) undated
    date: str  # the date `age` comes from, as the data writes it ("" when undated)

    def key(self) -> tuple[int, tuple[int, int, int], int, int]:
        """Lowest priority first, then the oldest; of equals, the one written last."""
        return (self.priority, self.age, -self.section, -self.entry)


ONGOING = (1, 0, 0)
UNDATED = (2, 0, 0)
# The fields that date an entry, most telling first: when it ended (or `present`), its one
# date, when it began, its year, the last of its years. New section kinds that use these
# names are dated without a change here.
_DATE_FIELDS = ("end", "date", "start", "year", "years")


def age(entry: object) -> tuple[tuple[int, int, int], str]:
    """How recent `entry` is, as a sort key, and the date that says so.

    An entry still going on (`end: present`) is newer than any date; an entry with no
    date at all (a referee, a skill) is kept longest: it is not old, and what has no date
    is usually what a CV of any length shows.
    """
    for name in _DATE_FIELDS:
        value = getattr(entry, name, None)
        values = value if isinstance(value, list) else [value]
        if "present" in values:
            return ONGOING, "present"
        dated = [(when, v) for v in values if (when := _when(v)) is not None]
        if dated:
            when, last = max(dated, key=lambda d: d[0])
            return (0, *when), str(last)
    return UNDATED, ""


def _when(value: Any) -> tuple[int, int] | None:
    if isinstance(value, m.YearMonth):
        return value.key()
    if isinstance(value, int) and not isinstance(value, bool):
        return (value, 0)
    return None


def candidates(cv: m.CV) -> list[Candidate]:
    """Every entry of `cv` that fitting may leave out, in the order it leaves them out."""
    found = []
    for i, section in enumerate(cv.sections):
        if isinstance(section, m.ListSection | m.RawSection):
            continue
        for j, entry in enumerate(getattr(section, "entries", [])):
            if isinstance(entry, m.Entry) and not entry.keep:
                when, date = age(entry)
                found.append(Candidate(i, j, entry.priority, when, date))
    return sorted(found, key=Candidate.key)


def without(cv: m.CV, gone: Sequence[Candidate]) -> m.CV:
    """`cv` without the entries `gone`; a section left with no entries goes too, title
    and all (as a variant drops one)."""
    if not gone:
        return cv
    dropped: dict[int, set[int]] = {}
    for c in gone:
        dropped.setdefault(c.section, set()).add(c.entry)
    sections = []
    for i, section in enumerate(cv.sections):
        if i not in dropped:
            sections.append(section)
            continue
        entries = [e for j, e in enumerate(section.entries) if j not in dropped[i]]  # type: ignore[union-attr]
        if entries:
            sections.append(section.model_copy(update={"entries": entries}))
    return cv.model_copy(update={"sections": sections})


def holding(cv: m.CV) -> list[str]:
    """The titles of the sections that still show something."""
    return [s.title for s in cv.sections]


# ---- the search ------------------------------------------------------------------------


def search(
    budget: int,
    count: int,
    pages: Callable[[int], int],
    guess: Callable[[int, int | None, int | None], int],
) -> int | None:
    """The number `k` of candidates to leave out: `pages(k) <= budget < pages(k - 1)`, or 0
    when the whole document fits; None when even `pages(count)` is over the budget.

    `pages(k)` typesets the document without the first `k` candidates. `guess(lo, hi,
    before)` says what `k` is likely to be, from what the runs of `lo` (too long), `hi`
    (short enough; None while none is) and `before` (the run too long before `lo`, if
    any) measured. The two runs that prove the answer are always made; a good guess
    spares those in between. Guesses that miss twice give way to steps that double, from
    the nearest run, so a long CV costs a few runs per doubling at worst.
    """
    if pages(0) <= budget:
        return 0
    lo, hi, before = 0, None, None  # pages(lo) > budget >= pages(hi)
    misses, step = 0, 1
    while hi is None or hi - lo > 1:
        if hi is None and lo == count:
            return None
        expect = True  # that the run fits
        if misses < 2:
            k = guess(lo, hi, before)
            if hi is not None and k >= hi:
                k, expect = hi - 1, False  # the guess is `hi`: prove that one less is too long
        else:  # steps that double from the nearest run, never past the middle
            k = lo + step if hi is None else max(hi - step, (lo + hi) // 2)
            step *= 2
        k = min(max(k, lo + 1), count if hi is None else hi - 1)
        fits = pages(k) <= budget
        misses += fits != expect
        if fits:
            hi = k
        else:
            lo, before = k, lo
    return hi


# ---- where each entry starts on the page ------------------------------------------------


FIT_PREAMBLE = r"""\makeatletter
\newcommand*{\buildcvfitmark}[1]{\AddToHookNext{para/begin}{\buildcvfitemit{#1}}}
\newcommand*{\buildcvfitemit}[1]{\pdfsavepos
  \write\@auxout{\string\buildcvfitpos{#1}{\the\c@page}{\the\pdflastypos}}}
\newcommand*{\buildcvfitend}{\par\pdfsavepos
  \write\@auxout{\string\buildcvfitpos{end}{\the\c@page}{\the\pdflastypos}}}
\def\buildcvfitpos#1#2#3{}\def\buildcvfitpage#1#2{}
\AtBeginDocument{\immediate\write\@auxout{\string\buildcvfitpage{\the\textheight}%
  {\the\dimexpr\paperheight-1in-\voffset-\topmargin-\headheight-\headsep\relax}}}
\makeatother
"""
# Why the first line of a paragraph: a mark between two entries would be a node of the
# page's vertical list, and a glue after it a place to break the page (after a heading's
# \nobreak too); in the paragraph it is not. It draws nothing and takes no room. An
# entry kept whole is first typeset in a box only to be measured (\cventrykeep in
# layout.tex.j2): there \buildcvfitemit passes the mark on to the next paragraph, the
# entry's on the page.
_BEGIN = "\\begin{document}"
_END = "\\end{document}"


def marks_of(cv: m.CV, plan: Sequence[Candidate], start: int) -> dict[str, list[str]]:
    """The marks of a run without `plan[:start]` (`cv` is the record the plan was made
    from): the id of each candidate still there (`e<k>`, its place in the plan) and of
    each section that holds one (`s<i>`), under the origin marker the LaTeX writer puts
    above it, in document order (a key in two sections' .bib files is two entries)."""
    ids = {(c.section, c.entry): k for k, c in enumerate(plan)}
    gone = {(c.section, c.entry) for c in plan[:start]}
    marks: dict[str, list[str]] = {}
    for i, section in enumerate(cv.sections):
        present = [
            (ids[(i, j)], entry)
            for j, entry in enumerate(getattr(section, "entries", []))
            if (i, j) in ids and (i, j) not in gone
        ]
        if present:
            marks.setdefault(marker_of(section.origin), []).append(f"s{i}")
        for k, entry in present:
            marks.setdefault(marker_of(entry.origin), []).append(f"e{k}")
    return marks


def marked(tex: str, marks: dict[str, list[str]]) -> str:
    r"""`tex` with `\buildcvfitmark{id}` under the origin comment of each marked entry and
    section, and the end of the text marked."""
    todo = {k: list(v) for k, v in marks.items()}
    out: list[str] = []
    begun = ended = False
    lines = tex.split("\n")
    last_end = max((n for n, line in enumerate(lines) if line == _END), default=-1)
    for n, line in enumerate(lines):
        if not begun and line == _BEGIN:
            out.append(FIT_PREAMBLE.rstrip("\n"))
            begun = True
        if n == last_end and not ended:
            out.append("\\buildcvfitend")
            ended = True
        out.append(line)
        if line.startswith(SOURCE_MARK):
            waiting = todo.get(line[len(SOURCE_MARK) :].strip())
            if waiting:
                out.append(f"\\buildcvfitmark{{{waiting.pop(0)}}}")
    return "\n".join(out)


_POS = re.compile(r"\\buildcvfitpos\{(\w+)\}\{(\d+)\}\{(-?\d+)\}")
_PAGE = re.compile(r"\\buildcvfitpage\{([\d.]+)pt\}\{(-?[\d.]+)pt\}")
_SP = 65536  # TeX's scaled points in a point


@dataclass(frozen=True)
class Measure:
    """One run: its pages, and where each mark is, in pages from the top of page 1
    (2.25 is a quarter down page 3's text)."""

    pages: int
    at: dict[str, float]


def measure(pages: int, aux: str) -> Measure:
    """What a marked run's .aux says of where things are."""
    frame = _PAGE.search(aux)
    if frame is None:
        return Measure(pages, {})
    height, top = float(frame.group(1)), float(frame.group(2))
    if height <= 0:
        return Measure(pages, {})
    at: dict[str, float] = {}
    for mark in _POS.finditer(aux):
        page, y = int(mark.group(2)), int(mark.group(3)) / _SP
        at.setdefault(mark.group(1), page - 1 + (top - y) / height)
    return Measure(pages, at)


def heights(run: Measure) -> dict[str, float]:
    """How much of the page each mark's part takes: from it to the next mark."""
    order = sorted(run.at.items(), key=lambda item: item[1])
    return {
        name: (order[n + 1][1] if n + 1 < len(order) else where) - where
        for n, (name, where) in enumerate(order)
    }


def freed(cv: m.CV, plan: Sequence[Candidate], start: int, run: Measure) -> list[float]:
    """What leaving out each of `plan[start:]` in turn frees, by the run without
    `plan[:start]`: the entry's height, and its section's heading with the last of it."""
    tall = heights(run)
    left: dict[int, int] = {}
    for c in plan[start:]:
        left[c.section] = left.get(c.section, 0) + 1
    fixed = {i for i, s in enumerate(cv.sections) if stays(s)}
    costs = []
    for k in range(start, len(plan)):
        c = plan[k]
        cost = tall.get(f"e{k}", 0.0)
        left[c.section] -= 1
        if not left[c.section] and c.section not in fixed:
            cost += tall.get(f"s{c.section}", 0.0)
        costs.append(cost)
    return costs


def guess(
    cv: m.CV,
    plan: Sequence[Candidate],
    budget: int,
    lo: tuple[int, Measure],
    hi: tuple[int, Measure] | None = None,
    before: tuple[int, Measure] | None = None,
) -> int:
    """How many candidates must go in all, judged from the run without the first `lo`
    (too long) and, once one fit, the run without the first `hi`.

    Going up: the next candidates, in order, until what they free covers what runs past
    the last allowed page. Space freed at a page break is partly lost to the bottom of
    the page, so what the last step (from `before` to `lo`) really freed, against what
    it was to free, scales what is asked of the next. Coming down: the candidates `hi`
    left out last, back in, while what they take fits in the room left on its last page.
    """
    start, low = lo
    costs = freed(cv, plan, start, low)
    if hi is None:
        over = (_end(low) - budget) / _yield(cv, plan, before, lo)
        total = 0.0
        for n, cost in enumerate(costs, start + 1):
            total += cost
            if total >= over:
                return n
        return len(plan)
    top, high = hi
    room = budget - _end(high)
    k = top
    while k - 1 > start and costs[k - 1 - start] < room:
        room -= costs[k - 1 - start]
        k -= 1
    return k


def _yield(
    cv: m.CV, plan: Sequence[Candidate], before: tuple[int, Measure] | None, lo: tuple[int, Measure]
) -> float:
    """How much of the height of what went from `before` to `lo` the text really lost."""
    if before is None:
        return 1.0
    (first, run), (last, now) = before, lo
    meant = sum(freed(cv, plan, first, run)[: last - first])
    if meant <= 0:
        return 1.0
    return min(max((_end(run) - _end(now)) / meant, 0.5), 1.0)


def _end(run: Measure) -> float:
    """Where the text ends; a full last page when its mark was lost (a mark after the
    last line of a full page is shipped with no page)."""
    return run.at.get("end", float(run.pages))


def stays(section: m.Section) -> bool:
    """Whether the section stays whatever goes: it holds a `keep` entry, or lines."""
    entries = getattr(section, "entries", None)
    if entries is None or isinstance(section, m.ListSection):
        return True
    return any(not isinstance(e, m.Entry) or e.keep for e in entries)


# ---- what was left out, as the user would recognise it ---------------------------------


# The field that names an entry, first found first; then the place it belongs to.
_NAMES = (
    "title", "name", "position", "degree", "course", "student", "role", "label",
    "organization", "institution", "funder", "text",
)  # fmt: skip
_PLACES = ("organization", "institution", "event", "body", "funder", "issuer")
_NAMED_BY_PLACE = {"position", "degree", "role", "course", "student"}  # not alone: the place too
_SHOWN = 72


def label(entry: object) -> str:
    """An entry in a few words: a paper's title, `Research Scientist, Example Corp`."""
    named = [(f, t) for f in _NAMES if (t := _text(getattr(entry, f, None)))]
    if not named:
        return "(an entry)"
    field, name = named[0]
    if field in _NAMED_BY_PLACE:
        place = next((t for f in _PLACES if (t := _text(getattr(entry, f, None)))), "")
        name = f"{name}, {place}" if place and place != name else name
    elif field == "label" and _text(getattr(entry, "text", None)):
        name = f"{name}: {_text(getattr(entry, 'text', None))}"  # `Languages: English, ...`
    return name if len(name) <= _SHOWN else name[: _SHOWN - 1].rstrip() + "…"


def _text(value: object) -> str:
    return " ".join(strip_markup(value).split()) if isinstance(value, str) else ""


@dataclass(frozen=True)
class LeftOut:
    """One entry fitting left out: its section, the entry in a few words, where it is
    written, and what put it first in line."""

    section: str
    entry: str
    file: str
    line: int | None
    column: int | None
    priority: int
    date: str

    @property
    def where(self) -> str:
        line = f":{self.line}" if self.line is not None else ""
        column = f":{self.column}" if self.line is not None and self.column is not None else ""
        return f"{self.file}{line}{column}"

    def text(self) -> str:
        date = {"": "undated", "present": "ongoing"}.get(self.date, self.date)
        return f"{self.where}: {self.section}: {self.entry} ({date}, priority {self.priority})"


@dataclass(frozen=True)
class Fitted:
    """What fitting did to one document: the pages asked for, the pages with every entry
    and at the end, and the entries it left out, in the order they went. `fits` is False
    when even without every entry that may go the PDF is too long."""

    budget: int
    before: int
    after: int
    left_out: tuple[LeftOut, ...]
    fits: bool = True

    def as_json(self) -> dict[str, Any]:
        return {
            "pages": self.budget,
            "fits": self.fits,
            "pages_before": self.before,
            "pages_after": self.after,
            "left_out": [
                {
                    "section": e.section,
                    "entry": e.entry,
                    "file": e.file,
                    "line": e.line,
                    "column": e.column,
                    "priority": e.priority,
                    "date": e.date or None,
                }
                for e in self.left_out
            ],
        }
