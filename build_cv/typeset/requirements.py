"""What a build needs from the machine, and the Debian package that brings each piece.

Kept apart from doctor.py (which probes for them) so that the engine can name a missing
XeLaTeX without importing the schema.
"""

from __future__ import annotations

from dataclasses import dataclass

from build_cv.errors import ToolMissingError


@dataclass(frozen=True)
class Requirement:
    name: str
    kind: str  # program | tex | font
    probe: str
    package: str
    needed_for: str


REQUIREMENTS = [
    Requirement("xelatex", "program", "xelatex", "texlive-xetex", "compiling"),
    Requirement("xdvipdfmx", "program", "xdvipdfmx", "texlive-xetex", "making the PDF"),
    Requirement("moderncv", "tex", "moderncv.cls", "texlive-latex-extra", "the CV class"),
    Requirement("pzdr.tfm", "tex", "pzdr.tfm", "texlive-fonts-recommended", "hyperref links"),
    # The CJK face of each language, which decides its glyph forms; one package has them
    # all, in one collection file (NotoSansCJK-Regular.ttc and -Bold.ttc).
    Requirement("Noto Sans CJK SC", "font", "Noto Sans CJK SC", "fonts-noto-cjk", "Chinese text"),
    Requirement(
        "Noto Sans CJK TC", "font", "Noto Sans CJK TC", "fonts-noto-cjk", "Traditional Chinese"
    ),
    Requirement("Noto Sans CJK JP", "font", "Noto Sans CJK JP", "fonts-noto-cjk", "Japanese text"),
    Requirement("Noto Sans CJK KR", "font", "Noto Sans CJK KR", "fonts-noto-cjk", "Korean text"),
    Requirement(
        "cm-unicode", "tex", "cmunss.otf", "texlive-fonts-extra", "Greek and Cyrillic text"
    ),
    Requirement(
        "EB Garamond Initials",
        "font",
        "EB Garamond Initials",
        "fonts-ebgaramond-extra",
        "the `fancy` style",
    ),
]
OPTIONAL = {"cm-unicode", "EB Garamond Initials"}


def by_name(name: str) -> Requirement:
    return next(r for r in REQUIREMENTS if r.name == name)


def hint(req: Requirement) -> str:
    return (
        f"Install the Debian/Ubuntu package `{req.package}` "
        f"(`sudo apt-get install --no-install-recommends {req.package}`), "
        "or run `scripts/install-tex.sh`."
    )


def missing(req: Requirement) -> ToolMissingError:
    """The error for a build that needs `req` on a machine without it."""
    return ToolMissingError(f"{req.name} (needed for {req.needed_for})", hint(req))
