"""The plain-text writer: the view in reading order, section by section, for web forms.

Nothing is escaped, since nothing is interpreted; markup is applied the way a reader sees
it (a link shows its address in parentheses), and newlines in the data become spaces,
so each paragraph of the CV is one line that pastes into a form field as it is.
It doubles as what a text extractor should find in the PDF, in that order.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

from build_cv.formats import Choices, Document
from build_cv.formats.templating import environment
from build_cv.markup import TOKEN
from build_cv.view import Raw, Rich, View

TEMPLATES = Path(__file__).resolve().parent / "templates"


def one_line(text: str) -> str:
    return " ".join(text.splitlines())


def markup_text(text: str) -> str:
    """Inline markup as read: emphasis dropped, a link as `text (url)`."""

    def plain(m: re.Match[str]) -> str:
        if m.group("escaped") is not None:
            return str(m.group("escaped"))
        if m.group("url") is not None:
            label = markup_text(m.group("text"))
            url = m.group("url")
            return label if label == url.removeprefix("mailto:") else f"{label} ({url})"
        return markup_text(m.group("bold") or m.group("italic"))

    return one_line(TOKEN.sub(plain, text))


def _finalize(value: Any) -> Any:
    if value is None or isinstance(value, Raw):
        return ""
    if isinstance(value, Rich):
        return markup_text(value)
    if isinstance(value, bool):
        raise TypeError("a template printed a boolean; this is a template bug")
    return one_line(str(value))


def width(text: str) -> int:
    """The columns `text` takes in a monospaced font: two for a wide (CJK) character."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _underline(text: str, char: str = "=") -> str:
    """A rule as wide as the heading shows, so `期刊论文` gets eight columns, not four."""
    return char * max(width(text), 3)


def render_text(view: View) -> str:
    env = environment(TEMPLATES, _finalize)
    env.filters["underline"] = _underline
    body = env.get_template("cv.txt.j2").render(view=view, header=view.header, labels=view.labels)
    return re.sub(r"\n{3,}", "\n\n", body).strip("\n") + "\n"


def write(document: Document, choices: Choices) -> str:
    """The plain text, as the formats table calls a text writer."""
    return render_text(document.view)
