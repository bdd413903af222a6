"""A variant's outputs, end to end: one that would show a hidden value fails, unwritten.

The values are typed into other fields the way a careless user would (a %-encoded link,
a phone number without its spaces), so only the leak check on what the writers wrote
finds them; the model-level warning names the field to reword.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from build_cv.cli.main import main
from build_cv.pipeline.build import BuildOptions, build

CV: dict[str, Any] = {
    "person": {"name": "Ada Lovelace", "email": "ada@example.org", "phone": "+44 20 7946 0000"},
    "updated": "2024-06-15",
    "summary": "[Write to me](https://example.org/contact?to=ada%40example.org)",
    "sections": [
        {
            "title": "Notes",
            "kind": "items",
            "entries": [{"label": "Note", "text": "Call +442079460000 any time."}],
        }
    ],
    "variants": {"public": {"hide": ["person.email", "person.phone"]}},
}


def write_cv(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "cv.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    return path


def test_every_text_output_that_shows_a_hidden_value_fails_unwritten(tmp_path: Path) -> None:
    out = tmp_path / "out"
    formats = ("html", "md", "txt", "json")
    outcomes = build(write_cv(tmp_path, CV), out, BuildOptions("public", formats)).outcomes
    for outcome in outcomes:
        assert outcome.error is not None, outcome.target.format
        shown = outcome.error.render()
        output = out / f"cv-public.{outcome.target.format}"
        assert shown.startswith(f"{output} was not written: it would show what variant `public`")
        assert f"person.email (written at {tmp_path / 'cv.yaml'}:3:3), found in line" in shown
        assert "person.phone (written at" in shown and "found in line " in shown
        assert "ada@example.org" not in shown and "7946" not in shown
        assert not output.exists()
    full = build(write_cv(tmp_path, CV), out, BuildOptions(None, formats)).outcomes
    assert all(o.error is None for o in full)  # the full CV hides nothing


def test_the_cli_says_which_field_to_reword_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_cv(tmp_path, CV)
    code = main(["build", str(path), "--out", str(tmp_path / "out"), "--variant", "public"])
    err = capsys.readouterr().err
    assert code == 1
    # The model-level warning names the field that still shows the value; the error, the
    # output that would have shown it. The LaTeX is refused before TeX runs.
    assert "summary: shows `ada@example.org`, which this variant hides (person.email" in err
    assert "sections[0].entries[0].text: shows `+44 20 7946 0000`" in err
    assert f"{tmp_path / 'out' / 'cv-public.tex'} was not written" in err
    assert "LaTeX escapes undone, links %-decoded" in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_clean_variant_still_builds_every_text_format(tmp_path: Path) -> None:
    data = {**CV, "summary": "Engines.", "sections": []}
    options = BuildOptions("public", ("html", "json"))
    outcomes = build(write_cv(tmp_path, data), tmp_path, options).outcomes
    assert [o.error for o in outcomes] == [None, None]


def test_a_variant_that_hides_the_author_lists_still_builds_with_the_owner_named(
    tmp_path: Path,
) -> None:
    """The owner is an author of their own papers and is named in the header whatever a
    variant hides: hiding the author lists hides the co-authors, not the owner."""
    data = {
        "person": {"name": "Ada Lovelace", "email": "ada@example.org"},
        "updated": "2024-06-15",
        "sections": [
            {
                "title": "Papers",
                "kind": "publications",
                "entries": [
                    {
                        "title": "Notes on the Analytical Engine",
                        "authors": ["Ada Lovelace", "Charles Babbage"],
                        "et_al": True,
                        "venue": "Scientific Memoirs",
                        "year": 1843,
                    }
                ],
            }
        ],
        "variants": {"short": {"hide": ["publications.authors"]}},
    }
    out = tmp_path / "out"
    formats = ("html", "md", "txt", "json", "bib")
    outcomes = build(write_cv(tmp_path, data), out, BuildOptions("short", formats)).outcomes
    assert [o.error for o in outcomes] == [None] * len(formats)
    for fmt in formats:
        text = (out / f"cv-short.{fmt}").read_text("utf-8")
        assert "Babbage" not in text, fmt
        assert "et al" not in text, fmt  # no "et al." left after no names
