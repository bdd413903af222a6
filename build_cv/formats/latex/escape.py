"""Turning data strings into LaTeX that typesets them literally.

pylatex's `escape_latex` covers the ten special characters, but a few of its choices
typeset something other than what was typed under XeLaTeX, so those are overridden:
- `^` becomes `\\^{}` there, a circumflex *accent* (U+02C6 when extracted), not `^`;
- a newline becomes `\\newline`, which breaks inside moving arguments (titles, metadata).
XeLaTeX's TeX ligature mapping also turns `'` and `"` into curly quotes and merges pairs
(`<<` into a guillemet, `--` into a dash, `,,` into a low quote); quotes get their text
commands and an empty group between a pair keeps it as typed.

Markup (`**bold**`, `*italic*`, `[text](url)`) is parsed on the raw string and each piece
escaped on its own, so no character of the data can ever reach TeX as a control sequence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from urllib.parse import quote

from pylatex import Command
from pylatex.utils import NoEscape, bold, escape_latex, italic

from build_cv.markup import render

_OVERRIDES = {
    "^": r"\textasciicircum{}",
    "`": r"\textasciigrave{}",
    "'": r"\textquotesingle{}",
    '"': r"\textquotedbl{}",
    "\n": " ",
    "\t": " ",
    "\r": " ",
    "\u00ad": r"\-",  # soft hyphen: a place where TeX may hyphenate
    "\u200b": r"\hspace{0pt}",  # zero-width space: a place where the line may break
}
_LIGATURE_CHARS = "<>,"


_GREEK_CYRILLIC = "\u0370-\u03ff\u1f00-\u1fff\u0400-\u052f"
OTHER_SCRIPT = re.compile(f"[{_GREEK_CYRILLIC}][\u0300-\u036f{_GREEK_CYRILLIC}]*")
# CJK ideographs, kana, hangul, their punctuation and full-width forms.
_CJK_CHARS = (
    "\u2e80-\u2fdf\u3000-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003134f"
)
CJK = re.compile(f"[{_CJK_CHARS}]+")
# Punctuation both scripts use (middle dot, dashes, quotes, ellipsis): touching CJK text,
# it is CJK punctuation, full-width from the CJK font ("负责“Colossal-AI”" and "——").
_SHARED = "\u00b7\u2014\u2015\u2018\u2019\u201c\u201d\u2026\u2027"
_CJK_RUN = f"[{_SHARED}]*(?:[{_CJK_CHARS}]+[{_SHARED}]*)+"
_SCRIPT_RUN = re.compile(f"(?P<cvscript>{OTHER_SCRIPT.pattern})|(?P<cvcjk>{_CJK_RUN})")
# Where Han or kana meets a Latin letter the line may break, as ICU allows there (never
# next to punctuation, nor in Korean, which breaks at spaces); TeX has no break point
# between two fonts' letters. The template defines it; the leak check reads past it.
CJK_BREAK = r"\cvcjkbreak{}"
_BREAKS = re.compile("[\u3041-\u3096\u30a1-\u30fa\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
                     "\U00020000-\U0003134f]")  # fmt: skip


def font_runs(text: str) -> Iterator[tuple[str | None, str]]:
    """`text` in the pieces `escape` sets in one font family each: ("cvscript", Greek or
    Cyrillic), ("cvcjk", CJK), or (None, the rest: the document's own font)."""
    pos = 0
    for m in _SCRIPT_RUN.finditer(text):
        if m.start() > pos:
            yield None, text[pos : m.start()]
        yield m.lastgroup, m.group()
        pos = m.end()
    if pos < len(text):
        yield None, text[pos:]


def escape(text: str) -> NoEscape:
    """Escape plain text so that every character is typeset as itself.

    Greek and Cyrillic runs are wrapped in `\\cvscript{...}`, CJK runs in `\\cvcjk{...}`,
    which the template sets in fonts that have them (Latin Modern has neither, and one font
    with both those and all Latin letters is not in TeX Live's Computer Modern family).
    """
    if isinstance(text, NoEscape):
        return text
    parts = []
    pos = 0
    for m in _SCRIPT_RUN.finditer(text):
        parts.append(_escape_chars(text[pos : m.start()]))
        run = m.group()
        cjk = m.lastgroup == "cvcjk"
        if cjk and m.start() > 0 and text[m.start() - 1].isalpha() and _BREAKS.match(run[0]):
            parts.append(CJK_BREAK)
        parts.append(rf"\{m.lastgroup}{{{_escape_chars(run)}}}")
        if cjk and m.end() < len(text) and text[m.end()].isalpha() and _BREAKS.match(run[-1]):
            parts.append(CJK_BREAK)
        pos = m.end()
    parts.append(_escape_chars(text[pos:]))
    return NoEscape("".join(parts))


def _escape_chars(text: str) -> str:
    out: list[str] = []
    for i, ch in enumerate(text):
        out.append(_escaped_char(ch))
        if ch in _LIGATURE_CHARS and i + 1 < len(text) and text[i + 1] == ch:
            out.append("{}")
    return "".join(out)


@cache
def _escaped_char(ch: str) -> str:
    """One character as LaTeX: pylatex's escaping, remembered (a CV escapes thousands)."""
    piece = _OVERRIDES.get(ch)
    return piece if piece is not None else str(escape_latex(ch))


_URL_SAFE = "/:?&=+,;@!'()*-._~%#"


def escape_url(url: str, strip_scheme: bool = False) -> NoEscape:
    r"""Make a URL safe inside `\href{...}` within another command's argument.

    Characters TeX would act on are percent-encoded first (so `\`, `{`, `}`, `^`, space
    never reach TeX, nor `$`, which hyperref cannot take back), then `%`, `#`, `&`, `_` are
    backslash-escaped and `~` becomes `\string~`: hyperref turns both back into the literal
    characters, in the link target and in visible text alike (moderncv's `\homepage` prints
    the same argument it links to).
    `strip_scheme` is for such moderncv commands, which add `https://` themselves.
    """
    if strip_scheme:
        url = re.sub(r"^https?://", "", url, flags=re.IGNORECASE)
    encoded = quote(url, safe=_URL_SAFE)
    out = []
    for ch in encoded:
        out.append("\\" + ch if ch in "%#&_" else r"\string~" if ch == "~" else ch)
    return NoEscape("".join(out))


def markup(text: str) -> NoEscape:
    """Convert the inline markup (see markup.py) to LaTeX; everything else is escaped text."""
    rendered = render(
        text,
        escape,
        lambda inner: bold(NoEscape(inner), escape=False),
        lambda inner: italic(NoEscape(inner), escape=False),
        lambda url, label: href(url, NoEscape(label)),
    )
    return NoEscape(rendered)


def href(url: str, label: NoEscape) -> NoEscape:
    return NoEscape(Command("href", arguments=[escape_url(url), label]).dumps())
