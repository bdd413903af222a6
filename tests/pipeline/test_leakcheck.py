"""The leak check: what each writer actually wrote, read back in its own encoding.

A hidden value is looked for in every output of the variant, after undoing the format's
escapes; found, it fails that target and nothing of it is written. The encoded forms
here are made by the writers' own escaping functions, not typed by hand, so the test
follows the writers if they change.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable

import pytest

from build_cv.exposure import View, find
from build_cv.formats.latex.escape import escape, escape_url
from build_cv.formats.markdown.writer import escape_md, link_md
from build_cv.pipeline.leakcheck import exposures
from build_cv.report import Secret
from build_cv.sources.bibtex.decode import encode_latex

TRICKY = [
    "jane_doe%x#1@example.org",
    "O'Brien & Sons <Ltd>",
    "C:\\temp\\~jane^2",
    "José Müller-Lüdenscheidt",
    "50% of $10 {net}",
    "方佳瑞 (Fang)",
    "在GPU集群上训练“Colossal-AI”",  # CJK beside Latin letters: a break point between
]


def secret(value: str, field: str = "person.location") -> Secret:
    return Secret(field, value, "cv.yaml:4")


def spelled(fmt: str, value: str) -> str:
    """`value` as the writer of `fmt` spells it in running text, in a line of its own."""
    writers: dict[str, Callable[[str], str]] = {
        "tex": lambda v: str(escape(v)),
        "bib": encode_latex,
        "html": html.escape,
        "md": escape_md,
        "json": json.dumps,
        "txt": str,
    }
    encoded = writers[fmt](value)
    return f"first line\nsome text {encoded} more text\nlast line\n"


@pytest.mark.parametrize("fmt", ["tex", "bib", "html", "md", "json", "txt"])
@pytest.mark.parametrize("value", TRICKY)
def test_a_value_is_found_however_the_writer_escaped_it(fmt: str, value: str) -> None:
    (found,) = exposures(fmt, spelled(fmt, value), [secret(value)])
    assert found.where.startswith("line 2")


def test_json_escapes_of_any_character_are_decoded() -> None:
    ascii_only = json.dumps({"x": "José at https://example.org/~j"}, ensure_ascii=True)
    slashed = ascii_only.replace("/", "\\/")
    assert "\\u00e9" in slashed and "\\/" in slashed
    (found,) = exposures("json", slashed, [secret("José at https://example.org/~j")])
    assert "JSON escapes decoded" in found.where


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        ("html", '<a href="https://example.org/c?to=ada%40example.org">write</a>'),
        ("html", '<a href="mailto:ada&#64;example.org">write</a>'),
        ("md", link_md("https://example.org/c?to=ada%40example.org", "write")),
        ("tex", f"\\href{{{escape_url('https://example.org/c?to=ada%40example.org')}}}{{w}}"),
        ("txt", "write (https://example.org/c?to=ada%40example.org)"),
        ("json", json.dumps({"url": "https://example.org/c?to=ada%40example.org"})),
    ],
)
def test_a_percent_encoded_address_in_a_link_is_found(fmt: str, text: str) -> None:
    assert exposures(fmt, text, [secret("ada@example.org", "person.email")])


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("+86 138 0000 0000", '<a href="tel:+8613800000000">call</a>'),
        ("+86 138 0000 0000", "tel:+86-138-0000-0000"),
        ("(555) 123-4567", "tel:+15551234567"),
        ("+44 20 7946 0000", "Call 020 7946 0000 or +44 (0)20 7946 0000"),
    ],
)
def test_a_phone_is_found_as_its_digits_however_grouped(typed: str, written: str) -> None:
    assert exposures("html", written, [secret(typed, "references.phone")])


def test_case_and_spacing_do_not_hide_a_value() -> None:
    assert exposures("txt", "WRITE TO\n  JANE   DOE today", [secret("Jane Doe")])


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("Li", "Li Wei wrote it"),  # too short to search: a name's part occurs by chance
        ("Anna Li", "Anna Lisa wrote it"),  # not a whole word
        ("+44 20 7946 0000", "tel:+4420794600001"),  # a longer number
        ("+44 20 7946 0000", "ISBN 978-1-2079460000"),  # a national number inside others
        ("Paris", "Parisian cafés"),
    ],
)
def test_what_merely_contains_a_value_is_no_leak(value: str, text: str) -> None:
    assert exposures("txt", text, [secret(value, "person.phone")]) == []


def test_a_message_never_repeats_the_value() -> None:
    (found,) = find([secret("ada@example.org")], [View("x\nada@example.org")])
    assert found.describe() == "person.location (written at cv.yaml:4), found in line 2"


def test_a_hidden_markup_value_is_found_as_the_text_a_reader_sees() -> None:
    summary = "Led a **team of five** on [the engine](https://example.org/engine)"
    page = "<p>Led a <strong>team of five</strong> on <a href='https://x.org'>the engine</a></p>"
    (found,) = exposures("html", page, [secret(summary, "experience.summary")])
    assert found.where == "line 1 (the page's text)"
    assert exposures("txt", "Led a team of five on the engine", [secret(summary)])


def test_hidden_authors_are_found_in_bibtex_name_order() -> None:
    """The export writes `Hidden, Harriet`: the leak check finds the name in that order,
    braced and escaped as BibTeX writes it, however the data spelled it."""
    secrets = [Secret("publications.authors", name, "cv.yaml:9") for name in AUTHORS]
    for name, written in AUTHORS.items():
        text = f"@article{{k,\n  author = {{Zulu, Zed and {written}}},\n}}\n"
        (found,) = exposures("bib", text, [s for s in secrets if s.value == name])
        assert found.where.startswith("line 2"), (name, found)


AUTHORS = {
    "Harriet Hidden": "Hidden, Harriet",
    "Ann Smith Jones": "{Smith Jones}, Ann",
    "Ludwig van Beethoven": "van Beethoven, Ludwig",
    "Martin Luther King, Jr": "King, Jr, Martin Luther",
    "José Müller": r"M{\"u}ller, Jos{\'e}",
    "Anna O'Brien & Co": r"O'Brien \& Co, Anna",
}


def test_a_hidden_name_typed_surname_first_is_found_only_for_names() -> None:
    text = "Referees: Lovelace, Ada (Analytical Engines)"
    assert exposures("txt", text, [secret("Ada Lovelace", "references.name")])
    assert exposures("txt", text, [secret("Ada Lovelace", "person.location")]) == []


@pytest.mark.parametrize("fmt", ["tex", "html", "md", "txt", "json", "bib"])
def test_a_hidden_value_typed_again_across_lines_is_found_in_every_format(fmt: str) -> None:
    """The needle's line break is a space; the output may keep the line break (HTML
    does), so both sides are compared with every run of blanks one space."""
    value = "Secret Project Nightingale\nCodename Bluebird"
    typed = "Intro line.\nSecret Project Nightingale\n  Codename Bluebird\n"
    text = spelled(fmt, typed)
    (found,) = exposures(fmt, text, [secret(value, "experience.summary")])
    line = text[: text.index("Secret")].count("\n") + 1  # some writers make it one line
    assert found.where.startswith(f"line {line}"), found.where


@pytest.mark.parametrize("lines", [True, False])
def test_a_value_wrapped_between_characters_of_a_script_without_spaces_is_found(
    lines: bool,
) -> None:
    """A PDF's text breaks a Chinese name where the line ends: `艾达·洛\\n夫莱斯`; joined
    with a space it is no longer the name, so the text is also read with the breaks gone."""
    view = View("Name\n艾达·洛\n夫莱斯\nEnd", "the text of page 1", lines=lines)
    (found,) = find([secret("艾达·洛夫莱斯", "person.native_name")], [view])
    assert found.where == ("line 2 (the text of page 1)" if lines else "the text of page 1")


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("+49 30 1234567", "Call me on +49 (0)30 1234567 anytime."),
        ("+49 30 1234567", "+49 (0) 30 / 123 45 67"),
        ("+49 30 1234567", "0049 (0)30 1234567"),
        ("+49 30 1234567", "0049 30 1234567"),
        ("+49 30 1234567", "+49.30.123.45.67"),
        ("+49 30 1234567", "+49/30/1234567"),
        ("+49 30 1234567", "+49301234567"),
        ("+44 20 7946 0000", "+44 (0)20 7946 0000"),
        ("+41 44 668 18 00", "+41 (0)44 668 18 00"),
        ("+43 1 5870000", "+43 (0)1 587 00 00"),
        ("0049 30 1234567", "+49 30 1234567"),
        ("030 1234567", "+49 30 1234567"),
        ("030 1234567", "+49 (0)30 1234567"),
        ("+49 30 1234567", "Call +49 30\n1234567 today"),
    ],
)
def test_a_phone_is_found_in_its_international_spellings(typed: str, written: str) -> None:
    (found,) = exposures("txt", written, [secret(typed, "person.phone")])
    assert found.where.startswith("line 1")


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("+49 30 1234567", "+49 (0)30 12345678"),  # a longer number
        ("+49 30 1234567", "+49 (1)30 1234567"),  # not a trunk 0
        ("030 1234567", "tel 1301234567"),  # no country code before the national number
    ],
)
def test_other_numbers_are_not_the_phone(typed: str, written: str) -> None:
    assert exposures("txt", written, [secret(typed, "person.phone")]) == []


def test_line_numbers_count_every_line_break_the_search_joined() -> None:
    text = "x\n\n\nsome Secret Project\n\n  Nightingale\ntel +49 30\n1234567\n\nada@example.org"
    secrets = [
        secret("Secret Project Nightingale", "experience.summary"),
        secret("+49 30 1234567", "person.phone"),
        secret("ada@example.org", "person.email"),
    ]
    found = {f.secret.field: f.where for f in find(secrets, [View(text)])}
    assert found == {
        "experience.summary": "line 4",
        "person.phone": "line 7",
        "person.email": "line 10",
    }


@pytest.mark.parametrize(
    ("key", "hidden"),
    [
        ("hiddenharriet2020paper", secret("Harriet Hidden", "publications.authors")),
        ("DBLP:journals/corr/abs-2101-00042", secret("2101.00042", "publications.arxiv")),
        ("DBLP:conf/nips/HiddenZ20", secret("Harriet Hidden", "publications.authors")),
    ],
)
def test_a_citation_key_made_of_a_hidden_value_is_found(key: str, hidden: Secret) -> None:
    """A key squeezes values together: no spelling of the value itself is in it."""
    text = f"@article{{{key},\n  title = {{{{T}}}},\n  year = {{2020}},\n}}\n"
    (found,) = exposures("bib", text, [hidden])
    assert found.where == "line 1 (a citation key)"


def test_a_key_shows_a_value_only_with_every_word_of_it() -> None:
    text = "@article{berlin2020paper,\n  year = {2020},\n}\n"
    assert exposures("bib", text, [secret("Berlin, Germany")]) == []
    assert exposures("bib", text, [secret("Berlin")]) != []
