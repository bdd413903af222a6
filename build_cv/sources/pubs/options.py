"""The names the command line offers (`--from`, `--update`), here without the modules
that use them, so that building the parser imports nothing heavy."""

from __future__ import annotations

FORMATS = ("dblp", "orcid", "crossref", "arxiv", "openalex", "bibtex")
# Fields --update may name (`venue`: whichever field the type keeps its venue in).
UPDATABLE = (
    "author",
    "title",
    "venue",
    "volume",
    "number",
    "pages",
    "publisher",
    "year",
    "doi",
    "eprint",
    "url",
)
