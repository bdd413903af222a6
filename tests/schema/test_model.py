from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from build_cv.cli.main import main
from build_cv.schema.model import CV, ExperienceSection, PatentSection, Publication, YearMonth
from tests.conftest import ROOT


def cv(**sections: Any) -> dict[str, Any]:
    return {"person": {"name": "A B"}, "updated": "2024-06-15", **sections}


def experience(**entry: Any) -> dict[str, Any]:
    base = {"position": "P", "organization": "O"}
    return {"sections": [{"kind": "experience", "title": "W", "entries": [{**base, **entry}]}]}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(2019, YearMonth(year=2019)), ("2019-07", YearMonth(year=2019, month=7))],
)
def test_dates_are_year_or_year_month(raw: Any, expected: YearMonth) -> None:
    model = CV.model_validate(cv(**experience(start=raw)))
    section = model.sections[0]
    assert isinstance(section, ExperienceSection)
    assert section.entries[0].start == expected


@pytest.mark.parametrize("raw", ["2019-13", "19-07", "July 2019", "2019-07-01", True, 3.5])
def test_bad_dates_are_rejected(raw: Any) -> None:
    with pytest.raises(ValidationError):
        CV.model_validate(cv(**experience(start=raw)))


def test_end_before_start_is_rejected() -> None:
    with pytest.raises(ValidationError, match="is after `end`"):
        CV.model_validate(cv(**experience(start="2020-05", end="2020-04")))


def test_present_and_same_month_are_accepted() -> None:
    CV.model_validate(cv(**experience(start="2020-05", end="present")))
    CV.model_validate(cv(**experience(start="2020-05", end="2020-05")))


def test_unknown_keys_are_errors_everywhere() -> None:
    with pytest.raises(ValidationError, match="extra"):
        CV.model_validate(cv(**experience(strat="2020")))
    with pytest.raises(ValidationError, match="extra"):
        CV.model_validate({**cv(), "desing": {}})


def test_equal_contribution_must_name_authors() -> None:
    with pytest.raises(ValidationError, match="not in `authors`"):
        Publication.model_validate(
            {
                "title": "T",
                "authors": ["A"],
                "venue": "V",
                "year": 2020,
                "equal_contribution": ["B"],
            }
        )


def test_control_characters_are_rejected_with_their_code_point() -> None:
    with pytest.raises(ValidationError, match="U\\+0007"):
        CV.model_validate({"person": {"name": "A\x07B"}, "updated": "2024-01-01"})


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "http://a b", "ftp://x", "file:///etc/passwd"]
)
def test_only_web_and_mail_urls(url: str) -> None:
    with pytest.raises(ValidationError):
        CV.model_validate({"person": {"name": "A", "homepage": url}, "updated": "2024-01-01"})


def test_page_bounds_must_be_ordered() -> None:
    with pytest.raises(ValidationError, match="below min_pages"):
        CV.model_validate({**cv(), "design": {"checks": {"min_pages": 3, "max_pages": 2}}})


def test_json_schema_marks_text_markup_and_raw_fields() -> None:
    schema = json.dumps(CV.model_json_schema())
    assert '"x-build-cv": "markup"' in schema
    assert '"x-build-cv": "raw-latex"' in schema
    assert '"x-build-cv": "text"' in schema


def test_default_data_is_complete(default_cv: CV) -> None:
    kinds = {s.title: s for s in default_cv.sections}
    counts = {title: len(s.entries) for title, s in kinds.items() if hasattr(s, "entries")}
    assert counts["Work Experience"] == 4
    assert counts["Education"] == 3
    assert counts["Project Highlights"] == 8
    assert counts["Selected Publications"] == 14
    assert counts["Selected Preprints"] == 3
    patents = kinds["Patents"]
    assert isinstance(patents, PatentSection)
    assert sum(len(g.patents) for g in patents.entries) == 21
    assert default_cv.person.phone is None
    assert str(default_cv.updated) == "2024-06-15"


def test_committed_json_schema_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    committed = (ROOT / "schema" / "cv.schema.json").read_text(encoding="utf-8")
    assert capsys.readouterr().out == committed, "run: build-cv schema > schema/cv.schema.json"
