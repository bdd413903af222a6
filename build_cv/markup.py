"""The small inline markup of Markup fields, parsed on the raw text.

`**bold**`, `*italic*`, `[text](url)`; a backslash makes the next `*`, `[`, `]` or `\\`
literal. Emphasis follows CommonMark's flanking idea in its simplest form: an opening
`*` does not follow a letter or digit and a closing one is not followed by one, so
`Smith*, Jones*` (equal-contribution marks) stays as typed. The schema
validates link targets with this parser and the LaTeX writer converts with it.
"""

from __future__ import annotations

import re

from build_cv.uri import URI_IN_TEXT

TOKEN = re.compile(
    r"\\(?P<escaped>[*\[\]\\])"
    r"|(?<![\w*])\*\*(?P<bold>[^*\s](?:.*?[^*\s])?)\*\*(?![\w*])"
    r"|(?<![\w*])\*(?P<italic>[^*\s](?:[^*]*[^*\s])?)\*(?![\w*])"
    rf"|\[(?P<text>[^\]]+)\]\((?P<url>{URI_IN_TEXT})\)",
    re.DOTALL,
)


def strip_markup(text: str) -> str:
    """The text a reader sees once markup is applied (for checks and metadata)."""

    def plain(m: re.Match[str]) -> str:
        if m.group("escaped") is not None:
            return m.group("escaped")
        return strip_markup(m.group("bold") or m.group("italic") or m.group("text") or "")

    return TOKEN.sub(plain, text)


def link_targets(text: str) -> list[str]:
    return [m.group("url") for m in TOKEN.finditer(text) if m.group("url")]
