"""The small inline markup of Markup fields, parsed on the raw text.

`**bold**`, `*italic*`, `[text](url)`; a backslash makes the next `*`, `[`, `]` or `\\`
literal. Emphasis follows CommonMark's flanking idea in its simplest form: an opening
`*` does not follow a letter or digit and a closing one is not followed by one, so
`Smith*, Jones*` (equal-contribution marks) stays as typed; a Chinese, Japanese or
Korean letter does not count, as those scripts put no spaces around words. The schema
validates link targets with this parser and the LaTeX writer converts with it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from build_cv.uri import URI_IN_TEXT

# A letter or digit of a script written with spaces between words: emphasis may not open
# after one or close before one. Chinese, Japanese and Korean letters are left out, since
# those scripts put no space before or after a bold run (`超过**4 万**颗星`).
_WORD = r"[^\W\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"
TOKEN = re.compile(
    r"\\(?P<escaped>[*\[\]\\])"
    rf"|(?<!{_WORD})(?<!\*)\*\*(?P<bold>[^*\s](?:.*?[^*\s])?)\*\*(?!{_WORD})(?!\*)"
    rf"|(?<!{_WORD})(?<!\*)\*(?P<italic>[^*\s](?:[^*]*[^*\s])?)\*(?!{_WORD})(?!\*)"
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


def render(
    text: str,
    plain: Callable[[str], str],
    bold: Callable[[str], str],
    italic: Callable[[str], str],
    link: Callable[[str, str], str],
) -> str:
    """The markup of `text` in one format: a writer says how plain text (escaped for the
    format), bold, italic and a link look; what is inside them is rendered the same way,
    so every writer parses the markup alike and no character escapes as code."""

    def inner(part: str) -> str:
        return render(part, plain, bold, italic, link)

    out: list[str] = []
    pos = 0
    for m in TOKEN.finditer(text):
        out.append(plain(text[pos : m.start()]))
        if m.group("escaped") is not None:
            out.append(plain(m.group("escaped")))
        elif m.group("bold") is not None:
            out.append(bold(inner(m.group("bold"))))
        elif m.group("italic") is not None:
            out.append(italic(inner(m.group("italic"))))
        else:
            out.append(link(m.group("url"), inner(m.group("text"))))
        pos = m.end()
    out.append(plain(text[pos:]))
    return "".join(out)


def link_targets(text: str) -> list[str]:
    return [m.group("url") for m in TOKEN.finditer(text) if m.group("url")]
