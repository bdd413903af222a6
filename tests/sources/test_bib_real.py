"""Real Google Scholar and DBLP exports (tests/fixtures/bib/SOURCES.md): nothing lost or
invented.

Each record is checked against the file read a second, simpler way: bibtexparser's bare
split into fields, compared by words and digits, so the check does not lean on the
decoder it checks. A field the file has is in the record; one it lacks is not.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bibtexparser.entrypoint import parse_string
from bibtexparser.model import Entry

from build_cv.errors import SchemaError
from build_cv.schema.bibentry import BibEntry
from build_cv.sources.bibtex.kinds import PREPRINT_VENUE, details
from build_cv.sources.bibtex.reader import parse_bibtex, read_bibtex
from tests.conftest import FIXTURES

REAL = FIXTURES / "bib"


def raw_fields(text: str) -> dict[str, dict[str, str]]:
    """Each entry's fields as written, braces and the outer delimiters stripped."""
    out: dict[str, dict[str, str]] = {}
    for block in parse_string(text, parse_stack=[]).blocks:
        if isinstance(block, Entry) and block.key not in out:
            out[block.key] = {
                f.key.lower(): re.sub(r"[{}]", "", str(f.value)).strip() for f in block.fields
            }
    return out


def words(text: str) -> set[str]:
    """ASCII words of three letters or more, once accents (with their letter) and other
    commands are taken out: what any faithful reading of the text keeps."""
    text = re.sub(r"\\[^A-Za-z\s][A-Za-z]?|\\[A-Za-z]+", " ", text)
    return {w.lower() for w in re.findall(r"[A-Za-z]{3,}", text)}


def digits(text: str | None) -> str:
    return re.sub(r"\D", "", text or "")


def check(record: BibEntry, raw: dict[str, str]) -> None:
    """Every field the CV uses is there exactly when the file has it, with its content."""
    assert words(raw["title"]) <= words(record.title), record.key
    names = [n for n in re.split(r"\s+and\s+", raw["author"]) if n.strip()]
    assert record.et_al == (names[-1] == "others")
    assert len(record.authors) == len(names) - record.et_al
    assert record.year == int(raw["year"])
    assert digits(record.pages) == digits(raw.get("pages"))
    assert record.doi == (raw["doi"].replace("\\_", "_") if "doi" in raw else None)
    assert (record.url is None) == ("url" not in raw)
    assert (record.publisher is None) == ("publisher" not in raw)
    if record.venue == PREPRINT_VENUE:
        where = raw.get("journal", "") + " " + raw.get("volume", "")
        assert record.arxiv is not None and record.arxiv in where
        return
    venue = raw.get("journal") or raw.get("booktitle") or ""
    assert words(venue) <= words(record.venue or ""), record.key
    assert (record.venue is None) == (not venue)
    assert digits(record.volume) == digits(raw.get("volume"))
    assert digits(record.number) == digits(raw.get("number"))


@pytest.mark.parametrize("name", ["scholar-doukhan.bib", "dblp-limaye.bib", "dblp-carlostome.bib"])
def test_every_entry_of_a_real_export_is_read_whole(name: str) -> None:
    path = REAL / name
    raws = raw_fields(path.read_text("utf-8"))
    records = read_bibtex(path)
    assert [r.key for r in records] == list(raws)
    for record in records:
        check(record, raws[record.key])


def test_google_scholar_accents_and_quotes() -> None:
    by_key = {e.key: e for e in read_bibtex(REAL / "scholar-doukhan.bib")}
    assert by_key["doukhan2018description"].title == (
        "Description automatique du taux d’expression des femmes dans les flux télévisuels français"
    )
    assert "Félicien Vallet" in by_key["doukhan2018open"].author_names
    assert details(by_key["doukhan2018describing"]) == "7(14): 103–122"


def test_dblp_math_escapes_and_preprints() -> None:
    by_key = {e.key: e for e in read_bibtex(REAL / "dblp-limaye.bib")}
    assert by_key["DBLP:conf/stoc/LimayeS0TV19"].title == (
        "A fixed-depth size-hierarchy theorem for AC⁰[⊕] via the coin problem"
    )
    # SIAM's metadata held LaTeX source, which DBLP escaped: it is shown as written.
    assert by_key["DBLP:journals/siamcomp/LimayeSSTV21"].title == (
        r"A Fixed-Depth Size-Hierarchy Theorem for $\mathrm{AC}^0[\oplus]$ via the Coin Problem"
    )
    assert by_key["DBLP:journals/algorithmica/BajpaiKKLS22"].title.startswith("A #SAT Algorithm")
    corr = by_key["DBLP:journals/corr/abs-2408-03465"]
    assert (corr.venue, corr.arxiv) == (PREPRINT_VENUE, "2408.03465")
    assert "Schöning's" in corr.title
    assert details(by_key["DBLP:journals/eccc/ChauguleL24"]) == "TR24-021"


def test_dblp_standard_form_names_and_dois() -> None:
    by_key = {e.key: e for e in read_bibtex(REAL / "dblp-carlostome.bib")}
    assert by_key["AbadiCCL91"].author_names == (
        "Martín Abadi",
        "Luca Cardelli",
        "Pierre-Louis Curien",
        "Jean-Jacques Lévy",
    )
    assert by_key["AlechinaMPR01"].doi == "10.1007/3-540-44802-0_21"
    assert by_key["AltenkirchU04"].title == "Normalization by Evaluation for lambda⁻²"


def test_a_raw_scholar_profile_export_reports_exactly_its_real_problems() -> None:
    """Scholar exports entries without a year, and the same key twice: those, and only
    those, are reported; the rest of the file reads whole."""
    path = REAL / "scholar-crowell.bib"
    text = path.read_text("utf-8")
    keys = re.findall(r"^@\w+\{([^,]+),", text, flags=re.MULTILINE)
    no_year = [k for k, raw in raw_fields(text).items() if "year" not in raw]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    with pytest.raises(SchemaError) as info:
        read_bibtex(path)
    reported = [(p.location.field, p.message) for p in info.value.problems]
    assert sorted(reported) == sorted(
        [(f"@{k}", "has no `year` (or `date`)") for k in no_year]
        + [
            (
                f"@{k}",
                f"the key `{k}` is used again (first at line {_line_of(text, k)}); "
                "every entry needs its own key",
            )
            for k in twice
        ]
    )
    kept = "\n".join(
        e for e in re.split(r"\n(?=@)", text) if not any(f"{{{k}," in e for k in no_year)
    )
    raws = raw_fields(kept)
    records = parse_bibtex(_first_of_each_key(kept), Path("x.bib"))
    assert len(records) == len(keys) - len(no_year) - len(twice)
    for record in records:
        check(record, raws[record.key])
    arxiv = next(r for r in records if r.key == "crowell2010forecast")
    assert (arxiv.venue, arxiv.arxiv) == (PREPRINT_VENUE, "1011.1508")


def _line_of(text: str, key: str) -> int:
    return text[: text.index(f"{{{key},")].count("\n") + 1


def _first_of_each_key(text: str) -> str:
    seen: set[str] = set()
    kept = []
    for entry in re.split(r"\n(?=@)", text):
        key = re.match(r"@\w+\{([^,]+),", entry)
        if key is None or key.group(1) not in seen:
            kept.append(entry)
        if key is not None:
            seen.add(key.group(1))
    return "\n".join(kept)
