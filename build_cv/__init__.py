"""build-cv: typeset an academic CV from YAML into a checked, submission-ready PDF."""

__version__ = "0.1.0"
