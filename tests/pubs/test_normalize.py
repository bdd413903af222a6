"""Each normalizer on a recorded answer gives its golden records (tests/fixtures/pubs/),
and on a real-world DBLP BibTeX export what the .bib reader reads of it."""

from __future__ import annotations

import json
import os

import pytest

from build_cv.sources.pubs.detect import detect, normalize
from tests.conftest import FIXTURES
from tests.pubs.helpers import golden, golden_path, recorded

CASES = [
    ("dblp-person.xml", "dblp"),
    ("orcid-works.json", "orcid"),
    ("orcid-bulk.json", "orcid"),
    ("crossref-work.json", "crossref"),
    ("crossref-search.json", "crossref"),
    ("arxiv-feed.xml", "arxiv"),
    ("openalex-page1.json", "openalex"),
    ("openalex-page2.json", "openalex"),
]


@pytest.mark.parametrize(("name", "fmt"), CASES)
def test_each_recorded_answer_normalizes_to_its_golden_records(name: str, fmt: str) -> None:
    data = recorded(name)
    assert detect(data, name) == fmt
    found = golden(normalize(data, name)[1])
    path = golden_path(name)
    if os.environ.get("BUILD_CV_REGOLD"):  # after reviewing a normalizer's change
        path.write_text(json.dumps(found, indent=2, ensure_ascii=False) + "\n", "utf-8")
    assert found == json.loads(path.read_text("utf-8"))


def test_a_real_dblp_bibtex_export_is_recognized_and_keeps_its_dblp_keys() -> None:
    path = FIXTURES / "bib" / "dblp-limaye.bib"
    fmt, parsed = normalize(path.read_bytes(), str(path))
    assert fmt == "bibtex"
    assert len(parsed.records) == 12
    first = parsed.records[0]
    assert first.dblp_key == "journals/algorithmica/ChauguleL24"
    assert first.title.startswith("On The Closures of Monotone Algebraic Classes")
    assert [n.last for n in first.authors] == ["Chaugule", "Limaye"]
    assert first.fields()["biburl"] == "https://dblp.org/rec/journals/algorithmica/ChauguleL24.bib"


def test_dblp_drops_the_titles_full_stop_and_a_homonyms_number() -> None:
    parsed = normalize(recorded("dblp-person.xml"), "p.xml")[1]
    paper = parsed.records[0]
    assert paper.title == "A Test Paper on GPU Serving"
    assert paper.authors[1].display == "Yang Yu"
    assert paper.author_ids[0] == {"dblp:153/7632", "orcid:0000-0002-1825-0097"}


def test_a_corr_article_is_a_preprint_and_arxivs_doi_is_its_id() -> None:
    parsed = normalize(recorded("dblp-person.xml"), "p.xml")[1]
    corr = next(r for r in parsed.records if r.dblp_key == "journals/corr/abs-2401-00001")
    assert corr.preprint and corr.arxiv == "2401.00001" and corr.doi is None


def test_arxiv_strips_the_version_and_joins_the_wrapped_title() -> None:
    parsed = normalize(recorded("arxiv-feed.xml"), "a.xml")[1]
    assert parsed.records[0].arxiv == "2401.00001"
    assert parsed.records[0].title == "Long Sequences with Chunked Attention -- A Preprint"
    assert parsed.records[1].doi == "10.5555/3000001.3000002"


def test_crossref_drops_jats_markup_but_not_other_tags() -> None:
    parsed = normalize(recorded("crossref-work.json"), "c.json")[1]
    assert parsed.records[0].title == "A Test Paper on GPU Serving"
    work = json.loads(recorded("crossref-work.json"))
    work["message"]["title"] = ["<script>x</script> and <i>y</i>"]
    again = normalize(json.dumps(work).encode(), "c.json")[1]
    assert again.records[0].title == "<script>x</script> and y"


def test_orcid_summaries_name_no_authors_but_the_owner_who_lists_them() -> None:
    parsed = normalize(recorded("orcid-works.json"), "o.json")[1]
    assert all(not r.authors for r in parsed.records)
    assert {r.listed_by for r in parsed.records} == {"orcid:0000-0002-1825-0097"}


def test_orcid_details_leave_out_an_editor() -> None:
    parsed = normalize(recorded("orcid-bulk.json"), "o.json")[1]
    assert [a.display for a in parsed.records[0].authors] == [
        "Jiarui Fang",
        "Yang Yu",
        "Chengduo Zhao",
    ]
