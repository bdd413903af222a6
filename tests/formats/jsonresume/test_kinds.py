"""The record kinds in JSON Resume (docs/kinds.md): each where JSON Resume has a place for
it, the rest in `x-` arrays, valid against the official schema, and back as the same CV;
any JSON Resume's awards become an awards section, nothing invented."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from build_cv.formats.jsonresume.importer import import_json_resume, read_json_resume
from build_cv.formats.jsonresume.writer import json_resume, schema_problems
from build_cv.schema.model import CV, Award, AwardSection
from build_cv.sources.validate import validate
from build_cv.sources.yaml_source import load_yaml_text
from tests.conftest import FIXTURES
from tests.formats.jsonresume.test_jsonresume import reimported, typeset
from tests.kinds import EVERY_FIELD, ISSUE, data_of, from_data, hostile, load
from tests.render import render_document


def test_each_kind_goes_where_json_resume_has_a_place_for_it() -> None:
    document = json.loads(render_document("json", load(ISSUE)))
    assert schema_problems(document) == []
    (award,) = document["awards"]
    assert award == {"title": "Best Paper Award", "awarder": "EuroSys", "date": "2023-05",
                     "x-section": 5}  # fmt: skip
    (talk,) = document["projects"]
    assert talk == {
        "name": "Schedulers You Can Trust", "type": "talk", "entity": "Dagstuhl Seminar",
        "startDate": "2024-07", "endDate": "2024-07", "x-place": "Wadern, Germany",
        "x-talkType": "invited", "x-section": 3,
    }  # fmt: skip
    (service,) = document["volunteer"]
    assert service == {
        "organization": "OSDI", "position": "Program Committee", "startDate": "2024",
        "endDate": "2025", "x-years": [2024, 2025], "x-serviceType": "program committee",
        "x-section": 4,
    }  # fmt: skip
    (grant,) = document["x-grants"]
    assert grant == {
        "funder": "National Science Foundation", "programme": "CAREER", "number": "CNS-0000000",
        "title": "Verified Schedulers", "amount": 550000, "currency": "USD", "role": "PI",
        "startDate": "2024-07", "endDate": "2029-06", "status": "awarded", "x-section": 0,
    }  # fmt: skip
    (course,) = document["x-teaching"]
    assert course["terms"] == ["Fall 2023", "Fall 2024"] and course["enrolment"] == 180
    (student,) = document["x-supervision"]
    assert student["coAdvisor"] == "B. Person" and student["placement"] == "Example Systems"
    assert [s.get("title") for s in document["x-sections"]] == [None] * 6, "no title typed"


def test_years_with_a_gap_are_no_span() -> None:
    document = json_resume(load(EVERY_FIELD))
    reviewer = next(v for v in document["volunteer"] if v["position"] == "Reviewer")
    assert "startDate" not in reviewer and reviewer["x-years"] == [2018, 2019, 2020, 2022]
    grant = next(g for g in document["x-grants"] if g["funder"] == "Royal Society")
    assert grant["amount"] == 1234567.5 and grant["currency"] == "GBP"
    prize = next(a for a in document["awards"] if a["title"] == "Early Career Prize")
    assert prize["x-amount"] == 5000 and prize["summary"] == "For work on *verified* schedulers."


@pytest.mark.parametrize(
    "cv", [load(ISSUE), load(EVERY_FIELD), hostile()], ids=["issue", "every", "hostile"]
)
def test_the_kinds_come_back_as_the_same_cv(cv: CV) -> None:
    document = json_resume(cv)
    assert schema_problems(document) == []
    again = reimported(cv)
    assert json_resume(again) == document
    assert typeset(again) == typeset(cv), "the same LaTeX, so the same PDF"


def test_a_title_given_comes_back_and_an_order_too() -> None:
    data = data_of(ISSUE)
    data["sections"][0]["title"] = "Funding"
    data["sections"][1]["order"] = "as-written"
    again = reimported(from_data(data))
    assert (
        again.sections[0].title == "Funding" and "title" not in again.sections[1].model_fields_set
    )
    assert again.sections[1].order == "as-written"  # type: ignore[union-attr]


def awards_of(imported_yaml: str) -> list[Award]:
    cv = validate(load_yaml_text(imported_yaml, Path("imported.yaml")))
    return [e for s in cv.sections if isinstance(s, AwardSection) for e in s.entries]


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("every-section.json", ("National Medal of Technology", "President of the United States",
                                "1991-09", "For pioneering computer languages.")),
        ("official-sample.json", ("Digital Compression Pioneer Award", "Techcrunch", "2014-11",
                                  "There is no spoon.")),
        ("de-researcher.json", ("Dissertationspreis", "Universität Kassel", "2022-05", None)),
    ],
)  # fmt: skip
def test_any_json_resumes_awards_become_an_awards_section(
    fixture: str, expected: tuple[str, str, str, str | None]
) -> None:
    imported = import_json_resume(read_json_resume(FIXTURES / "jsonresume" / fixture))
    (award,) = awards_of(imported.yaml())
    assert (award.name, award.issuer, str(award.date), award.summary) == expected
    assert award.amount is None and award.currency is None


def resume(**sections: Any) -> dict[str, Any]:
    return {"basics": {"name": "Grace Hopper"}, "meta": {"lastModified": "2024-01-01"}, **sections}


def test_an_award_missing_a_value_stays_without_it() -> None:
    imported = import_json_resume(
        resume(awards=[{"title": "Prize"}, {"awarder": "Nobody", "date": "2020"}]),
        today=date(2024, 1, 1),
    )
    (award,) = awards_of(imported.yaml())
    assert (award.name, award.issuer, award.date, award.summary) == ("Prize", None, None, None)
    assert any("awards[1] (unnamed) is left out: it has no name (`title`)" in n
               for n in imported.notes)  # fmt: skip
    assert "Nobody" not in imported.yaml()


def test_a_foreign_awards_keys_without_a_place_are_named() -> None:
    imported = import_json_resume(
        resume(awards=[{"title": "Prize", "url": "https://example.org/prize"}])
    )
    assert any("awards[0].url is left out (Prize): build-cv has no place for it" in n
               for n in imported.notes)  # fmt: skip


def test_a_foreign_talk_shaped_project_stays_a_project() -> None:
    imported = import_json_resume(resume(projects=[{"name": "A Talk", "type": "talk"}]))
    assert [s["kind"] for s in imported.data["sections"]] == ["projects"]


def test_an_amount_without_a_currency_code_is_left_out_with_a_note() -> None:
    document = json_resume(load(EVERY_FIELD))
    prize = next(a for a in document["awards"] if "x-amount" in a)
    prize["x-currency"] = "euro"
    imported = import_json_resume(document)
    assert 'the amount is left out: x-amount and x-currency are [5000, "euro"]' in "\n".join(
        imported.notes
    )
    (award,) = [a for a in awards_of(imported.yaml()) if a.name == "Early Career Prize"]
    assert award.amount is None and award.summary is not None
