"""A value the .bib reader derives from a field is hidden with that field.

The reader finds an arXiv id in `url`, `journal`, `doi`, `volume`, `note` or
`howpublished` when no `eprint` gives it. A variant that hides the field the id came from
(`publications.url`, ...) must not print the id, nor link to it, in any format.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from build_cv.schema.model import CV, Publication, PublicationSection
from build_cv.sources.bib_section import SHOWN_IN
from build_cv.sources.bibtex.reader import ARXIV_SOURCES
from build_cv.sources.load import load_cv
from build_cv.variants import select
from tests.render import render_document, tex_for

ID = "2405.14430"
# One entry per field the id may be found in, that field holding it, nothing else.
ENTRIES = {
    "url": f"@inproceedings{{k, booktitle = {{ICML}}, url = {{https://arxiv.org/abs/{ID}}},",
    "journal": f"@article{{k, journal = {{arXiv preprint arXiv:{ID}}},",
    "doi": f"@inproceedings{{k, booktitle = {{ICML}}, doi = {{10.48550/arXiv.{ID}}},",
    "volume": f"@article{{k, journal = {{CoRR}}, volume = {{abs/{ID}}},",
    "note": f"@inproceedings{{k, booktitle = {{ICML}}, note = {{Also arXiv:{ID}}},",
    "howpublished": f"@misc{{k, howpublished = {{arXiv:{ID}}},",
}
TAIL = " author = {Fang, Jiarui}, title = {Unified Sequence Parallelism}, year = {2024}}\n"
FORMATS = ("html", "md", "txt", "json", "bib")


def load(tmp_path: Path, entry: str, hide: list[str]) -> CV:
    (tmp_path / "papers.bib").write_text(entry + TAIL, encoding="utf-8")
    data = {
        "person": {"name": "Jiarui Fang"},
        "updated": "2024-06-15",
        "sections": [{"title": "Papers", "kind": "publications", "bib": "papers.bib"}],
        "variants": {"v": {"hide": hide}},
    }
    path = tmp_path / "cv.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    return load_cv(path)[1]


def paper(cv: CV) -> Publication:
    section = cv.sections[0]
    assert isinstance(section, PublicationSection)
    return section.entries[0]


def outputs(cv: CV) -> dict[str, str]:
    return {"tex": tex_for(cv), **{fmt: render_document(fmt, cv) for fmt in FORMATS}}


def test_every_field_an_id_is_read_from_names_the_field_that_shows_it() -> None:
    assert set(SHOWN_IN) == set(ARXIV_SOURCES) == set(ENTRIES)


@pytest.mark.parametrize("source", ARXIV_SOURCES)
def test_an_arxiv_id_taken_from_a_hidden_field_is_hidden_too(tmp_path: Path, source: str) -> None:
    hidden = f"publications.{SHOWN_IN[source]}"
    cv = load(tmp_path, ENTRIES[source], [hidden])
    assert paper(cv).arxiv == ID, "the reader takes the id from this field"
    assert all(ID in text for text in outputs(cv).values()), "the full CV shows it"

    selection = select(cv, "v")
    assert paper(selection.cv).arxiv is None
    assert ("publications.arxiv", ID) not in [(h.field, h.value) for h in selection.hidden]
    assert (hidden, ID) in [(h.field, h.value) for h in selection.hidden]
    shown = [fmt for fmt, text in outputs(selection.cv).items() if ID in text]
    assert shown == []


def test_an_id_given_as_its_own_eprint_stays_when_the_url_is_hidden(tmp_path: Path) -> None:
    entry = (
        f"@misc{{k, eprint = {{{ID}}}, archivePrefix = {{arXiv}}, "
        "url = {https://example.org/paper},"
    )
    selection = select(load(tmp_path, entry, ["publications.url"]), "v")
    assert paper(selection.cv).arxiv == ID
    assert paper(selection.cv).url is None
