"""The record kinds' test data (docs/kinds.md), shared by the tests of every format: the
issue's own data, a CV with every field in two languages, and one whose every text field
holds a string each format would read as code if it were not escaped."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from build_cv.schema.model import CV
from build_cv.sources.load import from_loaded
from build_cv.sources.yaml_source import load_yaml_text
from tests.conftest import FIXTURES

ISSUE = FIXTURES / "kinds-issue.yaml"
EVERY_FIELD = FIXTURES / "kinds.yaml"
KINDS = ("grants", "teaching", "supervision", "talks", "service", "awards")
HOSTILE = "A_b <i>x</i> 100% \\relax{} $x^2$ & #1 {{ y }} *z* [l](u) `c`"
# The text fields of each kind, as the hostile CV fills them.
TEXT_FIELDS = {
    "grants": ("funder", "programme", "number", "title"),
    "teaching": ("course", "code", "institution"),
    "supervision": ("student", "co_advisor", "thesis", "placement"),
    "talks": ("title", "event", "place"),
    "service": ("role", "body"),
    "awards": ("name", "issuer"),
}


def load(path: Path, language: str | None = None) -> CV:
    return from_loaded(load_yaml_text(path.read_text(encoding="utf-8"), path), language=language)


def from_data(data: dict[str, Any], language: str | None = None) -> CV:
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    return from_loaded(load_yaml_text(text, Path("cv.yaml")), language=language)


def data_of(path: Path) -> dict[str, Any]:
    found: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return found


def hostile() -> CV:
    """The issue's CV, every text field of every kind holding HOSTILE and its own mark
    (`HOSTILE grants.title`), and `terms` too."""
    data = copy.deepcopy(data_of(ISSUE))
    for section in data["sections"]:
        entry = section["entries"][0]
        for name in TEXT_FIELDS[section["kind"]]:
            entry[name] = f"{HOSTILE} {section['kind']}.{name}"
        if section["kind"] == "teaching":
            entry["terms"] = [f"{HOSTILE} teaching.terms"]
    return from_data(data)


def hostile_texts() -> list[str]:
    texts = [f"{HOSTILE} {kind}.{name}" for kind, names in TEXT_FIELDS.items() for name in names]
    return [*texts, f"{HOSTILE} teaching.terms"]
