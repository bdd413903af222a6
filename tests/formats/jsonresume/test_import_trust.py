"""`build-cv import`: it never invents a value, never loses one without a note, never
writes YAML the build rejects, never overwrites a file unasked, and never shows a
traceback, whatever JSON it is given."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from build_cv.cli.main import main
from build_cv.errors import InputError
from build_cv.formats.jsonresume.importer import Imported, import_json_resume, read_json_resume
from build_cv.formats.jsonresume.writer import json_resume
from build_cv.pipeline.build import build_pdf
from build_cv.schema import model as m
from build_cv.schema.model import CV
from build_cv.sources.load import from_loaded
from build_cv.sources.yaml_source import load_yaml_text
from tests.conftest import FIXTURES

RESUMES = FIXTURES / "jsonresume"
# The official sample (jsonresume/resume-schema), and résumés in the shapes people write.
REAL_WORLD = ["official-sample", "us-engineer", "de-researcher", "fr-phd", "uk-analyst"]
CLI = [sys.executable, "-m", "build_cv"]


def imported(document: dict[str, Any]) -> Imported:
    return import_json_resume(document, today=date(2024, 6, 15))


def loaded(result: Imported) -> CV:
    """The imported YAML read back by the loader `build-cv build` uses."""
    return from_loaded(load_yaml_text(result.yaml(), Path("imported.yaml")))


def resume(**sections: Any) -> dict[str, Any]:
    return {"basics": {"name": "Ada Lovelace"}, "meta": {"lastModified": "2024-06-15"}, **sections}


def entries(data: dict[str, Any], title: str) -> list[Any]:
    return next(s["entries"] for s in data["sections"] if s["title"] == title)


def entry_of(cv: CV, section: int, index: int = 0) -> Any:
    found: Any = cv.sections[section]
    return found.entries[index]


def notes_of(result: Imported) -> str:
    return "\n".join(result.notes)


# ---- never invent ---------------------------------------------------------------------------


def test_a_missing_position_stays_missing() -> None:
    result = imported(resume(work=[{"name": "Analytical Engines Ltd", "startDate": "1843"}]))
    (entry,) = entries(result.data, "Work Experience")
    assert "position" not in entry
    assert entry["organization"] == "Analytical Engines Ltd"
    assert entry_of(loaded(result), 0).position is None


def test_a_missing_organization_is_never_made_from_the_position() -> None:
    result = imported(resume(work=[{"position": "Analyst"}, {"name": "Engine Co"}]))
    (entry,) = entries(result.data, "Work Experience")
    assert entry == {"organization": "Engine Co"}
    assert "work[0] (unnamed) is left out: it has no organization" in notes_of(result)


def test_a_publication_gets_no_authors_and_no_venue_it_does_not_have() -> None:
    pub = {"name": "Notes on the Engine", "releaseDate": "1843"}
    result = imported(resume(publications=[pub]))
    (entry,) = entries(result.data, "Publications")
    assert entry == {"title": "Notes on the Engine", "year": 1843}
    assert "Ada Lovelace" not in yaml.safe_dump(result.data["sections"])
    assert "have no authors" in notes_of(result) and "add `authors:`" in notes_of(result)


@pytest.mark.parametrize(
    ("key", "entry", "why"),
    [
        ("education", {"institution": "Yale"}, "degree"),
        ("education", {"studyType": "PhD", "area": "Mathematics"}, "institution"),
        ("projects", {"description": "A thing"}, "name"),
        ("publications", {"name": "Paper"}, "year"),
        ("publications", {"releaseDate": "2020"}, "title"),
        ("references", {"reference": "Great."}, "name"),
        ("awards", {"date": "2020", "awarder": "Royal Society"}, "name (`title`)"),
    ],
)
def test_an_entry_that_needs_a_missing_value_is_left_out_with_a_note(
    key: str, entry: dict[str, Any], why: str
) -> None:
    result = imported(resume(**{key: [entry]}))
    assert result.data.get("sections", []) == []
    assert f"{key}[0]" in notes_of(result) and f"it has no {why}" in notes_of(result)
    for word in ("Studies", "Institution", "Project", "Unpublished", "Your Name"):
        assert word not in result.yaml()


def referees(cv: CV) -> list[m.Reference]:
    return [e for s in cv.sections if isinstance(s, m.ReferenceSection) for e in s.entries]


def test_a_referees_recommendation_never_becomes_their_position() -> None:
    """The official sample's quote was imported as Erlich Bachman's position."""
    quote = "It is my pleasure to recommend Richard, his performance working as a consultant"
    result = imported(resume(references=[{"name": "Erlich Bachman", "reference": quote}]))
    (referee,) = referees(loaded(result))
    assert referee.name == "Erlich Bachman" and referee.position is None
    assert quote not in result.yaml()
    assert "references[0].reference is left out (Erlich Bachman): it is the referee's" in (
        notes_of(result)
    )


def test_a_referees_position_comes_back_from_the_json_resume_writer() -> None:
    referee = {"name": "Grace Hopper", "position": "Professor, Yale", "email": "g@yale.edu"}
    cv = CV.model_validate(
        {"person": {"name": "Ada"}, "updated": "2024-06-15",
         "sections": [{"kind": "references", "title": "References", "entries": [referee]}]}
    )  # fmt: skip
    result = imported(json_resume(cv))
    assert referees(loaded(result))[0].position == "Professor, Yale"
    assert "reference" not in notes_of(result)


@pytest.mark.parametrize("basics", [{}, {"email": "a@b.org"}, {"name": "  "}])
def test_a_missing_name_is_an_error_that_says_what_to_fix(basics: dict[str, Any]) -> None:
    with pytest.raises(InputError, match=r"cv\.json: basics\.name: a CV needs the person's name"):
        import_json_resume({"basics": basics}, source=Path("cv.json"))


def test_a_missing_date_is_today_with_a_note() -> None:
    result = import_json_resume({"basics": {"name": "A"}}, today=date(2024, 1, 2))
    assert result.data["updated"] == "2024-01-02"
    assert "updated: set to today, 2024-01-02" in notes_of(result)


@pytest.mark.parametrize(
    ("modified", "why"),
    [
        ("yesterday", "meta.lastModified 'yesterday' is not a date (YYYY-MM-DD)"),
        ("2024-02-30", "meta.lastModified '2024-02-30' is not a date that exists"),
        (20240101, "meta.lastModified '20240101' is not a date (YYYY-MM-DD)"),
    ],
)
def test_an_unreadable_date_is_today_with_a_note_that_says_why(modified: Any, why: str) -> None:
    document = {"basics": {"name": "A"}, "meta": {"lastModified": modified}}
    result = import_json_resume(document, today=date(2024, 1, 2))
    assert result.data["updated"] == "2024-01-02"
    assert f"updated: set to today, 2024-01-02 ({why})" in notes_of(result)
    assert "has no meta.lastModified" not in notes_of(result)


def test_a_date_that_does_not_exist_is_left_out_with_a_note() -> None:
    result = imported(
        resume(
            work=[
                {"name": "Feb Co", "startDate": "2020-02-30", "endDate": "2021-01"},
                {"name": "Month Co", "startDate": "2020-02", "endDate": "2020-13"},
                {"name": "Leap Co", "startDate": "2020-02-29", "endDate": "2020-04-31"},
            ],
            publications=[{"name": "P", "releaseDate": "2019-02-29"}],
            awards=[{"title": "Prize", "date": "2019-04-31"}],
        )
    )
    cv = loaded(result)
    assert [(e.start, e.end) for e in cv.sections[0].entries] == [(None, None)] * 3  # type: ignore[union-attr]
    assert [s.title for s in cv.sections] == ["Work Experience", "Awards"]
    assert entry_of(cv, 1).date is None
    notes = notes_of(result)
    assert "work[0] (Feb Co): the dates are left out: startDate '2020-02-30' is not a date" in notes
    assert "work[1] (Month Co): the dates are left out: endDate '2020-13' is not a date" in notes
    assert "work[2] (Leap Co): the dates are left out: endDate '2020-04-31' is not" in notes
    assert "publications[0] (P) is left out: its releaseDate '2019-02-29' is not a date" in notes
    assert "awards[0] (Prize): the date is left out: date '2019-04-31' is not a date" in notes


# ---- keep what has a place ----------------------------------------------------------------


def test_an_http_homepage_is_kept() -> None:
    for key in ("url", "website"):  # `website`: JSON Resume before v1.0
        result = imported({"basics": {"name": "A", key: "http://example.org/~a"}})
        assert loaded(result).person.homepage == "http://example.org/~a"


def test_old_schema_keys_are_read() -> None:
    work = {"company": "Initech", "website": "http://initech.example.com", "position": "Dev"}
    school = {"institution": "MIT", "studyType": "BS", "gpa": "3.9"}
    result = imported(resume(work=[work], education=[school]))
    assert entries(result.data, "Work Experience")[0]["organization"] == "Initech"
    assert entries(result.data, "Education")[0]["details"] == ["Score: 3.9"]
    assert "work[0].website is left out (Initech)" in notes_of(result)


@pytest.mark.parametrize(
    ("description", "summary", "expected"),
    [
        ("Payments company", None, "Payments company"),
        (None, "Built the ledger.", "Built the ledger."),
        ("Payments company", "Built the ledger.", "Payments company. Built the ledger."),
        ("Payments company.", "Built the ledger.", "Payments company. Built the ledger."),
    ],
)
def test_the_work_description_goes_into_the_summary(
    description: str | None, summary: str | None, expected: str
) -> None:
    work = {"name": "Stripe", "description": description, "summary": summary}
    result = imported(resume(work=[{k: v for k, v in work.items() if v}]))
    assert entries(result.data, "Work Experience")[0]["summary"] == expected
    assert "description" not in notes_of(result)


PROFILES = [
    ({"network": "GitHub", "username": "ada"}, "github", "ada"),
    ({"network": "github", "url": "https://github.com/ada-l"}, "github", "ada-l"),
    ({"network": "Code", "url": "https://github.com/ada-l/"}, "github", "ada-l"),
    ({"url": "https://www.linkedin.com/in/ada-lovelace/"}, "linkedin", "ada-lovelace"),
    ({"network": "LinkedIn", "url": "https://de.linkedin.com/in/ada"}, "linkedin", "ada"),
    ({"network": "ORCID", "url": "https://orcid.org/0000-0002-1825-0097"}, "orcid",
     "0000-0002-1825-0097"),
    ({"network": "Google Scholar",
      "url": "https://scholar.google.com/citations?user=AbCdEfGAAAAJ&hl=en"}, "scholar",
     "AbCdEfGAAAAJ"),
    ({"network": "GoogleScholar", "url": "https://scholar.google.co.uk/citations?hl=en&user=x_Y-0123456a"},
     "scholar", "x_Y-0123456a"),
    # as people copy them: the page's language, where they came from, its tab, twice
    ({"url": "https://scholar.google.com/citations?user=AbCdEfGAAAAJ&hl=fr&oi=ao"}, "scholar",
     "AbCdEfGAAAAJ"),
    ({"url": "https://scholar.google.com.hk/citations/?hl=zh-CN&user=AbCdEfGAAAAJ"
             "&view_op=list_works&sortby=pubdate"}, "scholar", "AbCdEfGAAAAJ"),
    ({"url": "https://scholar.google.de/citations?user=AbCdEfGAAAAJ&hl=de&user=AbCdEfGAAAAJ"},
     "scholar", "AbCdEfGAAAAJ"),
    ({"url": "https://www.researchgate.net/profile/Jiarui-Fang"}, "researchgate", "Jiarui-Fang"),
    ({"network": "DBLP", "url": "https://dblp.org/pid/09/5768.html"}, "dblp", "09/5768"),
    ({"url": "https://dblp.uni-trier.de/pid/f/JiaruiFang.html"}, "dblp", "f/JiaruiFang"),
    ({"network": "Semantic Scholar",
      "url": "https://www.semanticscholar.org/author/Jiarui-Fang/1741101"}, "semantic_scholar",
     "1741101"),
    ({"network": "Mastodon", "url": "https://mathstodon.xyz/@ada"}, "mastodon",
     "@ada@mathstodon.xyz"),
    ({"network": "mastodon", "username": "ada", "url": "https://fosstodon.org/@ada"}, "mastodon",
     "@ada@fosstodon.org"),
    ({"network": "Mastodon", "username": "@ada@hachyderm.io"}, "mastodon", "@ada@hachyderm.io"),
    ({"network": "Bluesky", "url": "https://bsky.app/profile/ada.bsky.social"}, "bluesky",
     "ada.bsky.social"),
    ({"network": "Bluesky", "username": "@ada.bsky.social"}, "bluesky", "ada.bsky.social"),
    ({"network": "Twitter", "username": "@ada"}, "x", "ada"),
    ({"network": "X", "url": "https://x.com/ada_l"}, "x", "ada_l"),
    ({"url": "https://twitter.com/ada_l"}, "x", "ada_l"),
]  # fmt: skip


@pytest.mark.parametrize(("profile", "field", "value"), PROFILES)
def test_a_profile_is_kept_by_network_name_or_by_url(
    profile: dict[str, str], field: str, value: str
) -> None:
    result = imported({"basics": {"name": "A", "profiles": [profile]}})
    assert getattr(loaded(result).person, field) == value
    assert "profiles" not in notes_of(result)


@pytest.mark.parametrize(
    "profile",
    [
        {"network": "SoundCloud", "url": "https://soundcloud.com/ada"},
        {"network": "GitHub", "url": "https://gitlab.com/ada"},
        {"network": "Google Scholar", "url": "https://scholar.google.com/"},
        {"network": "Mastodon", "username": "ada"},
        {"network": "Bluesky", "url": "https://bsky.app/profile/did:plc:abc"},
    ],
)
def test_a_profile_without_a_place_or_an_id_is_left_out_with_a_note(
    profile: dict[str, str],
) -> None:
    result = imported({"basics": {"name": "A", "profiles": [profile]}})
    assert "basics.profiles[0]" in notes_of(result) and "is left out" in notes_of(result)
    loaded(result)


NOT_PROFILES = [
    ("x", "https://x.com/i/flow/login"), ("x", "https://twitter.com/home"),
    ("x", "https://twitter.com/intent/tweet?text=hi"), ("x", "https://x.com/search?q=ada"),
    ("x", "https://x.com/explore"), ("x", "https://x.com/hashtag/cv"),
    ("x", "https://x.com/ada/status/1234"), ("github", "https://github.com/orgs/acme"),
    ("github", "https://github.com/settings/profile"), ("github", "https://github.com/login"),
    ("github", "https://github.com/features"), ("github", "https://github.com/topics/tex"),
    ("github", "https://github.com/ada/a-repository"),
    ("linkedin", "https://www.linkedin.com/profile/view?id=123"),
    ("linkedin", "https://www.linkedin.com/company/acme"),
    ("scholar", "https://scholar.google.com/scholar?user=AbCdEfGAAAAJ"),
    ("bluesky", "https://bsky.app/profile/ada.bsky.social/post/3k"),
    ("researchgate", "https://www.researchgate.net/profile/Ada-L/research"),
    ("orcid", "https://orcid.org/0000-0002-1825-0097/print"),
]  # fmt: skip


@pytest.mark.parametrize(("field", "url"), NOT_PROFILES)
@pytest.mark.parametrize("network", ["", "by name"])
def test_a_url_that_is_not_a_profile_gives_no_id_and_a_note_naming_it(
    field: str, url: str, network: str
) -> None:
    profile = {"url": url} | ({"network": field} if network else {})
    result = imported({"basics": {"name": "A", "profiles": [profile]}})
    assert getattr(loaded(result).person, field) is None
    assert f"basics.profiles[0]: {url!r} is left out: it is not the address of a profile" in (
        notes_of(result)
    )


def test_a_profile_address_with_an_id_of_the_wrong_shape_says_what_is_wrong_with_it() -> None:
    """`user=AbCdEfGhIjK&hl=fr` is a Scholar address; its id is 11 characters, not 12."""
    url = "https://scholar.google.com/citations?user=AbCdEfGhIjK&hl=fr"
    result = imported({"basics": {"name": "A", "profiles": [{"url": url}]}})
    assert loaded(result).person.scholar is None
    assert (
        f"basics.profiles[0]: {url!r} is left out: 'AbCdEfGhIjK' is not a Google Scholar user"
        " id: the 12 characters after `user=` in the profile's address, e.g. AbCdEfGAAAAJ\n"
    ) in notes_of(result)


def test_every_profile_comes_back_from_the_json_resume_writer() -> None:
    person = {
        "name": "Ada Lovelace", "github": "ada", "linkedin": "ada-l",
        "orcid": "0000-0002-1825-0097", "scholar": "AbCdEfGAAAAJ", "researchgate": "Ada-L",
        "dblp": "09/5768", "semantic_scholar": "1741101", "mastodon": "@ada@mathstodon.xyz",
        "bluesky": "ada.bsky.social", "x": "ada_l",
    }  # fmt: skip
    cv = CV.model_validate({"person": person, "updated": "2024-06-15"})
    again = loaded(imported(json_resume(cv)))
    assert again.person == cv.person


def test_a_national_phone_is_dialled_in_the_country_code_of_the_location() -> None:
    basics = {
        "name": "A",
        "phone": "030 1234567",
        "location": {"city": "Berlin", "countryCode": "DE"},
    }
    result = imported({"basics": basics})
    cv = loaded(result)
    assert cv.person.phone == "030 1234567" and cv.person.phone_e164 == "+49301234567"
    assert cv.design.region == "DE", "`Berlin, DE` alone could be Delaware"


def test_a_phone_that_cannot_be_dialled_is_left_out_with_a_note() -> None:
    result = imported({"basics": {"name": "A", "phone": "0176 1234567"}})
    assert "phone" not in result.data["person"]
    assert "basics.phone is left out: '0176 1234567' is written the national way" in notes_of(
        result
    )


def test_every_value_without_a_place_is_named() -> None:
    document = read_json_resume(RESUMES / "official-sample.json")
    notes = notes_of(imported(document))
    for place in (
        "basics.location.address", "basics.location.postalCode", "SoundCloud profile",
        "work[0].url is left out (Pied Piper)", "projects[0].roles is left out (Miss Direction)",
    ):  # fmt: skip
        assert place in notes


# ---- what is written always validates -----------------------------------------------------


def test_values_the_schema_rejects_are_left_out_with_notes_and_the_rest_builds() -> None:
    document = resume(
        basics={
            "name": "Ada",
            "label": "x\u202ey",
            "summary": "y" * 400,
            "profiles": [{"network": "ORCID", "username": "0000-0002-1825-009"}],
        },
        work=[
            {"name": "Engine Co", "position": "P", "startDate": "2020-05", "endDate": "2019"},
            {"name": "Mill\u0000", "position": "Q"},
            {"name": "Loom Ltd", "highlights": ["ok", "z" * 6000], "x-tags": ["Bad Tag"]},
        ],
        education=[{"institution": "U", "studyType": "BA", "x-dissertationUrl": "https://a.org"}],
        **{"x-document": {"design": {"style": "weird", "region": "ZZ", "paper": "a4"}}},
    )
    result = imported(document)
    cv = loaded(result)
    notes = notes_of(result)
    assert cv.person.headline is None and "bidirectional control U+202E" in notes
    assert cv.summary is None and "400-character word" in notes
    assert "basics.profiles[0]: the ORCID profile is left out" in notes
    work = [entry_of(cv, 0, i) for i in range(2)]
    assert [e.organization for e in work] == ["Engine Co", "Loom Ltd"]
    assert work[0].start is None and "the dates are left out" in notes
    assert "work[1] (Mill" in notes and "U+0000" in notes
    assert work[1].highlights == ["ok"] and work[1].tags == []
    assert "education[0] (U) is left out" in notes, "a dissertation url without a title"
    assert cv.design.style == "classic" and cv.design.paper == "a4" and cv.design.region is None


def test_a_document_this_tool_wrote_comes_back_even_with_broken_sections() -> None:
    document = {
        "basics": {"name": "A"},
        "meta": {"x-generator": "build-cv", "lastModified": "2024-06-15"},
        "x-sections": [
            {"title": "Work", "kind": "experience"}, {"title": "Pubs", "kind": "publications"}
        ],
        "work": [{"name": "O", "x-section": 1}, {"name": "P", "x-section": 7}],
    }  # fmt: skip
    result = imported(document)
    cv = loaded(result)
    assert [s.title for s in cv.sections] == ["Work Experience"]
    assert "work[0]: x-section 1 is a publications section; ignored" in notes_of(result)


def test_no_x_extension_is_ignored_without_a_note() -> None:
    document = {
        **resume(work=[{"name": "O", "x-section": 99}]),
        "x-document": {"allow_outside": True, "sections": [{"title": "S"}], "title": "T"},
        "x-sections": [{"title": "Jobs", "kind": "experience"}],
    }
    result = imported(document)
    cv = loaded(result)
    assert cv.allow_outside is False and "allow_outside" not in result.yaml()
    assert cv.title == "T" and [s.title for s in cv.sections] == ["Work Experience"]
    notes = notes_of(result)
    assert "x-document.allow_outside is left out: only you can let a CV read files" in notes
    assert "x-document.sections is left out: build-cv has no place for it" in notes
    assert "x-sections is left out: only a document build-cv wrote" in notes
    ours = {**document, "meta": {"x-generator": "build-cv", "lastModified": "2024-06-15"}}
    result = imported(ours)
    assert [s.title for s in loaded(result).sections] == ["Work Experience"]
    assert "work[0] (O): x-section 99 is ignored: x-sections has no section 99 (it has 1)" in (
        notes_of(result)
    )


RAW = {
    **resume(**{"x-raw": [{"latex": "\\input{/etc/passwd}"}]}),
    "x-document": {"design": {"preamble_latex": "\\def\\x{1}", "color": "red"}},
}


def test_raw_latex_is_left_out_with_a_note_unless_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = imported(RAW)
    cv = loaded(result)
    assert cv.sections == [] and cv.design.preamble_latex is None and cv.design.color == "red"
    assert "\\input" not in result.yaml() and "\\def" not in result.yaml()
    notes = notes_of(result)
    raw_note = "is left out: it is raw LaTeX, which TeX runs when the CV is built; read it, "
    assert f"x-raw[0] ('LaTeX') {raw_note}and import again with --keep-latex" in notes
    assert f"x-document.design.preamble_latex {raw_note}" in notes
    path = tmp_path / "resume.json"
    path.write_text(json.dumps(RAW))
    assert main(["import", str(path), "--keep-latex"]) == 0
    kept = from_loaded(load_yaml_text(capsys.readouterr().out, Path("kept.yaml")))
    assert kept.design.preamble_latex == "\\def\\x{1}"
    assert kept.sections[0].latex == "\\input{/etc/passwd}"  # type: ignore[union-attr]


def test_a_raw_section_of_a_document_this_tool_wrote_is_left_out_too() -> None:
    cv = CV.model_validate(
        {
            "person": {"name": "Ada"},
            "updated": "2024-06-15",
            "sections": [{"title": "Extra", "kind": "raw", "latex": "\\vspace{1cm}"}],
        }
    )
    result = imported(json_resume(cv))
    assert loaded(result).sections == []
    assert "x-raw[0] ('Extra') is left out: it is raw LaTeX" in notes_of(result)
    kept = import_json_resume(json_resume(cv), keep_latex=True)
    assert loaded(kept).sections[0].latex == "\\vspace{1cm}"  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["محمد علي", "अदा लवलेस", "Jane Doe 🚀", "Ada Lovelace 𓀀"])
def test_a_name_the_pdf_cannot_show_stops_the_import_and_says_what_to_do(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, out = tmp_path / "resume.json", tmp_path / "cv.yaml"
    path.write_text(json.dumps({"basics": {"name": name}}), encoding="utf-8")
    assert main(["import", str(path), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"build-cv: {path}: basics.name {name!r}: no font build-cv typesets ")
    assert "write the name in a script build-cv can typeset (Latin, Greek, Cyrillic" in err
    assert not out.exists()


def test_other_text_the_pdf_cannot_show_is_kept_with_a_note() -> None:
    basics = {"name": "Ada", "x-nativeName": "أدا", "label": "Engineer 🚀"}
    result = imported(resume(basics=basics, work=[{"name": "Rocket Co", "summary": "Built 🚀s"}]))
    cv = loaded(result)
    assert cv.person.native_name is None, "the PDF check looks for it: the build would fail"
    assert cv.person.headline == "Engineer 🚀" and entry_of(cv, 0).summary == "Built 🚀s"
    notes = notes_of(result)
    assert "basics.x-nativeName 'أدا' is left out: no font build-cv typesets with has 'أ'" in notes
    assert "basics.label: no font build-cv typesets with has '🚀' (U+1F680); the PDF" in notes
    assert "work[0] (Rocket Co): summary: no font build-cv typesets with has '🚀'" in notes


def test_a_section_title_the_pdf_cannot_show_stops_the_import() -> None:
    document = {
        "basics": {"name": "Ada"},
        "meta": {"x-generator": "build-cv"},
        "x-sections": [{"title": "Work 🚀", "kind": "experience"}],
        "work": [{"name": "O", "x-section": 0}],
    }
    with pytest.raises(InputError, match=r"x-sections\[0\]\.title 'Work 🚀': no font build-cv"):
        imported(document)


# ---- malformed input: exit 2, file and field named, no traceback ---------------------------

MALFORMED: dict[str, tuple[str, str]] = {
    "list": ("[1, 2]", "a JSON Resume is an object"),
    "x-sections": (
        '{"basics": {"name": "A"}, "meta": {"x-generator": "build-cv"}, "x-sections": "s"}',
        "x-sections: must be a list of objects, not a string",
    ),
    "x-sections, not build-cv's": (
        '{"basics": {"name": "A"}, "x-sections": "oops"}',
        "x-sections: must be a list of objects, not a string",
    ),
    "x-section kind": (
        '{"basics": {"name": "A"}, "meta": {"x-generator": "build-cv"},'
        ' "x-sections": [{"title": "T", "kind": 5}]}',
        "x-sections[0].kind: must be a string, not a number",
    ),
    "x-authors": (
        '{"basics": {"name": "A"},'
        ' "publications": [{"name": "P", "releaseDate": "2020", "x-authors": 5}]}',
        "publications[0].x-authors: must be a list of strings, not a number",
    ),
    "x-links": (
        '{"basics": {"name": "A"}, "projects": [{"name": "P", "x-links": ["https://a.org"]}]}',
        "projects[0].x-links: must be a list of {label, url} objects",
    ),
    "x-tags": (
        '{"basics": {"name": "A"}, "work": [{"name": "O", "x-tags": "a,b"}]}',
        "work[0].x-tags: must be a list of strings, not a string",
    ),
    "x-patents": ('{"basics": {"name": "A"}, "x-patents": "CN1"}', "x-patents: must be a list"),
    "x-document": ('{"basics": {"name": "A"}, "x-document": []}', "x-document: must be an object"),
    "x-section": (
        '{"basics": {"name": "A"}, "work": [{"name": "O", "x-section": "1"}]}',
        "work[0].x-section: must be a whole number, not a string",
    ),
    "deep": ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    "deep x-": (
        '{"basics": {"name": "A"}, "x-a": ' + "[" * 50 + "]" * 50 + "}",
        "x-a[0][0]",
    ),
    "NaN": ('{"basics": {"name": "A"}, "x-a": NaN}', "NaN is not a JSON value"),
    "no name": ('{"basics": {"name": ""}}', "basics.name: a CV needs the person's name"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_input_is_a_short_message_naming_the_file_and_field(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, expected = MALFORMED[case]
    path = tmp_path / "resume.json"
    path.write_text(text)
    assert main(["import", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}" in err and expected in err
    assert len(err) < 600


@pytest.mark.slow
def test_huge_strings_are_left_out_with_a_short_note(tmp_path: Path) -> None:
    path = tmp_path / "resume.json"
    basics = {"name": "A", "summary": "x " * 3_000_000, "label": "y" * 2_000_000}
    path.write_text(json.dumps({"basics": basics, "meta": {"lastModified": "2024-06-15"}}))
    run = subprocess.run([*CLI, "import", str(path)], capture_output=True, text=True)
    assert run.returncode == 0 and "Traceback" not in run.stderr
    assert "summary:" in run.stderr and "basics.label:" in run.stderr
    assert len(run.stderr) < 1000 and len(run.stdout) < 1000


def test_a_file_too_large_to_be_a_resume_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "resume.json"
    path.write_text('{"basics": {"name": "A", "summary": "' + "x" * 11_000_000 + '"}}')
    with pytest.raises(InputError, match="larger than 10 MB"):
        read_json_resume(path)


@pytest.mark.slow
def test_deep_json_is_refused_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    run = subprocess.run([*CLI, "import", str(path)], capture_output=True, text=True)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert (
        run.stderr
        == f"build-cv: {path}: nested too deeply to read; no JSON Resume field nests like that\n"
    )


# ---- -o never overwrites unasked, never its input, only a regular file ---------------------


@pytest.fixture
def grace(tmp_path: Path) -> Path:
    source = tmp_path / "grace.json"
    source.write_bytes((RESUMES / "uk-analyst.json").read_bytes())
    return source


def test_an_existing_file_is_replaced_only_with_force(grace: Path, tmp_path: Path) -> None:
    out = tmp_path / "cv.yaml"
    out.write_text("my hand-written CV\n")
    assert main(["import", str(grace), "-o", str(out)]) == 2
    assert out.read_text() == "my hand-written CV\n"
    assert main(["import", str(grace), "-o", str(out), "--force"]) == 0
    assert out.read_text().startswith("# Converted from JSON Resume")


@pytest.mark.parametrize("spelling", ["same", "dotdot", "symlink", "hardlink"])
def test_the_input_is_never_overwritten_even_with_force(
    spelling: str, grace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = grace.read_bytes()
    target = {"same": grace, "dotdot": tmp_path / "sub" / ".." / grace.name}.get(spelling)
    if spelling == "dotdot":
        (tmp_path / "sub").mkdir()
    if spelling == "symlink":
        target = tmp_path / "link.yaml"
        target.symlink_to(grace)
    if spelling == "hardlink":
        target = tmp_path / "hard.yaml"
        os.link(grace, target)
    assert target is not None
    assert main(["import", str(grace), "-o", str(target), "--force"]) == 2
    assert "is the input file" in capsys.readouterr().err
    assert grace.read_bytes() == before


@pytest.mark.parametrize("kind", ["directory", "fifo", "device"])
def test_only_a_regular_file_is_written(
    kind: str, grace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = {"device": Path("/dev/null")}.get(kind, tmp_path / "target")
    if kind == "directory":
        target.mkdir()
    if kind == "fifo":
        os.mkfifo(target)
    assert main(["import", str(grace), "-o", str(target), "--force"]) == 2
    assert "not a regular file" in capsys.readouterr().err
    assert target.is_dir() if kind == "directory" else not target.is_file()


@pytest.mark.parametrize("output", ["cv.yaml/", "cv.yaml/.", "."])
@pytest.mark.parametrize("command", ["import", "new"])
def test_an_output_that_names_a_folder_is_refused(
    output: str,
    command: str,
    grace: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    args = ["import", str(grace)] if command == "import" else ["new", "Ada"]
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_:
        main([*args, "-o", output])
    assert exit_.value.code == 2
    assert f"{output!r} names a folder, not a file" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grace.json"]


def test_a_dash_reads_the_resume_from_standard_input(grace: Path, tmp_path: Path) -> None:
    out = tmp_path / "cv.yaml"
    run = subprocess.run(
        [*CLI, "import", "-", "-o", str(out)], input=grace.read_bytes(), capture_output=True
    )
    assert run.returncode == 0, run.stderr
    assert "name: Priya Raman" in out.read_text()
    huge = b'{"basics": {"name": "A", "summary": "' + b"x" * 11_000_000 + b'"}}'
    run = subprocess.run([*CLI, "import", "-"], input=huge, capture_output=True)
    assert run.returncode == 2
    assert run.stderr == (
        b"build-cv: <stdin>: a JSON Resume is larger than 10 MB, the most build-cv reads\n"
    )
    run = subprocess.run([*CLI, "import", "-"], input=b"[1]", capture_output=True)
    assert run.returncode == 2 and b"<stdin>: a JSON Resume is an object" in run.stderr


def test_no_lock_file_is_left_beside_the_yaml(grace: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["import", str(grace), "-o", str(out / "cv.yaml")]) == 0
    assert main(["new", "Ada", "-o", str(out / "new.yaml")]) == 0
    assert main(["import", str(grace), "-o", str(out / "cv.yaml"), "--force"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["cv.yaml", "new.yaml"]


def test_new_never_overwrites_and_writes_only_a_regular_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "cv.yaml"
    out.write_text("mine\n")
    assert main(["new", "-o", str(out)]) == 2 and out.read_text() == "mine\n"
    assert "--force" not in capsys.readouterr().err, "new has no --force to offer"
    assert main(["new", "-o", "/dev/null"]) == 2


# ---- real-world résumés import, and what is imported builds -------------------------------


@pytest.mark.parametrize("name", REAL_WORLD)
def test_a_real_world_resume_imports_to_valid_yaml(name: str) -> None:
    result = import_json_resume(read_json_resume(RESUMES / f"{name}.json"))
    cv = loaded(result)
    assert cv.person.name and cv.sections


def test_the_realistic_resumes_keep_their_contact_data() -> None:
    us = loaded(import_json_resume(read_json_resume(RESUMES / "us-engineer.json")))
    assert (us.person.phone, us.person.phone_e164) == ("(617) 555-0148", "+16175550148")
    assert us.person.homepage == "http://jordanmiller.example.com"
    assert (us.person.github, us.person.linkedin, us.person.x, us.person.scholar) == (
        "jmiller-dev", "jordan-a-miller", "jordanmiller", "qc6CJjYAAAAJ"
    )  # fmt: skip
    current = entry_of(us, 0)
    assert current.organization == "Stripe" and current.end == "present"
    de = loaded(import_json_resume(read_json_resume(RESUMES / "de-researcher.json")))
    assert de.person.phone_e164 == "+493031412345" and de.design.region == "DE"
    assert (de.person.dblp, de.person.semantic_scholar) == ("123/4567-1", "2109136284")
    assert de.person.mastodon == "@lenaschaefer@sigmoid.social"
    fr = loaded(import_json_resume(read_json_resume(RESUMES / "fr-phd.json")))
    assert fr.person.phone_e164 == "+33612345678"
    assert entry_of(fr, 1).end == "present", "endDate `Present`"
    uk = loaded(import_json_resume(read_json_resume(RESUMES / "uk-analyst.json")))
    assert uk.person.phone_e164 == "+442079460958"


@pytest.mark.tex
@pytest.mark.parametrize("name", [*REAL_WORLD, "every-section"])
def test_every_imported_fixture_builds(name: str, tmp_path: Path) -> None:
    out = tmp_path / f"{name}.yaml"
    assert main(["import", str(RESUMES / f"{name}.json"), "-o", str(out)]) == 0
    result = build_pdf(out, tmp_path / "out")
    assert result.report.ok() and result.report.pages


@pytest.mark.slow
def test_no_control_character_from_the_file_reaches_the_terminal(tmp_path: Path) -> None:
    escape = "\x1b[2J\x1b]0;owned\x07\u202e\x9b"
    document = {
        "basics": {"name": "A", f"x-{escape}": "v", "profiles": [{"network": escape}]},
        "work": [{"name": f"Evil{escape}", "url": "https://a.org"}, {"position": "P"}],
        escape: 1,
        "meta": {"lastModified": "2024-06-15"},
    }
    path = tmp_path / "resume.json"
    path.write_text(json.dumps(document))
    run = subprocess.run([*CLI, "import", str(path)], capture_output=True, text=True)
    assert run.returncode == 0 and run.stderr.count("note:") >= 4
    assert not [c for c in run.stderr if not c.isprintable() and c != "\n"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"basics": {"name": "A", "x-nativeName": [escape]}}))
    run = subprocess.run([*CLI, "import", str(bad)], capture_output=True, text=True)
    assert run.returncode == 2 and "x-nativeName" in run.stderr
    assert not [c for c in run.stderr if not c.isprintable() and c != "\n"]


def test_a_national_phone_and_its_region_come_back_from_the_writer() -> None:
    person = {"name": "Ada", "phone": "030 1234567", "location": "Berlin"}
    cv = CV.model_validate({"person": person, "updated": "2024-06-15", "design": {"region": "DE"}})
    again = loaded(imported(json_resume(cv)))
    assert (again.person.phone, again.person.phone_e164) == ("030 1234567", "+49301234567")
    assert again.design.region == "DE"


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["fifo", "directory", "device"])
def test_the_input_must_be_a_regular_file(kind: str, tmp_path: Path) -> None:
    source = {"device": Path("/dev/zero")}.get(kind, tmp_path / "resume.json")
    if kind == "fifo":
        os.mkfifo(source)  # no writer: reading it would wait forever
    if kind == "directory":
        source.mkdir()
    run = subprocess.run([*CLI, "import", str(source)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    what = {"fifo": "a pipe (FIFO)", "directory": "a folder", "device": "a device"}[kind]
    assert run.stderr == (
        f"build-cv: {source}: is {what}, not a regular file; name the JSON Resume file itself\n"
    )
