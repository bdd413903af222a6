"""BibTeX: reading a .bib file into publication records, and writing records back.

`reader` parses a file (`values` expands its field values, `decode` turns their LaTeX into
Unicode, `names` splits author lists), `kinds` says what each entry type means (its venue,
what follows it, its group), `export` writes records as clean BibTeX, and `owners` decides
which author is the CV's owner. The records (`BibEntry`) are in schema/bibentry.py, so a
`Publication` can name the record it was read from. The package sits in the sources
layer: the view and the writers may import it, and it imports nothing above it.
"""
