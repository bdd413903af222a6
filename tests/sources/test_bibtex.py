from __future__ import annotations

from pathlib import Path

import pytest

from build_cv.errors import InputError, SchemaError
from build_cv.schema.bibentry import BibEntry
from build_cv.sources.bibtex.kinds import PREPRINT_VENUE, Group, details, group_of
from build_cv.sources.bibtex.reader import parse_bibtex, read_bibtex, tags_from_keywords
from tests.conftest import ROOT

BIB = ROOT / "tests" / "fixtures" / "bib"


def entries(name: str) -> dict[str, BibEntry]:
    return {e.key: e for e in read_bibtex(BIB / name)}


def problems(text: str) -> list[tuple[int | None, str, str]]:
    with pytest.raises(SchemaError) as info:
        parse_bibtex(text, Path("x.bib"))
    return [(p.location.line, p.location.field, p.message) for p in info.value.problems]


# ---- the styles of real exports ---------------------------------------------------------


def test_acm_digital_library() -> None:
    e = entries("acm.bib")["10.1145/3437801.3441578"]
    assert e.title == "TurboTransformers: an efficient GPU serving system for transformer models"
    assert e.author_names == ("Jiarui Fang", "Yang Yu", "Chengduo Zhao", "Jie Zhou")
    assert e.venue == (
        "Proceedings of the 26th ACM SIGPLAN Symposium on Principles and Practice of "
        "Parallel Programming"
    )
    assert group_of(e) is Group.CONFERENCE
    # ACM's `address` is the publisher's; `location` is where the conference was.
    assert details(e) == "pp. 389–402, Virtual Event, Republic of Korea"
    assert e.doi == "10.1145/3437801.3441578"
    assert e.tags == ("transformers", "deep-learning-runtime", "serving-system", "gpu")
    assert e.origin is not None and e.origin.line == 1


def test_acm_journal_article_with_month_macro() -> None:
    e = entries("acm.bib")["10.1145/3177885"]
    assert (e.venue, e.year, e.month, details(e)) == (
        "ACM Trans. Archit. Code Optim.",
        2018,
        3,
        "15(1)",
    )
    assert group_of(e) is Group.JOURNAL
    assert "c++" not in e.tags and "sunway-taihulight" in e.tags
    assert e.origin is not None and e.origin.line == 19


def test_ieee_xplore() -> None:
    by_key = entries("ieee.bib")
    article = by_key["9940581"]
    assert article.venue == "IEEE Transactions on Parallel and Distributed Systems"
    assert details(article) == "34(1): 304–315"
    assert article.tags[:3] == ("graphics-processing-units", "training", "memory-management")
    paper = by_key["7967177"]
    assert details(paper) == "pp. 615–624"
    assert paper.month == 5
    assert (
        paper.venue
        == "2017 IEEE International Parallel and Distributed Processing Symposium (IPDPS)"
    )


def test_dblp_crossref_inherits_from_the_proceedings() -> None:
    by_key = entries("dblp.bib")
    paper = by_key["DBLP:conf/icpp/GaoFZYWGFY19"]
    assert paper.venue == (
        "Proceedings of the 48th International Conference on Parallel Processing, "
        "ICPP 2019, Kyoto, Japan, August 05-08, 2019"
    )
    assert paper.year == 2019
    assert paper.publisher == "ACM"
    assert paper.doi == "10.1145/3337821.3337883"
    assert paper.title == (
        "swATOP: Automatically Optimizing Deep Learning Operators on SW26010 Many-Core Processor"
    )
    assert "DBLP:conf/icpp/2019" not in by_key


def test_dblp_homonym_numbers_are_not_part_of_the_name() -> None:
    names = entries("dblp.bib")["DBLP:journals/tpds/FangZLSYZY23"].author_names
    assert names[-2:] == ("Jie Zhou", "Yang You")


def test_dblp_corr_is_an_arxiv_preprint() -> None:
    e = entries("dblp.bib")["DBLP:journals/corr/abs-2405-07719"]
    assert (e.venue, e.arxiv, group_of(e)) == (PREPRINT_VENUE, "2405.07719", Group.PREPRINT)
    assert e.title == "USP: A Unified Sequence Parallelism Approach for Long Context Generative AI"
    assert e.volume is None and details(e) is None


def test_arxiv_export_and_abs_url() -> None:
    by_key = entries("arxiv.bib")
    assert by_key["wang2024pipefusion"].arxiv == "2405.14430"
    assert group_of(by_key["wang2024pipefusion"]) is Group.PREPRINT
    assert by_key["huang2022elixir"].arxiv == "2212.05339"
    assert by_key["huang2022elixir"].venue == PREPRINT_VENUE


def test_google_scholar() -> None:
    by_key = entries("scholar.bib")
    usp = by_key["fang2024usp"]
    assert (usp.arxiv, usp.venue, group_of(usp)) == ("2405.07719", PREPRINT_VENUE, Group.PREPRINT)
    assert details(by_key["fang2019redsync"]) == "133: 30–39"
    assert group_of(by_key["fang2019redsync"]) is Group.JOURNAL
    assert details(by_key["li2018swcaffe"]) == "pp. 413–422"
    chunk = by_key["zhao2023autochunk"]
    assert chunk.et_al
    assert chunk.author_names[-1] == "Yang You"


# ---- decoding, names, roles and types ---------------------------------------------------


def test_macros_joined_with_hash_and_decoded_text() -> None:
    e = entries("styles.bib")["accents"]
    assert e.venue == "IEEE Transactions on Parallel and Distributed Systems"
    assert e.title == "Café GPUs & TPUs: 50% Faster — “Really” α-Tuning on Sunway 1–2\u00a0Nodes"
    assert e.author_names == (
        "Jörg Müller",
        "Jiarui Fang",
        "Karl Åström",
        "María García",
        "François Dupont",
        "Dušan Petrović",
        "Ulrich Straßer",
        "Søren Kierkegaard",
        "Łukasz Nowak",
    )
    assert (e.year, e.month) == (2022, 1)
    assert e.tags == ("selected", "machine-learning-systems", "hpc")


def test_name_forms_and_roles() -> None:
    e = entries("styles.bib")["nameforms"]
    assert e.author_names == (
        "J. Fang",
        "H. Fang",
        "Haohuan Fang",
        "J. Fang",
        "World Health Organization",
        "Ludwig van Beethoven",
        "Martin Luther King, Jr.",
        "Jean de la Fontaine, Jr",
    )
    assert [sorted(a.roles) for a in e.authors[:5]] == [
        ["corresponding", "equal"],
        ["equal"],
        [],
        ["highlight"],
        [],
    ]
    assert e.with_role("equal") == ("J. Fang", "H. Fang")
    assert (e.venue, e.year, e.month) == ("Proceedings of the Workshop on Names", 2016, 12)
    assert details(e) == "pp. 222–231, Hyderabad, India"


def test_unknown_macro_is_kept_as_text_and_doi_url_is_bare() -> None:
    e = entries("styles.bib")["unknownmacro"]
    assert e.title == r"A \foo{bar} Macro and Bold Text"
    assert e.doi == "10.1016/j.jpdc.2019.12.012"


@pytest.mark.parametrize(
    ("key", "group", "venue", "shown"),
    [
        ("thesis", Group.THESIS, "Tsinghua University", "PhD thesis"),
        ("report", Group.REPORT, "Tencent", "Technical Report TR-2021-07"),
        ("book", Group.BOOK, "Springer", None),
        ("chapter", Group.CHAPTER, "Large Models", "Springer, pp. 1–20"),
        ("patent", Group.PATENT, "Tencent", "CN111898698A"),
        ("github", Group.OTHER, "https://github.com/Tencent/PatrickStar", "Software"),
    ],
)
def test_entry_types(key: str, group: Group, venue: str, shown: str | None) -> None:
    e = entries("styles.bib")[key]
    assert (group_of(e), e.venue, details(e)) == (group, venue, shown)


def test_editors_stand_in_for_missing_authors() -> None:
    book = entries("styles.bib")["book"]
    assert book.authors_are_editors
    assert book.author_names == ("Jiarui Fang", "Yang You")
    assert entries("styles.bib")["report"].et_al


def test_named_and_part_annotations_are_roles() -> None:
    text = """@misc{k, author = {A, B and C, D and E, F}, title = {T}, year = 2020,
      author+an:roles = {2=equal}, author+an = {3:family=student; =whole; 1="literal"}}"""
    (e,) = parse_bibtex(text, Path("x.bib"))
    assert [sorted(a.roles) for a in e.authors] == [[], ["equal"], ["student"]]


@pytest.mark.parametrize("year", ["20x4", "2024a", "999", "3024"])
def test_a_year_is_four_digits_the_cv_can_show(year: str) -> None:
    text = f"@misc{{k, author = {{A, B}}, title = {{T}},\n year = {{{year}}}}}"
    assert problems(text) == [
        (2, "@k", f"year: `{year}` is not a year (write four digits, e.g. 2024)")
    ]


def test_date_gives_year_and_month() -> None:
    text = "@misc{k, author = {A, B}, title = {T}, date = {2024-05-17}}"
    (e,) = parse_bibtex(text, Path("x.bib"))
    assert (e.year, e.month) == (2024, 5)


def test_eprint_without_prefix_and_a_published_article_with_arxiv_link() -> None:
    text = """@article{k, author = {A, B}, title = {T}, year = 2019,
      journal = {Journal of Parallel and Distributed Computing}, eprint = {1808.04357}}"""
    (e,) = parse_bibtex(text, Path("x.bib"))
    assert e.arxiv == "1808.04357"
    assert (
        group_of(e) is Group.JOURNAL and e.venue == "Journal of Parallel and Distributed Computing"
    )


@pytest.mark.parametrize(
    ("keywords", "tags"),
    [
        ("Selected, Machine Learning; HPC", ("selected", "machine-learning", "hpc")),
        ("C++, ok_tag, -bad, Ünïcode, , dup, DUP", ("ok_tag", "dup")),
    ],
)
def test_keywords_become_tags(keywords: str, tags: tuple[str, ...]) -> None:
    assert tags_from_keywords(keywords) == tags


# ---- errors -----------------------------------------------------------------------------


def test_every_problem_of_a_broken_file_with_its_line() -> None:
    with pytest.raises(SchemaError) as info:
        read_bibtex(BIB / "broken.bib")
    got = [(p.location.line, p.location.field) for p in info.value.problems]
    assert got == [
        (10, "@notitle"),
        (16, "@noauthor"),
        (22, "@noyear"),
        (28, "@good"),
        (38, "@macro"),
        (42, "@unclosed"),
        (53, "@afterbroken"),
    ]
    messages = [p.message for p in info.value.problems]
    assert "title" in messages[0]
    assert "author" in messages[1]
    assert "year" in messages[2]
    assert "used again (first at line 3)" in messages[3]
    assert "`tpds`, which is not defined" in messages[4]
    assert "not closed" in messages[5]
    assert "not-a-doi" in messages[6]
    assert all(p.location.file == BIB / "broken.bib" for p in info.value.problems)
    assert str(info.value.problems[0]).startswith(f"{BIB / 'broken.bib'}:10: @notitle:")


def test_an_entry_open_at_the_end_of_the_file() -> None:
    got = problems("@misc{ok, author={A, B}, title={T}, year=2020}\n\n@misc{open, title = {x")
    assert got == [
        (3, "@open", "the entry is not closed before the end of the file (a `}` is missing)")
    ]


def test_field_problems_point_at_their_line() -> None:
    text = "\n".join(
        [
            "@article{k,",
            "  author = {A, B and and C, D},",
            "  title = {T},",
            "  year = {20x4},",
            "  url = {not a url},",
            "  author+an = {9=equal},",
            "  eprint = {xyz}, archiveprefix = {arXiv},",
            "  crossref = {missing},",
            "}",
        ]
    )
    got = [(line, message.split(":")[0]) for line, _, message in problems(text)]
    assert got == [(2, "author"), (4, "year"), (5, "url"), (7, "eprint"), (8, "crossref")]


def test_roles_must_name_an_author() -> None:
    text = "@misc{k, author = {A, B and C, D}, title = {T}, year = 2020,\n author+an = {3=equal}}"
    assert problems(text) == [(2, "@k", "author+an: item 3 is not one of the 2 names")]


def test_duplicate_keys_ignore_case_and_duplicate_fields() -> None:
    text = (
        "@misc{Key, author={A, B}, title={T}, year=2020}\n"
        "@misc{key, author={A, B}, title={T}, year=2020}\n"
        "@misc{k2, author={A, B}, title={T}, title={U}, year=2020}\n"
    )
    got = problems(text)
    assert [(line, field) for line, field, _ in got] == [(2, "@key"), (3, "@k2")]
    assert "used again (first at line 1" in got[0][2]
    assert "`title` is given twice" in got[1][2]


def test_undefined_macro_in_a_string() -> None:
    got = problems('@string{a = b # "x"}\n@misc{k, author={A, B}, title=a, year=2020}')
    assert got == [(1, "@string{a}", "uses the @string macro `b`, which is not defined")]


def test_a_broken_string_is_named_as_one() -> None:
    got = problems('@string{jpdc "x"}\n@misc{k, author={A, B}, title={T}, year=2020}')
    assert [(line, field) for line, field, _ in got] == [(1, "@string{jpdc}")]


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    path = tmp_path / "nope.bib"
    with pytest.raises(InputError) as info:
        read_bibtex(path)
    assert str(info.value) == f"{path}: no such file"


def test_non_utf8_names_the_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "latin1.bib"
    path.write_bytes("@misc{k,\n  author = {M\u00fcller, J},\n}".encode("latin-1"))
    with pytest.raises(InputError) as info:
        read_bibtex(path)
    message = str(info.value)
    assert message.startswith(f"{path}:2:14: not UTF-8 text: byte 0xFC (it looks like Latin-1")


def test_utf8_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.bib"
    path.write_bytes(b"\xef\xbb\xbf@misc{k, author={A, B}, title={T}, year=2020}")
    assert [e.key for e in read_bibtex(path)] == ["k"]


def test_nothing_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SchemaError):
        read_bibtex(BIB / "broken.bib")
    assert capsys.readouterr().err == ""
