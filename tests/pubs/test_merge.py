"""Merging records into a .bib: matching, the user's values kept, provenance, keys,
placement, the owner, and the properties (idempotent, order-independent, no duplicate
DOI or arXiv id), on the default data's real file."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from build_cv.schema.bibentry import Name
from build_cv.sources.bibtex.reader import parse_bibtex
from build_cv.sources.pubs import provenance
from build_cv.sources.pubs.detect import normalize
from build_cv.sources.pubs.merge import Owner, Settings, merge
from build_cv.sources.pubs.record import Record
from tests.conftest import DEFAULT_BIB
from tests.pubs.helpers import recorded

BIB = Path("publications.bib")
TODAY = Settings("2026-12-01")
FANG = Name("Jiarui", "", "Fang")
PAPER = Record(
    "crossref",
    "inproceedings",
    "A Test Paper on GPU Serving",
    (FANG, Name("Yang", "", "Yu")),
    2024,
    venue="Proceedings of PPoPP 2024",
    pages="1-14",
    doi="10.5555/3000001.3000002",
)
PREPRINT = Record(
    "arxiv",
    "misc",
    "A Test Paper on GPU Serving",
    (FANG, Name("Yang", "", "Yu")),
    2023,
    arxiv="2312.00002",
)


def entries(text: str) -> dict[str, object]:
    return {e.key: e for e in parse_bibtex(text, BIB)}


def test_a_new_record_becomes_one_entry_with_a_readable_key_and_its_provenance() -> None:
    text, summary = merge("", BIB, [PAPER], TODAY)
    assert summary.new == ["fang2024test"]
    (entry,) = parse_bibtex(text, BIB)
    assert (entry.title, entry.year, entry.doi, entry.pages) == (
        PAPER.title,
        2024,
        PAPER.doi,
        "1–14",
    )
    stamps = provenance.read(text.split("x-source")[1].split("=", 1)[1].split("\n")[0].rstrip(","))
    assert stamps["doi"].source == "crossref" and stamps["doi"].date == "2026-12-01"


def test_matching_goes_by_doi_ignoring_case_then_arxiv_id_without_version() -> None:
    start = (
        "@article{mine, author = {Fang, Jiarui}, title = {{Another Title}}, journal = {J},"
        " year = {2020}, doi = {10.5555/3000001.3000002}}\n"
        "@misc{pre, author = {Fang, Jiarui}, title = {{Other}}, year = {2023},"
        " eprint = {2312.00002v3}, archiveprefix = {arXiv}}\n"
    )
    upper = replace(PAPER, doi="10.5555/3000001.3000002".upper())
    text, summary = merge(start, BIB, [upper, PREPRINT], TODAY)
    assert summary.new == [] and len(parse_bibtex(text, BIB)) == 2
    assert "mine: title" in summary.kept and "pre: title" in summary.kept


def test_a_dblp_key_and_a_title_with_year_match_too() -> None:
    start = (
        "@inproceedings{DBLP:conf/x/A24, author = {Fang, Jiarui}, title = {{Zzz}},"
        " booktitle = {X}, year = {2024}}\n"
        "@inproceedings{hand, author = {Fang, Jiarui}, title = {{Memory Management, for TESTS}},"
        " booktitle = {Y}, year = {2023}}\n"
    )
    by_key = Record(
        "dblp", "inproceedings", "Else", (FANG,), 2024, venue="X", dblp_key="conf/x/A24"
    )
    by_title = Record(
        "dblp", "inproceedings", "Memory management for tests", (FANG,), 2023, venue="Y"
    )
    text, summary = merge(start, BIB, [by_key, by_title], TODAY)
    assert summary.new == [] and len(parse_bibtex(text, BIB)) == 2


def test_a_preprint_later_published_becomes_one_entry_with_its_arxiv_id_kept() -> None:
    start = (
        "% my preprint\n@article{mine,\n  author  = {Fang, Jiarui and Yu, Yang},\n"
        "  title   = {{A Test Paper on GPU Serving}},\n"
        "  journal = {arXiv preprint arXiv:2312.00002},\n  year    = {2023},\n}\n"
    )
    text, summary = merge(start, BIB, [PAPER], TODAY)
    (entry,) = parse_bibtex(text, BIB)
    assert summary.updated == ["mine"] and summary.new == []
    assert entry.entry_type == "inproceedings" and entry.venue == "Proceedings of PPoPP 2024"
    assert (entry.year, entry.arxiv, entry.doi) == (2024, "2312.00002", PAPER.doi)
    assert text.startswith("% my preprint\n@inproceedings{mine,")


def test_a_preprint_record_adds_only_its_id_to_the_published_entry() -> None:
    text, _ = merge("", BIB, [PAPER], TODAY)
    after, summary = merge(text, BIB, [PREPRINT], TODAY)
    (entry,) = parse_bibtex(after, BIB)
    assert summary.updated == ["fang2024test"]
    assert (entry.entry_type, entry.year, entry.arxiv) == ("inproceedings", 2024, "2312.00002")


def test_a_hand_typed_value_wins_unless_update_names_it() -> None:
    start = (
        "@inproceedings{mine, author = {Fang, Jiarui and Yu, Yang}, title = {{My Title}},"
        " booktitle = {PPoPP}, pages = {1--15}, year = {2024}, doi = {10.5555/3000001.3000002}}\n"
    )
    text, summary = merge(start, BIB, [PAPER], TODAY)
    assert entries(text)["mine"].pages == "1–15"  # type: ignore[attr-defined]
    assert sorted(summary.kept) == ["mine: booktitle", "mine: pages", "mine: title"]
    forced, _ = merge(start, BIB, [PAPER], Settings("2026-12-01", frozenset({"pages", "venue"})))
    mine = entries(forced)["mine"]
    assert (mine.pages, mine.venue) == ("1–14", "Proceedings of PPoPP 2024")  # type: ignore[attr-defined]


def test_an_imported_value_is_replaced_by_a_better_source_an_edited_one_is_not() -> None:
    worse = replace(PAPER, source="openalex", pages="1-99", venue="PPoPP")
    text, _ = merge("", BIB, [worse], TODAY)
    better, _ = merge(text, BIB, [PAPER], TODAY)
    assert entries(better)["fang2024test"].pages == "1–14"  # type: ignore[attr-defined]
    edited = text.replace("1--99", "1--98")
    kept, summary = merge(edited, BIB, [PAPER], TODAY)
    assert entries(kept)["fang2024test"].pages == "1–98"  # type: ignore[attr-defined]
    assert "fang2024test: pages" in summary.kept


def test_new_keys_never_collide() -> None:
    start = "@misc{fang2024test, author = {X, Y}, title = {{T}}, year = {2024}}\n"
    other = replace(PAPER, title="A Test of Something Else", doi="10.5555/other")
    text, summary = merge(start, BIB, [PAPER, other], TODAY)
    assert len(set(summary.new)) == 2 and "fang2024test" not in summary.new
    assert len({e.key.lower() for e in parse_bibtex(text, BIB)}) == 3


def test_new_entries_go_before_the_first_older_one_with_its_comments_above_it() -> None:
    text = DEFAULT_BIB.read_text("utf-8")
    after, _ = merge(text, BIB, [replace(PAPER, year=2022)], TODAY)
    at = after.index("@inproceedings{fang2022test")
    # newest first, then by key: after fang2022parallel, before su2021rocbert and the
    # comment about it
    comment = after.index("% To be confirmed by the CV owner: the 60th Annual Meeting")
    assert after.index("@article{fang2022parallel") < at < comment
    # every line of the file is still there, in order
    lines = iter(after.splitlines())
    assert all(line in lines for line in text.splitlines())


def test_records_that_do_not_list_the_owner_are_reported_and_left_out_on_request() -> None:
    stranger = replace(
        PAPER, authors=(Name("Ada", "", "Lovelace"),), doi="10.5555/x", title="Engines"
    )
    namesake = replace(
        PAPER,
        doi="10.5555/y",
        title="Namesake",
        author_ids=(frozenset({"dblp:1/2"}),),
        authors=(FANG,),
    )
    owner = Owner("Jiarui Fang", (), frozenset({"dblp:153/7632"}))
    _, summary = merge("", BIB, [PAPER, stranger, namesake], Settings("2026-12-01", owner=owner))
    assert len(summary.new) == 3 and len(summary.not_yours) == 2
    only = Settings("2026-12-01", owner=owner, owner_only=True)
    _, summary = merge("", BIB, [PAPER, stranger, namesake], only)
    assert summary.new == ["fang2024test"] and len(summary.skipped) == 2


def test_hostile_text_lands_literal_and_brace_balanced() -> None:
    hostile = "}{\\input{/etc/passwd} $x^2$ <script>alert(1)</script> % # & ~ _ {"
    record = replace(PAPER, title=hostile, venue="\\def\\x{y}}", authors=(Name("A}", "", "B{"),))
    text, _ = merge("", BIB, [record], TODAY)
    (entry,) = parse_bibtex(text, BIB)
    assert entry.title == hostile and entry.venue == "\\def\\x{y}}"
    assert entry.authors[0].name == Name("A}", "", "B{")


def test_importing_the_recorded_answers_into_the_default_data_twice_changes_nothing() -> None:
    text = DEFAULT_BIB.read_text("utf-8")
    records = [
        r
        for name in (
            "dblp-person.xml",
            "crossref-work.json",
            "arxiv-feed.xml",
            "openalex-page1.json",
        )
        for r in normalize(recorded(name), name)[1].records
    ]
    once, summary = merge(text, BIB, records, TODAY)
    assert len(summary.new) == 3  # the test paper, the preprint, the journal paper
    again, summary = merge(once, BIB, records, TODAY)
    assert again == once and summary.new == summary.updated == []


# ---- properties -------------------------------------------------------------------------

TITLES = ["Alpha Systems", "Bravo Compilers", "Charlie Networks", "Delta Storage", "Echo Graphs"]
SURNAMES = ["Fang", "Cheng", "Zhao", "Li", "You"]
SOURCES = ["crossref", "dblp", "openalex", "orcid", "arxiv", "bibtex"]


@st.composite
def records(draw: st.DrawFn, published: bool | None = None) -> Record:
    """A record of one of five papers, as one source sees it: the same paper is matched by
    its id or title whatever else the sources disagree on (venue, pages, title case)."""
    n = draw(st.integers(0, len(TITLES) - 1))
    source = draw(st.sampled_from(SOURCES))
    is_published = draw(st.booleans()) if published is None else published
    title = TITLES[n] if draw(st.booleans()) else TITLES[n].upper()
    authors = (Name("A", "", SURNAMES[n]), *draw(st.sampled_from([(), (FANG,)])))
    year = 2020 + n
    if not is_published:
        return Record(source, "misc", title, authors, year, arxiv=f"2{n}01.0000{n}")
    return Record(
        source,
        # one type per paper: which source's type an entry keeps is decided by the first
        # import (docs/publications.md, "Limits")
        "inproceedings" if n % 2 else "article",
        title,
        authors,
        year,
        venue=draw(st.sampled_from(["Venue", "Other Venue", None])),
        pages=draw(st.sampled_from([None, "1-10", "2-20"])),
        doi=draw(st.sampled_from([f"10.5555/p{n}", None])),
        arxiv=draw(st.sampled_from([f"2{n}01.0000{n}", None])),
    )


STARTS = ["", DEFAULT_BIB.read_text("utf-8")]


def ids_unique(text: str) -> bool:
    read = parse_bibtex(text, BIB)
    dois = [e.doi.lower() for e in read if e.doi]
    arxivs = [e.arxiv for e in read if e.arxiv]
    return len(dois) == len(set(dois)) and len(arxivs) == len(set(arxivs))


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(STARTS), st.lists(records(), max_size=8), st.randoms())
def test_merging_is_idempotent_order_independent_and_never_duplicates(
    start: str, batch: list[Record], rng: object
) -> None:
    once, _ = merge(start, BIB, batch, TODAY)
    assert merge(once, BIB, batch, TODAY)[0] == once
    shuffled = list(batch)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    assert merge(start, BIB, shuffled, TODAY)[0] == once
    assert ids_unique(once)
    titles = [e.title.casefold() for e in parse_bibtex(once, BIB)]
    assert len(titles) == len(set(titles))


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(STARTS),
    st.lists(records(published=True), max_size=5),
    st.lists(records(published=True), max_size=5),
)
def test_importing_sources_one_after_the_other_in_either_order_gives_the_same_file(
    start: str, first: list[Record], second: list[Record]
) -> None:
    a, _ = merge(merge(start, BIB, first, TODAY)[0], BIB, second, TODAY)
    b, _ = merge(merge(start, BIB, second, TODAY)[0], BIB, first, TODAY)
    assert a == b
    assert ids_unique(a)


def test_an_entry_whose_fields_an_import_replaced_keeps_its_alignment() -> None:
    """Found by the property above: DBLP wrote an aligned entry, Crossref then replaced
    all its fields but `year`, and the one field left decided the layout: the fields
    written again lost their alignment, so the two orders gave different files."""
    crossref = Record(
        "crossref",
        "inproceedings",
        "Bravo Compilers",
        (Name("A", "", "Cheng"),),
        2021,
        "Venue",
        doi="10.5555/p1",
        arxiv="2101.00001",
    )
    dblp = Record(
        "dblp",
        "inproceedings",
        "BRAVO COMPILERS",
        (Name("A", "", "Cheng"), FANG),
        2021,
        "Other Venue",
    )
    a, _ = merge(merge("", BIB, [crossref], TODAY)[0], BIB, [dblp], TODAY)
    b, _ = merge(merge("", BIB, [dblp], TODAY)[0], BIB, [crossref], TODAY)
    assert a == b
    assert "\n  author    = {Cheng, A}," in b
