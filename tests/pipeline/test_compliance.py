"""The rules of each profile, checked: a passing and a failing CV per profile
(tests/fixtures/profiles/<name>/), each kind of check on its own, and the messages, which
name the rule, its source, its date and where the data is."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from build_cv.cli.main import main
from build_cv.pipeline.build import load_cv
from build_cv.pipeline.compliance import Compliance, Finding
from build_cv.pipeline.diagnose import Locator
from build_cv.report import Report
from build_cv.schema import model as m
from build_cv.schema import profile as p
from build_cv.sources import profiles
from build_cv.sources.load import from_loaded
from build_cv.sources.yaml_source import load_yaml_text
from build_cv.variants import dfg_category, language_of, select
from build_cv.view import build_view
from tests.conftest import FIXTURES

PROFILES = FIXTURES / "profiles"
# The rule each failing fixture breaks, with what its message must say.
BROKEN = {
    "nsfc": ("representative-works", "11 representative works (at most 10)"),
    "cn-faculty": ("education", "no education section"),
    "us-faculty": ("education", "no education section"),
    "erc": ("ten-outputs", "11 research outputs (at most 10)"),
    "dfg": ("category-a", "11 category A publications (at most 10)"),
    "nsf-synergistic": ("five-examples", "6 examples (at most 5)"),
    "nih-personal-statement": ("personal-statement", "3,501 characters in the summary"),
}


def compliance_of(path: Path, variant: str = "target") -> Compliance:
    loaded, cv = load_cv(path)
    language = language_of(cv, variant)
    if language not in (None, cv.design.language):
        cv = from_loaded(loaded, language=language)
    selection = select(cv, variant)
    view = build_view(selection.cv)
    compliance = Compliance.of(cv, variant, selection, view, Locator(loaded, view))
    assert compliance is not None
    return compliance


def test_every_profile_has_a_passing_and_a_failing_fixture() -> None:
    assert sorted(BROKEN) == profiles.names()
    for name in BROKEN:
        assert (PROFILES / name / "pass.yaml").is_file()
        assert (PROFILES / name / "fail.yaml").is_file()


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_the_passing_fixture_passes(name: str) -> None:
    compliance = compliance_of(PROFILES / name / "pass.yaml")
    assert compliance.failures() == []
    results = compliance.results(pages=1)
    assert results and {r.status for r in results} == {"pass"}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_the_failing_fixture_fails_naming_the_rule_its_source_and_the_place(name: str) -> None:
    path = PROFILES / name / "fail.yaml"
    rule_id, says = BROKEN[name]
    failures = {f.rule.id: f for f in compliance_of(path).failures()}
    assert rule_id in failures
    finding = failures[rule_id]
    result = finding.check_result()
    assert result.status == "fail"
    assert says in result.value
    assert f"{name} rule `{rule_id}`" in result.value
    assert f"{path}:" in result.value  # where in the data: file:line
    assert finding.rule.source in result.limit
    assert f"in effect since {finding.rule.effective_from}" in result.limit


def test_the_erc_fixture_also_shows_a_metric() -> None:
    failures = compliance_of(PROFILES / "erc" / "fail.yaml").failures()
    metric = next(f for f in failures if f.rule.id == "no-metrics")
    assert "an impact factor ('Impact factor') in the text" in metric.value
    assert "sections[2].entries[0].details" in metric.where


# ---- each check on its own, on a CV made here ----------------------------------------

BASE: dict[str, Any] = {
    "person": {"name": "Ada Lovelace"},
    "updated": "2024-06-15",
    "summary": "I compute.",
    "sections": [
        {"title": "Schooling", "kind": "education",
         "entries": [{"degree": "PhD", "institution": "London"}]},
        {"title": "Work", "kind": "experience",
         "entries": [{"position": "Analyst", "organization": "Engine Co"}]},
        {"title": "Papers", "kind": "publications", "entries": [
            {"title": "Notes", "authors": ["Ada Lovelace"], "year": 1843, "venue": "Memoirs",
             "entry_type": "article"},
            {"title": "Sketch", "authors": ["Ada Lovelace"], "year": 1844, "arxiv": "2405.07719"},
        ]},
        {"title": "Patents", "kind": "patents", "entries": [
            {"organization": "Engine Co",
             "patents": [{"number": "GB1843001A"}, {"number": "GB1843002A"}]}]},
        {"title": "Service", "kind": "list", "entries": ["Reviewer", "Editor", "Chair"]},
        {"title": "Notes", "kind": "items", "entries": [{"label": "L", "text": "Some text."}]},
    ],
}  # fmt: skip


def profile_with(*rules: dict[str, Any], **extra: Any) -> p.Profile:
    cited = {"source": "https://example.org/rules", "effective_from": "2026-01-01"}
    data: dict[str, Any] = {
        "name": "test",
        "title": "A test profile",
        "language": "en",
        "checked": "2026-12-07",
        **cited,
        "sections": [{"kind": k, "title": k.title()} for k in
                     ("education", "experience", "publications", "patents", "list", "items")],
        "rules": [{"id": f"r{i}", "description": "a rule", **cited, **r}
                  for i, r in enumerate(rules)],
    }  # fmt: skip
    data.update(extra)
    return p.Profile.model_validate(data)


def check(profile: p.Profile, data: dict[str, Any] | None = None) -> Compliance:
    data = copy.deepcopy(data or BASE)
    data.setdefault("variants", {"target": {}})
    text = yaml.safe_dump(data, allow_unicode=True)
    loaded = load_yaml_text(text, Path("cv.yaml"))
    cv = from_loaded(loaded)
    selection = select(cv, "target")
    selection = type(selection)(
        selection.cv,
        selection.hidden,
        selection.checks,
        profile,
        selection.retitled,
        selection.shown,
    )
    view = build_view(selection.cv)
    return Compliance(
        profile, selection, view, Locator(loaded, view), "target", cv.variants["target"]
    )


def outcome(compliance: Compliance) -> list[tuple[str, str]]:
    return [(f.status, f.value) for f in compliance.findings]


def test_section_order() -> None:
    ordered = profile_with({"check": "section_order"})
    assert outcome(check(ordered)) == [("pass", "the sections are in the profile's order")]
    data = copy.deepcopy(BASE)
    data["sections"][0], data["sections"][1] = data["sections"][1], data["sections"][0]
    (finding,) = check(ordered, data).findings
    assert finding.status == "fail"
    assert finding.value == "`Schooling` (education) comes after `Work` (experience)"
    assert "cv.yaml:" in finding.where and "(sections[1])" in finding.where  # as written


def test_required_sections_point_at_the_variant() -> None:
    rule = profile_with({"check": "required_sections", "kinds": ["education", "grants"]})
    (finding,) = check(rule).findings
    assert (finding.status, finding.value) == ("fail", "no grants section")
    assert "(variants.target.profile)" in finding.where


@pytest.mark.parametrize(
    ("rule", "counted"),
    [
        ({"kinds": ["publications"]}, "2 papers"),
        ({"kinds": ["patents"]}, "2 papers"),  # each patent of a group counts
        ({"kinds": ["list"]}, "3 papers"),  # each line of a list
        ({}, "10 papers"),  # every kind: 1 + 1 + 2 + 2 + 3 + 1
        ({"kinds": ["publications", "patents"], "where": {"field": "dfg_category", "equals": "A"}},
         "1 papers"),
        ({"kinds": ["publications", "patents"], "where": {"field": "dfg_category", "equals": "B"}},
         "3 papers"),
    ],
)  # fmt: skip
def test_max_entries_counts(rule: dict[str, Any], counted: str) -> None:
    n = int(counted.split()[0])
    roomy = profile_with({"check": "max_entries", "max": n, "noun": "papers", **rule})
    assert outcome(check(roomy)) == [("pass", counted)]
    if n > 1:
        tight = profile_with({"check": "max_entries", "max": n - 1, "noun": "papers", **rule})
        (finding,) = check(tight).findings
        assert (finding.status, finding.value, finding.limit) == (
            "fail",
            counted,
            f"at most {n - 1}",
        )
        assert "cv.yaml:" in finding.where  # the first entry past the cap


def test_the_dfg_category_is_the_datas_where_it_has_one() -> None:
    article = m.Publication(title="T", year=2020, venue="J", entry_type="article")
    preprint = m.Publication(title="T", year=2020, arxiv="2405.07719")
    software = m.Publication(title="T", year=2020, entry_type="software")
    bare = m.Publication(title="T", year=2020)
    assert [dfg_category(x) for x in (article, preprint, software, bare)] == ["A", "B", "B", "B"]
    assert dfg_category(m.Patent(number="GB1843001A")) == "B"
    own = m.Publication(title="T", year=2020, arxiv="2405.07719", dfg_category="a")
    assert dfg_category(own) == "A"
    # a variant that does not print the category still counts by it
    assert dfg_category(own.model_copy(update={"dfg_category": None})) == "A"


def test_max_chars_of_the_summary_counts_what_the_text_output_writes() -> None:
    data = copy.deepcopy(BASE)
    data["summary"] = "See [my page](https://example.org) and **this**."
    written = "See my page (https://example.org) and this."
    fits = profile_with({"check": "max_chars", "of": "summary", "max": len(written)})
    assert outcome(check(fits, data)) == [("pass", f"{len(written)} characters in the summary")]
    over = profile_with({"check": "max_chars", "of": "summary", "max": len(written) - 1})
    (finding,) = check(over, data).findings
    assert finding.status == "fail" and "(summary)" in finding.where


def test_max_chars_of_each_entry() -> None:
    rule = profile_with({"check": "max_chars", "of": "each_entry", "kinds": ["items"], "max": 13})
    assert outcome(check(rule)) == [("pass", "every entry is within the limit")]  # "L: Some text."
    rule = profile_with({"check": "max_chars", "of": "each_entry", "kinds": ["items"], "max": 12})
    (finding,) = check(rule).findings
    assert finding.value == "13 characters in an entry of `Notes`"
    assert "sections[5].entries[0]" in finding.where


def test_min_font_size() -> None:
    rule = profile_with({"check": "min_font_size", "size": 11})
    assert outcome(check(rule)) == [("pass", "11 pt")]
    data = copy.deepcopy(BASE)
    data["design"] = {"font_size": 10}
    (finding,) = check(rule, data).findings
    assert (finding.status, finding.value) == ("fail", "10 pt")
    assert "(design.font_size)" in finding.where


def test_private_fields_by_what_the_variant_shows() -> None:
    rule = profile_with(
        {"check": "private_fields",
         "fields": {"birth_date": "forbidden", "photo": "required", "nationality": "expected",
                    "gender": "forbidden"}},
    )  # fmt: skip
    # Nothing given: nothing is shown, and what the profile asks for is missing.
    found = {f.value: f.status for f in check(rule).findings}
    assert found == {
        "person.photo is not shown (list it in the variant's `show:`)": "fail",
        "person.nationality is not shown (list it in the variant's `show:`)": "warn",
    }
    data = copy.deepcopy(BASE)
    data["person"].update(birth_date="1815-12", gender="female", nationality="British")
    data["variants"] = {"target": {"show": ["person.birth_date"]}}
    by_value = {f.value: f for f in check(rule, data).findings}
    assert by_value["person.birth_date is shown"].status == "fail"
    assert "(person.birth_date)" in by_value["person.birth_date is shown"].where
    assert (
        by_value["person.nationality is not shown (list it in the variant's `show:`)"].status
        == "warn"
    )  # given, but not shown
    assert len(by_value) == 3  # the gender is given and forbidden, but not shown


def test_a_private_field_the_variant_does_not_show_is_not_shown() -> None:
    rule = profile_with({"check": "private_fields", "fields": {"birth_date": "forbidden"}})
    data = copy.deepcopy(BASE)
    data["person"]["birth_date"] = "1815-12"
    data["variants"] = {"target": {"show": ["person.gender"]}}
    assert outcome(check(rule, data)) == [("pass", "personal data as the profile asks")]


METRICS = ["impact_factor", "citations", "h_index", "quartile"]


@pytest.mark.parametrize(
    ("text", "metric"),
    [
        ("Impact factor 12.3", "an impact factor"),
        ("Journal (IF: 4.1)", "an impact factor"),
        ("Cited by 120 papers", "a citation count"),
        ("over 1,200 citations", "a citation count"),
        ("h-index 15", "an h-index"),
        ("JCR Q1 journal", "a journal quartile"),
        ("中科院一区，影响因子 12", "a journal quartile"),
    ],
)
def test_a_metric_written_into_a_text_is_found(text: str, metric: str) -> None:
    rule = profile_with({"check": "no_metrics", "metrics": METRICS})
    data = copy.deepcopy(BASE)
    data["sections"][2]["entries"][0]["details"] = text
    values = [f.value for f in check(rule, data).failures()]
    assert any(v.startswith(metric) for v in values)


def test_no_metric_in_an_innocent_cv() -> None:
    rule = profile_with({"check": "no_metrics", "metrics": METRICS})
    data = copy.deepcopy(BASE)
    data["person"]["scholar"] = "AbCdEfGAAAAJ"  # its address holds `citations?user=`
    data["summary"] = "I wrote 12 papers in 2023, Q1 of which went to IF-free venues."
    assert outcome(check(rule, data)) == [("pass", "no metric shown")]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("citations", {"count": 120, "source": "Google Scholar", "as_of": "2026-11"}),
        ("ranks", {"jcr": {"rank": "Q1", "edition": 2023}}),
    ],
)
def test_a_metric_field_fails_where_the_variant_shows_it(field: str, value: Any) -> None:
    rule = profile_with(
        {"check": "no_metrics", "metrics": ["citations"],
         "fields": ["publications.citations", "publications.ranks"]}
    )  # fmt: skip
    data = copy.deepcopy(BASE)
    data["sections"][2]["entries"][0][field] = value
    assert outcome(check(rule, data)) == [("pass", "no metric shown")]  # not shown
    data["variants"] = {"target": {"show": [f"publications.{field}"]}}
    (finding,) = check(rule, data).findings
    assert (finding.status, finding.value) == ("fail", f"publications.{field} is shown")
    assert "sections[2].entries[0]" in finding.where


def test_a_required_field_where_a_pattern_says() -> None:
    rule = profile_with(
        {"check": "required_field", "kind": "education", "field": "advisors",
         "when_field": "degree", "when_matches": "PhD"},
    )  # fmt: skip
    (finding,) = check(rule).findings
    assert (finding.status, finding.value) == ("fail", "education entry without `advisors`")
    assert "sections[0].entries[0]" in finding.where
    data = copy.deepcopy(BASE)
    data["sections"][0]["entries"][0]["degree"] = "BSc"
    assert outcome(check(rule, data)) == [("pass", "every education entry has it")]


def test_an_expected_field_is_a_warning() -> None:
    expected = profile_with(
        {"check": "required_field", "kind": "education", "field": "advisors", "level": "expected"}
    )
    compliance = check(expected)
    assert compliance.failures() == []
    (warning,) = compliance.warnings()
    assert "test rule `r0`: education entry without `advisors`" in str(warning)
    assert "https://example.org/rules" in str(warning)


def test_a_narrative_of_significance_is_asked_of_each_output() -> None:
    rule = profile_with(
        {"check": "required_field", "kind": "publications", "field": "contribution"}
    )
    failing = check(rule).findings
    assert [(f.status, f.value) for f in failing] == [
        ("fail", "publications entry without `contribution`")
    ] * 2
    data = copy.deepcopy(BASE)
    for entry in data["sections"][2]["entries"]:
        entry["contribution"] = "It started the field; I wrote all of it."
    assert outcome(check(rule, data)) == [("pass", "every publications entry has it")]
    data["variants"] = {"target": {"hide": ["publications.contribution"]}}
    assert {f.status for f in check(rule, data).findings} == {"fail"}  # hidden: not there


def test_page_limits_wait_for_the_pdf() -> None:
    rule = profile_with({"check": "max_pages", "max": 2})
    compliance = check(rule)
    assert compliance.findings == []
    (ok,) = compliance.results(pages=2)
    assert ok.status == "pass"
    (over,) = compliance.results(pages=3, overflow=lambda n: f"`Papers` runs past page {n}")
    assert over.status == "fail"
    assert "3 pages (at most 2) at `Papers` runs past page 2" in over.value


def test_a_findings_json_names_the_rule_and_its_source() -> None:
    rule = profile_with({"check": "max_pages", "max": 2})
    report = Report(Path("x.pdf"), check(rule).results(pages=3), pages=3)
    (checked,) = json.loads(report.to_json())["checks"]
    assert checked["name"] == "profile" and checked["status"] == "fail"
    assert checked["rule"] == {
        "profile": "test",
        "rule": "r0",
        "description": "a rule",
        "source": "https://example.org/rules",
        "effective_from": "2026-01-01",
        "basis": "published",
        "where": "",
    }


def test_other_checks_carry_no_rule_in_json() -> None:
    from build_cv.report import CheckResult

    report = Report(Path("x.pdf"), [CheckResult("pages", "pass", "1 page")], pages=1)
    assert json.loads(report.to_json())["checks"] == [
        {"name": "pages", "status": "pass", "value": "1 page", "limit": ""}
    ]


def test_a_finding_says_what_a_rule_rests_on() -> None:
    secondary = profile_with({"check": "min_font_size", "size": 12, "basis": "secondary"})
    (finding,) = check(secondary).findings
    assert isinstance(finding, Finding)
    assert finding.check_result().limit.endswith("in effect since 2026-01-01, secondary)")


# ---- through the command line --------------------------------------------------------


def test_a_text_output_that_breaks_its_profile_is_not_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = PROFILES / "nih-personal-statement" / "fail.yaml"
    argv = ["build", str(path), "--variant", "target", "--format", "txt", "--out", str(tmp_path)]
    assert main([*argv, "--no-cache"]) == 1
    err = capsys.readouterr().err
    assert "fail-target.txt was not written: it breaks its profile's rules" in err
    assert "nih-personal-statement rule `personal-statement`: 3,501 characters" in err
    assert "https://grants.nih.gov/grants/guide/notice-files/NOT-OD-26-018.html" in err
    assert f"{path}:" in err
    assert not (tmp_path / "fail-target.txt").exists()


def test_a_text_output_that_keeps_its_profile_is_written(tmp_path: Path) -> None:
    path = PROFILES / "nih-personal-statement" / "pass.yaml"
    argv = ["build", str(path), "--variant", "target", "--format", "txt", "--out", str(tmp_path)]
    assert main([*argv, "--no-cache"]) == 0
    assert (tmp_path / "pass-target.txt").is_file()


def test_an_expected_field_warns_in_the_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The ERC asks for a narrative of each output; where build-cv has the field, a
    missing one is a warning, not a failure. Until then the rule asks nothing."""
    path = PROFILES / "erc" / "pass.yaml"
    argv = ["build", str(path), "--variant", "target", "--format", "txt", "--out", str(tmp_path)]
    assert main([*argv, "--no-cache"]) == 0
    has_field = "contribution" in m.Publication.model_fields
    assert ("erc rule `significance`" in capsys.readouterr().err) is has_field


# ---- the rules about private fields and a publication's data, on real fields ----------


def profiled(tmp_path: Path, profile: str, variant: dict[str, Any], **changes: Any) -> Compliance:
    """BASE as a variant `target` following `profile`, with `changes` to its top level."""
    data = copy.deepcopy(BASE) | changes
    data["variants"] = {"target": {"profile": profile, **variant}}
    path = tmp_path / "cv.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return compliance_of(path)


def failed(compliance: Compliance, rule: str) -> str:
    (finding,) = [f for f in compliance.failures() if f.rule.id == rule]
    result = finding.check_result()
    return f"{result.value} {result.limit}"


def test_a_birth_date_shown_in_a_us_faculty_cv_fails(tmp_path: Path) -> None:
    person = {"name": "Ada Lovelace", "birth_date": "1815-12"}
    hidden = profiled(tmp_path, "us-faculty", {}, person=person)
    assert not [f for f in hidden.failures() if f.rule.id == "no-personal-data"]
    shown = profiled(tmp_path, "us-faculty", {"show": ["person.birth_date"]}, person=person)
    says = failed(shown, "no-personal-data")
    assert "us-faculty rule `no-personal-data`: person.birth_date is shown" in says
    assert "https://www.eeoc.gov/prohibited-employment-policiespractices" in says
    assert "cv.yaml:" in says


def test_eleven_representative_works_fail_the_nsfc_cap(tmp_path: Path) -> None:
    papers = [
        {"title": f"Paper {i}", "year": 2000 + i, "representative": i < 11} for i in range(14)
    ]
    sections = copy.deepcopy(BASE["sections"])
    sections[2]["entries"] = papers
    compliance = profiled(tmp_path, "nsfc", {"only_representative": True}, sections=sections)
    assert "11 representative works (at most 10)" in failed(compliance, "representative-works")
    papers[10]["representative"] = False
    compliance = profiled(tmp_path, "nsfc", {"only_representative": True}, sections=sections)
    assert not [f for f in compliance.failures() if f.rule.id == "representative-works"]


def test_a_citation_count_shown_in_an_erc_cv_fails(tmp_path: Path) -> None:
    sections = copy.deepcopy(BASE["sections"])
    count = {"count": 120, "source": "Google Scholar", "as_of": "2026-11"}
    sections[2]["entries"][0]["citations"] = count
    quiet = profiled(tmp_path, "erc", {}, sections=sections)
    assert not [f for f in quiet.failures() if f.rule.id == "no-metrics"]
    shown = profiled(tmp_path, "erc", {"show": ["publications.citations"]}, sections=sections)
    says = failed(shown, "no-metrics")
    assert "erc rule `no-metrics`: publications.citations is shown" in says
    assert "https://sfdora.org/resource/european-research-council-erc/" in says


def test_the_cn_faculty_basic_information_block(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (30, 40)).save(tmp_path / "me.png")
    person = {
        "name": "Ada Lovelace", "birth_date": "1990-05", "gender": "女", "ethnicity": "汉族",
        "political_status": "群众", "hometown": "北京", "photo": "me.png",
    }  # fmt: skip
    fields = ["birth_date", "gender", "ethnicity", "political_status", "hometown", "photo"]
    shown = {"show": [f"person.{f}" for f in fields]}
    complete = profiled(tmp_path, "cn-faculty", shown, person=person)
    assert complete.warnings() == [] and complete.failures() == []
    block = complete.view.header.basic
    assert [(f.label, f.text) for f in block] == [
        ("出生年月", "1990年5月"), ("性别", "女"), ("民族", "汉族"), ("政治面貌", "群众"),
        ("籍贯", "北京"),
    ]  # fmt: skip
    assert complete.view.header.photo is not None
    unshown = profiled(tmp_path, "cn-faculty", {}, person=person)
    warned = " ".join(str(w) for w in unshown.warnings())
    for field in fields:
        assert f"person.{field} is not shown" in warned
    assert unshown.view.header.basic == () and unshown.view.header.photo is None


def test_dfg_categories_count_the_datas_own(tmp_path: Path) -> None:
    papers: list[dict[str, Any]] = [
        {"title": f"Paper {i}", "year": 2000 + i, "venue": "J", "entry_type": "article"}
        for i in range(11)
    ]
    sections = [copy.deepcopy(BASE["sections"][2])]
    sections[0]["entries"] = papers
    over = profiled(tmp_path, "dfg", {}, sections=sections)
    assert "11 category A publications (at most 10)" in failed(over, "category-a")
    papers[0]["dfg_category"] = "B"  # the data's own category, printed by the profile
    fits = profiled(tmp_path, "dfg", {}, sections=sections)
    assert not [f for f in fits.failures() if f.rule.id.startswith("category")]
    facts = [p.facts for s in fits.view.sections for p in s.entries if hasattr(p, "facts")]
    assert [f[-1].text for f in facts][:2] == ["B", "A"]  # printed: the dfg profile shows them
