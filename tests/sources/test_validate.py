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
