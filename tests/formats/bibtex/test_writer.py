"""--format bib: every publication, from YAML or a .bib, as BibTeX that reads back equal."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from build_cv.formats.bibtex.writer import write_bibtex
from build_cv.pipeline.leakcheck import exposures, secrets_of
from build_cv.schema.model import CV, SELECTION_FIELDS, Publication, PublicationSection
from build_cv.sources.bibtex.kinds import details
from build_cv.sources.bibtex.reader import parse_bibtex
from build_cv.sources.load import load_cv
from build_cv.sources.variant_names import problems
from build_cv.variants import select
from tests.conftest import FIXTURES


def publications(cv: CV) -> list[Publication]:
    return [p for s in cv.sections if isinstance(s, PublicationSection) for p in s.entries]


@pytest.mark.parametrize("source", ["data", "yaml"])
def test_export_reads_back_to_the_same_publications(default_cv: CV, source: str) -> None:
    cv = default_cv if source == "data" else load_cv(FIXTURES / "seed_publications.yaml")[1]
    text = write_bibtex(cv)
    back = parse_bibtex(text, Path("export.bib"))
    originals = publications(cv)
    assert len(back) == len(originals) == 17
    for entry, pub in zip(back, originals, strict=True):
        assert entry.title == pub.title
        assert entry.author_names == tuple(pub.authors)
        assert (entry.year, entry.venue) == (pub.year, pub.venue)
        assert entry.with_role("equal") == tuple(pub.equal_contribution)
        assert entry.arxiv == pub.arxiv
        assert details(entry) == pub.details
        assert set(entry.tags) == set(pub.tags)


def test_a_variant_exports_only_what_it_selects(default_cv: CV) -> None:
    short = select(default_cv, "short").cv
    back = parse_bibtex(write_bibtex(short), Path("short.bib"))
    assert len(back) == 7 and all("selected" in e.tags for e in back)


BIB = r"""@article{fang2022,
  author = {Fang, Jiarui and Zhu, Zilin},
  author+an = {1=equal; 2=equal},
  title = {Parallel Training via Chunk-based Memory},
  journal = {IEEE Transactions on Parallel and Distributed Systems},
  volume = {34}, number = {1}, pages = {304--315},
  year = {2022},
  doi = {10.1109/TPDS.2022.3219819},
  url = {https://example.org/draft-only-for-committees},
  eprint = {2108.05818}, archivePrefix = {arXiv},
}
"""


@pytest.mark.parametrize(
    ("hidden", "absent"),
    [
        ("url", ["example.org/draft-only-for-committees"]),
        ("doi", ["10.1109/TPDS.2022.3219819"]),
        ("arxiv", ["2108.05818"]),
        ("venue", ["Parallel and Distributed"]),
        ("details", ["volume", "pages", "304"]),
        ("equal_contribution", ["author+an", "equal"]),
    ],
)
def test_a_field_a_variant_hides_is_not_in_its_bib_export(
    tmp_path: Path, hidden: str, absent: list[str]
) -> None:
    """An entry read from a .bib is exported from its full record; what the variant
    hides must still be missing from it, as from every other output."""
    (tmp_path / "papers.bib").write_text(BIB, encoding="utf-8")
    data = tmp_path / "cv.yaml"
    data.write_text(
        "person: {name: Jiarui Fang}\nupdated: 2024-06-15\n"
        "sections:\n  - {title: Publications, kind: publications, bib: papers.bib}\n"
        f"variants:\n  public: {{hide: [publications.{hidden}]}}\n",
        encoding="utf-8",
    )
    cv = load_cv(data)[1]
    full, public = write_bibtex(cv), write_bibtex(select(cv, "public").cv)
    for text in absent:
        assert text in full
        assert text not in public
    (entry,) = parse_bibtex(public, Path("public.bib"))
    assert entry.title == "Parallel Training via Chunk-based Memory"


def test_yaml_entries_get_a_type_and_keys_that_do_not_churn() -> None:
    cv = load_cv(FIXTURES / "seed_publications.yaml")[1]
    text = write_bibtex(cv)
    assert text == write_bibtex(cv)
    assert "@article{fang2022parallel," in text  # IEEE Transactions: a journal
    assert "@inproceedings{cheng2023fastfold," in text
    assert "@misc{wang2024pipefusion," in text and "archiveprefix = {arXiv}" in text


# Every publication field a variant may hide, and how a .bib export would still show it:
# `fields` are one exported entry's fields by name. A new hideable field fails
# test_every_hideable_field_has_a_row until it gets one here.
FULL_BIB = r"""@article{fang2022,
  author = {Fang, Jiarui and Hidden, Harriet and others},
  author+an = {1=equal; 2=equal,corresponding},
  title = {Parallel Training via Chunk-based Memory},
  journal = {IEEE Transactions on Parallel and Distributed Systems},
  volume = {34}, number = {1}, pages = {304--315}, note = {Invited paper},
  year = {2022},
  doi = {10.1109/TPDS.2022.3219819},
  url = {https://example.org/draft-only-for-committees},
  eprint = {2108.05818}, archivePrefix = {arXiv},
  representative = {true}, contribution = {I designed the memory manager.},
  credit = {software, methodology}, dfg_category = {A}, ccf = {A}, ccf_edition = {2022},
  citations = {120}, citations_source = {Google Scholar}, citations_as_of = {2026-11},
}
"""
TYPED = {
    "title": "Typed Paper",
    "authors": ["Jiarui Fang", "Harriet Hidden"],
    "et_al": True,
    "venue": "Journal of Typed Things",
    "year": 2023,
    "details": "7(2): 11–19",
    "equal_contribution": ["Jiarui Fang", "Harriet Hidden"],
    "corresponding": ["Harriet Hidden"],
    "arxiv": "2301.00001",
    "doi": "10.1000/typed.1",
    "url": "https://example.org/typed",
}
PDF_ONLY = {"title": "Only a PDF", "authors": ["Jiarui Fang"], "year": 2021}
PDF_ONLY["pdf"] = "https://example.org/only.pdf"
SHOWS: dict[str, Callable[[dict[str, str]], bool]] = {
    "authors": lambda f: "author" in f or "editor" in f,
    "venue": lambda f: "journal" in f or "booktitle" in f or "howpublished" in f,
    "details": lambda f: bool({"volume", "number", "pages", "note"} & set(f)),
    "et_al": lambda f: "others" in f.get("author", ""),
    "equal_contribution": lambda f: "equal" in f.get("author+an", ""),
    "corresponding": lambda f: "corresponding" in f.get("author+an", ""),
    "arxiv": lambda f: "eprint" in f,
    "doi": lambda f: "doi" in f,
    "url": lambda f: "example.org/typed" in f.get("url", "") or "draft" in f.get("url", ""),
    "pdf": lambda f: "only.pdf" in f.get("url", ""),
    "representative": lambda f: "representative" in f,
    "contribution": lambda f: "contribution" in f,
    "credit": lambda f: "credit" in f,
    "dfg_category": lambda f: "dfg_category" in f,
    "ranks": lambda f: "ccf" in f,
    "citations": lambda f: "citations" in f,
}
# A BibTeX entry needs a type: hiding `entry_type` only stops the grouping by type.
NOT_EXPORTED = {"entry_type"}


def hideable_publication_fields() -> list[str]:
    return [
        name
        for name, info in Publication.model_fields.items()
        if not info.is_required() and name not in SELECTION_FIELDS
    ]


def exported_fields(text: str) -> list[dict[str, str]]:
    """Each entry's fields as the exporter writes them, one `name = {value},` a line."""
    entries = []
    for block in text.split("\n@"):
        fields = re.findall(r"^  (\S+) = \{?(.*?)\}?,$", block, re.MULTILINE)
        entries.append(dict(fields))
    return entries


def test_every_hideable_field_has_a_row() -> None:
    assert set(hideable_publication_fields()) == set(SHOWS) | NOT_EXPORTED


@pytest.mark.parametrize("hidden", sorted(SHOWS))
def test_no_field_a_variant_hides_is_in_its_bib_export(tmp_path: Path, hidden: str) -> None:
    """Entries read from a .bib are exported from their full record, typed ones from the
    model: in both, what the variant hides is missing, and the leak check agrees."""
    (tmp_path / "papers.bib").write_text(FULL_BIB, encoding="utf-8")
    data = {
        "person": {"name": "Jiarui Fang"},
        "updated": "2024-06-15",
        "sections": [
            {"title": "From a .bib", "kind": "publications", "bib": "papers.bib"},
            {"title": "Typed", "kind": "publications", "entries": [TYPED, PDF_ONLY]},
        ],
        "variants": {"public": {"hide": [f"publications.{hidden}"]}},
    }
    (tmp_path / "cv.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    cv = load_cv(tmp_path / "cv.yaml")[1]
    assert problems(cv) == []
    selection = select(cv, "public")
    full, public = write_bibtex(cv), write_bibtex(selection.cv)
    assert any(SHOWS[hidden](f) for f in exported_fields(full))
    assert not any(SHOWS[hidden](f) for f in exported_fields(public)), public
    assert exposures("bib", public, secrets_of(selection)) == []
    assert "Parallel Training via Chunk-based Memory" in public


KEYED = r"""@article{hiddenharriet2020paper,
  author = {Hidden, Harriet and Zulu, Zed},
  title = {Paper One}, journal = {Journal of Things}, year = 2020,
  doi = {10.1000/things.2020.1}, url = {https://example.org/paper-one},
}
@article{DBLP:journals/corr/abs-2101-00042,
  author = {Zulu, Zed}, title = {A Preprint}, journal = {CoRR}, year = 2021,
  eprint = {2101.00042}, archivePrefix = {arXiv},
}
"""


def keyed_cv(tmp_path: Path, hide: str) -> CV:
    (tmp_path / "p.bib").write_text(KEYED, encoding="utf-8")
    data = tmp_path / "cv.yaml"
    data.write_text(
        "person: {name: Zed Zulu}\nupdated: 2024-06-15\n"
        "sections:\n  - {title: Publications, kind: publications, bib: p.bib}\n"
        f"variants:\n  v: {{hide: [{hide}]}}\n",
        encoding="utf-8",
    )
    return load_cv(data)[1]


@pytest.mark.parametrize(
    "hide", ["publications.authors", "publications.arxiv", "publications.url", "publications.doi"]
)
def test_a_variant_hiding_a_publication_field_exports_neutral_keys(
    tmp_path: Path, hide: str
) -> None:
    """`hiddenharriet2020paper` spelled a hidden co-author; a DBLP key a hidden arXiv id."""
    cv = keyed_cv(tmp_path, hide)
    selection = select(cv, "v")
    text = write_bibtex(selection.cv, secrets_of(selection))
    keys = re.findall(r"^@\w+\{([^,]*),", text, re.MULTILINE)
    assert keys == ["pub1", "pub2"]
    assert "hiddenharriet" not in text and "2101-00042" not in text
    assert exposures("bib", text, secrets_of(selection)) == []


def test_the_full_cv_and_a_variant_hiding_nothing_of_them_keep_their_keys(tmp_path: Path) -> None:
    cv = keyed_cv(tmp_path, "person.email")
    for shown in (cv, select(cv, "v").cv):
        keys = re.findall(r"^@\w+\{([^,]*),", write_bibtex(shown), re.MULTILINE)
        assert keys == ["DBLP:journals/corr/abs-2101-00042", "hiddenharriet2020paper"]


def test_a_key_made_of_any_hidden_value_is_replaced(tmp_path: Path) -> None:
    """A referee hidden from the variant who is also a co-author named in a key."""
    from build_cv.report import Secret

    cv = keyed_cv(tmp_path, "person.email")
    secret = Secret("references.name", "Harriet Hidden")
    keys = re.findall(r"^@\w+\{([^,]*),", write_bibtex(cv, [secret]), re.MULTILINE)
    assert keys == ["pub1", "pub2"]
