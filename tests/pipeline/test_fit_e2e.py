"""`--fit N` end to end: a generated CV of several pages, really typeset by XeLaTeX, each
page count read from the real PDF. Nothing here mocks the compiler; one test counts how
often the real one runs."""

from __future__ import annotations

import copy
import io
import json
import re
from contextlib import AbstractContextManager, redirect_stdout
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypdf import PdfReader

from build_cv.cli.main import main
from build_cv.preflight import extract_text, normalize
from build_cv.typeset.engine import compile_tex

pytestmark = pytest.mark.tex

WORDS = [
    "scalable", "systems", "verified", "scheduling", "distributed", "memory", "graph",
    "learning", "compiler", "kernels", "storage", "consensus", "latency", "throughput",
    "energy", "robust", "parallel", "sparse",
]  # fmt: skip


def phrase(seed: int, n: int) -> str:
    return " ".join(WORDS[(seed * 7 + j * 3) % len(WORDS)] for j in range(n)).capitalize()


def long_cv() -> dict[str, Any]:
    """About five pages. Every entry is named by a token (`Role03`, `Paper17`) that no
    other text holds, so each output can be searched for exactly the entries it shows."""
    experience: list[dict[str, Any]] = [
        {
            "position": f"Role{i:02d}",
            "organization": f"Organisation {i}",
            "start": f"{2000 + 2 * i}-01",
            "end": f"{2001 + 2 * i}-12",
            "summary": phrase(i, 30),
            "highlights": [phrase(i + 1, 16), phrase(i + 2, 20)],
        }
        for i in range(8)
    ]
    experience[0]["keep"] = True  # the oldest, yet it stays
    experience[1]["priority"] = 3  # old, but it matters more than anything unmarked
    papers = [
        {
            "title": f"Paper{i:02d} {phrase(i, 9)}",
            "authors": ["Ada Lovelace", "Charles Babbage"],
            "venue": f"Journal of {WORDS[i % len(WORDS)].capitalize()}",
            "year": 1995 + i,
        }
        for i in range(30)
    ]
    papers[29]["priority"] = -1  # the newest paper, yet the first to go
    service = [
        {"label": f"Service{c}", "text": phrase(i, 12), "priority": -2} for i, c in enumerate("AB")
    ]
    education: list[dict[str, Any]] = [
        {"degree": "PhD", "institution": "University One", "start": "1990", "end": "1994"},
        {"degree": "BSc", "institution": "University Two", "start": "1986", "end": "1990"},
    ]
    education[0]["keep"] = True
    return {
        "person": {"name": "Ada Lovelace", "email": "ada@example.org"},
        "updated": "2024-06-15",
        "design": {"icons": False},
        "sections": [
            {"title": "Experience", "kind": "experience", "entries": experience},
            {"title": "Education", "kind": "education", "entries": education},
            {"title": "Publications", "kind": "publications", "entries": papers},
            {"title": "Reviewing Duties", "kind": "items", "entries": service},
            {"title": "Skills", "kind": "list", "entries": ["Python", "LaTeX"]},
        ],
        "variants": {"short": {"checks": {"fit_pages": 2}}},
    }


def name_of(entry: dict[str, Any]) -> str:
    """The token an entry of `long_cv` is named by."""
    name = entry.get("position") or entry.get("label") or entry.get("degree")
    return str(name or entry["title"].split()[0])


def tokens(data: dict[str, Any]) -> list[str]:
    return [name_of(e) for s in data["sections"] for e in s["entries"] if isinstance(e, dict)]


def token_of(entry: str) -> str:
    return entry.split(",")[0].split(":")[0].split()[0]


def pages(pdf: Path) -> int:
    return len(PdfReader(pdf).pages)


def write(path: Path, data: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    return path


FORMATS = ("pdf", "html", "md", "txt", "json")


@pytest.fixture(scope="module")
def fitted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The variant `short` (`checks: {fit_pages: 2}`) in every text format, with --json."""
    root = tmp_path_factory.mktemp("fit")
    data = long_cv()
    path = write(root / "cv.yaml", data)
    out = root / "out"
    args = ["build", str(path), "--out", str(out), "--variant", "short", "--no-cache"]
    stdout = io.StringIO()
    with redirect_stdout(stdout):
        assert main([*args, "--format", ",".join([*FORMATS, "bib"]), "--json"]) == 0
    report = json.loads(stdout.getvalue())
    return {"data": data, "path": path, "out": out, "report": report, "root": root}


def outputs(out: Path, stem: str) -> dict[str, str]:
    texts = {fmt: (out / f"{stem}.{fmt}").read_text("utf-8") for fmt in FORMATS if fmt != "pdf"}
    texts["pdf"] = normalize(extract_text(PdfReader(out / f"{stem}.pdf")))
    return texts


def test_the_variant_is_fitted_to_its_pages(fitted: dict[str, Any]) -> None:
    out, report = fitted["out"], fitted["report"]
    assert pages(out / "cv-short.pdf") <= 2 < pages_unfitted(fitted)
    assert report["ok"] and {t["format"] for t in report["targets"]} == {*FORMATS, "bib"}
    fits = {json.dumps(t["fit"], sort_keys=True) for t in report["targets"]}
    assert len(fits) == 1, "every format reports the one fit of the variant"
    fit = report["targets"][0]["fit"]
    assert fit["pages"] == 2 and fit["fits"] and fit["pages_after"] <= 2
    assert fit["pages_before"] == pages_unfitted(fitted)


def pages_unfitted(fitted: dict[str, Any]) -> int:
    fit = fitted["report"]["targets"][0]["fit"]
    return int(fit["pages_before"])


def test_lowest_priority_then_oldest_go_first_and_keep_stays(fitted: dict[str, Any]) -> None:
    left = fitted["report"]["targets"][0]["fit"]["left_out"]
    names = [token_of(e["entry"]) for e in left]
    assert names[:3] == ["ServiceB", "ServiceA", "Paper29"]  # priority -2, then -1
    rest = left[3:]
    assert all(e["priority"] == 0 for e in rest), "priority 3 goes only after every 0"
    dates = [e["date"] for e in rest]
    assert all(d is not None for d in dates)
    assert [_when(d) for d in dates] == sorted(_when(d) for d in dates)
    assert "Role00" not in names and "PhD" not in names  # keep: true
    assert "Role01" not in names  # priority 3, and enough went before it


def _when(date: str) -> tuple[int, int]:
    year, _, month = date.partition("-")
    return int(year), int(month or 0)


def test_each_left_out_entry_is_named_at_its_line(fitted: dict[str, Any]) -> None:
    lines = fitted["path"].read_text("utf-8").splitlines()
    for entry in fitted["report"]["targets"][0]["fit"]["left_out"]:
        assert entry["file"] == str(fitted["path"])
        assert token_of(entry["entry"]) in lines[entry["line"] - 1], entry


def test_every_format_shows_what_the_pdf_shows(fitted: dict[str, Any]) -> None:
    """The PDF decides: the entries it left out are in no format of the variant, the rest
    in all, and a section left empty has no heading anywhere."""
    texts = outputs(fitted["out"], "cv-short")
    left = {token_of(e["entry"]) for e in fitted["report"]["targets"][0]["fit"]["left_out"]}
    every = tokens(fitted["data"])
    assert left and left < set(every)
    for fmt, text in texts.items():
        for token in every:
            assert (token in text) != (token in left), f"{token} in {fmt}"
        assert "Reviewing Duties" not in text, fmt
        for title in ("Experience", "Education", "Publications", "Skills"):
            assert title in text, (title, fmt)


def test_the_bib_export_follows_too(fitted: dict[str, Any]) -> None:
    bib = (fitted["out"] / "cv-short.bib").read_text("utf-8")
    left = {token_of(e["entry"]) for e in fitted["report"]["targets"][0]["fit"]["left_out"]}
    papers = [t for t in tokens(fitted["data"]) if t.startswith("Paper")]
    assert {t for t in papers if t not in bib} == left & set(papers) != set()


def test_adding_back_the_last_one_left_out_overflows(fitted: dict[str, Any]) -> None:
    """Minimal: without the fit, the CV less every entry it left out but the last is
    longer than the budget (and less all of them, within it)."""
    left = [token_of(e["entry"]) for e in fitted["report"]["targets"][0]["fit"]["left_out"]]
    root: Path = fitted["root"]
    for gone, expect_fits in ((left[:-1], False), (left, True)):
        data = without(fitted["data"], set(gone))
        data["variants"] = {}
        path = write(root / f"minimal-{len(gone)}" / "cv.yaml", data)
        out = path.parent / "out"
        assert main(["build", str(path), "--out", str(out), "--no-cache"]) == 0
        assert (pages(out / "cv.pdf") <= 2) == expect_fits


def without(data: dict[str, Any], gone: set[str]) -> dict[str, Any]:
    data = copy.deepcopy(data)
    for section in data["sections"]:
        section["entries"] = [
            e for e in section["entries"] if not isinstance(e, dict) or name_of(e) not in gone
        ]
    data["sections"] = [s for s in data["sections"] if s["entries"]]
    return data


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each real TeX run the build makes, counted (the compiler is the real one)."""
    runs: list[str] = []

    def counting(tex: str, **kwargs: Any) -> AbstractContextManager[Any]:
        runs.append(tex)
        return compile_tex(tex, **kwargs)

    monkeypatch.setattr("build_cv.pipeline.build.compile_tex", counting)
    return runs


def test_the_command_line_wins_and_says_what_it_left_out(
    tmp_path: Path, counted: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "cv.yaml", long_cv())
    out = tmp_path / "out"
    args = ["build", str(path), "--out", str(out), "--variant", "short", "--no-cache"]
    assert main([*args, "--fit", "1"]) == 0
    stdout = capsys.readouterr().out
    assert pages(out / "cv-short.pdf") == 1
    listed = [line for line in stdout.splitlines() if line.startswith(f"  {path}:")]
    head = re.search(r"left out (\d+) entries to fit 1 page \(it had (\d+);", stdout)
    assert head is not None and int(head.group(1)) == len(listed) >= 20
    assert re.match(rf"  {re.escape(str(path))}:\d+:\d+: Reviewing Duties: ServiceB: ", listed[0])
    assert len(counted) <= 7, f"{len(counted)} TeX runs to leave out {len(listed)} entries"
    assert len(counted) == len(set(counted))


def test_what_cannot_fit_fails_and_leaves_the_previous_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = long_cv()
    for section in data["sections"]:
        for entry in section["entries"]:
            if isinstance(entry, dict) and section["title"] != "Reviewing Duties":
                entry["keep"] = True
    path = write(tmp_path / "cv.yaml", data)
    out = tmp_path / "out"
    args = ["build", str(path), "--out", str(out), "--format", "pdf,html", "--no-cache"]
    assert main(args) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    capsys.readouterr()
    assert main([*args, "--fit", "2"]) == 1
    err = capsys.readouterr().err
    assert re.search(
        r"fit: \d+ pages even with all 2 entries that may go left out, at most 2 allowed; "
        r"still there: Experience, Education, Publications, Skills",
        err,
    ), err
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.name in before} == before
    assert (out / "cv.failed.pdf").exists() and pages(out / "cv.failed.pdf") > 2


def test_a_document_that_fits_is_typeset_once(
    tmp_path: Path, counted: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "cv.yaml", long_cv())
    out = tmp_path / "out"
    assert main(["build", str(path), "--out", str(out), "--fit", "9", "--no-cache"]) == 0
    assert "fits in 9 pages with every entry: nothing left out." in capsys.readouterr().out
    assert len(counted) == 1


def test_without_the_pdf_the_pdf_still_decides(tmp_path: Path) -> None:
    """`--format html --fit 1`: the PDF is typeset to decide, and only the HTML written."""
    data = long_cv()
    path = write(tmp_path / "cv.yaml", data)
    out = tmp_path / "out"
    stdout = io.StringIO()
    with redirect_stdout(stdout):
        code = main(["build", str(path), "--out", str(out), "--format", "html", "--fit", "1"])
    assert code == 0
    assert sorted(p.name for p in out.iterdir() if p.name != ".build-cv.lock") == ["cv.html"]
    listed = [line for line in stdout.getvalue().splitlines() if line.startswith(f"  {path}:")]
    left = {token_of(line.split(": ")[2]) for line in listed}
    html = (out / "cv.html").read_text("utf-8")
    assert len(left) >= 20
    for token in tokens(data):
        assert (token in html) != (token in left), token
