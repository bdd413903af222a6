"""What an arXiv id and a DOI look like, and where each links: one definition, as uri.py is
for links.

The schema validates them, the .bib reader finds them in other fields (a URL, Google
Scholar's `journal`, DBLP's `volume`), the lint dates a preprint by its id, and the view
and the JSON Resume writer link them; with one pattern each, what one accepts the others
accept too.
"""

from __future__ import annotations

import re
from urllib.parse import quote

# arXiv's two schemes: `2405.14430` since 2007 (YYMM.NNNNN) and `hep-th/9901001` before,
# each with an optional version.
_ARXIV = r"(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?"
ARXIV_ID = re.compile(rf"^{_ARXIV}$")
# An id inside other text: an arxiv.org address, `arXiv:` (Scholar's `arXiv preprint
# arXiv:...`), DBLP's `abs/...` volume, or arXiv's own DOI (10.48550/arXiv....).
ARXIV_IN_TEXT = re.compile(
    rf"(?:arxiv\.org/(?:abs|pdf)/|arxiv[:\s]\s*|abs/|10\.48550/arxiv\.)({_ARXIV})", re.IGNORECASE
)
# The year and month in an id of the 2007 scheme (`2405.14430`: May 2024).
ARXIV_MONTH = re.compile(r"^(\d\d)(\d\d)\.\d{4,5}")

DOI = re.compile(r"^10\.\d{4,9}/\S+$")
# What is often written before a DOI and is not part of it.
DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


def arxiv_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id}"


def doi_url(doi: str) -> str:
    """doi.org takes the DOI as a path: `#`, `?`, `%`, `<`, `>` and the like encoded."""
    return "https://doi.org/" + quote(doi, safe="/()")
