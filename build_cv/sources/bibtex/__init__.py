"""BibTeX: reading a .bib file into publication records, and writing records back.

`reader` parses a file (`values` expands its field values, `decode` turns their LaTeX into
Unicode, `names` splits author lists, all finding braces with `braces`), `kinds` says
what each entry type means (its venue, what follows it, its group), `export` writes
records as clean BibTeX, and `owners` decides which author is the CV's owner. The
records (`BibEntry`) are in schema/bibentry.py, so a `Publication` can name the record
it was read from.

The package sits in the sources layer and imports only errors, uri, identifiers, the
schema and sources/text.py (the one decoder of input files); the view and the writers
may import it. Turning a CV's `bib:` section into its publications (the consent to read
outside the CV's folder, `select`, `omit`, `order`) is sources/bib_section.py: that is
about the CV and its YAML, not about BibTeX.
"""
