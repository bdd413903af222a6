"""Variants end to end: real XeLaTeX, real PDFs read back, the CLI's table and exit codes."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypdf import PdfReader

from build_cv.cli.main import main
from build_cv.pipeline.build import BuildOptions, BuildResult, build_pdf
from build_cv.preflight import extract_text, normalize
from tests.conftest import DEFAULT_DATA
from tests.test_variants import FIELDS, full_of_tokens, searchable_forms

pytestmark = pytest.mark.tex
WriteCV = Callable[..., Path]


def pdf_strings(pdf: Path) -> str:
    """Everything a reader or a tool can get out of the PDF as text, in one string."""
    reader = PdfReader(pdf)
    parts = [normalize(extract_text(reader))]
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None:
                parts.append(str(action.get_object().get("/URI", "")))
    if reader.metadata is not None:
        parts += [str(v) for v in reader.metadata.values()]
    raw = pdf.read_bytes()
    parts.append(raw.decode("latin-1"))
    for chunk in raw.split(b"stream\r\n")[1:] + raw.split(b"stream\n")[1:]:
        try:
            parts.append(zlib.decompressobj().decompress(chunk).decode("latin-1"))
        except zlib.error:
            continue
    return "\n".join(parts)


def test_hidden_fields_appear_in_no_output_of_the_variant(
    write_cv: WriteCV, tmp_path: Path
) -> None:
    data, values = full_of_tokens()
    data["variants"] = {"public": {"hide": sorted(FIELDS)}}
    path = write_cv(data)
    out = tmp_path / "out"
    assert main(["build", str(path), "--out", str(out), "--variant", "all"]) == 0
    full, public = pdf_strings(out / "cv.pdf"), pdf_strings(out / "cv-public.pdf")
    full_tex = (out / "cv.tex").read_text()
    public_tex = (out / "cv-public.tex").read_text()

    def has(text: str, value: str) -> bool:
        return any(form in text for form in searchable_forms(value))

    shown = [f for f, v in values.items() if has(full, v) or has(full_tex, v)]
    assert len(shown) >= len(FIELDS) - 3, "the full CV must show the tokens the test hunts"
    leaked = [f for f, v in values.items() if has(public, v) or has(public_tex, v)]
    assert leaked == []


def two_pages_of(write_cv: WriteCV, variants: dict[str, Any]) -> Path:
    entries = [
        {"label": f"Item {i}", "text": "A line of text that fills the page. " * 12}
        for i in range(12)
    ]
    data = {
        "person": {"name": "Ada Lovelace", "email": "ada@example.org"},
        "updated": "2024-06-15",
        "design": {"icons": False},
        "sections": [
            {"title": "Short", "kind": "items", "tags": ["keep"], "entries": [entries[0]]},
            {"title": "Long Section", "kind": "items", "entries": entries},
        ],
        "variants": variants,
    }
    return write_cv(data)


def test_variant_all_builds_every_variant_and_reports_a_failure_in_a_table(
    write_cv: WriteCV, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = two_pages_of(
        write_cv, {"tight": {"checks": {"max_pages": 1}}, "one": {"only_tags": ["keep"]}}
    )
    out = tmp_path / "out"
    code = main(["build", str(path), "--out", str(out), "--variant", "all"])
    stdout, stderr = capsys.readouterr()
    assert code == 1
    rows = {line.split()[0]: line.split()[1:] for line in stdout.splitlines()[1:]}
    assert stdout.splitlines()[0].split() == ["variant", "pages", "result"]
    pages = int(rows["full"][0])
    assert pages > 1 and rows["full"][1] == "ok,"
    assert rows["one"][:2] == ["1", "ok,"]
    assert rows["tight"][:2] == [str(pages), "FAILED"]
    overflow = f"In variant `tight`: Section 'Long Section' (pages 1-{pages}) runs past page 1"
    assert overflow in stderr
    assert f"tight: PDF check failed: pages: {pages} pages, at most 1 allowed" in stderr
    assert "1 of 3 failed" in stderr
    assert (out / "cv.pdf").exists() and (out / "cv-one.pdf").exists()
    assert not (out / "cv-tight.pdf").exists() and (out / "cv-tight.failed.pdf").exists()
    assert len(PdfReader(out / "cv-one.pdf").pages) == 1


def test_one_variant_by_name_and_its_page_gate(
    write_cv: WriteCV, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = two_pages_of(write_cv, {"tight": {"checks": {"max_pages": 1}}})
    out = tmp_path / "out"
    assert main(["build", str(path), "--out", str(out), "--variant", "tight"]) == 1
    err = capsys.readouterr().err
    assert "In variant `tight`: Section 'Long Section'" in err
    assert main(["build", str(path), "--out", str(out), "--variant", "tigh"]) == 2
    assert "unknown variant `tigh` (did you mean `tight`?)" in capsys.readouterr().err


@pytest.fixture(scope="module")
def default_variants(tmp_path_factory: pytest.TempPathFactory) -> dict[str, BuildResult]:
    out = tmp_path_factory.mktemp("variants")
    return {
        name: build_pdf(DEFAULT_DATA, out, BuildOptions(variant=name))
        for name in ("short", "public")
    }


def test_default_short_cv_is_two_pages_with_what_a_short_cv_needs(
    default_variants: dict[str, BuildResult],
) -> None:
    short = default_variants["short"]
    assert short.pdf.name == "cv-short.pdf" and short.report.ok()
    reader = PdfReader(short.pdf)
    assert len(reader.pages) <= 2
    text = normalize(extract_text(reader))
    for phrase in ("Jiarui Fang", "Work Experience", "Education", "Selected Publications"):
        assert phrase in text
    assert "Tencent Cloud" in text and "Tencent WeChat AI" not in text
    assert "Patents" not in text and "References" not in text


def test_default_public_cv_has_no_referee_email(
    default_variants: dict[str, BuildResult], default_build: BuildResult
) -> None:
    public = pdf_strings(default_variants["public"].pdf)
    full = pdf_strings(default_build.pdf)
    for email in ("ygw@tsinghua.edu.cn", "chohsieh@cs.ucla.edu"):
        assert email in full and email not in public
        assert email not in default_variants["public"].tex.read_text()
    assert "Cho-Jui Hsieh" in public
    assert default_build.pdf.name == "cv.pdf"


def test_the_full_pdf_checked_as_the_public_variant_fails_on_the_hidden_phone(
    write_cv: WriteCV, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The public variant hides the phone; the full CV's PDF shows it, so it is not the
    public PDF, however well it passes every other check."""
    data = yaml.safe_load(DEFAULT_DATA.read_text("utf-8"))
    data["person"]["phone"] = "+86 138 0000 0000"
    path = write_cv(data)
    out = tmp_path / "out"
    assert main(["build", str(path), "--out", str(out), "--variant", "all"]) == 0
    capsys.readouterr()
    as_public = ["--data", str(path), "--variant", "public"]
    assert main(["check", str(out / "cv.pdf"), *as_public]) == 1
    report = capsys.readouterr().out
    (hidden,) = [ln for ln in report.splitlines() if ln.startswith("FAIL  hidden")]
    assert f"person.phone (written at {path}:" in hidden and "found in the text of page 1" in hidden
    assert [ln[:4] for ln in report.splitlines()[1:]].count("FAIL") == 1
    assert main(["check", str(out / "cv-public.pdf"), *as_public]) == 0
    assert "PASS  hidden" in capsys.readouterr().out


def test_a_hidden_chinese_summary_that_wraps_in_the_full_pdf_fails_the_check(
    write_cv: WriteCV, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The PDF's text breaks the summary at the margin, between two characters; read with
    a space there it is no longer the summary, so the check also reads it joined."""
    summary = (
        "艾达洛夫莱斯是一位数学家她与巴贝奇合作研究分析机并撰写了被认为是第一个计算机程序"
        "的注释这是一个很长的中文句子用于测试换行和隐藏字段"
    )
    data = {
        "person": {"name": "Ada Lovelace", "email": "ada@example.org"},
        "updated": "2024-06-15",
        "sections": [
            {
                "title": "Work",
                "kind": "experience",
                "entries": [{"organization": "清华大学", "position": "研究员", "summary": summary}],
            }
        ],
        "variants": {"public": {"hide": ["experience.summary"]}},
    }
    path = write_cv(data)
    full = build_pdf(path, tmp_path / "out").pdf
    shown = extract_text(PdfReader(full)).split("艾达", 1)[1].split("隐藏字段", 1)[0]
    assert "\n" in shown  # it wraps
    capsys.readouterr()
    assert main(["check", str(full), "--data", str(path), "--variant", "public"]) == 1
    (hidden,) = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("FAIL")]
    assert f"experience.summary (written at {path}:" in hidden
