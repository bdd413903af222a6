"""BibTeX: reading a .bib file into publication records, and writing records back.

`reader` parses a file (`values` expands its field values, `decode` turns their LaTeX into
Unicode, `names` splits author lists); `export` writes records as clean BibTeX; `owners`
decides which author is the CV's owner. The package sits in the sources layer: the view and
the writers may import it, and it imports nothing above it.
"""
