"""Publications from the scholarly databases, normalized and merged into a user's `.bib`.

Each source has a normalizer here, a pure function from the raw bytes a service answered
(or a file holds) to `Record`s: `dblp` (person XML), `orcid` (works JSON, summaries or
bulk details), `crossref` (a work or a search), `arxiv` (an Atom feed), `openalex`
(works JSON) and `bibtex` (any .bib export: DBLP, Google Scholar, a reference manager).
`detect` tells them apart by content. `bibfile` reads a `.bib` into blocks that render
back byte for byte, `merge` matches records to its entries and edits them, `provenance`
is the `x-source` field each import leaves, and `enrich` decides whether a search answer
is the same paper. Nothing here goes online: the fetching is `pipeline/fetch.py`, which
only the `pubs` commands import (docs/publications.md, docs/security.md).
"""
