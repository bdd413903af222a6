"""The header's "Last updated" date is never split across lines: in the styles whose
header column is narrow (oldstyle, fancy) the line breaks before the date."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from build_cv.schema.model import CV
from build_cv.typeset.engine import compile_tex
from tests.render import tex_for

pytestmark = pytest.mark.tex


@pytest.mark.parametrize("style", ["classic", "oldstyle", "fancy", "banking", "casual"])
def test_the_date_stays_on_one_line(tmp_path: Path, style: str) -> None:
    cv = CV.model_validate(
        {
            "person": {"name": "Ada Lovelace", "email": "ada.lovelace@example.org"},
            "updated": "2024-09-15",
            "design": {"style": style},
            "sections": [
                {"title": "About", "kind": "items", "entries": [{"label": "A", "text": "Text."}]}
            ],
        }
    )
    with compile_tex(tex_for(cv), source_date_epoch=0) as compiled:
        pdf = tmp_path / "cv.pdf"
        pdf.write_bytes(compiled.pdf.read_bytes())
    lines = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert any("September 15, 2024" in line for line in lines), lines
    assert not any(line.rstrip().endswith(("September", "September 15,")) for line in lines)
