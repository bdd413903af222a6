"""data/publications.bib holds the seed's publications, and the CV prints them all.

tests/fixtures/seed_publications.yaml keeps them as they were typed into data/cv.yaml
before they moved to the .bib file; every one must come back from the .bib unchanged.
"""

from __future__ import annotations

from build_cv.schema.model import CV, Publication, PublicationSection
from build_cv.sources.load import load_cv
from tests.conftest import FIXTURES

SECTIONS = ["Selected Publications", "Selected Preprints"]


def publications(cv: CV) -> dict[str, list[Publication]]:
    return {s.title: s.entries for s in cv.sections if isinstance(s, PublicationSection)}


def test_every_seed_publication_comes_from_the_bib_file(default_cv: CV) -> None:
    _, seed = load_cv(FIXTURES / "seed_publications.yaml")
    expected, found = publications(seed), publications(default_cv)
    assert list(found) == SECTIONS
    for title in SECTIONS:
        assert [p.title for p in found[title]] == [p.title for p in expected[title]], title
        for want, got in zip(expected[title], found[title], strict=True):
            assert got.authors == want.authors, want.title
            assert (got.year, got.venue) == (want.year, want.venue), want.title
            assert got.equal_contribution == want.equal_contribution, want.title
            assert (got.arxiv, got.doi, got.url) == (want.arxiv, want.doi, want.url), want.title
            assert got.origin.file is not None and got.origin.file.name == "publications.bib"


def test_selected_papers_carry_the_tag_the_short_cv_picks(default_cv: CV) -> None:
    tagged = [
        p.title for ps in publications(default_cv).values() for p in ps if "selected" in p.tags
    ]
    assert len(tagged) == 7
    assert any(t.startswith("USP") for t in tagged)
