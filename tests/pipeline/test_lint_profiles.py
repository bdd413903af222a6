"""`lint` asks for a profile's rules to be read again once a new call year has begun."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from build_cv.pipeline.lint import lint, summary
from build_cv.sources.load import from_loaded
from build_cv.sources.yaml_source import load_yaml_text

DATA = """\
person: {name: Ada Lovelace}
updated: 2024-06-15
variants:
  grant:
    profile: nsfc
  erc:
    profile: erc
  plain:
    description: no profile
"""


def warnings_on(today: date) -> list[str]:
    loaded = load_yaml_text(DATA, Path("cv.yaml"))
    return [str(w) for w in lint(loaded, from_loaded(loaded), today) if w.kind == "profile"]


def test_a_profile_from_an_earlier_year_is_due_for_a_new_reading() -> None:
    found = warnings_on(date(2026, 12, 7))
    assert found == [
        "cv.yaml:7:5: variants.erc.profile: profile `erc` describes the rules in effect from "
        "2023-05-04, before 2026, this call's year: check them against "
        "https://www.eubuero.de/en/news-erc-2023-05-04-3268.html and the call you apply to"
    ]


def test_next_year_every_profile_of_this_year_is_due_too() -> None:
    found = warnings_on(date(2027, 1, 4))
    assert len(found) == 2
    assert found[0].startswith("cv.yaml:5:5: variants.grant.profile: profile `nsfc`")
    assert "2026-01-01, before 2027" in found[0]


def test_the_summary_counts_them() -> None:
    loaded = load_yaml_text(DATA, Path("cv.yaml"))
    found = [w for w in lint(loaded, from_loaded(loaded), date(2027, 1, 4)) if w.kind == "profile"]
    assert summary(found) == "2 profiles older than this year"
