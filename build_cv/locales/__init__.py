"""The words and dates of a document in its language: labels from a data file per language,
month names and long dates from CLDR (Babel).

What varies by language is data, not code: `<tag>.yaml` beside this module holds one
supported language's labels ("Last updated", "present", the publication headings, the
punctuation that follows a label) and its date style, with the source of its wording and
the date it was written. Month names and the long date are never typed: they come from
CLDR, so a document in a language CLDR knows but build-cv has no file for (Dutch, Polish)
still gets its own month names, with the labels of `design.fallback_language`.

The date patterns are a small language of their own: `{yyyy}` the year, `{mm}` the month
in two digits, `{m}` in one or two; a range is `{start}SEP{end}`. Named styles
(`design.date_style`): `month-year` is CLDR's abbreviated month and year (`Sep 2014`,
`2014年9月`, `Sept. 2014`), `numeric` the language's own digits (`2014.09`, `09/2014`),
`iso` `2014-09`, and `auto` the one the language's CVs use.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import yaml
from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.numbers import format_currency, format_decimal, format_percent

from build_cv.languages import DEFAULT, SUPPORTED, canonical, locale

FOLDER = Path(__file__).resolve().parent
DateStyle = Literal["auto", "month-year", "numeric", "iso"]
STYLES: tuple[DateStyle, ...] = ("auto", "month-year", "numeric", "iso")
# A file's keys, each a map of one kind: the test holds every file to English's. `kinds`
# holds the words of the academic record kinds (grants, teaching, ...): a section's title
# when the data gives none, the name of each closed value (`grants.role.PI`), and the
# labels of their fields.
# `fields` the labels of the private person fields (the basic-information block) and of
# what a publication says beyond its citation (CRediT roles, ranks, citations).
SECTIONS = ("labels", "headings", "dates", "kinds", "fields")
PLACEHOLDERS = {"yyyy", "mm", "m"}
_ISO = "{yyyy}-{mm}"
# CLDR puts a narrow no-break space in some dates (Russian `2024 г.`); the PDF's fonts
# have no such glyph, so TeX would drop it. A no-break space keeps the date whole too.
_NARROW = str.maketrans({"\u202f": "\u00a0"})


@dataclass(frozen=True)
class LocaleFile:
    """One language's file as written."""

    tag: str
    source: str
    written: date
    labels: Mapping[str, str]
    headings: Mapping[str, str]
    dates: Mapping[str, str]
    kinds: Mapping[str, str]
    fields: Mapping[str, str]


@cache
def read(tag: str) -> LocaleFile:
    """The file of a supported language, read once. A missing or malformed file is a bug
    of build-cv (the package ships them, and a test reads each), so it raises as one."""
    text = (FOLDER / f"{tag}.yaml").read_text(encoding="utf-8")
    # libyaml where PyYAML has it: the pure-Python parser took 60 ms of every build
    data: dict[str, Any] = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return LocaleFile(
        tag=tag,
        source=str(data["source"]),
        written=data["written"],
        **{part: MappingProxyType({k: _text(v, f"{tag}.yaml {part}.{k}")
                                   for k, v in data[part].items()})
           for part in SECTIONS},
    )  # fmt: skip


def _text(value: object, where: str) -> str:
    """A label as written; YAML reads `no` or `1.0` as something else, which is a bug."""
    if not isinstance(value, str):
        raise TypeError(f"{where}: {value!r} is not text; quote it")
    return value


def labels_language(language: str, fallback: str = DEFAULT) -> str:
    """The supported language whose labels a document in `language` prints: its own, else
    the fallback's, else English."""
    for tag in (language, fallback):
        if canonical(tag) in SUPPORTED:
            return canonical(tag)
    return DEFAULT


@dataclass(frozen=True)
class Words:
    """A document's labels and how it writes dates: what the view asks of a language."""

    labels: Mapping[str, str]
    headings: Mapping[str, str]
    kinds: Mapping[str, str]
    fields: Mapping[str, str]
    style: DateStyle  # never "auto": the language's own style, resolved
    numeric: str | None  # the numeric pattern; None: CLDR's (a language without a file)
    range: str
    cldr: Locale
    open_range: str | None = None  # `{start} 至今`; None: the range with `present` as end

    def month(self, year: int, month: int | None) -> str:
        """A date of the CV (a year, or a month of a year) in the document's style."""
        if self.style == "month-year":
            return _cldr("y" if month is None else "yMMM", date(year, month or 1, 1), self.cldr)
        if month is None:
            return f"{year}"
        if self.style == "numeric" and self.numeric is None:
            return _cldr("yMM", date(year, month, 1), self.cldr)
        pattern = self.numeric if self.style == "numeric" and self.numeric else _ISO
        return pattern.format_map({"yyyy": f"{year}", "mm": f"{month:02}", "m": f"{month}"})

    @property
    def between(self) -> str:
        """What stands between the two ends of a range (` – `, `—`)."""
        return self.range.removeprefix("{start}").removesuffix("{end}")

    def span(self, start: str, end: str) -> str:
        return f"{start}{self.between}{end}"

    def open_parts(self) -> tuple[str, str]:
        """What follows the start of a range that runs to the present: the separator and
        the end's text (` – `, `present`), or all of it as the end where a pattern says
        it whole (`{start} 至今`)."""
        if self.open_range is None:
            return self.between, self.labels["present"]
        return "", self.open_range.removeprefix("{start}")

    def open_span(self, start: str) -> str:
        between, end = self.open_parts()
        return f"{start}{between}{end}"

    def birth_month(self, year: int, month: int) -> str:
        """A birth month as the language writes one, from CLDR whatever the document's
        date style (May 1990, 1990年5月, Mai 1990)."""
        return _cldr("yMMMM", date(year, month, 1), self.cldr)

    def long_date(self, value: date) -> str:
        """The day the CV was updated: CLDR's long date (June 15, 2024; 2024年6月15日;
        15. Juni 2024), or ISO when the document writes its dates so."""
        if self.style == "iso":
            return value.isoformat()
        return format_date(value, "long", locale=self.cldr).translate(_NARROW)

    def money(self, amount: Decimal, currency: str) -> str:
        """An amount of money as the document's language writes it (CLDR's currency
        format: `$550,000`, `550.000 $`, `US$550,000`), with cents only when the amount
        has them: a grant of 550000 is not `$550,000.00`."""
        whole = amount == amount.to_integral_value()
        pattern = _CENTS.sub("", self.cldr.currency_formats["standard"].pattern) if whole else None
        shown = format_currency(
            amount, currency, format=pattern, locale=self.cldr, currency_digits=not whole
        )
        return shown.translate(_NARROW)

    def percent(self, value: Decimal) -> str:
        """`value` per cent (40 → `40%`, `40 %` in German), every digit kept (12.5 %)."""
        shown = format_percent(value / 100, locale=self.cldr, decimal_quantization=False)
        return shown.translate(_NARROW)

    def number(self, value: int) -> str:
        """A count with the language's digit grouping (`1,200`, `1.200`)."""
        return format_decimal(value, locale=self.cldr).translate(_NARROW)


_CENTS = re.compile(r"\.0+")  # a CLDR pattern's fraction digits; its `.` is always a dot


def _cldr(skeleton: str, value: date, cldr: Locale) -> str:
    return format_skeleton(skeleton, value, locale=cldr).translate(_NARROW)


def _named(style: str, tag: str) -> DateStyle:
    for named in STYLES[1:]:
        if named == style:
            return named
    raise ValueError(f"{tag}.yaml: {style!r} is not a date style")


@cache
def words(
    language: str,
    fallback: str = DEFAULT,
    style: DateStyle = "auto",
    ranges: tuple[str, str] | None = None,
) -> Words:
    """The words of a document in `language` (a BCP 47 tag), with `fallback`'s labels when
    build-cv has none for it, its dates in `style`, its ranges written as `ranges` (closed,
    open) where a design or profile says how (`design.date_range`)."""
    file = read(labels_language(language, fallback))
    own = canonical(language) in SUPPORTED
    cldr = locale(language) or locale(fallback) or Locale.parse(DEFAULT)
    chosen = style if style != "auto" else file.dates["style"] if own else "month-year"
    return Words(
        labels=file.labels,
        headings=file.headings,
        kinds=file.kinds,
        fields=file.fields,
        style=_named(chosen, file.tag),
        numeric=file.dates["numeric"] if own else None,
        range=ranges[0] if ranges else file.dates["range"],
        cldr=cldr,
        open_range=ranges[1] if ranges else None,
    )
