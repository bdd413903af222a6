"""The person's contact data: profile ids, phone numbers with their country, homepages."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from build_cv.errors import SchemaError
from build_cv.schema.model import CV
from build_cv.schema.phone import region_of
from build_cv.sources.load import from_loaded
from build_cv.sources.yaml_source import load_yaml_text


def person(design: dict[str, Any] | None = None, /, **fields: Any) -> CV:
    data: dict[str, Any] = {"person": {"name": "Ada Lovelace", **fields}, "updated": "2024-06-15"}
    if design is not None:
        data["design"] = design
    return CV.model_validate(data)


def problems_of(text: str) -> list[str]:
    with pytest.raises(SchemaError) as caught:
        from_loaded(load_yaml_text(text, Path("cv.yaml")))
    return [str(p) for p in caught.value.problems]


GOOD_PROFILES = {
    "scholar": ["AbCdEfGAAAAJ", "x_Y-0123456a"],
    "researchgate": ["Jiarui-Fang", "Ada-Lovelace-2", "A.Lovelace"],
    "dblp": ["09/5768", "f/JiaruiFang", "131/4210-1", "s/J=uuml=rgenSchmidhuber"],
    "semantic_scholar": ["1741101", "2109136284"],
    "mastodon": ["@ada@mathstodon.xyz", "@Ada_L@social.example.co.uk"],
    "bluesky": ["ada.bsky.social", "lovelace.example.org"],
    "x": ["ada_lovelace", "AL1815"],
}
BAD_PROFILES = {
    "scholar": ["AbCdEfG", "AbCdEfGAAAAJ&hl=en", "https://scholar.google.com/x"],
    "researchgate": ["Jiarui Fang", "profile/Jiarui-Fang", "-Fang"],
    "dblp": ["09/5768.html", "https://dblp.org/pid/09/5768", "Jiarui Fang", "F/Fang"],
    "semantic_scholar": ["a1741101", "Jiarui-Fang/1741101"],
    "mastodon": ["ada@mathstodon.xyz", "@ada", "https://mathstodon.xyz/@ada", "@a da@x.org"],
    "bluesky": ["@ada.bsky.social", "ada", "ada bsky.social"],
    "x": ["@ada", "a_name_longer_than_15", "ada lovelace"],
}
WHAT = {
    "scholar": "Google Scholar user id",
    "researchgate": "ResearchGate profile name",
    "dblp": "dblp person id",
    "semantic_scholar": "Semantic Scholar author id",
    "mastodon": "Mastodon address",
    "bluesky": "Bluesky handle",
    "x": "X handle",
}


@pytest.mark.parametrize(
    ("field", "value"), [(f, v) for f, values in GOOD_PROFILES.items() for v in values]
)
def test_a_real_profile_id_is_accepted(field: str, value: str) -> None:
    assert getattr(person(**{field: value}).person, field) == value


@pytest.mark.parametrize(
    ("field", "value"), [(f, v) for f, values in BAD_PROFILES.items() for v in values]
)
def test_a_wrong_profile_id_names_what_the_field_holds(field: str, value: str) -> None:
    with pytest.raises(ValidationError, match=WHAT[field]):
        person(**{field: value})


def test_a_wrong_profile_id_is_reported_at_its_line() -> None:
    text = "person:\n  name: Ada\n  scholar: ada\nupdated: 2024-06-15\n"
    assert problems_of(text) == [
        "cv.yaml:3:3: person.scholar: 'ada' is not a Google Scholar user id: the 12 "
        "characters after `user=` in the profile's address, e.g. AbCdEfGAAAAJ"
    ]


@pytest.mark.parametrize(
    "orcid", ["0000-0002-1825-0097", "0000-0001-5109-3700", "0000-0002-1694-233X"]
)
def test_an_orcid_with_its_check_digit_is_accepted(orcid: str) -> None:
    assert person(orcid=orcid).person.orcid == orcid


@pytest.mark.parametrize(
    "orcid", ["0000-0002-1825-0098", "0000-0002-1825-007X", "0000-0002-1852-0097"]
)
def test_an_orcid_whose_check_digit_does_not_match_is_refused(orcid: str) -> None:
    text = f"person:\n  name: Ada\n  orcid: {orcid}\nupdated: 2024-06-15\n"
    assert problems_of(text) == [
        f"cv.yaml:3:3: person.orcid: '{orcid}' is not an ORCID: its last character, a check "
        "digit, does not match the other digits; one of them is mistyped (copy the iD from "
        "orcid.org)"
    ]


# ---- phone numbers ------------------------------------------------------------------------

# Real national formats, each with the country its location names and its E.164 form.
NATIONAL = [
    ("(212) 555-0123", "New York, NY, USA", "+12125550123"),
    ("(555) 123-4567", "Springfield, United States", "+15551234567"),
    ("030 1234567", "Berlin, Germany", "+49301234567"),
    ("089 12345678", "München, Deutschland", "+498912345678"),
    ("01 23 45 67 89", "Lyon, France", "+33123456789"),
    ("06 12 34 56 78", "Paris, FR", "+33612345678"),
    ("020 7946 0958", "London, UK", "+442079460958"),
    ("07700 900123", "Leeds, United Kingdom", "+447700900123"),
    ("010 1234 5678", "Beijing, China", "+861012345678"),
    ("138 0013 8000", "上海, 中国", "+8613800138000"),
    ("03-1234-5678", "Tokyo, Japan", "+81312345678"),
    ("090-1234-5678", "Osaka, JP", "+819012345678"),
    ("098765 43210", "Bangalore, India", "+919876543210"),
    ("022 2345 6789", "Mumbai, India", "+912223456789"),
]


@pytest.mark.parametrize(("phone", "location", "dialled"), NATIONAL)
def test_a_national_number_is_dialled_in_the_country_of_the_location(
    phone: str, location: str, dialled: str
) -> None:
    cv = person(phone=phone, location=location)
    assert cv.person.phone == phone, "printed as typed"
    assert cv.person.phone_e164 == dialled


@pytest.mark.parametrize(("phone", "location", "dialled"), NATIONAL)
def test_design_region_gives_the_country_of_a_national_number(
    phone: str, location: str, dialled: str
) -> None:
    region = dialled and region_of(location)
    assert region is not None
    assert person({"region": region}, phone=phone).person.phone_e164 == dialled


@pytest.mark.parametrize(
    ("phone", "dialled"),
    [
        ("+49 30 1234567", "+49301234567"),
        ("+44 (0)20 7946 0958", "+442079460958"),
        ("+1 (212) 555-0123", "+12125550123"),
        ("+86 138 0013 8000", "+8613800138000"),
        ("+81 3-1234-5678", "+81312345678"),
    ],
)
def test_an_international_number_needs_no_country(phone: str, dialled: str) -> None:
    assert person(phone=phone).person.phone_e164 == dialled
    assert person(phone=phone, location="Atlantis").person.phone_e164 == dialled


@pytest.mark.parametrize(
    ("phone", "location", "dialled"),
    [("030\u00a01234567", "Berlin, Germany", "+49301234567"),
     ("01\u202f23\u202f45\u202f67\u202f89", "Lyon, France", "+33123456789"),
     ("+44\u00a020\u00a07946\u00a00958", None, "+442079460958")],
)  # fmt: skip
def test_digit_groups_may_be_separated_by_no_break_spaces(
    phone: str, location: str | None, dialled: str
) -> None:
    cv = person(phone=phone, location=location)
    assert (cv.person.phone, cv.person.phone_e164) == (phone, dialled)


def test_design_region_wins_over_the_location() -> None:
    cv = person({"region": "CH"}, phone="044 123 45 67", location="Lörrach, Germany")
    assert cv.person.phone_e164 == "+41441234567"


@pytest.mark.parametrize("language", ["en", "zh", "de"])
def test_a_location_in_several_languages_gives_the_country_in_each(language: str) -> None:
    """The Chinese CV's `中国北京` names no country build-cv reads; the English one does."""
    location = {"en": "Beijing, China", "zh": "中国北京"}
    cv = person({"language": language}, phone="010 1234 5678", location=location)
    assert cv.person.phone_e164 == "+861012345678"


def test_the_country_comes_from_any_language_that_names_one() -> None:
    location = {"en": "Beijing", "zh": "北京", "de": "Peking, China"}
    cv = person({"language": "zh"}, phone="010 1234 5678", location=location)
    assert cv.person.phone_e164 == "+861012345678"


def test_the_documents_own_location_comes_before_the_others() -> None:
    location = {"en": "Lörrach, Germany", "fr": "Bâle, Switzerland"}
    assert (
        person({"language": "fr"}, phone="044 123 45 67", location=location).person.phone_e164
        == "+41441234567"
    )


def test_a_national_number_without_a_country_says_how_to_give_one() -> None:
    text = "person:\n  name: Ada\n  phone: 030 1234567\nupdated: 2024-06-15\n"
    (problem,) = problems_of(text)
    assert problem.startswith("cv.yaml:3:3: person.phone: '030 1234567' is written the national")
    assert "+ and the country code" in problem and "`design.region`" in problem


@pytest.mark.parametrize(
    ("location", "why"),
    [("Boston, MA", "also a US state"), ("Newark, DE", "also a US state"),
     ("Atlanta, Georgia", "also a US state"), ("Gotham", "not a country build-cv knows")],
)  # fmt: skip
def test_a_location_that_names_no_country_clearly_is_named(location: str, why: str) -> None:
    with pytest.raises(ValidationError, match=f"ends in .*, {why}"):
        person(phone="(617) 555-0123", location=location)


@pytest.mark.parametrize(
    ("location", "example"),
    [("Boston, MA", "(in the US: +1 555-123-4567), or set `design.region` to the country's "
      "ISO code (e.g. US)"),
     ("Gotham", "(+1 for the US and Canada, +44 for the UK, +49 for Germany, ...)"),
     (None, "(+1 for the US and Canada, +44 for the UK, +49 for Germany, ...)")],
)  # fmt: skip
def test_the_example_for_a_national_number_fits_its_country_or_favours_none(
    location: str | None, example: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        person(phone="(555) 123-4567", location=location)
    message = str(caught.value)
    assert example in message and "+49 30 1234567" not in message


@pytest.mark.parametrize(
    ("phone", "why"),
    [("(212) 555-01", "too few digits"), ("(212) 555-01234", "too many digits"),
     ("555 0100", "a local number: add the area code"),
     ("'+999 1234567'", "is not a phone number (Could not interpret"),
     ("(212) 555-0123 ext. 5", "no letters or extensions"),
     ("'12'", "is not a phone number: write digits")],
)  # fmt: skip
def test_an_invalid_number_is_an_error_at_its_line(phone: str, why: str) -> None:
    text = f"person:\n  name: Ada\n  location: Boston, MA, USA\n  phone: {phone}\n"
    (problem,) = problems_of(text + "updated: 2024-06-15\n")
    assert problem.startswith("cv.yaml:4:3: person.phone:")
    assert why in problem


def test_design_region_must_be_a_country_code_with_phone_numbers() -> None:
    for region, why in [
        ("de", "in capitals"),
        ("Germany", "in capitals"),
        ("XX", "not a country code that has phone numbers"),
    ]:
        text = "person: {name: Ada, phone: 030 1234567}\nupdated: 2024-06-15\n"
        text += f"design: {{region: {region}}}\n"
        (problem,) = problems_of(text)
        assert problem.startswith("cv.yaml:3:10: design.region:"), problem
        assert why in problem


def test_a_variant_that_hides_the_location_still_links_the_phone() -> None:
    from build_cv.variants import select
    from build_cv.view import build_view

    data = {
        "person": {"name": "Ada", "phone": "030 1234567", "location": "Berlin, Germany"},
        "updated": "2024-06-15",
        "variants": {"web": {"hide": ["person.location"]}},
    }
    cv = from_loaded(load_yaml_text(yaml.safe_dump(data), Path("cv.yaml")))
    header = build_view(select(cv, "web").cv).header
    assert header.location is None
    assert header.phone_url == "tel:+49301234567"


# ---- homepage ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["http://example.org/~ada", "HTTP://example.org", "https://a.org", "https://a.org:65535/"],
)
def test_a_homepage_may_be_http_or_https(url: str) -> None:
    assert person(homepage=url).person.homepage == url


@pytest.mark.parametrize(
    "url", ["https://a.org:99999", "http://a.org:65536/x", "https://a.org:123456"]
)
def test_a_port_past_65535_is_refused(url: str) -> None:
    with pytest.raises(ValidationError, match="is not an http"):
        person(homepage=url)


def test_the_starter_s_commented_contact_examples_are_valid() -> None:
    """Uncommented, every example in `build-cv new`'s person block validates."""
    from build_cv.sources.starter import starter_yaml

    lines = starter_yaml("Ada Lovelace").splitlines()
    start = lines.index("person:")
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith(" "))
    block = [
        re.sub(r"^  # (\w+:)", r"  \1", line)
        for line in lines[start:end]
        if not line.lstrip().startswith("#  ")
    ]
    person_data = yaml.safe_load("\n".join(block))["person"]
    assert {"phone", "scholar", "mastodon", "homepage"} <= set(person_data)
    assert person(**person_data).person.phone_e164 == "+41441234567"


def test_a_hidden_phone_leaves_no_number_to_link() -> None:
    from build_cv.variants import select
    from build_cv.view import build_view

    data = {
        "person": {"name": "Ada", "phone": "+49 30 1234567"},
        "updated": "2024-06-15",
        "variants": {"web": {"hide": ["person.phone"]}},
    }
    cv = from_loaded(load_yaml_text(yaml.safe_dump(data), Path("cv.yaml")))
    hidden = select(cv, "web").cv
    assert hidden.person.phone_e164 is None
    assert build_view(hidden).header.phone_url is None
