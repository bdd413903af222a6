"""The language files (build_cv/locales/): one per supported language, each complete,
sourced and dated, its date patterns in the pattern language; and the words a document
in any language CLDR knows gets from them."""

from __future__ import annotations

import re
from datetime import date

import pytest

from build_cv.languages import SUPPORTED
from build_cv.locales import FOLDER, PLACEHOLDERS, SECTIONS, STYLES, read, words

ENGLISH = read("en")


def test_every_supported_language_has_a_file_and_no_other_language_has_one() -> None:
    assert sorted(p.stem for p in FOLDER.glob("*.yaml")) == sorted(SUPPORTED)


@pytest.mark.parametrize("tag", SUPPORTED)
def test_a_file_has_every_key_the_english_one_has_and_no_other(tag: str) -> None:
    file = read(tag)
    for part in SECTIONS:
        assert set(getattr(file, part)) == set(getattr(ENGLISH, part)), f"{tag}.yaml {part}"
    empty = {k for k, v in file.labels.items() if not v} - {"full_stop"}
    assert not empty, f"{tag}.yaml: empty labels {empty}"


@pytest.mark.parametrize("tag", SUPPORTED)
def test_a_file_says_where_its_wording_comes_from_and_when(tag: str) -> None:
    file = read(tag)
    assert len(file.source.split()) >= 10
    assert isinstance(file.written, date) and date(2024, 1, 1) <= file.written <= date.today()


@pytest.mark.parametrize("tag", SUPPORTED)
def test_date_patterns_are_in_the_pattern_language(tag: str) -> None:
    dates = read(tag).dates
    assert dates["style"] in STYLES[1:]
    used = set(re.findall(r"\{(\w*)\}", dates["numeric"]))
    assert used <= PLACEHOLDERS and "yyyy" in used and used & {"mm", "m"}
    between = dates["range"].removeprefix("{start}").removesuffix("{end}")
    assert dates["range"] == "{start}" + between + "{end}" and "{" not in between


@pytest.mark.parametrize("tag", SUPPORTED)
def test_no_two_kinds_of_publication_share_a_heading(tag: str) -> None:
    file = read(tag)
    headings = [*file.headings.values(), file.labels["other"]]
    assert len(set(headings)) == len(headings)


def test_a_language_without_a_file_has_the_fallbacks_labels_and_cldrs_dates() -> None:
    dutch = words("nl")
    assert dutch.labels == ENGLISH.labels and dutch.month(2014, 9) == "sep 2014"
    german = words("nl", "de")
    assert german.labels == read("de").labels and german.month(2014, 9) == "sep 2014"
    assert german.between == " – " and german.long_date(date(2024, 6, 15)) == "15 juni 2024"
    assert words("nl", "de", "numeric").month(2014, 9) == "9-2014"  # CLDR's own digits
    assert words("nl", "x-unknown").labels == ENGLISH.labels


def test_a_region_or_a_missing_script_picks_the_language_it_is_written_in() -> None:
    assert words("zh").labels == read("zh-Hans").labels
    assert words("zh-TW").labels == read("zh-Hant").labels
    assert words("de-AT").month(2014, 9) == "09/2014"
    assert words("en-GB").labels == ENGLISH.labels


# ---- the record kinds' words (docs/kinds.md) ----------------------------------------------


def closed_values() -> list[tuple[str, str, str]]:
    """(kind, field, value) for every closed value of every record kind's entries."""
    from typing import Literal, get_args, get_origin

    from build_cv.schema.model import SECTION_KINDS

    found = []
    for kind in ("grants", "teaching", "supervision", "talks", "service", "awards"):
        for name, field in SECTION_KINDS[kind].model_fields.items():
            literal = get_origin(field.annotation) is Literal
            for option in (field.annotation,) if literal else get_args(field.annotation):
                if get_origin(option) is Literal:
                    found += [(kind, name, value) for value in get_args(option)]
    return found


def test_the_record_kinds_have_closed_values_to_name() -> None:
    fields = {(kind, name) for kind, name, _ in closed_values()}
    assert ("grants", "role") in fields and ("service", "type") in fields
    assert len(closed_values()) == 33


@pytest.mark.parametrize("tag", SUPPORTED)
def test_every_closed_value_has_a_name_in_every_language_and_no_two_share_one(tag: str) -> None:
    kinds = read(tag).kinds
    named: dict[tuple[str, str], list[str]] = {}
    for kind, field, value in closed_values():
        key = f"{kind}.{field}.{value}"
        assert kinds.get(key), f"{tag}.yaml kinds: no name for {key}"
        named.setdefault((kind, field), []).append(kinds[key])
    for (kind, field), names in named.items():
        assert len(set(names)) == len(names), f"{tag}.yaml: two {kind}.{field} share a name"
    wanted = {k for k in kinds if k.count(".") == 2}
    assert wanted == {f"{k}.{f}.{v}" for k, f, v in closed_values()}, "a name for no value"


@pytest.mark.parametrize(
    ("tag", "amount", "currency", "shown"),
    [
        ("en", "550000", "USD", "$550,000"),
        ("en", "1234.5", "EUR", "€1,234.50"),
        ("de", "550000", "USD", "550.000\u00a0$"),
        ("zh-Hans", "550000", "USD", "US$550,000"),
        ("zh-Hans", "80000", "CNY", "¥80,000"),
        ("fr", "550000", "EUR", "550\u00a0000\u00a0€"),  # CLDR's narrow no-break space
        ("ja", "1000000", "JPY", "￥1,000,000"),
    ],
)
def test_money_is_written_as_the_language_writes_it(
    tag: str, amount: str, currency: str, shown: str
) -> None:
    from decimal import Decimal

    assert words(tag).money(Decimal(amount), currency) == shown


def test_a_share_and_a_count_follow_the_language() -> None:
    from decimal import Decimal

    assert words("en").percent(Decimal("12.5")) == "12.5%"
    assert words("de").percent(Decimal(40)) == "40\u00a0%"
    assert words("de").number(1200) == "1.200" and words("en").number(1200) == "1,200"
