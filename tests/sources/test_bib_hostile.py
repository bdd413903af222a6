""".bib input that must never lose, leak or invent data: BibTeX's own rules decide.

A missing comma, a stray brace, a crossref cycle, a file of @strings that double at
every step, braces nested ten thousand deep: each is an error at `file.bib:LINE` naming
the entry (and field), found quickly, in bounded memory, never a silently dropped field
and never a traceback. Pathological inputs assert their time in the test itself.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from build_cv.errors import SchemaError
from build_cv.schema.bibentry import BibEntry
from build_cv.sources.bibtex.reader import parse_bibtex
from tests.conftest import ROOT

AUTHOR_YEAR = "author = {Ada Lovelace}, year = 2020"


def read(text: str) -> dict[str, BibEntry]:
    return {e.key: e for e in parse_bibtex(text, Path("x.bib"))}


def problems(text: str) -> list[str]:
    """Each problem as the user sees it: `x.bib:LINE: @key: message`."""
    with pytest.raises(SchemaError) as info:
        parse_bibtex(text, Path("x.bib"))
    return [str(p) for p in info.value.problems]


# ---- text left after a value ------------------------------------------------------------


def test_a_missing_comma_is_an_error_at_the_field_it_would_drop() -> None:
    """bibtexparser reads `{X}\\n year = 2020` as title's value; year was lost, exit 0."""
    bib = "@article{a,\n  title = {X}\n  year = 2020,\n  author = {Ada Lovelace},\n}\n"
    assert problems(bib) == [
        "x.bib:3: @a: title: `year = 2020` follows the value; a `,` is missing before it"
    ]


def test_a_missing_comma_before_a_doi_names_the_line_of_the_doi() -> None:
    bib = (
        "@article{a,\n  title = {X},\n  journal = {J},\n  author = {A B},\n"
        "  year = 2020\n\n  doi = {10.1145/1}\n}\n"
    )
    assert problems(bib) == [
        "x.bib:7: @a: year: `doi = {10.1145/1}` follows the value; a `,` is missing before it"
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("{X} # ,", "title: ends in `#` with nothing after it"),
        ("{X} junk,", "title: `junk` follows the value (a `,` or `#` missing?)"),
        ('"X" junk,', "title: `junk` follows the value (a `,` or `#` missing?)"),
        ('"a}b",', 'title: `"a}b"` has a `}` that closes no `{`'),
        ("2020 x,", "title: `x` follows the value (a `,` or `#` missing?)"),
        ("jan feb,", "title: `feb` follows the value (a `,` or `#` missing?)"),
        ("{X} {Y},", "title: `{Y}` follows the value (a `,` or `#` missing?)"),
        (",", "title: has no value (write `{}` for an empty one)"),
        ("=X,", "title: `=X` is not a value"),
    ],
)
def test_text_after_a_value_is_an_error_not_a_silent_cut(value: str, message: str) -> None:
    bib = f"@article{{a,\n  title = {value}\n  journal = {{J}}, {AUTHOR_YEAR}\n}}\n"
    assert problems(bib) == [f"x.bib:2: @a: {message}"]


def test_text_after_an_at_string_value_is_an_error() -> None:
    bib = "@string{j = {Journal} junk}\n@article{a, title = {T}, journal = j, " + AUTHOR_YEAR + "}"
    assert problems(bib) == [
        "x.bib:1: @string{j}: `junk` follows the value (a `,` or `#` missing?)"
    ]


def test_a_string_defined_again_with_another_value_is_an_error_at_its_line() -> None:
    """Every entry got the last value, the first entries' venue changed without a word."""
    bib = (
        '@string{j = "A"}\n@article{a, title = {T}, journal = j, '
        + AUTHOR_YEAR
        + '}\n@string{J = "B"}\n'
    )
    assert problems(bib + "@article{b, title = {T}, journal = j, " + AUTHOR_YEAR + "}") == [
        "x.bib:3: @string{J}: defines `J` again, with another value than at line 1; every "
        "entry would get this one: give it another name"
    ]


def test_a_string_defined_again_with_its_value_or_a_month_redefined_is_fine() -> None:
    """Two .bib files pasted together repeat their strings; styles predefine months."""
    bib = '@string{j = "A"}\n@string{j = "A"}\n@string{jan = "Jan."}\n'
    entry = read(bib + "@article{a, title = {T}, journal = j, month = jan, " + AUTHOR_YEAR + "}")[
        "a"
    ]
    assert (entry.venue, entry.month) == ("A", 1)


@pytest.mark.parametrize(
    ("close", "where"),
    [
        ("}},\n  year = 2020,\n}", "3: @a: `, year = 2020, }`"),
        ("}}\n  year = 2020\n}", "4: @a: `year = 2020 }`"),
        ("}}}", "3: @a: `}`"),
    ],
)
def test_a_stray_closing_brace_that_ends_the_entry_early_is_an_error(
    close: str, where: str
) -> None:
    """BibTeX ignores what follows an entry's `}`: the fields after a `}` too many vanish."""
    bib = f"@article{{a,\n  author = {{Ada Lovelace}},\n  title = {{X{close}\n"
    assert problems(bib) == [
        f"x.bib:{where} comes after the entry's closing `}}` and is not read; is there a `}}` "
        "too many in a value above it?"
    ]


def test_text_between_entries_is_still_a_comment() -> None:
    bib = (
        "Exported from Google Scholar\n"
        f"@article{{a, title = {{T}}, journal = {{J}}, {AUTHOR_YEAR}}} thanks!\n"
        "% checked by hand\n"
    )
    assert list(read(bib)) == ["a"]


def test_a_comment_line_before_a_field_does_not_hide_it() -> None:
    """`%` comments a line out, as for biber: the field after it is read, not lost."""
    bib = (
        "@article{a,\n  title = {T}, journal = {J}, " + AUTHOR_YEAR + ",\n"
        "  % from the publisher's page\n  doi = {10.1145/3437801.3441578},\n"
        "  % url = {https://old.example.org},\n  pages = {1--2},\n}\n"
    )
    entry = read(bib)["a"]
    assert (entry.doi, entry.url, entry.pages) == ("10.1145/3437801.3441578", None, "1–2")


def test_a_field_commented_out_without_its_comma_hides_the_next_one_and_says_so() -> None:
    bib = "@article{a,\n  title = {T}, journal = {J},\n  % url = {u}\n  " + AUTHOR_YEAR + "\n}\n"
    assert problems(bib) == [
        "x.bib:4: @a: a field commented out: `author = {Ada Lovelace}` follows the value; a "
        "`,` is missing before it"
    ]


def test_a_field_name_with_a_space_is_an_error() -> None:
    bib = "@book{a,\n  book title = {T}, " + AUTHOR_YEAR + "}\n"
    assert problems(bib) == ["x.bib:2: @a: `book title` is not a field name"]


# ---- crossref ---------------------------------------------------------------------------


def test_a_self_crossref_is_an_error_naming_the_key() -> None:
    """It made the entry its own container: dropped with exit 0."""
    bib = f"@article{{self, crossref = {{self}}, title = {{T}}, journal = {{J}}, {AUTHOR_YEAR}}}"
    assert problems(bib) == ["x.bib:1: @self: crossref: the entry names itself as its parent"]


def test_a_crossref_cycle_is_an_error_naming_every_key() -> None:
    bib = (
        f"@inproceedings{{a, crossref = {{b}}, title = {{A}}, {AUTHOR_YEAR}}}\n"
        f"@inproceedings{{b, crossref = {{C}}, title = {{B}}, {AUTHOR_YEAR}}}\n"
        f"@proceedings{{c, crossref = {{a}}, title = {{C}}, {AUTHOR_YEAR}}}\n"
        f"@article{{ok, title = {{T}}, journal = {{J}}, {AUTHOR_YEAR}}}\n"
    )
    assert problems(bib) == [
        "x.bib:1: @a: crossref cycle: a -> b -> c -> a; a parent cannot be its own child's child"
    ]


def test_an_entry_pointing_into_a_cycle_reports_the_cycle_once() -> None:
    bib = (
        "@misc{x, crossref = {a}}\n"
        "@misc{a, crossref = {b}}\n"
        "@misc{b, crossref = {a}}\n"
        "@misc{y, crossref = {b}}\n"
    )
    assert problems(bib) == [
        "x.bib:2: @a: crossref cycle: a -> b -> a; a parent cannot be its own child's child"
    ]


def test_a_crossref_chain_passes_every_field_down_whatever_the_order() -> None:
    """biber resolves a parent's own crossref first; one level only lost the series'
    publisher whenever the paper came before its proceedings in the file."""
    bib = (
        "@inproceedings{paper, crossref = {proc}, title = {A Paper}, author = {Ada Lovelace},\n"
        "  pages = {1--10}}\n"
        "@proceedings{proc, crossref = {series}, title = {Proceedings of X 2020}, year = 2020}\n"
        "@book{series, title = {Lecture Notes}, publisher = {Springer}, address = {Berlin}}\n"
    )
    entries = read(bib)
    assert list(entries) == ["paper"]  # the parents are containers
    paper = entries["paper"]
    assert (paper.venue, paper.year, paper.publisher) == ("Proceedings of X 2020", 2020, "Springer")


def test_a_long_crossref_chain_is_read_without_recursion() -> None:
    n = 5_000
    bib = "".join(f"@misc{{k{i}, crossref = {{k{i + 1}}}}}\n" for i in range(n))
    bib += f"@misc{{k{n}, title = {{T}}, {AUTHOR_YEAR}}}\n"
    entries = read(bib)
    assert list(entries) == ["k0"] and entries["k0"].title == "T"


# ---- bounded expansion ------------------------------------------------------------------

# Each @string doubles the one before: 600 bytes that ask for 12 GB.
LAUGHS = (
    '@string{a0 = "lol!lol!lol!"}\n'
    + "".join(f"@string{{a{i} = a{i - 1} # a{i - 1}}}\n" for i in range(1, 31))
    + "@misc{x, title = a30, author = {A B}, year = 2020}\n"
)

_BOUNDED_CHILD = """
import json, resource, sys, time
limit = 1 << 30  # a regression must fail this test, not exhaust the machine's memory
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from pathlib import Path
from build_cv.errors import BuildCVError
from build_cv.sources.bibtex.reader import parse_bibtex
text = sys.stdin.read()
start = time.perf_counter()
try:
    parse_bibtex(text, Path("x.bib"))
    result = "read"
except BuildCVError as exc:
    result = exc.render()
print(json.dumps({"seconds": time.perf_counter() - start, "result": result}))
"""


def parse_in_a_bounded_child(text: str) -> tuple[float, str]:
    proc = subprocess.run(
        [sys.executable, "-c", _BOUNDED_CHILD],
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout)
    return out["seconds"], out["result"]


def test_a_billion_laughs_file_fails_at_once_in_bounded_memory() -> None:
    assert len(LAUGHS.encode()) < 1000
    _, result = parse_in_a_bounded_child(LAUGHS)
    assert re.search(r"x\.bib:\d+: @string\{a\d+\}: expands to over 1,000,000 characters", result)
    assert result.count("\n") == 1  # one problem; nothing after it is read


def test_a_join_of_a_long_macro_is_refused_in_one_value() -> None:
    bib = "@string{m = {" + "y" * 1000 + "}}\n@misc{a, title = " + " # ".join(["m"] * 5000)
    bib += ", author = {A B}, year = 2020}\n"
    assert problems(bib) == ["x.bib:2: @a: title: expands to over 1,000,000 characters"]


def test_a_long_macro_used_many_times_exhausts_the_files_budget() -> None:
    bib = "@string{big = {" + "x" * 900_000 + "}}\n"
    bib += "".join(f"@misc{{k{i}, title = big, {AUTHOR_YEAR}}}\n" for i in range(50))
    (found,) = problems(bib)
    assert re.fullmatch(
        r"x\.bib:\d+: @k\d+: title: the values of this file expand to over 4,000,000 "
        r"characters in all \(@string macros, `#` joins and crossref\), more than build-cv "
        r"reads",
        found,
    ), found


def test_crossref_inheritance_counts_against_the_budget() -> None:
    bib = f"@book{{p, title = {{T}}, note = {{{'z' * 900_000}}}, {AUTHOR_YEAR}}}\n"
    bib += "".join(f"@misc{{k{i}, crossref = {{p}}}}\n" for i in range(50))
    (found,) = problems(bib)
    assert "@k" in found and "crossref: the values of this file expand to over" in found


def test_a_long_macro_chain_and_a_long_join_are_read() -> None:
    chain = '@string{m0 = "x"}\n' + "".join(f"@string{{m{i} = m{i - 1}}}\n" for i in range(1, 5000))
    join = " # ".join(['"ab"'] * 20_000)
    bib = chain + f"@misc{{a, title = m4999, note = {join}, {AUTHOR_YEAR}}}\n"
    entry = read(bib)["a"]
    assert entry.title == "x" and entry.note == "ab" * 20_000


DEEP = "{" * 10_000 + "x" + "}" * 10_000


@pytest.mark.parametrize(
    ("bib", "line"),
    [
        (f"@misc{{a, title = {{{DEEP}}}, {AUTHOR_YEAR}}}", "x.bib:1: @a: title"),
        (f"@misc{{a, title = {{T}}, note = {{{DEEP}}}, {AUTHOR_YEAR}}}", "x.bib:1: @a: note"),
        (f"@misc{{a, title = {{T}}, author = {{{DEEP}}}, year = 2020}}", "x.bib:1: @a: author"),
        (f"@string{{d = {{{DEEP}}}}}\n@misc{{a, title = d, {AUTHOR_YEAR}}}", "x.bib:2: @a: title"),
        (
            "@misc{a, title = {"
            + r"\textbf{" * 5000
            + "x"
            + "}" * 5000
            + "}, "
            + AUTHOR_YEAR
            + "}",
            "x.bib:1: @a: title",
        ),
    ],
)
def test_ten_thousand_nested_braces_are_an_error_never_a_recursion_error(
    bib: str, line: str
) -> None:
    assert problems(bib) == [f"{line}: braces are nested more than 100 deep"]


def test_a_deeply_nested_string_that_no_entry_uses_does_no_harm() -> None:
    bib = f"@string{{d = {{{DEEP}}}}}\n@misc{{a, title = {{T}}, {AUTHOR_YEAR}}}"
    assert read(bib)["a"].title == "T"


# ---- what messages show -----------------------------------------------------------------

SECRET = "\n".join(
    f"b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAAB{i:04d}" for i in range(60)
)


@pytest.mark.parametrize(
    "bib",
    [
        f"@article{{key,\n{SECRET}\n}}\n",  # no `=`: bibtexparser quotes all of it
        f"@article{{key, title = {{T}}\n{SECRET} = {{x}}}}\n",
        f"@article{{key, year = {{{SECRET}}}, title = {{T}}, author = {{A B}}}}\n",
        f"@article{{key, doi = {{{SECRET}}}, title = {{T}}, {AUTHOR_YEAR}}}\n",
        f"@article{{{SECRET.replace(chr(10), '')}, title = {{T}}}}\n",
        f"@string{{s = {{x}} {SECRET}}}\n",
    ],
)
def test_a_message_never_shows_more_than_a_short_excerpt(bib: str) -> None:
    shown = "\n".join(problems(bib))
    lines = SECRET.splitlines()
    assert not any(line in shown for line in lines[1:]), shown
    assert len(shown) < 400, shown


def test_a_file_with_a_mistake_in_every_entry_shows_the_first_fifty() -> None:
    bib = "".join(f"@misc{{k{i}, title = {{T}} junk, {AUTHOR_YEAR}}}\n" for i in range(5000))
    found = problems(bib)
    assert len(found) == 51
    assert found[0] == "x.bib:1: @k0: title: `junk` follows the value (a `,` or `#` missing?)"
    assert found[-1] == "x.bib: and 4,950 more problems"
