"""Private person fields, a publication's data and the opt-in `show:` (docs/private.md):
what no output prints unless a variant shows it, in every text format; how each prints
where shown; and the mistakes in them, named at their line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from build_cv.cli.main import main
from build_cv.errors import SchemaError
from build_cv.formats.bibtex.writer import write_bibtex
from build_cv.pipeline.leakcheck import TEXT_FORMATS, exposures, secrets_of
from build_cv.schema import model as m
from build_cv.sources.bibtex.reader import parse_bibtex
from build_cv.sources.load import from_loaded, load_cv
from build_cv.sources.yaml_source import load_yaml_text
from build_cv.variants import select
from build_cv.view import build_view
from tests.render import render_document, tex_for

# Each private field with a value no other field holds, and what the outputs print of it.
PRIVATE: dict[str, tuple[Any, str]] = {
    "birth_date": ("1987-03", "March 1987"),
    "gender": ("Genderqueerly", "Genderqueerly"),
    "nationality": ("Ruritanian", "Ruritanian"),
    "ethnicity": ("Zyxethnic", "Zyxethnic"),
    "political_status": ("Quuxparty member", "Quuxparty member"),
    "hometown": ("Vorbeck Hollow", "Vorbeck Hollow"),
}
# A publication's opt-in data, each with what shows it in print.
PUBLICATION: dict[str, tuple[Any, str]] = {
    "ranks": ({"core": {"rank": "A*", "edition": 2023}}, "CORE A*"),
    "citations": ({"count": 4321, "source": "Zentralblatt", "as_of": "2026-11"}, "4,321"),
    "dfg_category": ("B", "DFG category"),
}
LABELS = ("Date of birth", "Gender", "Nationality", "Ethnicity", "Political", "Place of origin")


def cv_with(
    person: dict[str, Any], publication: dict[str, Any], top: Any = None, **variant: Any
) -> m.CV:
    paper = {"title": "Notes", "authors": ["Ada Lovelace"], "venue": "Memoirs", "year": 1843}
    data = {
        "person": {"name": "Ada Lovelace", **person},
        "updated": "2024-06-15",
        "sections": [{"title": "Papers", "kind": "publications", "entries": [paper | publication]}],
        "variants": {"v": variant},
        **(top or {}),
    }
    return from_loaded(load_yaml_text(yaml.safe_dump(data), Path("cv.yaml")))


def outputs(cv: m.CV) -> dict[str, str]:
    """Every text format of `cv` as given (a selection), its LaTeX too."""
    found = {fmt: render_document(fmt, cv) for fmt in TEXT_FORMATS if fmt != "tex"}
    found["tex"] = tex_for(cv)
    return found


@settings(max_examples=25, deadline=None)
@given(
    st.sets(st.sampled_from(sorted(PRIVATE)), min_size=1),
    st.sets(st.sampled_from(sorted(PUBLICATION))),
    st.sampled_from([None, "v"]),
)
def test_private_fields_not_shown_appear_in_no_output(
    person: set[str], publication: set[str], variant: str | None
) -> None:
    """Any subset of the private fields, given and not shown (by a variant without
    `show:`, or the full CV), is in no format, nor are their labels; the leak check,
    which reads each file back, finds nothing either."""
    cv = cv_with({f: PRIVATE[f][0] for f in person}, {f: PUBLICATION[f][0] for f in publication})
    selection = select(cv, variant)
    secrets = secrets_of(selection)
    for fmt, text in outputs(selection.cv).items():
        for field in person:
            assert PRIVATE[field][1] not in text, (fmt, field)
        for field in publication:
            assert PUBLICATION[field][1] not in text, (fmt, field)
        assert not any(label in text for label in LABELS), fmt
        assert exposures(fmt, text, secrets) == []
    hunted = {"person.birth_date"} & {f"person.{f}" for f in person}  # the rest are words
    assert {s.field for s in secrets} == hunted


def test_a_private_word_the_cv_uses_elsewhere_does_not_stop_the_build(tmp_path: Path) -> None:
    """Nationality `Chinese` and hometown `Beijing`, not shown, in a CV of "Chinese patents"
    held in Beijing: removed from every output, and no leak check refuses the build."""
    person = {"nationality": "Chinese", "hometown": "Beijing", "location": "Beijing, China"}
    data = {
        "person": {"name": "Ada Lovelace", **person},
        "updated": "2024-06-15",
        "sections": [
            {"title": "Patents", "kind": "items", "entries": [{"text": "21 Chinese patents"}]}
        ],
    }
    path = tmp_path / "cv.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert (
        main(["build", str(path), "--out", str(tmp_path / "out"), "--format", "html,md,txt,json"])
        == 0
    )
    for name in ("cv.html", "cv.md", "cv.txt", "cv.json"):
        text = (tmp_path / "out" / name).read_text(encoding="utf-8")
        assert "Nationality" not in text and "Place of origin" not in text


@settings(max_examples=15, deadline=None)
@given(st.sets(st.sampled_from(sorted(PRIVATE)), min_size=1))
def test_what_a_variant_shows_is_printed_and_only_that(shown: set[str]) -> None:
    cv = cv_with({f: v for f, (v, _) in PRIVATE.items()}, {}, show=[f"person.{f}" for f in shown])
    selection = select(cv, "v")
    for fmt in ("tex", "html", "md", "txt"):
        text = outputs(selection.cv)[fmt]
        for field, (_, printed) in PRIVATE.items():
            assert (printed in text) == (field in shown), (fmt, field)
    basics = json.loads(render_document("json", selection.cv))["basics"]
    assert ("x-gender" in basics) == ("gender" in shown)


def test_a_birth_month_is_printed_as_the_language_writes_one() -> None:
    cv = cv_with({"birth_date": "1990-05-17"}, {}, show=["person.birth_date"])
    shown = select(cv, "v").cv
    assert "May 1990" in tex_for(shown)
    zh = shown.model_copy(update={"design": shown.design.model_copy(update={"language": "zh"})})
    assert [(f.label, f.text) for f in build_view(zh).header.basic] == [("出生年月", "1990年5月")]
    assert str(cv.person.birth_date) == "1990-05"  # the day is not kept


def test_a_hidden_birth_month_is_searched_for_in_every_spelling() -> None:
    cv = cv_with({"birth_date": "1990-05"}, {})
    values = {s.value for s in secrets_of(select(cv, "v"))}
    assert {"1990-05", "May 1990", "1990年5月", "Mai 1990", "05/1990"} <= values


def test_a_publications_data_prints_where_shown() -> None:
    data = {
        "ranks": {"ccf": "A", "jcr": {"rank": "q1", "edition": 2023}},
        "citations": {"count": 1200, "source": "Google Scholar", "as_of": "2026-11"},
        "credit": ["Conceptualization", "writing – review & editing"],
        "contribution": "It started the **field**.",
    }
    top = {"rank_editions": {"ccf": 2022}}
    cv = cv_with({}, data, top, show=["publications.ranks", "publications.citations"])
    text = render_document("txt", select(cv, "v").cv)
    assert "Roles (CRediT): Conceptualization, Writing – review & editing" in text
    assert "Rank: CCF A (2022), JCR Q1 (2023)" in text
    assert "Citations: 1,200 (Google Scholar, Nov 2026)" in text
    assert "It started the field." in text
    plain = render_document("txt", select(cv, None).cv)
    assert "Roles (CRediT)" in plain and "CCF" not in plain and "1,200" not in plain


def test_the_dfg_category_prints_derived_where_shown() -> None:
    cv = cv_with({}, {"entry_type": "article"}, show=["publications.dfg_category"])
    assert "DFG category: A" in render_document("txt", select(cv, "v").cv)
    cv = cv_with({}, {"entry_type": "software"}, show=["publications.dfg_category"])
    assert "DFG category: B" in render_document("txt", select(cv, "v").cv)


def test_only_representative_keeps_the_representative_works() -> None:
    data = {
        "person": {"name": "Ada Lovelace"},
        "updated": "2024-06-15",
        "sections": [{"title": "Papers", "kind": "publications", "entries": [
            {"title": "Kept", "year": 2020, "representative": True},
            {"title": "Dropped", "year": 2021},
        ]}],
        "variants": {"rep": {"only_representative": True}},
    }  # fmt: skip
    cv = from_loaded(load_yaml_text(yaml.safe_dump(data), Path("cv.yaml")))
    (section,) = select(cv, "rep").cv.sections
    assert [e.title for e in getattr(section, "entries", [])] == ["Kept"]


BIB = """@article{rep,
  title = {Kept},
  author = {Lovelace, Ada},
  journal = {Memoirs},
  year = {1843},
  representative = {yes},
  contribution = {I wrote the {first} program.},
  credit = {software; Data curation},
  dfg_category = {b},
  ccf = {A},
  ccf_edition = {2022},
  citations = {120},
  citations_source = {Google Scholar},
  citations_as_of = {2026-11},
  priority = {-3},
  keep = {true},
}
"""


def test_each_publication_field_is_read_from_a_bib(tmp_path: Path) -> None:
    (tmp_path / "papers.bib").write_text(BIB, encoding="utf-8")
    data = {
        "person": {"name": "Ada Lovelace"},
        "updated": "2024-06-15",
        "sections": [{"title": "Papers", "kind": "publications", "bib": "papers.bib"}],
    }
    (tmp_path / "cv.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    (section,) = load_cv(tmp_path / "cv.yaml")[1].sections
    (p,) = getattr(section, "entries", [])
    assert p.representative and p.keep and p.priority == -3
    assert p.contribution == "I wrote the first program."
    assert p.credit == ["software", "data_curation"]
    assert p.dfg_category == "B"
    assert p.ranks == {"ccf": m.Rank(rank="A", edition=2022)}
    assert p.citations == m.Citations(count=120, source="Google Scholar", as_of="2026-11")
    # back out as the same fields (the full record here: a variant's selection applies)
    assert p.source is not None
    (again,) = parse_bibtex(write_bibtex(load_cv(tmp_path / "cv.yaml")[1]), Path("x.bib"))
    written = {name for name, _, _ in again.cv_fields}
    assert written == {n for n, _, _ in p.source.cv_fields} - {"priority", "keep"}


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("credit", ["softwear"], "`softwear` is not a CRediT role (did you mean `software`?)"),
        ("ranks", {"ccg": "A"}, "`ccg` is not a rank list build-cv knows (did you mean `ccf`?)"),
        ("ranks", {"core": "A+"}, "`A+` is not a core rank"),
        ("ranks", {"jcr": "Q1"}, "the jcr rank Q1 has no edition"),
        ("dfg_category", "C", "`C` is not allowed; expected 'A' or 'B'"),
        ("citations", {"count": 3, "as_of": "2026-11"}, "`source` is required"),
    ],
)
def test_bad_publication_data_is_an_input_error_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], field: str, value: Any, says: str
) -> None:
    paper = {"title": "Notes", "year": 1843, field: value}
    data = {
        "person": {"name": "Ada Lovelace"},
        "updated": "2024-06-15",
        "sections": [{"title": "Papers", "kind": "publications", "entries": [paper]}],
    }
    cv = tmp_path / "cv.yaml"
    cv.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert main(["build", str(cv), "--out", str(tmp_path / "out"), "--format", "txt"]) == 2
    err = capsys.readouterr().err
    assert says in err and f"{cv}:" in err, err
    assert not (tmp_path / "out" / "cv.txt").exists()


def test_bad_bib_data_is_named_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "papers.bib").write_text(
        BIB.replace("software; Data curation", "softwear"), encoding="utf-8"
    )
    data = {
        "person": {"name": "Ada Lovelace"},
        "updated": "2024-06-15",
        "sections": [{"title": "Papers", "kind": "publications", "bib": "papers.bib"}],
    }
    (tmp_path / "cv.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(SchemaError) as caught:
        load_cv(tmp_path / "cv.yaml")
    where = f"{tmp_path / 'papers.bib'}:8: @rep: credit.0: `softwear` is not a CRediT role"
    assert where in caught.value.render()


@pytest.mark.parametrize(
    ("show", "says"),
    [
        ("person.birth_dat", "(did you mean `person.birth_date`?)"),
        ("publications.rank", "(did you mean `publications.ranks`?)"),
        ("person.email", "`person.email` is printed wherever it is given"),
    ],
)
def test_an_unknown_name_in_show_is_an_input_error(show: str, says: str) -> None:
    text = yaml.safe_dump(
        {"person": {"name": "A"}, "updated": "2024-06-15", "variants": {"v": {"show": [show]}}}
    )
    with pytest.raises(SchemaError) as caught:
        from_loaded(load_yaml_text(text, Path("cv.yaml")))
    assert says in caught.value.render() and "cv.yaml:7:7" in caught.value.render()
