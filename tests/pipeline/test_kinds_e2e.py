"""The record kinds (docs/kinds.md) end to end: the issue's data and a CV with every field
of all six kinds through real XeLaTeX, the PDF checked by the preflight and read back,
in English, Chinese and German."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from build_cv.cli.main import main
from build_cv.pipeline.build import BuildOptions, build_pdf
from build_cv.preflight import extract_text, normalize
from tests.kinds import EVERY_FIELD, ISSUE

pytestmark = pytest.mark.tex


def pdf_text(pdf: Path) -> str:
    """The PDF's text as pypdf extracts it, and as poppler's pdftotext does."""
    ours = normalize(extract_text(PdfReader(pdf)))
    poppler = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(ours.split()) + "\n" + " ".join(poppler.split())


def built(source: Path, tmp_path: Path, language: str | None = None) -> str:
    data = tmp_path / source.name
    shutil.copyfile(source, data)
    result = build_pdf(data, tmp_path / "out", BuildOptions(language=language))
    assert result.report.ok(), result.report
    return pdf_text(result.pdf)


def test_the_issues_data_builds_a_checked_pdf_with_every_kind(tmp_path: Path) -> None:
    text = built(ISSUE, tmp_path)
    for wanted in (
        "Grants", "Verified Schedulers", "National Science Foundation, CAREER, CNS-0000000",
        "PI; Amount: $550,000; Awarded", "Jul 2024 – Jun 2029",
        "Teaching", "Operating Systems", "Instructor; Undergraduate; Enrolment: 180",
        "Supervision", "A. Student", "Co-advisor: B. Person",
        "Thesis: Lock-free Queues in Practice", "Talks", "Schedulers You Can Trust",
        "Dagstuhl Seminar, Wadern, Germany", "Invited talk", "Service", "Program Committee",
        "2024 – 2025", "Awards", "Best Paper Award", "EuroSys", "May 2023",
    ):  # fmt: skip
        assert wanted in text, wanted


def test_every_field_in_english(tmp_path: Path) -> None:
    text = built(EVERY_FIELD, tmp_path)
    for wanted in (
        "Co-PI; Amount: $550,000; Share: 40%; Awarded",
        "PI; Amount: £1,234,567.50; Completed",
        "Teaching assistant; Graduate; Enrolment: 1,200",
        "Current", "First position: Example Systems",
        "Keynote [link]", "2018 – 2020, 2022",
        "Amount: €5,000", "For work on verified schedulers.",
    ):  # fmt: skip
        assert wanted in text, wanted
    assert (
        text.index("Pending Proposal")
        < text.index("Verified Schedulers")
        < text.index("Royal Society")
    ), "newest first"
    assert text.index("D. Current") < text.index("A. Student") < text.index("C. Graduate")


def test_every_kinds_labels_in_chinese(tmp_path: Path) -> None:
    text = built(EVERY_FIELD, tmp_path, "zh")
    for wanted in (
        "科研项目", "可验证的调度器", "共同主持；经费：US$550,000；个人份额：40%；获资助",
        "2024.07—2029.06", "教学工作", "操作系统", "助教；研究生课程；选课人数：1,200",
        "指导学生", "博士后", "在读", "联合导师：B. Person", "毕业去向：Example Systems",
        "学术报告", "大会主旨报告", "学术服务", "2018—2020，2022", "获奖与荣誉", "最佳论文奖",
    ):  # fmt: skip
        assert wanted in text, wanted


def test_every_kinds_labels_in_german(tmp_path: Path) -> None:
    text = built(EVERY_FIELD, tmp_path, "de")
    for wanted in (
        "Drittmittel", "Ko-Projektleitung; Fördersumme: 550.000 $; Anteil: 40 %; bewilligt",
        "07/2024 – 06/2029", "Lehre", "Tutor; Master; Teilnehmende: 1.200", "Betreuung",
        "Zweitbetreuung: B. Person", "Verbleib: Example Systems", "Vorträge", "Keynote",
        "Gutachter- und Gremientätigkeit", "Preise und Auszeichnungen", "Fördersumme: 5.000 €",
    ):  # fmt: skip
        assert wanted in text, wanted


def test_a_variant_hiding_the_amounts_builds_without_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "cv.yaml"
    text = EVERY_FIELD.read_text(encoding="utf-8")
    data.write_text(text + "variants:\n  lean: {hide: [grants.amount, awards.amount]}\n", "utf-8")
    out = tmp_path / "out"
    assert main(["build", str(data), "--out", str(out), "--variant", "lean"]) == 0
    lean = pdf_text(out / "cv-lean.pdf")
    assert "Verified Schedulers" in lean and "550" not in lean and "5,000" not in lean
    assert "1,234,567" not in lean and "Amount" not in lean
    assert "550,000" not in (out / "cv-lean.tex").read_text(encoding="utf-8")
