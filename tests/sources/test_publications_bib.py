"""data/publications.bib holds the same publications as data/cv.yaml, entry for entry."""

from __future__ import annotations

from build_cv.schema.model import CV, Publication, PublicationSection
from build_cv.sources.bibtex import read_bibtex
from tests.conftest import ROOT

SECTIONS = ("Selected Publications", "Selected Preprints")


def yaml_publications(cv: CV) -> list[Publication]:
    sections = [s for s in cv.sections if isinstance(s, PublicationSection)]
    assert sorted(s.title for s in sections) == sorted(SECTIONS)
    return [p for s in sections for p in s.entries]


def test_every_yaml_publication_is_in_the_bib_file(default_cv: CV) -> None:
    by_title = {e.title: e for e in read_bibtex(ROOT / "data" / "publications.bib")}
    publications = yaml_publications(default_cv)
    assert len(by_title) == len(publications)
    for pub in publications:
        entry = by_title.get(pub.title)
        assert entry is not None, f"no entry titled {pub.title!r}"
        assert entry.author_names == tuple(pub.authors), pub.title
        assert (entry.year, entry.venue) == (pub.year, pub.venue), pub.title
        assert entry.with_role("equal") == tuple(pub.equal_contribution), pub.title
        assert entry.arxiv == pub.arxiv, pub.title
        assert (entry.doi, entry.url) == (pub.doi, pub.url), pub.title
        assert not entry.tags, pub.title
