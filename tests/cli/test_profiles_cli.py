"""`build-cv profiles`: the profiles with their language, dates and sources, one profile's
rules, the JSON, and the JSON Schema of a profile file."""

from __future__ import annotations

import json

import jsonschema
import pytest

from build_cv.cli.main import main
from build_cv.sources import profiles


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["profiles", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_list_names_each_profile_with_its_language_dates_and_source(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys)
    assert code == 0
    for profile in profiles.every():
        assert f"{profile.name}: {profile.title}" in out
        assert (
            f"language {profile.language}; in effect since {profile.effective_from}; "
            f"basis {profile.basis}; checked {profile.checked}; takes "
        ) in out
        assert f"source: {profile.source}" in out


def test_one_profile_shows_its_sections_and_rules(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "erc")
    assert code == 0
    assert "sections: Education and key qualifications (education)" in out
    assert "four-pages: the CV and track record together take at most four pages" in out
    assert "max_pages; secondary; in effect since 2023-05-04; https://www.eubuero.de/" in out
    assert "nsfc" not in out


def test_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--json")
    assert code == 0
    data = json.loads(out)
    assert [p["name"] for p in data] == profiles.names()
    nsfc = next(p for p in data if p["name"] == "nsfc")
    assert nsfc["language"] == "zh" and nsfc["effective_from"] == "2026-01-01"
    assert {r["id"]: r["max"] for r in nsfc["rules"] if r["check"] == "max_entries"} == {
        "representative-works": 10
    }
    code, out, _ = run(capsys, "nsfc", "--json")
    assert json.loads(out)["name"] == "nsfc"


def test_the_schema_accepts_every_profile(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--schema")
    assert code == 0
    schema = json.loads(out)
    for profile in profiles.every():
        jsonschema.validate(profile.model_dump(mode="json"), schema)


def test_an_unknown_profile_is_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "nih")
    assert code == 2 and out == ""
    assert "unknown profile `nih` (did you mean `nih-personal-statement`?)" in err
    code, _, err = run(capsys, "nsf-synergestic")
    assert "(did you mean `nsf-synergistic`?)" in err
