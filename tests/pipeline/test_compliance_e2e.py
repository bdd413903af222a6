"""A profile's rules through real builds: TeX runs and the PDF is read back, so the page
limits are the real PDF's pages (marker `tex`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from build_cv.cli.main import main
from tests.conftest import FIXTURES

PROFILES = FIXTURES / "profiles"
pytestmark = pytest.mark.tex


def test_a_cv_over_the_ercs_four_pages_fails_like_the_page_budget(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = yaml.safe_load((PROFILES / "erc" / "pass.yaml").read_text("utf-8"))
    highlight = "Designed, built and documented one more part of the analytical engine. " * 3
    work = data["sections"][1]["entries"]
    work[:] = [
        {"position": f"Analyst {i}", "organization": "Engine Co", "start": f"{1830 + i}-01",
         "end": f"{1831 + i}-01", "highlights": [highlight] * 8}
        for i in range(14)
    ]  # fmt: skip
    path = tmp_path / "long.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    out = tmp_path / "out"
    code = main(["build", str(path), "--variant", "target", "--out", str(out), "--no-cache"])
    err = capsys.readouterr().err
    assert code == 1
    assert "PDF check failed: profile: erc rule `four-pages`:" in err
    assert "(at most 4)" in err
    assert "https://www.eubuero.de/en/news-erc-2023-05-04-3268.html" in err
    assert "runs past page 4" in err  # the section that does, as the page budget names it
    assert (out / "long-target.failed.pdf").is_file()
    assert not (out / "long-target.pdf").exists()


def test_an_nsfc_cv_builds_and_its_check_reports_the_rules_in_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = PROFILES / "nsfc" / "pass.yaml"
    out = tmp_path / "out"
    assert main(["build", str(path), "--variant", "target", "--out", str(out), "--no-cache"]) == 0
    built = capsys.readouterr().out
    assert "PASS  profile     nsfc rule `representative-works`: 10 representative works" in built
    pdf = out / "pass-target.pdf"
    argv = ["check", str(pdf), "--data", str(path), "--variant", "target", "--json"]
    assert main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    rules = {c["rule"]["rule"]: c for c in report["checks"] if c["name"] == "profile"}
    assert set(rules) == {"section-order", "education", "representative-works", "supervisors"}
    assert rules["representative-works"]["rule"]["source"].startswith("https://github.com/")
    assert next(c for c in report["checks"] if c["name"] == "paper")["value"].startswith("A4")
    assert next(c for c in report["checks"] if c["name"] == "language")["value"] == "/Lang zh"


def test_check_fails_a_pdf_of_a_variant_that_breaks_its_profile(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A PDF made before the data grew: `check` reads the data's rules against it."""
    good, bad = (
        PROFILES / "nsf-synergistic" / "pass.yaml",
        PROFILES / "nsf-synergistic" / "fail.yaml",
    )
    out = tmp_path / "out"
    assert main(["build", str(good), "--variant", "target", "--out", str(out), "--no-cache"]) == 0
    capsys.readouterr()
    pdf = out / "pass-target.pdf"
    assert main(["check", str(pdf), "--data", str(bad), "--variant", "target"]) == 1
    captured = capsys.readouterr()
    assert (
        "FAIL  profile     nsf-synergistic rule `five-examples`: 6 examples (at most 5)"
        in captured.out
    )
    assert "PASS  profile     nsf-synergistic rule `one-page`: 1 page (at most 1)" in captured.out
    assert "check failed: " in captured.err and "profile" in captured.err
