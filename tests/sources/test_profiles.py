"""The shipped profiles: each loads, names its sources and dates, and a malformed one (or an
unknown name) is an input error that names the profile, the line and the field."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path
from typing import get_args

import jsonschema
import pytest
import yaml

from build_cv.errors import InputError, ProfileError, SchemaError
from build_cv.schema import model as m
from build_cv.schema.profile import Profile, ProfileKind, json_schema
from build_cv.sources import profiles
from build_cv.sources.profiles import FOLDER, MAX_PROFILE_BYTES, read_profile
from build_cv.sources.yaml_source import load_yaml_text
from tests.conftest import ROOT

SHIPPED = [
    "cn-faculty", "dfg", "erc", "nih-personal-statement", "nsf-synergistic", "nsfc", "us-faculty",
]  # fmt: skip


def test_the_seven_profiles_ship() -> None:
    assert profiles.names() == SHIPPED


@pytest.mark.parametrize("name", SHIPPED)
def test_each_profile_and_each_rule_is_dated_and_cited(name: str) -> None:
    profile = profiles.load(name)
    assert profile.name == name
    assert profile.source.startswith("https://")
    assert profile.rules, "a profile without a rule checks nothing"
    for rule in profile.rules:
        assert rule.source.startswith(("https://", "http://"))
        assert rule.effective_from.year >= 2020
        assert rule.description


def test_a_convention_says_so() -> None:
    """Hiring CVs follow no published rule: their profiles must not pretend otherwise."""
    for name in ("us-faculty", "cn-faculty"):
        profile = profiles.load(name)
        assert profile.basis == "convention"
        assert {r.basis for r in profile.rules} == {"convention"}


def test_every_shipped_profile_validates_against_the_json_schema() -> None:
    schema = json_schema()
    for name in SHIPPED:
        data = yaml.safe_load((FOLDER / f"{name}.yaml").read_text("utf-8"))
        data = json.loads(json.dumps(data, default=str))  # dates as the schema's strings
        jsonschema.validate(data, schema)


def test_profiles_are_package_data() -> None:
    """A non-editable install finds them: the folder is a package with its YAML."""
    tool = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    assert "build_cv.profiles" in tool["packages"]
    assert tool["package-data"]["build_cv.profiles"] == ["*.yaml"]


def test_a_profile_may_place_every_kind_the_cv_has() -> None:
    kinds = set(get_args(ProfileKind))
    assert set(m.SECTION_KINDS) - {"raw"} <= kinds
    assert {"grants", "teaching", "supervision", "talks", "service", "awards"} <= kinds


def test_an_unknown_profile_is_named_at_its_line_with_a_suggestion() -> None:
    text = "person: {name: A}\nupdated: 2024-06-15\nvariants:\n  grant:\n    profile: nsf\n"
    loaded = load_yaml_text(text, Path("cv.yaml"))
    from build_cv.sources.load import from_loaded

    with pytest.raises(SchemaError) as caught:
        from_loaded(loaded)
    message = caught.value.render()
    assert "cv.yaml:5:5: variants.grant.profile: unknown profile `nsf`" in message
    assert "(did you mean `nsf-synergistic`?)" in message
    assert caught.value.exit_code == 2


def test_load_refuses_an_unknown_name() -> None:
    with pytest.raises(InputError, match=r"unknown profile `erc2`.*did you mean `erc`"):
        profiles.load("erc2")


GOOD = (FOLDER / "nsf-synergistic.yaml").read_text("utf-8")


def _write(tmp_path: Path, text: str, name: str = "nsf-synergistic") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, "utf-8")
    return path


def test_a_copy_of_a_good_profile_reads(tmp_path: Path) -> None:
    assert isinstance(read_profile(_write(tmp_path, GOOD)), Profile)


@pytest.mark.parametrize(
    ("old", "new", "at", "says"),
    [
        ("    max: 5\n", "    max: five\n", "max: five", "rules[0].max"),
        ("check: max_pages", "check: max_page", "check: max_page", "unknown check `max_page`"),
        ("paper: letter", "paper: legal", "paper: legal", "`legal` is not allowed"),
        ("page_numbers: false", "page_numbers: false\nfooter: x", "footer", "unknown key `footer`"),
        ("effective_from: 2024-05-20\nsource", 'effective_from: "2024-13-20"\nsource',
         "2024-13-20", "effective_from: '2024-13-20' is not a date"),
        ("  - {kind: items,", "  - {kind: item,", "kind: item,", "`item` is not allowed"),
    ],
)  # fmt: skip
def test_a_malformed_profile_is_named_with_line_and_field(
    tmp_path: Path, old: str, new: str, at: str, says: str
) -> None:
    assert old in GOOD
    text = GOOD.replace(old, new, 1)
    line = text[: text.index(at)].count("\n") + 1
    path = _write(tmp_path, text)
    with pytest.raises(ProfileError) as caught:
        read_profile(path)
    message = caught.value.render()
    assert message.startswith("profile `nsf-synergistic` is malformed")
    assert f"nsf-synergistic.yaml:{line}:" in message
    assert says in message
    assert caught.value.exit_code == 2


def test_a_profile_named_unlike_its_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ProfileError) as caught:
        read_profile(_write(tmp_path, GOOD, name="other"))
    assert "`name` must be `other`" in caught.value.render()


def test_a_profile_that_is_not_yaml_is_named(tmp_path: Path) -> None:
    with pytest.raises(ProfileError) as caught:
        read_profile(_write(tmp_path, "name: nsf-synergistic\nrules: [\n"))
    assert "profile `nsf-synergistic` is malformed" in caught.value.render()
    assert "nsf-synergistic.yaml:3:" in caught.value.render()


def test_a_profile_is_read_within_bounds(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD + "#" * MAX_PROFILE_BYTES)
    with pytest.raises(ProfileError) as caught:
        read_profile(path)
    assert "larger than" in caught.value.render()
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    with pytest.raises(ProfileError) as caught:
        read_profile(fifo)  # refused, not waited on
    assert "not a regular file" in caught.value.render()


def test_two_places_for_one_kind_are_refused(tmp_path: Path) -> None:
    text = GOOD.replace("{kind: list,", "{kind: items,")
    with pytest.raises(ProfileError) as caught:
        read_profile(_write(tmp_path, text))
    assert "places the kind items twice" in caught.value.render()
