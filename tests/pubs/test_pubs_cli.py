"""`build-cv pubs import` and `pubs enrich` from the command line: files, --dry-run's
diff, the summary, bad input, and enrich through a local server."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from build_cv.cli.main import main
from build_cv.pipeline import fetch
from build_cv.sources.bibtex.reader import read_bibtex
from tests.conftest import DEFAULT_BIB, DEFAULT_DATA
from tests.pubs.helpers import PUBS, recorded


@pytest.fixture
def bib(tmp_path: Path) -> Path:
    target = tmp_path / "publications.bib"
    shutil.copy(DEFAULT_BIB, target)
    return target


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_from_a_dblp_file_adds_entries_and_says_what_it_did(
    bib: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys,
        "pubs",
        "import",
        str(PUBS / "dblp-person.xml"),
        "--into",
        str(bib),
        "--data",
        str(DEFAULT_DATA),
    )
    assert code == 0
    assert f"{bib}: 3 new, 0 updated, 0 unchanged, 1 skipped" in out
    assert "skipped: " in out and "no authors" in out
    keys = {e.key for e in read_bibtex(bib)}
    assert {"fang2024test", "fang2024long", "fang2023memory"} <= keys
    again = run(capsys, "pubs", "import", str(PUBS / "dblp-person.xml"), "--into", str(bib))
    assert "0 new, 0 updated, 3 unchanged" in again[1]


def test_dry_run_prints_a_unified_diff_and_writes_nothing(
    bib: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = bib.read_bytes()
    code, out, err = run(
        capsys,
        "pubs",
        "import",
        str(PUBS / "crossref-work.json"),
        "--into",
        str(bib),
        "--dry-run",
    )
    assert code == 0 and bib.read_bytes() == before
    assert out.startswith(f"--- {bib}\n+++ {bib} (imported)\n@@")
    assert "+@inproceedings{fang2024test," in out and "nothing written" in err


def test_a_new_bib_is_created(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "new.bib"
    code, out, _ = run(
        capsys, "pubs", "import", str(PUBS / "arxiv-feed.xml"), "--into", str(target)
    )
    assert code == 0 and "2 new" in out
    assert len(read_bibtex(target)) == 2


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("just some text\n", "not a format `pubs import` recognizes"),
        ('{"group": [}', ":1:12: not valid JSON"),
        ("<dblpperson><r></dblpperson>", ":1:"),
        ("@article{x, title = {T}, year = {20x1}}", "year"),
    ],
)
def test_a_bad_source_is_an_input_error_naming_the_file_and_position(
    bib: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, said: str
) -> None:
    source = tmp_path / "source.txt"
    source.write_text(content)
    before = bib.read_bytes()
    code, _, err = run(capsys, "pubs", "import", str(source), "--into", str(bib))
    assert code == 2 and str(source) in err and said in err and "Traceback" not in err
    assert bib.read_bytes() == before


def test_from_forces_a_format(bib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys,
        "pubs",
        "import",
        str(PUBS / "crossref-work.json"),
        "--from",
        "openalex",
        "--into",
        str(bib),
    )
    assert code == 2 and "results: missing" in err


def test_an_unknown_update_field_is_a_usage_error(
    bib: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys,
        "pubs",
        "import",
        str(PUBS / "crossref-work.json"),
        "--into",
        str(bib),
        "--update",
        "pagse",
    )
    assert code == 2 and "did you mean `pages`" in err


def test_owner_only_leaves_out_what_does_not_list_the_owner(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stranger = recorded("crossref-work.json").replace(
        b'"Jiarui", "family": "Fang"', b'"Ada", "family": "Lovelace"'
    )
    source = tmp_path / "w.json"
    source.write_bytes(stranger)
    target = tmp_path / "p.bib"
    code, out, _ = run(
        capsys,
        "pubs",
        "import",
        str(source),
        "--into",
        str(target),
        "--data",
        str(DEFAULT_DATA),
    )
    assert code == 0 and "may not be yours" in out
    target.unlink()
    code, out, _ = run(
        capsys,
        "pubs",
        "import",
        str(source),
        "--into",
        str(target),
        "--data",
        str(DEFAULT_DATA),
        "--owner-only",
    )
    assert "0 new" in out and "does not list you (--owner-only)" in out


def test_enrich_fills_a_doi_only_where_title_year_and_first_author_agree(
    tmp_path: Path,
    httpserver: HTTPServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    target = tmp_path / "p.bib"
    target.write_text(
        "@inproceedings{agrees, author = {Fang, Jiarui and Yu, Yang},\n"
        "  title = {{A Test Paper on GPU Serving}}, booktitle = {PPoPP}, year = {2024}}\n\n"
        "@inproceedings{wrongyear, author = {Fang, Jiarui},\n"
        "  title = {{A Test Paper on GPU Serving}}, booktitle = {PPoPP}, year = {2023},\n"
        "  eprint = {2401.00009}, archiveprefix = {arXiv}}\n"
    )
    httpserver.expect_request("/works").respond_with_data(
        recorded("crossref-search.json"), content_type="application/json"
    )
    empty = recorded("arxiv-feed.xml").decode().split("<entry>")[0] + "</feed>"
    httpserver.expect_request("/api/query").respond_with_data(
        empty.replace(">2</opensearch:totalResults>", ">0</opensearch:totalResults>")
    )
    base = httpserver.url_for("").rstrip("/")
    monkeypatch.setattr(fetch, "SERVICES", dict.fromkeys(fetch.SERVICES, base))
    monkeypatch.setattr(fetch, "INTERVAL", {})
    monkeypatch.setattr(time, "sleep", lambda _: None)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    before = target.read_bytes()
    code, out, _ = run(
        capsys, "pubs", "enrich", "--into", str(target), "--mailto", "me@example.org"
    )
    assert code == 0 and target.read_bytes() == before  # shown, not applied
    assert "agrees: doi 10.5555/3000001.3000002 (crossref:" in out
    assert "wrongyear" not in out.split("\n@@")[0]
    assert "\n+  doi = {10.5555/3000001.3000002},\n" in out
    code, out, _ = run(
        capsys,
        "pubs",
        "enrich",
        "--into",
        str(target),
        "--mailto",
        "me@example.org",
        "--apply",
    )
    entries = {e.key: e for e in read_bibtex(target)}
    assert entries["agrees"].doi == "10.5555/3000001.3000002"
    assert entries["wrongyear"].doi is None  # the year disagrees: no guess


def test_a_network_failure_leaves_the_bib_untouched(
    bib: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    monkeypatch.setattr(fetch, "SERVICES", dict.fromkeys(fetch.SERVICES, "http://127.0.0.1:9"))
    monkeypatch.setattr(time, "sleep", lambda _: None)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    before = bib.read_bytes()
    code, _, err = run(
        capsys,
        "pubs",
        "import",
        "doi:10.5555/1",
        "--into",
        str(bib),
        "--mailto",
        "me@example.org",
    )
    assert code == 1 and "crossref: http://127.0.0.1:9/works/10.5555/1" in err
    assert bib.read_bytes() == before
