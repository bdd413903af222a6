"""Variants of a CV with the record kinds (docs/kinds.md): their fields hide like any
other, a hidden amount is found however a language groups its digits, a closed value
or a year hides without being a secret, and `sections:` names an untitled one by kind."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from build_cv.errors import SchemaError
from build_cv.pipeline.build import BuildOptions, build
from build_cv.pipeline.diagnose import Locator, leak_warnings
from build_cv.pipeline.leakcheck import exposures, secrets_of
from build_cv.sources.load import from_loaded
from build_cv.sources.yaml_source import load_yaml_text
from build_cv.variants import select
from tests.kinds import ISSUE, data_of
from tests.render import render_document, tex_for

FORMATS = ("html", "md", "txt", "json")


def with_variant(variant: dict[str, Any], **top: Any) -> dict[str, Any]:
    data = copy.deepcopy(data_of(ISSUE))
    data.update(top)
    data["variants"] = {"v": variant}
    return data


def selected(data: dict[str, Any]) -> Any:
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    loaded = load_yaml_text(text, Path("cv.yaml"))
    return loaded, select(from_loaded(loaded), "v")


@pytest.mark.parametrize("language", ["en", "de", "fr"])
def test_a_hidden_amount_is_in_no_output(language: str) -> None:
    data = with_variant({"hide": ["grants.amount"]}, design={"language": language})
    _, selection = selected(data)
    outputs = {fmt: render_document(fmt, selection.cv) for fmt in FORMATS}
    outputs["tex"] = tex_for(selection.cv)
    for fmt, text in outputs.items():
        assert not re.search(r"550[,.\u00a0\u202f ]?000", text), fmt
    full = render_document("txt", selected(with_variant({}, design={"language": language}))[1].cv)
    assert re.search(r"550[,.\u00a0 ]000", full), "the full CV shows it"
    assert {h.value for h in selection.hidden} == {"550000", "550,000", "550.000", "550 000"}


@pytest.mark.parametrize(("fmt", "printed"), [("txt", "550.000\u00a0$"), ("md", "550 000 $US")])
def test_the_leak_check_finds_an_amount_in_any_grouping(fmt: str, printed: str) -> None:
    _, selection = selected(with_variant({"hide": ["grants.amount"]}))
    found = exposures(fmt, f"line one\nFördersumme: {printed}\n", secrets_of(selection))
    assert [e.secret.field for e in found] == ["grants.amount"]


def test_a_hidden_amount_typed_into_another_field_is_reported() -> None:
    data = with_variant({"hide": ["grants.amount"]})
    data["sections"][0]["entries"][0]["title"] = "Verified Schedulers ($550,000)"
    loaded, selection = selected(data)
    (warning,) = leak_warnings(Locator(loaded), selection)
    assert "shows `550,000`, which this variant hides (grants.amount" in str(warning)


def test_closed_values_and_years_hide_without_being_secrets(tmp_path: Path) -> None:
    hide = ["grants.role", "grants.status", "service.type", "service.years", "talks.type"]
    data = with_variant({"hide": hide})
    data["sections"][4]["entries"][0]["role"] = "program committee"  # the type's own words
    _, selection = selected(data)
    assert secrets_of(selection) == []
    text = render_document("txt", selection.cv)
    for label in ("PI", "Awarded", "Invited talk", "2024 – 2025"):
        assert label not in text
    path = tmp_path / "cv.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    options = BuildOptions(variant="v", formats=("html", "md", "txt", "json"))
    assert all(o.error is None for o in build(path, tmp_path / "out", options).outcomes)


def test_sections_name_an_untitled_section_by_its_kind_or_its_title() -> None:
    data = with_variant({"sections": ["talks", "Grants", "awards"]})
    _, selection = selected(data)
    assert [s.kind for s in selection.cv.sections] == ["talks", "grants", "awards"]
    data["sections"][5]["title"] = "Honours"
    with pytest.raises(SchemaError) as info:
        selected(data)
    (problem,) = info.value.problems
    assert "variants.v.sections[2]: no section is titled `awards`" in str(problem)


def test_a_misspelt_field_to_hide_is_named_with_a_suggestion() -> None:
    with pytest.raises(SchemaError) as info:
        selected(with_variant({"hide": ["grants.amout", "suprevision.thesis"]}))
    found = [str(p) for p in info.value.problems]
    assert any("`grants.amout` names no field: grants has no `amout` (did you mean "
               "`grants.amount`?)" in f for f in found)  # fmt: skip
    assert any("(did you mean `supervision.thesis`?)" in f for f in found)
