"""The words build-cv adds to a .bib record ("PhD thesis", "pp.", "arXiv preprint") are
the document's language's; what the .bib itself says is printed as written."""

from __future__ import annotations

from pathlib import Path

import pytest

from build_cv.languages import SUPPORTED
from build_cv.locales import read
from build_cv.schema.model import Publication, PublicationSection
from build_cv.sources.bibtex.kinds import is_preprint
from build_cv.sources.load import load_cv

BIB = r"""
@phdthesis{t, A, title = {Parallel Training}, school = {Tsinghua University}, year = 2019}
@mastersthesis{m, A, title = {Stencils}, school = {BUPT}, year = 2014}
@techreport{r, A, title = {A Report}, institution = {Tencent}, number = {TR-7}, year = 2020}
@inproceedings{c, A, title = {swDNN}, booktitle = {IPDPS}, pages = {615--624}, year = 2017}
@article{s, A, title = {One Page}, journal = {Letters}, pages = {7}, year = 2018}
@article{a, A, title = {USP}, journal = {arXiv preprint arXiv:2405.07719}, year = 2024}
@phdthesis{own, A, title = {Typed}, school = {THU}, type = {Doctoral dissertation}, year = 2019}
"""


def publications(tmp_path: Path, language: str | None) -> dict[str, Publication]:
    bib = BIB.replace("A, ", "author = {Fang, Jiarui}, ")
    (tmp_path / "p.bib").write_text(bib, encoding="utf-8")
    yaml = "person: {name: Jiarui Fang}\nupdated: 2024-06-15\n"
    yaml += "sections: [{title: P, kind: publications, bib: p.bib}]\n"
    (tmp_path / "cv.yaml").write_text(yaml, encoding="utf-8")
    _, cv = load_cv(tmp_path / "cv.yaml", language=language)
    (section,) = cv.sections
    assert isinstance(section, PublicationSection)
    return {p.source.key: p for p in section.entries if p.source is not None}


def shown(p: dict[str, Publication]) -> dict[str, str | None]:
    return {k: v.details for k, v in p.items()} | {"venue": p["a"].venue}


def test_english_is_as_before(tmp_path: Path) -> None:
    assert shown(publications(tmp_path, None)) == {
        "t": "PhD thesis",
        "m": "Master's thesis",
        "r": "Technical Report TR-7",
        "c": "pp. 615–624",
        "s": "p. 7",
        "a": None,
        "own": "Doctoral dissertation",
        "venue": "arXiv preprint",
    }


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh", ("博士学位论文", "硕士学位论文", "技术报告 TR-7", "第 615–624 页", "arXiv 预印本")),
        (
            "de",
            (
                "Dissertation",
                "Masterarbeit",
                "Technischer Bericht TR-7",
                "S. 615–624",
                "arXiv-Preprint",
            ),
        ),
    ],
)
def test_the_added_words_are_the_documents_language(
    tmp_path: Path, language: str, expected: tuple[str, ...]
) -> None:
    p = shown(publications(tmp_path, language))
    assert (p["t"], p["m"], p["r"], p["c"], p["venue"]) == expected
    assert p["own"] == "Doctoral dissertation"  # the .bib's own `type`, as written


@pytest.mark.parametrize("tag", sorted(SUPPORTED))
def test_a_translated_preprint_venue_is_still_a_preprint(tag: str) -> None:
    """The venue starts with arXiv in every language, so grouping by type files it under
    Preprints whatever the document's language."""

    class Paper:
        entry_type = "article"
        arxiv = "2405.07719"
        venue = read(tag).labels["arxiv_preprint"]

    assert is_preprint(Paper())
