from __future__ import annotations

import pytest

from build_cv.schema.bibentry import Name
from build_cv.sources.bibtex.names import parse_name, split_names
from build_cv.sources.bibtex.owners import OwnerMatcher, is_owner


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Jiarui Fang", Name(first="Jiarui", last="Fang")),
        ("Fang, Jiarui", Name(first="Jiarui", last="Fang")),
        ("J. Fang", Name(first="J.", last="Fang")),
        ("Fang, J.", Name(first="J.", last="Fang")),
        ("Cho-Jui Hsieh", Name(first="Cho-Jui", last="Hsieh")),
        ("Ludwig van Beethoven", Name(first="Ludwig", von="van", last="Beethoven")),
        ("van Beethoven, Ludwig", Name(first="Ludwig", von="van", last="Beethoven")),
        ("Jean de la Fontaine", Name(first="Jean", von="de la", last="Fontaine")),
        ("de la Fontaine, Jr, Jean", Name(first="Jean", von="de la", last="Fontaine", jr="Jr")),
        ("King, Jr., Martin Luther", Name(first="Martin Luther", last="King", jr="Jr.")),
        ("{World Health Organization}", Name(last="World Health Organization")),
        ("Garcia Marquez, Gabriel", Name(first="Gabriel", last="Garcia Marquez")),
        (r"M{\"u}ller, J{\"o}rg", Name(first="Jörg", last="Müller")),
        (r"{\"U}nal, Ay{\c{s}}e", Name(first="Ayşe", last="Ünal")),
        (r"Hans {\"u}ber Meier", Name(first="Hans", von="über", last="Meier")),
        ("Plato", Name(last="Plato")),
        ("J.~Fang", Name(first="J.", last="Fang")),
    ],
)
def test_parses_the_three_bibtex_forms(raw: str, name: Name) -> None:
    assert parse_name(raw) == name


def test_displays_first_von_last_then_jr() -> None:
    assert parse_name("van Beethoven, Ludwig").display == "Ludwig van Beethoven"
    assert parse_name("King, Jr., Martin Luther").display == "Martin Luther King, Jr."
    assert parse_name("{World Health Organization}").display == "World Health Organization"


def test_splits_on_and_outside_braces_only() -> None:
    names, et_al = split_names("Fang, Jiarui and {Bill and Melinda Gates Foundation} AND Li, X.")
    assert names == ["Fang, Jiarui", "{Bill and Melinda Gates Foundation}", "Li, X."]
    assert not et_al


def test_and_others_is_et_al_not_a_name() -> None:
    names, et_al = split_names("Fang, Jiarui and You, Yang and others")
    assert names == ["Fang, Jiarui", "You, Yang"]
    assert et_al


def test_a_doubled_and_leaves_an_empty_name() -> None:
    assert split_names("A, B and and C, D") == (["A, B", "", "C, D"], False)


def test_a_word_containing_and_does_not_split() -> None:
    names, _ = split_names("Alexander Anderson and Sandy Brandt")
    assert names == ["Alexander Anderson", "Sandy Brandt"]


OWNER = OwnerMatcher("Jiarui Fang", ["方佳瑞"])


@pytest.mark.parametrize(
    "author",
    [
        "Jiarui Fang",
        "Fang, Jiarui",
        "J. Fang",
        "Fang, J.",
        "Fang J",
        "J Fang",
        "Fang, J",
        "JIARUI FANG",
        "jiarui fang",
        "Jia-Rui Fang",
        "Jia Rui Fang",
        "J.~Fang",
        r"Fang, Jiar{\'u}i",
        "Jiarúi Fáng",
        "方佳瑞",
        "方 佳瑞",
    ],
)
def test_the_owner_in_every_spelling(author: str) -> None:
    assert OWNER.matches(author)


@pytest.mark.parametrize(
    "author",
    [
        "H. Fang",
        "Haohuan Fang",
        "Fang, H.",
        "Fang H",
        "Fang",
        "Jiarui",
        "Jiarui Fan",
        "Jiarui Fang-Li",
        "方佳",
        "Haohuan Fu",
    ],
)
def test_not_the_owner(author: str) -> None:
    assert not OWNER.matches(author)


def test_initials_of_a_hyphenated_given_name() -> None:
    assert is_owner("C.-J. Hsieh", "Cho-Jui Hsieh")
    assert is_owner("C. Hsieh", "Cho-Jui Hsieh")
    assert is_owner("Hsieh, C.J.", "Cho-Jui Hsieh")
    assert not is_owner("J. Hsieh", "Cho-Jui Hsieh")
    assert not is_owner("C.-H. Hsieh", "Cho-Jui Hsieh")


def test_an_other_spelling_matches_in_its_own_forms() -> None:
    matcher = OwnerMatcher("Jiarui Fang", ["Fang Jiarui"])
    assert matcher.matches("Fang Jiarui")
    assert not matcher.matches("Fang Haohuan")


def test_von_and_accents_do_not_hide_the_owner() -> None:
    assert is_owner("van Beethoven, L.", "Ludwig van Beethoven")
    assert is_owner("José Müller", "Jose Muller")
