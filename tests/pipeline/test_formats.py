"""Formats in the build plan: names, files, and the variant's selection in every format."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from build_cv.cli.main import main
from build_cv.errors import InputError
from build_cv.formats.markdown.writer import escape_md
from build_cv.pipeline.build import BuildOptions, build, load_cv
from build_cv.pipeline.plan import FORMATS, parse_formats
from build_cv.schema.model import CV, PublicationSection
from build_cv.sources.validate import validate
from build_cv.sources.yaml_source import load_yaml_text
from build_cv.variants import select
from tests.conftest import DEFAULT_DATA
from tests.formats.html.test_writer import Page
from tests.render import render_document
from tests.test_variants import FIELDS, full_of_tokens, searchable_forms

TEXT_FORMATS = ("html", "md", "txt", "json", "bib")


def test_format_lists() -> None:
    assert parse_formats("pdf") == ("pdf",)
    assert parse_formats("md, HTML,pdf") == ("pdf", "html", "md")
    assert parse_formats("all") == FORMATS
    assert "bib" in FORMATS and "png" in FORMATS
    with pytest.raises(InputError, match=r"unknown format `htm` \(did you mean `html`\?\)"):
        parse_formats("pdf,htm")
    with pytest.raises(InputError, match="at least one"):
        parse_formats(" , ")


def test_every_text_format_of_every_variant_is_written(tmp_path: Path) -> None:
    options = BuildOptions(variant="all", formats=TEXT_FORMATS)
    outcomes = build(DEFAULT_DATA, tmp_path, options).outcomes
    assert all(o.error is None for o in outcomes)
    names = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("."))
    suffixes = ["", *(f"-{v}" for v in load_cv(DEFAULT_DATA)[1].variants)]
    assert {"-short", "-public", "-zh", "-nsfc", "-us-faculty"} <= set(suffixes)
    assert names == sorted(f"cv{suffix}.{ext}" for suffix in suffixes for ext in TEXT_FORMATS)
    full, short = (tmp_path / "cv.txt").read_text(), (tmp_path / "cv-short.txt").read_text()
    assert len(short) < len(full) / 2
    public = (tmp_path / "cv-public.html").read_text()
    assert "wanghuiwen1978@gmail.com" not in public
    assert "wanghuiwen1978@gmail.com" in (tmp_path / "cv.html").read_text()


def forms(value: str) -> list[str]:
    return [
        *searchable_forms(value),
        escape_md(value),
        html.escape(value),
        json.dumps(value)[1:-1],
    ]


@settings(max_examples=25, deadline=None)
@given(st.sets(st.sampled_from(sorted(FIELDS)), min_size=1))
def test_hidden_fields_reach_no_format(hidden: set[str]) -> None:
    data, values = full_of_tokens()
    data["variants"] = {"v": {"hide": sorted(hidden)}}
    cv = validate(load_yaml_text(yaml.safe_dump(data, sort_keys=False), Path("cv.yaml")))
    selected = select(cv, "v").cv
    for fmt in TEXT_FORMATS:
        text = render_document(fmt, selected)
        for field, value in values.items():
            if fmt == "bib" and not field.startswith("publications."):
                continue  # BibTeX holds publications only
            if fmt == "bib" and field == "publications.pdf" and "publications.url" not in hidden:
                continue  # one `url` field: the page wins over the PDF
            shown = any(form in text for form in forms(value))
            assert shown != (field in hidden), f"{fmt}: {field} ({value}) shown={shown}"


def test_cli_formats_table_and_bad_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["build", str(DEFAULT_DATA), "--out", str(out), "--format", "html,txt"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["variant", "format", "pages", "result"]
    assert lines[1].split() == ["full", "html", "-", "ok,", str(out / "cv.html")]
    assert main(["build", str(DEFAULT_DATA), "--format", "docx"]) == 2
    assert "unknown format `docx`" in capsys.readouterr().err


def test_grouped_counting_down_publications_in_every_format() -> None:
    def paper(title: str, kind: str, **extra: object) -> dict[str, object]:
        return {"title": title, "authors": ["Ada Lovelace", "C. B."], "year": 2020,
                "entry_type": kind, **extra}  # fmt: skip

    cv = CV.model_validate(
        {
            "person": {"name": "Ada Lovelace"},
            "updated": "2024-06-15",
            "sections": [
                {
                    "kind": "publications",
                    "title": "Papers",
                    "numbering": "descending",
                    "group_by": "type",
                    "entries": [
                        paper("On Engines", "article", venue="J. Engines", et_al=True),
                        paper("On Looms", "inproceedings", venue="Conf. Looms"),
                        paper("On Notes", "misc"),
                    ],
                }
            ],
        }
    )
    page = Page(render_document("html", cv))
    assert [a["value"] for a in page.named("li")] == ["3", "2", "1"]
    assert "Journal Articles" in page.joined() and "C. B., et al." in page.joined()
    md = render_document("md", cv)
    assert md.index("### Journal Articles") < md.index("3\\. ") < md.index("2\\. ")
    text = render_document("txt", cv)
    assert "Conference Papers\n-----------------\n\n2. Ada Lovelace, C. B. On Looms." in text


@pytest.mark.tex
def test_format_all_writes_every_file_each_with_the_whole_cv(
    tmp_path: Path, default_cv: CV, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", str(DEFAULT_DATA), "--out", str(tmp_path), "--format", "all"]) == 0
    names = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("."))
    assert names == sorted(f"cv.{ext}" for ext in (*FORMATS, "tex"))
    titles = [s.title for s in default_cv.sections]
    papers = [
        e for s in default_cv.sections if isinstance(s, PublicationSection) for e in s.entries
    ]
    for ext in ("html", "md", "txt"):
        text = " ".join((tmp_path / f"cv.{ext}").read_text().split())
        assert [t for t in titles if t not in text] == [], ext
        assert [p.title for p in papers if " ".join(p.title.split()) not in text] == [], ext
    document = json.loads((tmp_path / "cv.json").read_text())
    assert len(document["publications"]) == len(papers)
    assert len(document["x-sections"]) == len(titles)
    assert (tmp_path / "cv.bib").read_text().count("\n@") + 1 == len(papers)
    assert (tmp_path / "cv.png").read_bytes().startswith(b"\x89PNG")
