"""The view decides content once for every writer: bold owners, marks, stops, labels, dates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from build_cv.locales import words
from build_cv.schema.model import CV, ItemSection
from build_cv.sources.validate import validate
from build_cv.sources.yaml_source import load_yaml_text
from build_cv.view import (
    EducationView,
    ExperienceView,
    PublicationView,
    Raw,
    Rich,
    build_view,
    date_range,
    sentence,
)


def cv_with(*sections: dict[str, Any], **person: Any) -> CV:
    return CV.model_validate(
        {
            "person": {"name": "Ada Lovelace", **person},
            "updated": "2024-06-15",
            "sections": list(sections),
        }
    )


PUB = {
    "title": "Notes on the Engine",
    "authors": ["Charles Babbage", "Ada  Lovelace", "L. Menabrea."],
    "venue": "Memoirs",
    "year": 1843,
    "equal_contribution": ["Charles Babbage"],
    "doi": "10.1000/a#b?c",
    "arxiv": "2405.14430",
}


def test_publication_rules() -> None:
    view = build_view(cv_with({"kind": "publications", "title": "P", "entries": [PUB]}))
    (section,) = view.sections
    pub = section.entries[0]
    assert isinstance(pub, PublicationView)
    assert [(a.name, a.owner, a.marks) for a in pub.authors] == [
        ("Charles Babbage", False, "*"),
        ("Ada  Lovelace", True, ""),
        ("L. Menabrea.", False, ""),
    ]
    assert pub.authors_end == ""  # the last author already ends the sentence
    assert pub.number == "1."
    assert pub.title == "Notes on the Engine."
    assert pub.tail == "1843."
    assert [(link.label, link.url) for link in pub.links] == [
        ("arXiv:2405.14430", "https://arxiv.org/abs/2405.14430"),
        ("doi:10.1000/a#b?c", "https://doi.org/10.1000/a%23b%3Fc"),
    ]
    assert [(m.symbol, m.meaning) for m in section.legend] == [("*", "equal contribution")]


def test_no_legend_without_marks_and_unnumbered_lists() -> None:
    pub = {**PUB, "equal_contribution": [], "title": "Why?", "details": "pp. 1-2"}
    section = {"kind": "publications", "title": "P", "numbered": False, "entries": [pub]}
    (view_section,) = build_view(cv_with(section)).sections
    entry = view_section.entries[0]
    assert isinstance(entry, PublicationView)
    assert view_section.legend == ()
    assert entry.number == ""
    assert entry.title == "Why?"
    assert entry.tail == "1843, pp. 1–2."


def test_aliases_are_owners_too() -> None:
    section = {"kind": "publications", "title": "P", "entries": [PUB]}
    view = build_view(cv_with(section, author_names=["Charles Babbage"]))
    entry = view.sections[0].entries[0]
    assert isinstance(entry, PublicationView)
    assert [a.owner for a in entry.authors] == [True, True, False]


def test_education_labels_and_dates() -> None:
    edu = {
        "kind": "education",
        "title": "E",
        "entries": [
            {"degree": "PhD", "institution": "T", "start": "2014-09", "end": "present"},
            {"degree": "BSc", "institution": "B", "start": 2010, "advisors": ["X", "Y Jr."]},
            {"degree": "MSc", "institution": "M", "start": 2012, "end": "2013-02"}
            | {"advisors": ["Z"]},
        ],
    }
    entries = build_view(cv_with(edu)).sections[0].entries
    assert all(isinstance(e, EducationView) for e in entries)
    phd, bsc, msc = (e for e in entries if isinstance(e, EducationView))
    assert (phd.dates, phd.advisors) == ("Sep 2014 – present", "")
    assert (bsc.dates, bsc.advisors_label, bsc.advisors) == ("2010", "Advisors", "X; Y Jr.")
    assert (msc.dates, msc.advisors_label, msc.advisors) == ("2012 – Feb 2013", "Advisor", "Z.")


def test_markup_and_raw_are_typed_for_the_writers() -> None:
    exp = {
        "kind": "experience",
        "title": "W",
        "intro": "*i*",
        "entries": [{"position": "P", "organization": "O", "summary": "**s**"}],
    }
    raw = {"kind": "raw", "title": "R", "latex": r"\relax"}
    view = build_view(cv_with(exp, raw))
    assert isinstance(view.sections[0].intro, Rich)
    entry = view.sections[0].entries[0]
    assert isinstance(entry, ExperienceView) and isinstance(entry.summary, Rich)
    assert isinstance(view.sections[1].latex, Raw)
    assert isinstance(entry.position, str) and not isinstance(entry.position, Rich)


def test_helpers() -> None:
    assert sentence("Done.") == "Done." and sentence("Done ") == "Done."
    assert date_range(None, None, words("en")) == ""


YAML = """\
person: {name: A}
updated: 2024-06-15
sections:
  - title: One
    kind: items
    entries:
      - {label: a, text: x}
      - label: b
        text: y
"""


def test_entries_carry_their_origin_from_validation_on() -> None:
    cv = validate(load_yaml_text(YAML, Path("my.yaml")))
    section = cv.sections[0]
    assert (section.origin.file, section.origin.line) == (Path("my.yaml"), 4)
    assert isinstance(section, ItemSection)
    second = section.entries[1]
    assert second.origin.path == ("sections", 0, "entries", 1)
    assert str(second.origin) == "my.yaml:8:9"
    copied = second.model_copy(update={"label": "c"})
    assert copied.origin == second.origin


def test_a_span_that_ends_in_the_month_it_starts_prints_that_month_once() -> None:
    from tests.render import render_document, tex_for

    work = {
        "title": "Work",
        "kind": "experience",
        "entries": [
            {"organization": "Summer Co", "start": "2019-06", "end": "2019-06"},
            {"organization": "Year Co", "start": "2018", "end": "2018"},
        ],
    }
    cv = cv_with(work)
    for text in (tex_for(cv), *(render_document(f, cv) for f in ("html", "md", "txt"))):
        assert "Jun 2019" in text and "Jun 2019 –" not in text and "2018 –" not in text
    html = render_document("html", cv)
    assert '<time datetime="2019-06">Jun 2019</time></' in html


@pytest.mark.parametrize(
    ("fields", "url"),
    [
        ({"doi": "10.1145/3337821.3337883"}, "https://doi.org/10.1145/3337821.3337883"),
        ({"doi": "10.1145/3337821.3337883"}, "http://dx.doi.org/10.1145/3337821.3337883/"),
        ({"doi": "10.1145/3337821.3337883"}, "HTTPS://DOI.org/10.1145/3337821.3337883"),
        ({"doi": "10.1109/TPDS.2022.3219819"}, "https://doi.org/10.1109/tpds.2022.3219819"),
        ({"doi": "10.1000/a#b?c"}, "https://doi.org/10.1000/a%23b%3Fc"),
        ({"arxiv": "2405.14430"}, "https://arxiv.org/abs/2405.14430"),
        ({"arxiv": "2405.14430"}, "http://www.arxiv.org/abs/2405.14430/"),
    ],
)
def test_a_url_that_is_the_doi_or_arxiv_link_is_shown_once(
    fields: dict[str, str], url: str
) -> None:
    """DBLP's `url` is the DOI link: printed as both `doi:` and `link`, the same target
    would show twice."""
    pub = {"title": "T", "authors": ["Ada Lovelace"], "year": 2019, **fields, "url": url}
    (section,) = build_view(
        cv_with({"kind": "publications", "title": "P", "entries": [pub]})
    ).sections
    entry = section.entries[0]
    assert isinstance(entry, PublicationView)
    (link,) = entry.links
    assert link.label.startswith(("doi:", "arXiv:"))


@pytest.mark.parametrize(
    "url",
    [
        "https://doi.org/10.1145/3337821",  # another DOI: the proceedings
        "https://arxiv.org/pdf/2405.14430",  # the PDF, not the abstract page
        "https://example.org/10.1145/3337821.3337883",
    ],
)
def test_a_url_to_another_place_keeps_its_link(url: str) -> None:
    pub = {
        "title": "T",
        "authors": ["Ada Lovelace"],
        "year": 2019,
        "doi": "10.1145/3337821.3337883",
        "arxiv": "2405.14430",
        "url": url,
    }
    (section,) = build_view(
        cv_with({"kind": "publications", "title": "P", "entries": [pub]})
    ).sections
    entry = section.entries[0]
    assert isinstance(entry, PublicationView)
    assert [(link.label, link.url) for link in entry.links][-1] == ("link", url)


@pytest.mark.parametrize(
    ("language", "native_language", "lines"),
    [
        ("en", None, [("Ada Lovelace", "en"), ("艾达", "zh-Hans")]),
        ("en-GB", None, [("Ada Lovelace", "en"), ("艾达", "zh-Hans")]),
        ("zh", None, [("艾达", "zh-Hans"), ("Ada Lovelace", "en")]),
        ("zh-TW", None, [("艾达", "zh-Hans"), ("Ada Lovelace", "en")]),
        ("ja", None, [("Ada Lovelace", "en"), ("艾达", "zh-Hans")]),
        ("ja", "ja", [("艾达", "ja"), ("Ada Lovelace", "en")]),
        ("de", "zh-Hant", [("Ada Lovelace", "de"), ("艾达", "zh-Hant")]),
    ],
)
def test_the_name_leads_in_the_documents_language(
    language: str, native_language: str | None, lines: list[tuple[str, str]]
) -> None:
    """Each name on its own line; a document in the native name's language leads with it,
    and the Latin name of a document in another script is in the fallback language."""
    cv = cv_with(native_name="艾达")
    person = {"native_name_language": native_language} if native_language else {}
    cv = cv.model_copy(
        update={
            "design": cv.design.model_copy(update={"language": language}),
            "person": cv.person.model_copy(update=person),
        }
    )
    assert [(n.text, n.language) for n in build_view(cv).header.names] == lines


def test_a_name_without_a_native_one_is_one_line() -> None:
    assert [n.text for n in build_view(cv_with()).header.names] == ["Ada Lovelace"]
