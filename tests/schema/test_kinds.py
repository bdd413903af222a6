"""The academic record kinds (docs/kinds.md): the issue's data validates as written, each
field is checked, and each mistake is named at its line with a suggestion."""

from __future__ import annotations

import copy
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from build_cv.cli.main import main
from build_cv.errors import SchemaError
from build_cv.schema.model import (
    CV,
    SECTION_KINDS,
    Grant,
    GrantSection,
    Service,
    Supervision,
    Talk,
    Teaching,
)
from build_cv.sources.load import from_loaded
from build_cv.sources.yaml_source import load_yaml_text
from tests.conftest import FIXTURES

ISSUE = FIXTURES / "kinds-issue.yaml"
KINDS = ("grants", "teaching", "supervision", "talks", "service", "awards")


def issue_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(ISSUE.read_text(encoding="utf-8"))
    return data


def loaded(data: dict[str, Any], language: str | None = None) -> CV:
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    return from_loaded(load_yaml_text(text, Path("cv.yaml")), language=language)


def test_the_issues_data_validates_as_written() -> None:
    cv = from_loaded(load_yaml_text(ISSUE.read_text(encoding="utf-8"), ISSUE))
    assert [s.kind for s in cv.sections] == list(KINDS)
    grant, course, student, talk, service, award = (s.entries[0] for s in cv.sections)  # type: ignore[union-attr]
    assert isinstance(grant, Grant) and grant.amount == Decimal(550000)
    assert (grant.currency, grant.role, grant.status, str(grant.end)) == (
        "USD", "PI", "awarded", "2029-06"
    )  # fmt: skip
    assert isinstance(course, Teaching) and course.terms == ["Fall 2023", "Fall 2024"]
    assert course.enrolment == 180 and course.level == "undergraduate"
    assert isinstance(student, Supervision) and student.co_advisor == "B. Person"
    assert student.placement == "Example Systems" and student.status == "graduated"
    assert isinstance(talk, Talk) and str(talk.date) == "2024-07" and talk.type == "invited"
    assert isinstance(service, Service) and service.years == [2024, 2025]
    assert service.type == "program committee"
    assert award.issuer == "EuroSys"  # type: ignore[union-attr]


def test_every_kind_is_one_variants_can_hide_fields_of() -> None:
    assert set(KINDS) <= set(SECTION_KINDS)


def test_a_section_without_a_title_is_titled_in_the_documents_language() -> None:
    english = loaded(issue_data())
    assert [s.title for s in english.sections] == [
        "Grants", "Teaching", "Supervision", "Talks", "Service", "Awards"
    ]  # fmt: skip
    assert all("title" not in s.model_fields_set for s in english.sections)
    chinese = loaded(issue_data(), language="zh")
    assert chinese.sections[0].title == "科研项目" and chinese.sections[5].title == "获奖与荣誉"
    assert loaded(issue_data(), language="de").sections[1].title == "Lehre"
    titled = issue_data()
    titled["sections"][0]["title"] = {"en": "Funding", "zh": "基金"}
    assert loaded(titled, language="zh").sections[0].title == "基金"


def problem(change: Any) -> tuple[str, str]:
    """The one problem the issue's data has once `change` has changed it, and the data."""
    data = issue_data()
    change(data)
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    with pytest.raises(SchemaError) as info:
        from_loaded(load_yaml_text(text, Path("cv.yaml")))
    (found,) = info.value.problems
    return str(found), text


def entry(section: int, **values: Any) -> Any:
    def change(data: dict[str, Any]) -> None:
        target = data["sections"][section]["entries"][0]
        for key, value in values.items():
            if value is None:
                target.pop(key)
            else:
                target[key] = value

    return change


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (entry(1, enrollment=180, enrolment=None), "enrollment",
         "unknown key `enrollment` (did you mean `enrolment`?)"),
        (entry(2, coadvisor="B. Person", co_advisor=None), "coadvisor",
         "unknown key `coadvisor` (did you mean `co_advisor`?)"),
        (entry(0, role="PIE"), "role",
         "`PIE` is not allowed; expected 'PI', 'co-PI', 'co-I' or 'participant' "
         "(did you mean `PI`?)"),
        (entry(0, role="pi"), "role", "(did you mean `PI`?)"),
        (entry(0, status="funded"), "status", "`funded` is not allowed; expected 'awarded'"),
        (entry(1, role="ta"), "role", "(did you mean `TA`?)"),
        (entry(1, level="undergrad"), "level", "(did you mean `undergraduate`?)"),
        (entry(2, level="phd"), "level", "(did you mean `PhD`?)"),
        (entry(2, status="graduate"), "status", "(did you mean `graduated`?)"),
        (entry(3, type="invted"), "type", "(did you mean `invited`?)"),
        (entry(4, type="programme committee"), "type", "(did you mean `program committee`?)"),
        (entry(0, currency="EUD"), "currency",
         "`EUD` is not an ISO 4217 currency code (did you mean `EUR`?)"),
        (entry(0, currency="usd"), "currency",
         "(did you mean `USD`? a code is written in capitals)"),
        (entry(0, currency="RMB"), "currency", "(did you mean `CNY`?)"),
        (entry(0, currency="QQQ"), "currency", "not an ISO 4217 currency code such as USD"),
        (entry(0, amount="550,000"), "amount", "must be a number, written without grouping"),
        (entry(0, amount=-5), "amount", "greater than or equal to 0"),
        (entry(0, share=150), "share", "less than or equal to 100"),
        (entry(0, currency=None), "", "has an `amount` but no `currency`"),
        (entry(5, currency="EUR"), "", "has a `currency` but no `amount`"),
        (entry(0, status="completed", end="present"), "",
         "is `completed` but its `end` is `present`"),
        (entry(2, end="present"), "", "is `graduated` but its `end` is `present`"),
        (entry(3, date=None), "date", "`date` is required here"),
        (entry(4, years=[2024, 2024]), "years", "lists 2024 twice"),
        (entry(1, enrolment="180"), "enrolment", "valid integer"),
    ],
)  # fmt: skip
def test_each_mistake_is_named_at_its_line_with_what_to_write(
    change: Any, field: str, message: str
) -> None:
    found, text = problem(change)
    where = re.match(r"cv\.yaml:(\d+):\d+: sections\[(\d)\]\.entries\[0\](\S*): ", found)
    assert where, found
    assert where.group(3) == (f".{field}" if field else ""), found
    assert message in found
    line = text.splitlines()[int(where.group(1)) - 1]
    missing = not field or "required" in message  # the entry's own line
    assert ("- " if missing else field) in line, (found, line)


def test_the_command_line_exits_2_naming_file_line_and_a_suggestion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = issue_data()
    data["sections"][0]["entries"][0]["currency"] = "EUD"
    data["sections"][4]["entries"][0]["type"] = "reviewers"
    data["sections"][1]["entries"][0]["semester"] = "Fall"
    path = tmp_path / "cv.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert main(["build", str(path), "--out", str(tmp_path / "out"), "--format", "txt"]) == 2
    err = capsys.readouterr().err
    place = rf"{re.escape(str(path))}:\d+:\d+: sections\[0\]\.entries\[0\]\.currency: "
    assert re.search(
        place + r"`EUD` is not an ISO 4217 currency code \(did you mean `EUR`\?\)", err
    )
    assert "sections[4].entries[0].type: `reviewers` is not allowed" in err
    assert "(did you mean `reviewer`?)" in err
    assert "sections[1].entries[0].semester: unknown key `semester`" in err
    assert "Traceback" not in err and not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("amount", "kept"), [(550000, "550000"), (1234.5, "1234.5"), (0.1, "0.1"), (0, "0")]
)
def test_an_amount_is_the_decimal_written(amount: float, kept: str) -> None:
    data = issue_data()
    data["sections"][0]["entries"][0]["amount"] = amount
    assert f"{first_grant(loaded(data)).amount:f}" == kept


def test_a_former_currency_is_a_currency() -> None:
    data = issue_data()
    data["sections"][0]["entries"][0]["currency"] = "DEM"
    assert first_grant(loaded(data)).currency == "DEM"


def first_grant(cv: CV) -> Grant:
    section = cv.sections[0]
    assert isinstance(section, GrantSection)
    return section.entries[0]


def test_the_record_kinds_work_without_their_optional_fields() -> None:
    data = {
        "person": {"name": "A B"},
        "updated": "2024-06-15",
        "sections": [
            {"kind": "grants", "entries": [{"funder": "F"}]},
            {"kind": "teaching", "entries": [{"course": "C"}]},
            {"kind": "supervision", "entries": [{"student": "S", "level": "intern"}]},
            {"kind": "talks", "entries": [{"title": "T", "date": 2020}]},
            {"kind": "service", "entries": [{"role": "Reviewer"}]},
            {"kind": "awards", "entries": [{"name": "N"}]},
        ],
    }
    assert len(CV.model_validate(copy.deepcopy(data)).sections) == 6


def test_editors_json_schema_takes_the_issues_data_and_refuses_a_bad_value() -> None:
    import json

    import jsonschema

    from tests.conftest import ROOT

    schema = json.loads((ROOT / "schema" / "cv.schema.json").read_text("utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    data = issue_data()
    data["updated"] = "2024-06-15"
    assert list(validator.iter_errors(data)) == []
    for section, key, value in ((0, "currency", "usd"), (0, "role", "PIE"), (4, "years", ["x"])):
        wrong = copy.deepcopy(data)
        wrong["sections"][section]["entries"][0][key] = value
        assert list(validator.iter_errors(wrong)), (key, value)
