"""The style gallery end to end: every style x paper x size really built by TeX and read.

Each build runs the full preflight (a failed check fails the build); then the extracted
text, by pypdf and by pdftotext, must hold every entry of the default data, in order, and
the name as one string. Slow (30 TeX builds, 3 at a time): marked `gallery`.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from build_cv.pipeline.gallery import GalleryBuild, build_gallery
from build_cv.preflight import _searchable, extract_text
from build_cv.schema.model import CV
from build_cv.view import EntryView, build_view
from tests.conftest import DEFAULT_DATA

pytestmark = [pytest.mark.tex, pytest.mark.gallery]
# The footer line (casual adds the contact details to "i/N"): where a page breaks inside an
# entry, both extractors read it in the middle of the entry, as a reader turning the page would.
# The footer "i/N" is a form object of its own, which pypdf reads as a line of its own.
FOOTER = re.compile(r"^.*\b\d+/[ \t]*\d+[ \t]*$", re.MULTILINE)


def entry_key(e: EntryView) -> str:
    """The words that name an entry: its title, position, degree, number or text."""
    for attr in ("position", "degree", "title", "organization", "label", "text", "name", "heading"):
        value = getattr(e, attr, None)
        if isinstance(value, str) and value:
            return value
    raise AssertionError(f"no key for {e!r}")


@pytest.fixture(scope="session")
def gallery(tmp_path_factory: pytest.TempPathFactory) -> list[GalleryBuild]:
    return build_gallery(DEFAULT_DATA, tmp_path_factory.mktemp("gallery"))


def pdftotext(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_every_combination_passes_the_preflight(gallery: list[GalleryBuild]) -> None:
    assert len(gallery) == 30
    failed = {b.combo.name: b.error.render() for b in gallery if b.error is not None}
    assert failed == {}
    for b in gallery:
        assert b.result is not None
        assert all(r.status == "pass" for r in b.result.report.results), b.result.report.text()
        # The data's page budget is for its own design (pipeline/gallery.py): here only
        # its floor holds, and 12 pt on letter paper runs longer than 11 pt on A4.
        assert b.result.report.pages is not None and 3 <= b.result.report.pages <= 8


def test_every_entry_extracts_in_order_with_both_extractors(
    gallery: list[GalleryBuild], default_cv: CV
) -> None:
    keys = [
        _searchable(entry_key(e))
        for s in build_view(default_cv).sections
        for e in s.entries
        if s.kind != "raw"
    ]
    assert len(keys) > 40
    for b in gallery:
        assert b.result is not None
        pdf = b.result.pdf
        for extractor, text in (
            ("pypdf", extract_text(PdfReader(pdf))),
            ("pdftotext", pdftotext(pdf)),
        ):
            assert "Jiarui Fang" in text, (b.combo.name, extractor)
            for handle in (str(default_cv.person.email), str(default_cv.person.github)):
                junk = re.search(rf"(^|\s)[^\W\d_]\s*{re.escape(handle)}", text)  # "a fang…"
                assert junk is None, (b.combo.name, extractor, junk)
            body = FOOTER.sub("", text)
            flat, at = _searchable(body), 0
            for key in keys:
                found = flat.find(key, at)
                assert found >= 0, (b.combo.name, extractor, key, flat.find(key) >= 0)
                at = found + len(key)
            assert not any(0xFB00 <= ord(c) <= 0xFB06 for c in text), (b.combo.name, extractor)


def test_one_bookmark_per_section_with_its_title(
    gallery: list[GalleryBuild], default_cv: CV
) -> None:
    titles = [s.title for s in default_cv.sections]
    for b in gallery:
        assert b.result is not None
        outline = PdfReader(b.result.pdf).outline
        assert [str(o.title) for o in outline if not isinstance(o, list)] == titles
