"""Which characters the PDF can show, known without TeX (formats/latex/fonts.py): the table
is what the installed fonts have, and it says what TeX itself reports missing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from build_cv.formats.latex.fonts import missing_glyphs, name_problem
from build_cv.pipeline.build import build_pdf
from tests.conftest import ROOT


@pytest.mark.parametrize(
    "text",
    ["Ada Lovelace", "Łukasz Żółć", "Nguyễn Thị Minh Khai", "Zoë O'Brien-Ñúñez", "方佳瑞",
     "山田 太郎", "김민준", "Ἀθηνᾶ Παλλάς", "Ольга Ладыженская", "a\u00adb\u200bc\u200dd"],
)  # fmt: skip
def test_what_the_fonts_have_is_not_missing(text: str) -> None:
    assert missing_glyphs(text) == [] and name_problem(text) is None


@pytest.mark.parametrize(
    ("text", "missing"),
    [("محمد علي", list("محدعلي")), ("अदा", ["अ", "द", "ा"]), ("Jane Doe 🚀🚀", ["🚀"]),
     ("Ada 𓀀", ["𓀀"]), ("Ŧest ĸ", ["Ŧ", "ĸ"])],
)  # fmt: skip
def test_what_no_font_has_is_named_once_in_order(text: str, missing: list[str]) -> None:
    assert missing_glyphs(text) == missing
    problem = name_problem(text)
    assert problem is not None and f"{missing[0]!r} (U+{ord(missing[0]):04X})" in problem
    assert "write the name in a script build-cv can typeset (Latin, Greek, Cyrillic" in problem


def test_greek_and_cyrillic_need_the_script_fallback() -> None:
    """Without design.script_fallback they are set in Latin Modern, which has only the
    Greek capitals."""
    assert missing_glyphs("Ωμέγα Юля", script_fallback=False) == list("μέγαЮля")
    assert missing_glyphs("Ωμέγα Юля") == []


@pytest.mark.tex
def test_the_table_is_what_the_installed_fonts_have() -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "font_coverage.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.tex
def test_the_table_says_what_tex_reports_missing(tmp_path: Path) -> None:
    """The characters TeX logs as missing from their font are the ones the table names:
    Latin letters Latin Modern lacks, Arabic, Devanagari, an emoji, a hieroglyph, a rare
    ideograph, among letters of every script the fonts have."""
    text = "Łż ĸŦǅ Ωμέγα Юля 方佳瑞 김 محمد अदा 🚀 𓀀 𠀀 𪛖 ƛ ẞ"
    data = {
        "person": {"name": "Ada Lovelace"},
        "updated": "2024-06-15",
        "summary": text,
    }
    path = tmp_path / "cv.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = build_pdf(path, tmp_path / "out")
    reported = "\n".join(str(w) for w in result.warnings if "no font has" in str(w))
    expected = missing_glyphs(text)
    assert expected, "the sample must hold characters no font has"
    for char in set(text) - {" "}:
        assert (f"{char!r} (U+{ord(char):04X})" in reported) == (char in expected), char
