"""A publications section that reads a .bib: merged, selected, ordered, grouped, marked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from build_cv.errors import SchemaError
from build_cv.formats.text.writer import render_text
from build_cv.schema.model import CV, PublicationSection
from build_cv.sources.load import load_cv
from build_cv.variants import select
from build_cv.view import PublicationView, SectionView, build_view
from tests.render import tex_for

BIB = r"""@string{tpds = {IEEE Transactions on Parallel and Distributed Systems}}

@article{fang2022,
  author = {Fang, Jiarui and Zhu, Zilin and Fang, Haohuan},
  author+an = {1=equal; 2=equal; 3=corresponding},
  title = {Parallel Training via {Chunk}-based Memory},
  journal = tpds,
  volume = {34}, number = {1}, pages = {304--315},
  year = {2022},
  keywords = {selected, journal},
}

@inproceedings{li2019,
  author = {Li, L. and J. Fang and Others, A. and others},
  title = {sw{C}affe: a Framework for Sunway},
  booktitle = {IEEE Cluster},
  year = {2019},
}

@misc{fang2024usp,
  author = {Fang, J. and Zhao, Shangchun},
  title = {{USP}: Unified Sequence Parallelism},
  eprint = {2405.07719}, archivePrefix = {arXiv},
  year = {2024},
}
"""


def write(tmp_path: Path, section: dict[str, Any], bib: str = BIB, **top: Any) -> Path:
    (tmp_path / "papers.bib").write_text(bib, encoding="utf-8")
    data = {
        "person": {"name": "Jiarui Fang", "native_name": "方佳瑞"},
        "updated": "2024-06-15",
        "sections": [{"title": "Publications", "kind": "publications", **section}],
        **top,
    }
    path = tmp_path / "cv.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def pubs(cv: CV) -> PublicationSection:
    section = cv.sections[0]
    assert isinstance(section, PublicationSection)
    return section


def viewed(cv: CV) -> SectionView:
    return build_view(cv).sections[0]


def views(section: SectionView) -> list[PublicationView]:
    return [e for e in section.entries if isinstance(e, PublicationView)]


YAML_PUB = {"title": "Typed in YAML", "authors": ["Jiarui Fang"], "venue": "V", "year": 2020}


def test_bib_entries_load_newest_first_with_their_origin_and_tags(tmp_path: Path) -> None:
    _, cv = load_cv(write(tmp_path, {"bib": "papers.bib", "entries": [YAML_PUB]}))
    section = pubs(cv)
    assert [p.year for p in section.entries] == [2024, 2022, 2020, 2019]
    usp, chunk = section.entries[0], section.entries[1]
    assert usp.title == "USP: Unified Sequence Parallelism" and usp.arxiv == "2405.07719"
    assert chunk.venue == "IEEE Transactions on Parallel and Distributed Systems"
    assert chunk.details == "34(1): 304–315"
    assert chunk.tags == ["selected", "journal"]
    assert chunk.origin.file == tmp_path / "papers.bib"
    assert chunk.origin.line == 3
    assert section.entries[2].origin.path == ("sections", 0, "entries", 0)


def test_as_written_keeps_yaml_then_bib_order(tmp_path: Path) -> None:
    section = {"bib": "papers.bib", "entries": [YAML_PUB], "order": "as-written"}
    _, cv = load_cv(write(tmp_path, section))
    assert [p.year for p in pubs(cv).entries] == [2020, 2022, 2019, 2024]


def test_select_and_omit_filter_for_every_document(tmp_path: Path) -> None:
    _, cv = load_cv(write(tmp_path, {"bib": "papers.bib", "select": ["selected"]}))
    assert [p.year for p in pubs(cv).entries] == [2022]
    _, cv = load_cv(write(tmp_path, {"bib": "papers.bib", "omit": ["journal"]}))
    assert [p.year for p in pubs(cv).entries] == [2024, 2019]


def test_owner_is_bold_in_every_spelling_but_not_a_namesake(tmp_path: Path) -> None:
    _, cv = load_cv(write(tmp_path, {"bib": "papers.bib"}))
    owners = {a.name: a.owner for p in views(viewed(cv)) for a in p.authors}
    assert owners["Jiarui Fang"] and owners["J. Fang"]
    assert not owners["Haohuan Fang"] and not owners["Zilin Zhu"]


def test_roles_become_marks_with_a_legend_and_others_becomes_et_al(tmp_path: Path) -> None:
    _, cv = load_cv(write(tmp_path, {"bib": "papers.bib"}))
    section = viewed(cv)
    chunk = views(section)[1]
    assert [a.marks for a in chunk.authors] == ["*", "*", "†"]
    assert [(m.symbol, m.meaning) for m in section.legend] == [
        ("*", "equal contribution"),
        ("†", "corresponding author"),
    ]
    cluster = views(section)[2]
    assert cluster.et_al == "et al." and cluster.authors_end == ""
    tex = tex_for(cv)
    assert "A. Others%\n, et al. swCaffe: a Framework for Sunway." in tex
    assert "\\textbf{Jiarui Fang}\\textsuperscript{*}, %\nZilin Zhu\\textsuperscript{*}" in tex


def test_marks_are_set_per_design_and_per_variant(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {"bib": "papers.bib"},
        design={"marks": {"equal": "#", "corresponding": "*"}},
        variants={"cn": {"marks": {"equal": "§", "corresponding": "‡"}}},
    )
    _, cv = load_cv(path)
    assert [a.marks for a in views(viewed(cv))[1].authors] == ["#", "#", "*"]
    chosen = select(cv, "cn").cv
    assert [a.marks for a in views(viewed(chosen))[1].authors] == ["§", "§", "‡"]
    assert "\\,equal contribution" in tex_for(chosen) and "§" in tex_for(chosen)


@pytest.mark.parametrize(
    ("numbering", "expected"),
    [("descending", ["3.", "2.", "1."]), ("ascending", ["1.", "2.", "3."]), ("none", ["", "", ""])],
)
def test_numbering(tmp_path: Path, numbering: str, expected: list[str]) -> None:
    _, cv = load_cv(write(tmp_path, {"bib": "papers.bib", "numbering": numbering}))
    assert [p.number for p in views(viewed(cv))] == expected


def test_group_by_type_and_by_tag(tmp_path: Path) -> None:
    _, cv = load_cv(write(tmp_path, {"bib": "papers.bib", "group_by": "type"}))
    groups = viewed(cv).groups
    assert [(g.heading, [p.year for p in g.entries]) for g in groups] == [
        ("Journal Articles", [2022]),
        ("Conference Papers", [2019]),
        ("Preprints", [2024]),
    ]
    assert [p.number for g in groups for p in g.entries] == ["1.", "2.", "3."]
    assert "\\subsection{Journal Articles}" in tex_for(cv)
    section = {"bib": "papers.bib", "group_by": {"selected": "Selected Papers"}}
    _, cv = load_cv(write(tmp_path, section))
    assert [g.heading for g in viewed(cv).groups] == ["Selected Papers", "Other"]


EVERY_KIND = r"""
@article{scholar, author = {Fang, J.}, title = {Scholar Preprint}, year = {2024},
  journal = {arXiv preprint arXiv:2401.01234}}
@misc{eprint, author = {Fang, J.}, title = {Eprint Preprint}, year = {2024},
  eprint = {2405.07719}, archivePrefix = {arXiv}}
@article{journal, author = {Fang, J.}, title = {Journal Paper}, year = {2023},
  journal = {J. Parallel Distrib. Comput.}, url = {https://arxiv.org/abs/2301.00001}}
@inproceedings{conference, author = {Fang, J.}, title = {Conference Paper}, year = {2022},
  booktitle = {PPoPP}}
@phdthesis{thesis, author = {Fang, J.}, title = {A Thesis}, year = {2021}, school = {THU}}
@collection{collection, editor = {Fang, J.}, title = {A Collection}, year = {2020},
  publisher = {Springer}}
@book{book, author = {Fang, J.}, title = {A Book}, year = {2020}, publisher = {Springer}}
@incollection{chapter, author = {Fang, J.}, title = {A Chapter}, year = {2019},
  booktitle = {Large Models}}
@techreport{report, author = {Fang, J.}, title = {A Report}, year = {2018},
  institution = {Tencent}}
@patent{patent, author = {Fang, J.}, title = {A Patent}, year = {2017}, number = {CN1}}
@software{software, author = {Fang, J.}, title = {Some Software}, year = {2016},
  url = {https://github.com/x/y}}
"""


def printed_groups(text: str) -> dict[str, list[str]]:
    """The plain-text CV's publication headings, each with the titles printed under it."""
    lines = text.splitlines()
    groups: dict[str, list[str]] = {}
    for i, line in enumerate(lines[:-1]):
        if set(lines[i + 1]) == {"-"}:
            groups[line] = []
        elif groups and line[:1].isdigit():
            title = next(t for t in TITLES if f" {t}." in line)
            list(groups.values())[-1].append(title)
    return groups


TITLES = [
    "Scholar Preprint", "Eprint Preprint", "Journal Paper", "Conference Paper", "A Thesis",
    "A Collection", "A Book", "A Chapter", "A Report", "A Patent", "Some Software",
    "Typed Preprint",
]  # fmt: skip


def test_group_by_type_prints_each_kind_under_its_heading(tmp_path: Path) -> None:
    """Google Scholar's arXiv-only @article is a preprint and a @collection a book, in
    what the CV prints, not only in the records the reader makes."""
    typed = {"title": "Typed Preprint", "authors": ["Jiarui Fang"], "year": 2024,
             "arxiv": "2402.00002"}  # fmt: skip
    section = {"bib": "papers.bib", "group_by": "type", "entries": [typed]}
    _, cv = load_cv(write(tmp_path, section, bib=EVERY_KIND))
    assert printed_groups(render_text(build_view(cv))) == {
        "Journal Articles": ["Journal Paper"],
        "Conference Papers": ["Conference Paper"],
        "Theses": ["A Thesis"],
        "Books": ["A Collection", "A Book"],
        "Book Chapters": ["A Chapter"],
        "Technical Reports": ["A Report"],
        "Patents": ["A Patent"],
        "Preprints": ["Typed Preprint", "Scholar Preprint", "Eprint Preprint"],
        "Other": ["Some Software"],
    }


BROKEN = """@article{a,
  title = {No author},
  journal = {J}, year = {2020},
}

@article{b,
  author = {X, Y}, title = {Unknown macro}, journal = nosuch, year = {2021},
}

@article{a,
  author = {X, Y}, title = {Duplicate}, journal = {J}, year = {2022},
}
"""


def test_every_bib_problem_is_reported_with_file_line_and_key(tmp_path: Path) -> None:
    with pytest.raises(SchemaError) as err:
        load_cv(write(tmp_path, {"bib": "papers.bib"}, bib=BROKEN))
    shown = [str(p) for p in err.value.problems]
    assert len(shown) == 3, shown
    assert shown[0].startswith(f"{tmp_path / 'papers.bib'}:1: @a:")
    assert "author" in shown[0]
    assert any(s.startswith(f"{tmp_path / 'papers.bib'}:7: @b:") and "nosuch" in s for s in shown)
    assert any(":10: @a:" in s and "used again (first at line 1)" in s for s in shown)


def test_a_bib_that_two_sections_read_is_parsed_once_and_its_problems_told_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from build_cv.sources import bib_section
    from build_cv.sources.bibtex import reader

    reads: list[Path] = []
    read = reader.read_bibtex

    def counted(path: Path, *args: Any) -> Any:
        reads.append(path)
        return read(path, *args)

    monkeypatch.setattr(bib_section, "read_bibtex", counted)
    path = write(tmp_path, {"bib": "papers.bib", "select": ["journal"]})
    data = yaml.safe_load(path.read_text("utf-8"))
    data["sections"].append(
        {"title": "Others", "kind": "publications", "bib": "papers.bib", "omit": ["journal"]}
    )
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    cv = load_cv(path)[1]
    assert reads == [tmp_path / "papers.bib"]
    first, second = (s for s in cv.sections if isinstance(s, PublicationSection))
    assert [e.title for e in first.entries] == ["Parallel Training via Chunk-based Memory"]
    assert len(second.entries) == 2

    (tmp_path / "papers.bib").write_text(BROKEN, encoding="utf-8")
    with pytest.raises(SchemaError) as err:
        load_cv(path)
    shown = [str(p) for p in err.value.problems]
    assert len(shown) == len(set(shown)) == 3, shown


def test_a_missing_bib_file_points_at_the_yaml_line(tmp_path: Path) -> None:
    path = write(tmp_path, {"bib": "nope.bib"})
    with pytest.raises(SchemaError) as err:
        load_cv(path)
    (problem,) = err.value.problems
    assert problem.location.file == path
    line = problem.location.line
    assert line is not None and "bib: nope.bib" in path.read_text().splitlines()[line - 1]
    assert "nope.bib" in problem.message


def test_a_section_needs_entries_or_a_bib(tmp_path: Path) -> None:
    with pytest.raises(SchemaError, match="problem") as err:
        load_cv(write(tmp_path, {}))
    assert "needs `entries` or a `bib` file" in str(err.value.problems[0])


def test_a_hostile_bib_value_is_text(tmp_path: Path) -> None:
    bib = r"""@article{x,
  author = {Evil, Eve},
  title = {\input{/etc/passwd} \unknownmacro{x} 100\% \& \_},
  journal = {J}, year = {2020},
}
"""
    _, cv = load_cv(write(tmp_path, {"bib": "papers.bib"}, bib=bib))
    tex = tex_for(cv)
    assert r"\input{/etc/passwd}" not in tex and r"\unknownmacro{" not in tex
    assert r"\textbackslash{}input\{/etc/passwd\}" in tex
    assert r"100\% \& \_" in tex


def test_the_cli_exits_2_naming_the_bib_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from build_cv.cli.main import main

    path = write(tmp_path, {"bib": "papers.bib"}, bib=BROKEN)
    assert main(["build", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "3 problems in the CV data:" in err
    assert f"{tmp_path / 'papers.bib'}:1: @a: has no `author`" in err
    assert "Traceback" not in err and not (tmp_path / "out" / "cv.pdf").exists()
