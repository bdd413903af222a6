from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from build_cv.schema.bibentry import BibAuthor, BibEntry
from build_cv.sources.bibtex.export import citation_key, format_bibtex, write_bibtex
from build_cv.sources.bibtex.kinds import PREPRINT_VENUE, Group, details, group_of
from build_cv.sources.bibtex.names import parse_display_name
from build_cv.sources.bibtex.reader import parse_bibtex, read_bibtex
from tests.conftest import ROOT

BIB = ROOT / "tests" / "fixtures" / "bib"
# scholar-crowell.bib is a raw Scholar export that is meant to report its problems.
UNREADABLE = {"broken.bib", "scholar-crowell.bib"}
READABLE = sorted(p.name for p in BIB.glob("*.bib") if p.name not in UNREADABLE)


@pytest.mark.parametrize("name", READABLE)
def test_export_reads_back_to_equal_entries(name: str) -> None:
    entries = read_bibtex(BIB / name)
    again = parse_bibtex(format_bibtex(entries), Path("out.bib"))
    assert again == entries
    assert [details(e) for e in again] == [details(e) for e in entries]
    assert [group_of(e) for e in again] == [group_of(e) for e in entries]


def authors(*names: str, equal: tuple[str, ...] = ()) -> tuple[BibAuthor, ...]:
    return tuple(
        BibAuthor(parse_display_name(n), frozenset({"equal"} if n in equal else set()))
        for n in names
    )


PIPEFUSION = BibEntry(
    key="",
    entry_type="misc",
    title="PipeFusion: Displaced Patch Pipeline Parallelism for Inference of Diffusion "
    "Transformer Models",
    authors=authors(
        "Jiannan Wang",
        "Jiarui Fang",
        "Aoyu Li",
        "PengCheng Yang",
        equal=("Jiannan Wang", "Jiarui Fang"),
    ),
    year=2024,
    venue=PREPRINT_VENUE,
    arxiv="2405.14430",
    tags=("selected", "mlsys"),
)
TRICKY = BibEntry(
    key="tricky",
    entry_type="inproceedings",
    title="A & B: 50% of $5 -- {really} \\foo",
    authors=authors("Martin Luther King, Jr.", "Ludwig van Beethoven", "A & B Lab"),
    year=2016,
    venue="IEEE 23rd International Conference on High-Performance Computing (HiPC 16')",
    note="pp. 222-231, Hyderabad, India",
)


def test_an_entry_made_from_yaml_round_trips() -> None:
    text = format_bibtex([PIPEFUSION, TRICKY])
    again = parse_bibtex(text, Path("out.bib"))
    assert again[1] == TRICKY
    assert again[0] == replace(PIPEFUSION, key=again[0].key)
    assert again[0].with_role("equal") == ("Jiannan Wang", "Jiarui Fang")
    assert group_of(again[0]) is Group.PREPRINT
    assert details(again[1]) == "pp. 222-231, Hyderabad, India"


def test_the_written_fields() -> None:
    text = format_bibtex([PIPEFUSION, TRICKY])
    assert "@misc{wang2024pipefusion,\n" in text
    assert "  author = {Wang, Jiannan and Fang, Jiarui and Li, Aoyu and Yang, PengCheng},\n" in text
    assert "  author+an = {1=equal; 2=equal},\n" in text
    assert "  title = {{PipeFusion: Displaced Patch" in text
    assert "  eprint = {2405.14430},\n  archiveprefix = {arXiv},\n" in text
    assert "  keywords = {selected, mlsys},\n" in text
    assert (
        r"  title = {{A \& B: 50\% of \$5 -{}- "
        r"\textbraceleft{}really\textbraceright{} \textbackslash{}foo}}," in text
    )
    assert (
        "  author = {King, Jr., Martin Luther and van Beethoven, Ludwig and Lab, A \\& B},\n"
        in text
    )


def test_keys_are_stable_and_unique() -> None:
    twin = replace(PIPEFUSION, title="PipeFusion Two")
    text = format_bibtex([PIPEFUSION, twin, PIPEFUSION])
    keys = [line.split("{")[1].rstrip(",") for line in text.splitlines() if line.startswith("@")]
    assert keys == ["wang2024pipefusion", "wang2024pipefusiona", "wang2024pipefusionb"]
    assert citation_key(PIPEFUSION) == citation_key(replace(PIPEFUSION, tags=()))


def test_non_ascii_is_written_as_utf8(tmp_path: Path) -> None:
    entry = BibEntry(
        key="k",
        entry_type="article",
        title="Café α",
        authors=authors("Jörg Müller", "方佳瑞"),
        year=2020,
        venue="Journal",
        volume="3",
        pages="1–2",
        month=7,
        doi="10.1145/3437801.3441578",
        url="https://example.org/a_b",
    )
    path = tmp_path / "out.bib"
    write_bibtex([entry], path)
    text = path.read_text("utf-8")
    assert "{{Café α}}" in text and "Müller, Jörg and 方佳瑞" in text
    assert "  pages = {1--2},\n" in text and "  month = jul,\n" in text
    assert read_bibtex(path) == (entry,)
