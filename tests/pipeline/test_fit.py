"""`--fit N` without TeX: the order entries leave in, the search for how many must, the
marks that measure them, the data's and the command line's mistakes, and that `priority`
and `keep` are printed nowhere. tests/pipeline/test_fit_e2e.py runs the real thing."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from build_cv.cli.main import main
from build_cv.errors import SchemaError
from build_cv.formats import BY_NAME, Choices, Document
from build_cv.formats.latex.writer import SOURCE_MARK
from build_cv.pipeline import cache, fit
from build_cv.pipeline.build import variant_expectations
from build_cv.pipeline.options import BuildOptions, Limits, request
from build_cv.schema.model import CV, YearMonth
from build_cv.sources.load import from_loaded
from build_cv.sources.yaml_source import load_yaml_text
from build_cv.view import build_view
from tests.render import tex_for

BASE: dict[str, Any] = {
    "person": {"name": "Ada Lovelace", "email": "ada@example.org"},
    "updated": "2024-06-15",
    "sections": [
        {
            "title": "Work",
            "kind": "experience",
            "entries": [
                {"position": "Now", "organization": "A", "start": "2020-01", "end": "present"},
                {"position": "Old", "organization": "B", "start": "2001-01", "end": "2003-06"},
                {"position": "Mid", "organization": "C", "start": "2010-01", "end": "2012-01"},
                {"position": "Started", "organization": "D", "start": "2005-03"},
            ],
        },
        {
            "title": "Papers",
            "kind": "publications",
            "entries": [
                {"title": "P2002", "authors": ["Ada Lovelace"], "venue": "V", "year": 2002},
                {"title": "P2015", "authors": ["Ada Lovelace"], "venue": "V", "year": 2015},
                {"title": "P2003a", "authors": ["Ada Lovelace"], "venue": "V", "year": 2003},
                {"title": "P2003b", "authors": ["Ada Lovelace"], "venue": "V", "year": 2003},
            ],
        },
        {"title": "Skills", "kind": "list", "entries": ["Python", "TeX"]},
        {
            "title": "Referees",
            "kind": "references",
            "entries": [{"name": "Charles Babbage"}],
        },
    ],
}


def load(data: dict[str, Any]) -> CV:
    return from_loaded(load_yaml_text(yaml.safe_dump(data, sort_keys=False), Path("cv.yaml")))


def with_entries(**changes: dict[str, Any]) -> CV:
    """BASE with some entries changed, each named by its position or title."""
    data = copy.deepcopy(BASE)
    for section in data["sections"]:
        for entry in section["entries"]:
            if isinstance(entry, dict):
                entry.update(changes.get(entry.get("position") or entry.get("title") or "", {}))
    return load(data)


def names(cv: CV, plan: list[fit.Candidate]) -> list[str]:
    out = []
    for c in plan:
        entry = getattr(cv.sections[c.section], "entries", [])[c.entry]
        out.append(getattr(entry, "position", None) or getattr(entry, "title", None) or entry.name)
    return out


# ---- the order -------------------------------------------------------------------------


def test_oldest_go_first_and_undated_last() -> None:
    cv = load(BASE)
    assert names(cv, fit.candidates(cv)) == [
        "P2002",
        "P2003b",  # two of one year: the one written last goes first
        "P2003a",
        "Old",  # ended 2003-06: a year alone is older than any month of it
        "Started",  # a single date, 2005-03
        "Mid",
        "P2015",
        "Now",  # still going on: newer than any date
        "Charles Babbage",  # no date at all: kept longest
    ]


def test_lower_priority_goes_before_any_age() -> None:
    cv = with_entries(Now={"priority": -1}, Old={"priority": 2}, P2015={"priority": 1})
    order = names(cv, fit.candidates(cv))
    assert order[0] == "Now"
    assert order[-2:] == ["P2015", "Old"]
    assert order[1:-2] == ["P2002", "P2003b", "P2003a", "Started", "Mid", "Charles Babbage"]


def test_keep_never_goes_nor_do_lists() -> None:
    cv = with_entries(Old={"keep": True}, P2002={"keep": True, "priority": -5})
    order = names(cv, fit.candidates(cv))
    assert "Old" not in order and "P2002" not in order
    assert "Python" not in order and len(order) == 7


def test_a_date_from_whichever_field_an_entry_has() -> None:
    """Section kinds other helpers add (a talk's `date`, service `years`) are dated by
    the same names, without a change to fitting."""
    assert fit.age(SimpleNamespace(date=YearMonth(year=2021, month=3))) == ((0, 2021, 3), "2021-03")
    assert fit.age(SimpleNamespace(years=[2019, 2024, 2021])) == ((0, 2024, 0), "2024")
    assert fit.age(SimpleNamespace(start=YearMonth(year=2020), end="present"))[0] == fit.ONGOING
    assert fit.age(SimpleNamespace(terms=["Fall 2023"])) == (fit.UNDATED, "")
    assert fit.age(SimpleNamespace(year=True)) == (fit.UNDATED, "")


def test_the_order_is_the_same_every_time() -> None:
    first = [fit.candidates(load(BASE)) for _ in range(3)]
    assert first[0] == first[1] == first[2]


def test_leaving_out_drops_emptied_sections_and_keeps_origins() -> None:
    cv = load(BASE)
    plan = fit.candidates(cv)
    papers = [c for c in plan if c.section == 1]
    old = next(c for c in plan if (c.section, c.entry) == (0, 1))
    fitted = fit.without(cv, [*papers, old])
    assert [s.title for s in fitted.sections] == ["Work", "Skills", "Referees"]
    work = fitted.sections[0]
    assert [e.position for e in work.entries] == ["Now", "Mid", "Started"]  # type: ignore[union-attr]
    assert work.entries[1].origin.path == ("sections", 0, "entries", 2)  # type: ignore[union-attr]
    assert fit.without(cv, []) is cv


# ---- the search ------------------------------------------------------------------------


def pages_of(sizes: list[float], page: float = 10.0) -> Callable[[int], int]:
    """A document whose candidates (in order) are `sizes` tall, with `rest` fixed."""

    def pages(k: int) -> int:
        total = 3.0 + sum(sizes[k:])
        return int(total // page) + 1

    return pages


def proven(budget: int, pages: Callable[[int], int], k: int | None, count: int) -> bool:
    if k is None:
        return pages(count) > budget
    return pages(k) <= budget and (k == 0 or pages(k - 1) > budget)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(0.1, 6.0), min_size=0, max_size=80),
    st.integers(1, 8),
    st.integers(-30, 30),
)
def test_the_search_finds_the_fewest_whatever_the_guesses(
    sizes: list[float], budget: int, error: int
) -> None:
    """Guesses off by any amount cost runs, never a wrong answer; the runs stay few."""
    calls: list[int] = []
    truth = pages_of(sizes)

    def pages(k: int) -> int:
        assert 0 <= k <= len(sizes)
        calls.append(k)
        return truth(k)

    def guess(lo: int, hi: int | None, before: int | None) -> int:
        right = next((k for k in range(len(sizes) + 1) if truth(k) <= budget), len(sizes))
        return right + error

    found = fit.search(budget, len(sizes), pages, guess)
    assert proven(budget, truth, found, len(sizes))
    assert len(calls) == len(set(calls)), "no run is made twice"
    assert len(calls) <= 4 + 2 * (len(sizes).bit_length() + 1)


def test_a_right_guess_costs_three_runs() -> None:
    sizes = [1.0] * 40
    calls: list[int] = []

    def pages(k: int) -> int:
        calls.append(k)
        return pages_of(sizes)(k)

    assert fit.search(2, 40, pages, lambda lo, hi, before: 24) == 24
    assert calls == [0, 24, 23]


def test_what_fits_is_run_once_and_what_cannot_says_so() -> None:
    calls: list[int] = []

    def short(k: int) -> int:
        calls.append(k)
        return 1

    assert fit.search(2, 5, short, lambda *_: 3) == 0 and calls == [0]
    assert fit.search(1, 3, lambda k: 5 - k, lambda *_: 1) is None
    assert fit.search(1, 0, lambda k: 2, lambda *_: 0) is None


# ---- the marks -------------------------------------------------------------------------


def test_marks_go_under_each_entry_and_section_and_at_the_end() -> None:
    cv = load(BASE)
    plan = fit.candidates(cv)
    tex = fit.marked(tex_for(cv), fit.marks_of(cv, plan, 2))
    assert tex.index(fit.FIT_PREAMBLE.splitlines()[1]) < tex.index("\\begin{document}")
    assert tex.index("\\buildcvfitend") < tex.rindex("\\end{document}")
    lines = tex.split("\n")
    marked = {
        lines[n - 1].removeprefix(SOURCE_MARK): line
        for n, line in enumerate(lines)
        if line.startswith("\\buildcvfitmark")
    }
    gone = {(c.section, c.entry) for c in plan[:2]}
    for k, c in enumerate(plan):
        where = f"sections[{c.section}].entries[{c.entry}]"
        assert (where in marked) == ((c.section, c.entry) not in gone)
        if where in marked:
            assert marked[where] == f"\\buildcvfitmark{{e{k}}}"
    assert marked["sections[0]"] == "\\buildcvfitmark{s0}"
    assert "sections[2]" not in marked  # a list: nothing in it can go


def test_the_aux_gives_positions_in_pages() -> None:
    aux = (
        "\\relax\n\\buildcvfitpage{600.0pt}{700.0pt}\n"
        f"\\buildcvfitpos{{e3}}{{1}}{{{400 * 65536}}}\n"
        f"\\buildcvfitpos{{s0}}{{2}}{{{700 * 65536}}}\n"
        f"\\buildcvfitpos{{end}}{{2}}{{{250 * 65536}}}\n"
    )
    run = fit.measure(2, aux)
    assert run.at == {"e3": 0.5, "s0": 1.0, "end": 1.75}
    assert fit.heights(run) == {"e3": 0.5, "s0": 0.75, "end": 0.0}
    assert fit.measure(1, "\\relax\n").at == {}


def test_the_guess_covers_what_overflows() -> None:
    cv = load(BASE)
    plan = fit.candidates(cv)
    at = {f"e{k}": k * 0.25 for k in range(len(plan))}
    run = fit.Measure(3, {**at, "end": 2.3})
    assert fit.guess(cv, plan, 2, (0, run)) == 2  # 0.25 + 0.25 >= 0.3
    fitted = fit.Measure(2, {"end": 1.95})
    assert fit.guess(cv, plan, 2, (0, run), (5, fitted)) == 5  # no room to add one back


# ---- what the user reads ---------------------------------------------------------------


def test_left_out_entries_are_named_as_written() -> None:
    cv = load(BASE)
    work, papers, _, referees = cv.sections
    assert fit.label(work.entries[1]) == "Old, B"  # type: ignore[union-attr]
    assert fit.label(papers.entries[0]) == "P2002"  # type: ignore[union-attr]
    assert fit.label(referees.entries[0]) == "Charles Babbage"  # type: ignore[union-attr]
    assert fit.label(SimpleNamespace(title="x" * 200)).endswith("…")
    assert fit.label(SimpleNamespace(label="Languages", text="**English**")) == "Languages: English"
    assert fit.label(SimpleNamespace(label="", text="Only text")) == "Only text"
    gone = fit.LeftOut("Papers", "P2002", "cv.yaml", 12, 9, 0, "2002")
    assert gone.text() == "cv.yaml:12:9: Papers: P2002 (2002, priority 0)"


# ---- the data's and the command line's mistakes -----------------------------------------


def problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(SchemaError) as err:
        load(data)
    return [str(p) for p in err.value.problems]


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ({"priority": "high"}, r"priority: Input should be a valid integer"),
        ({"priority": 1.5}, r"priority: Input should be a valid integer"),
        ({"keep": "yes"}, r"keep: Input should be a valid boolean"),
        ({"keep": 1}, r"keep: Input should be a valid boolean"),
    ],
)
def test_priority_and_keep_are_checked_where_written(entry: dict[str, Any], expected: str) -> None:
    data = copy.deepcopy(BASE)
    data["sections"][0]["entries"][1].update(entry)
    (found,) = problems(data)
    assert re.search(r"^cv\.yaml:\d+:\d+: sections\[0\]\.entries\[1\]\." + expected, found), found


@pytest.mark.parametrize(
    ("checks", "variant", "expected"),
    [
        ({"fit_pages": -1}, None, r"design\.checks\.fit_pages: Input should be greater than"),
        ({"fit_pages": 0}, None, r"design\.checks\.fit_pages: Input should be greater than"),
        ({"fit_pages": 3, "max_pages": 2}, None, r"max_pages 2 is below fit_pages 3"),
        ({"fit_pages": 1, "min_pages": 2}, None, r"min_pages 2 is above fit_pages 1"),
        ({}, {"fit_pages": -1}, r"variants\.v\.checks\.fit_pages: Input should be greater"),
        (
            {"max_pages": 2},
            {"fit_pages": 3},
            r"variants\.v\.checks: max_pages 2 is below fit_p",
        ),
        ({}, {"fit_pages": "two"}, r"variants\.v\.checks\.fit_pages: Input should be a valid"),
    ],
)
def test_fit_pages_mistakes_name_file_and_line(
    checks: dict[str, Any], variant: dict[str, Any] | None, expected: str
) -> None:
    data = copy.deepcopy(BASE)
    data["design"] = {"checks": checks}
    if variant is not None:
        data["variants"] = {"v": {"checks": variant}}
    (found,) = problems(data)
    assert re.match(r"cv\.yaml:\d+:\d+: ", found) and re.search(expected, found), found


def test_priority_and_keep_cannot_be_hidden() -> None:
    data = copy.deepcopy(BASE)
    data["variants"] = {"v": {"hide": ["publications.priority", "experience.keep"]}}
    found = problems(data)
    assert len(found) == 2
    assert "`publications.priority` names no field" in found[0]


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (["--fit", "0"], "argument --fit: '0' must be at least 1"),
        (["--fit", "x"], "argument --fit: 'x' is not a whole number"),
        (["--fit", "-2"], "argument --fit: '-2' must be at least 1"),
    ],
)
def test_a_bad_fit_is_a_usage_error(
    flags: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for command in ("build", "watch"):
        with pytest.raises(SystemExit) as exited:
            main([command, "cv.yaml", *flags])
        assert exited.value.code == 2
        assert expected.replace("'", "") in capsys.readouterr().err.replace("'", "")


@pytest.mark.parametrize(
    ("design", "flags", "expected"),
    [
        ({}, ["--fit", "2", "--max-pages", "1"], "--max-pages 1 is below --fit 2"),
        ({}, ["--fit", "1", "--min-pages", "2"], "--min-pages 2 is above --fit 1"),
        (
            {"checks": {"min_pages": 3}},
            ["--fit", "2"],
            "min_pages 3 of the full CV is above --fit 2",
        ),
        (
            {"checks": {"fit_pages": 2}},
            ["--max-pages", "1"],
            "--max-pages 1 is below the fit_pages 2 of the full CV",
        ),
    ],
)
def test_limits_that_contradict_the_fit_stop_before_tex(
    tmp_path: Path,
    design: dict[str, Any],
    flags: list[str],
    expected: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "cv.yaml"
    path.write_text(yaml.safe_dump({**BASE, "design": design}), "utf-8")
    out = tmp_path / "out"
    code, err = run(["build", str(path), "--out", str(out), "--no-cache", *flags], capsys)
    assert code == 2 and expected in err, err
    assert not out.exists() or not any(out.iterdir())


def test_a_bad_fit_pages_fails_the_build_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cv.yaml"
    data = {**BASE, "variants": {"short": {"checks": {"fit_pages": -1}}}}
    text = yaml.safe_dump(data, sort_keys=False)
    path.write_text(text, "utf-8")
    code, err = run(["build", str(path), "--out", str(tmp_path / "out"), "--no-cache"], capsys)
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "fit_pages: -1" in t)
    assert code == 2
    assert f"{path}:{line}:" in err and "variants.short.checks.fit_pages" in err


def test_the_cache_key_changes_with_the_pages() -> None:
    keys = {
        cache.request_key(request(Path("cv.yaml"), Path("out"), BuildOptions(fit=n)))
        for n in (None, 1, 2)
    }
    assert len(keys) == 3
    assert BuildOptions(fit=2).cache_key()["fit"] == 2
    assert BuildOptions(json=True).cache_key() != BuildOptions().cache_key()


# ---- printed nowhere -------------------------------------------------------------------


TOKEN = 987654321


def test_priority_and_keep_appear_in_no_output() -> None:
    data = copy.deepcopy(BASE)
    for section in data["sections"]:
        for entry in section["entries"]:
            if isinstance(entry, dict):
                entry.update(priority=TOKEN, keep=True)
    cv = load(data)
    document = Document(build_view(cv), cv)
    outputs = {"tex": tex_for(cv)}
    for name in ("html", "md", "txt", "json", "bib"):
        outputs[name] = BY_NAME[name].writer().write(document, Choices())
    for name, text in outputs.items():
        assert str(TOKEN) not in text, name
        assert "priority" not in text.lower(), name
    resume = json.loads(outputs["json"])
    entries = [e for key in ("work", "publications", "references") for e in resume[key]]
    assert entries and all("keep" not in e and "x-keep" not in e for e in entries)


# ---- check --data --variant of a fitted variant -----------------------------------------


def test_a_fitted_variant_is_checked_for_what_cannot_go() -> None:
    data = copy.deepcopy(BASE)
    data["sections"][0]["entries"][0]["keep"] = True
    data["variants"] = {"short": {"checks": {"fit_pages": 1}}, "plain": {}}
    cv = load(data)
    fitted = variant_expectations(cv, "short", Limits())
    assert fitted.section_titles == ["Work", "Skills"] and fitted.max_pages == 1
    plain = variant_expectations(cv, "plain", Limits())
    assert plain.section_titles == ["Work", "Papers", "Skills", "Referees"]
    assert plain.max_pages is None


# ---- build --json ----------------------------------------------------------------------


def test_json_is_all_standard_output_says_even_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A format that needs no TeX, built twice: the second answer comes from the cache,
    whose note goes to standard error so that standard output stays one JSON document."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = tmp_path / "cv.yaml"
    path.write_text(yaml.safe_dump(BASE, sort_keys=False), "utf-8")
    args = ["build", str(path), "--out", str(tmp_path / "out"), "--format", "html", "--json"]
    reports = []
    for _ in range(2):
        assert main(args) == 0
        out, err = capsys.readouterr()
        reports.append(json.loads(out))
    assert "Nothing changed since the last build" in err
    assert reports[0] == reports[1]
    (target,) = reports[0]["targets"]
    assert target["format"] == "html" and target["ok"] and target["fit"] is None
    assert target["files"] == {"html": str(tmp_path / "out" / "cv.html")}


def test_json_says_what_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A leak fails one target: the JSON says so, and the message is on standard error."""
    data = copy.deepcopy(BASE)
    data["person"]["phone"] = "+44 20 7946 0000"
    data["summary"] = "Call +44 20 7946 0000"
    data["variants"] = {"public": {"hide": ["person.phone"]}}
    path = tmp_path / "cv.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    out = tmp_path / "out"
    args = ["build", str(path), "--out", str(out), "--format", "md", "--variant", "public"]
    assert main([*args, "--json", "--no-cache"]) == 1
    stdout, stderr = capsys.readouterr()
    (target,) = json.loads(stdout)["targets"]
    assert not target["ok"] and "would show what variant `public` hides" in target["error"]
    assert target["files"] == {} and "public md:" in stderr
