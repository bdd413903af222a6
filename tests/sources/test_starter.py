"""`build-cv new`'s starter: the record kinds are there, commented out, and each one,
once its `# ` is deleted, validates, lints clean and builds."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from build_cv.pipeline.build import BuildOptions, build, load_cv
from build_cv.pipeline.lint import lint
from build_cv.sources.starter import starter_yaml

KINDS = ("grants", "teaching", "supervision", "talks", "service", "awards")


def uncommented(text: str) -> str:
    """The starter with its commented-out YAML (`  # - kind: ...`) made live; the prose
    around it (`  ## ...`) stays a comment."""
    return re.sub(r"(?m)^  # ", "  ", text)


def test_the_starter_shows_every_record_kind_commented_out(tmp_path: Path) -> None:
    text = starter_yaml("Ada Lovelace", date(2024, 6, 15))
    for kind in KINDS:
        assert f"  # - kind: {kind}\n" in text
    path = tmp_path / "cv.yaml"
    path.write_text(text, encoding="utf-8")
    assert all(s.kind not in KINDS for s in load_cv(path)[1].sections)


def test_each_record_kind_of_the_starter_validates_lints_clean_and_builds(tmp_path: Path) -> None:
    path = tmp_path / "cv.yaml"
    path.write_text(uncommented(starter_yaml("Ada Lovelace", date(2026, 12, 7))), "utf-8")
    loaded, cv = load_cv(path)
    assert [s.kind for s in cv.sections if s.kind in KINDS] == list(KINDS)
    assert lint(loaded, cv, date(2026, 12, 7)) == []
    options = BuildOptions(formats=("html", "md", "txt", "json"))
    assert all(o.error is None for o in build(path, tmp_path / "out", options).outcomes)
    text = (tmp_path / "out" / "cv.txt").read_text(encoding="utf-8")
    assert "PI; Amount: $500,000; Share: 100%; Awarded" in text
