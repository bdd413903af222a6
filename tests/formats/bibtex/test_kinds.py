"""The .bib holds publications only: the record kinds, like `items`, are not BibTeX."""

from __future__ import annotations

from tests.kinds import EVERY_FIELD, load
from tests.render import render_document


def test_a_cv_of_record_kinds_only_has_no_bibtex_entries() -> None:
    assert "@" not in render_document("bib", load(EVERY_FIELD))
