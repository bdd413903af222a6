from __future__ import annotations

from pathlib import Path

import pytest

from build_cv.errors import SchemaError
from build_cv.sources.validate import validate
from build_cv.sources.yaml_source import load_yaml_text

BROKEN = """\
person:
  name: A
  emial: a@b.c
updated: 2024-06-15
design:
  style: clasic
sections:
  - kind: experience
    title: Work
    entries:
      - position: p
        organization: o
        strat: 2019
      - position: q
        organization: o
        start: 2020-05
        end: 2019
  - kind: expereince
    title: X
    entries: []
  - kind: publications
    title: P
    entries:
      - title: T
        venue: V
        authors: [A]
"""


@pytest.fixture(scope="module")
def problems() -> list[str]:
    with pytest.raises(SchemaError) as info:
        validate(load_yaml_text(BROKEN, Path("cv.yaml")))
    assert info.value.exit_code == 2
    return [str(p) for p in info.value.problems]


def test_every_problem_is_reported_at_once(problems: list[str]) -> None:
    assert len(problems) == 6


def test_misspelt_key_names_line_path_and_suggestion(problems: list[str]) -> None:
    assert "cv.yaml:3:3: person.emial: unknown key `emial` (did you mean `email`?)" in problems
    assert any(
        p.startswith("cv.yaml:13:9: sections[0].entries[0].strat:") and "`start`" in p
        for p in problems
    )


def test_misspelt_value_and_kind_get_suggestions(problems: list[str]) -> None:
    assert any(p.startswith("cv.yaml:6:3: design.style:") and "`classic`" in p for p in problems)
    assert any(
        p.startswith("cv.yaml:18:5: sections[1].kind:") and "did you mean `experience`" in p
        for p in problems
    )


def test_date_order_and_missing_field(problems: list[str]) -> None:
    assert any(
        p.startswith("cv.yaml:14:9: sections[0].entries[1]") and "after `end`" in p
        for p in problems
    )
    assert any(
        p.startswith("cv.yaml:24:9: sections[2].entries[0].year:") and "required" in p
        for p in problems
    )


def test_no_pydantic_dump(problems: list[str]) -> None:
    text = "\n".join(problems)
    for noise in ("pydantic", "input_value", "type=", "For further information"):
        assert noise not in text


def test_top_level_must_be_a_mapping() -> None:
    with pytest.raises(SchemaError) as info:
        validate(load_yaml_text("- a\n- b\n", Path("cv.yaml")))
    assert "top level must be a mapping" in info.value.render()


EMPTY_HEADING = """\
person: {name: Ada Lovelace}
updated: 2024-06-15
sections:
  - title: {en: Publications, zh: 论文}
    kind: publications
    entries: [{title: T, year: 2020}]
    group_by: {selected: {en: Selected, zh: ''}}
"""


def test_an_empty_translation_is_one_clear_problem_at_its_line() -> None:
    """It was pydantic's two complaints, one per member of `group_by`'s union: `this value
    is not allowed; expected 'type'` and `Value should have at least 1 item`."""
    with pytest.raises(SchemaError) as info:
        validate(load_yaml_text(EMPTY_HEADING, Path("cv.yaml")), "zh")
    assert [str(p) for p in info.value.problems] == [
        "cv.yaml:7:16: sections[0].group_by.selected: the `zh` text is empty; write it, or "
        "leave the language out to print the fallback's text"
    ]
    validate(load_yaml_text(EMPTY_HEADING, Path("cv.yaml")), "en")


def test_a_value_no_member_of_a_union_takes_still_names_the_literal() -> None:
    text = EMPTY_HEADING.replace("{selected: {en: Selected, zh: ''}}", "tpye")
    with pytest.raises(SchemaError) as info:
        validate(load_yaml_text(text, Path("cv.yaml")))
    (problem,) = info.value.problems
    assert "`tpye` is not allowed; expected 'type' (did you mean `type`?)" in str(problem)


@pytest.mark.parametrize("value", ["[a]", "5"])
def test_a_value_of_no_members_type_is_still_reported(value: str) -> None:
    text = EMPTY_HEADING.replace("{selected: {en: Selected, zh: ''}}", value)
    with pytest.raises(SchemaError) as info:
        validate(load_yaml_text(text, Path("cv.yaml")))
    assert info.value.problems
    assert all("sections[0].group_by" in str(p) for p in info.value.problems)


@pytest.mark.parametrize(
    ("tags", "named"),
    [("{en: A, EN: B}", "`en` and `EN`"), ("{zh: 甲, zh-Hans: 乙}", "`zh` and `zh-Hans`"),
     ("{en: A, de: C, zh-hans: 乙, zh-Hans: 丙}", "`zh-hans` and `zh-Hans`")],
)  # fmt: skip
def test_two_tags_of_one_language_in_a_map_are_an_error_at_its_line(tags: str, named: str) -> None:
    """`{en: A, EN: B}` printed A and dropped B without a word."""
    text = f"person: {{name: Ada}}\nupdated: 2024-06-15\nsummary: {tags}\n"
    with pytest.raises(SchemaError) as info:
        validate(load_yaml_text(text, Path("cv.yaml")))
    assert [str(p) for p in info.value.problems] == [
        f"cv.yaml:3:1: summary: {named} name one language, so only one of their texts could "
        "ever be printed; keep one"
    ]


@pytest.mark.parametrize(
    "tags",
    [
        "{en: color, en-GB: colour}",
        "{en: A, zh-TW: 甲, zh-HK: 乙, zh: 丙}",
        "{en: A, de: B, de-CH: C}",
    ],
)
def test_one_language_in_two_regions_is_two_texts(tags: str) -> None:
    text = f"person: {{name: Ada}}\nupdated: 2024-06-15\nsummary: {tags}\n"
    validate(load_yaml_text(text, Path("cv.yaml")))


def test_an_unquoted_comma_in_a_map_says_to_quote_the_value() -> None:
    """`{en: Berlin, Germany, zh: 德国柏林}` is YAML for `{en: Berlin, Germany: null, ...}`."""
    text = (
        "person:\n  name: Ada\n  location: {en: Berlin, Germany, zh: 德国柏林}\n"
        "updated: 2024-06-15\n"
    )
    with pytest.raises(SchemaError) as info:
        validate(load_yaml_text(text, Path("cv.yaml")))
    (problem,) = [str(p) for p in info.value.problems]
    assert problem.startswith("cv.yaml:3:3: person.location: `Germany` is not a language tag")
    assert problem.endswith(
        "A comma inside a value ends it in a `{...}` map: quote the value, as "
        '`en: "Berlin, Germany"`'
    )


def test_a_misspelt_tag_with_a_value_gets_no_comma_hint() -> None:
    text = "person: {name: Ada}\nupdated: 2024-06-15\nsummary: {en: A, zn: B}\n"
    with pytest.raises(SchemaError) as info:
        validate(load_yaml_text(text, Path("cv.yaml")))
    assert "comma" not in str(info.value.problems[0])
