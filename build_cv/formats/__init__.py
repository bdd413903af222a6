"""Writers, one per output format, each fed by the format-neutral view (view.py).

The names live here, in a module that imports nothing heavy, so the command line can
check `--format` before the build cache answers (see cli/main.py).
"""

from __future__ import annotations

from build_cv.errors import InputError, did_you_mean

# Every output format, in the order a build makes them: the PNG is drawn from the PDF.
FORMATS = ("pdf", "png", "html", "md", "txt", "json", "bib")
ALL_FORMATS = "all"
FRONT_MATTERS = ("jekyll", "hugo")


def parse_formats(text: str) -> tuple[str, ...]:
    """`pdf,html` or `all` as formats in build order; a misspelt one is named, with a hint."""
    names = [n.strip().lower() for n in text.split(",") if n.strip()]
    if not names:
        raise InputError("--format needs at least one format")
    if ALL_FORMATS in names:
        return FORMATS
    for name in names:
        if name not in FORMATS:
            did = did_you_mean(name, FORMATS, cutoff=0.5)
            known = ", ".join(FORMATS)
            raise InputError(f"unknown format `{name}`{did}; known: {known}, and `all`")
    return tuple(f for f in FORMATS if f in names)
