"""The leak check: every file a variant's writers made, read back in its own encoding.

A hidden field is removed before any writer runs (variants.py), and `leak_warnings` tells
the user when its value is still typed into another field. This check is the promise
itself: it reads what each writer actually wrote, undoes the format's escaping (LaTeX
escapes, HTML entities, JSON escapes, Markdown backslashes, %-encoded links) and fails
the target if any hidden value is there. The PDF is searched by the preflight's `hidden`
check (preflight.py), in its text, links, metadata and streams.
"""

from __future__ import annotations

import html
import json
import re
import string
from collections.abc import Callable
from functools import cache
from urllib.parse import unquote

from build_cv.errors import format_path
from build_cv.exposure import Exposure, View, find, find_in_keys
from build_cv.formats.latex.escape import CJK_BREAK, escape, escape_url
from build_cv.pipeline.diagnose import Locator
from build_cv.report import Secret
from build_cv.sources.bibtex.braces import TooDeep
from build_cv.sources.bibtex.decode import decode_latex, encode_latex
from build_cv.variants import Selection, secret

# The formats whose files are text; a PNG is drawn from the checked PDF and holds none.
TEXT_FORMATS = ("tex", "html", "md", "txt", "json", "bib")


def secrets_of(selection: Selection, where: Locator | None = None) -> list[Secret]:
    """The values `selection` hides, each with the place the data has it."""
    return [
        Secret(h.field, h.value, str(where.location(h.path)) if where else format_path(h.path))
        for h in secret(selection)
    ]


def exposures(fmt: str, text: str, secrets: list[Secret]) -> list[Exposure]:
    """Each hidden value that the file `text`, in format `fmt`, shows."""
    if not secrets:
        return []
    found = find(secrets, views(fmt, text))
    if fmt == "bib":
        shown = {e.secret for e in found}
        found += find_in_keys([s for s in secrets if s not in shown], citation_keys(text))
    return found


_KEY_LINE = re.compile(r"^@\w+\{([^,\s]*),", re.MULTILINE)


def citation_keys(text: str) -> list[tuple[int, str]]:
    """Each entry's key in an exported .bib, with its line."""
    return [(text.count("\n", 0, m.start()) + 1, m.group(1)) for m in _KEY_LINE.finditer(text)]


def views(fmt: str, text: str) -> list[View]:
    """The file as written, decoded as its format reads, and with links %-decoded too;
    an HTML page also as its text alone (a hidden summary's `**team**` is
    `<strong>team</strong>` there)."""
    decode, how = _DECODERS.get(fmt, (None, ""))
    found = [View(text)]
    decoded = text
    if decode is not None:
        decoded = decode(text)
        found.append(View(decoded, how))
    links = f"{how}, links %-decoded" if how else "links %-decoded"
    found.append(View(unquote(decoded, errors="replace"), links))
    if fmt == "html":
        found.append(View(html.unescape(_TAG.sub("", text)), "the page's text"))
    if fmt == "bib":
        found.append(View(unbibtex(text), "BibTeX decoded"))
    return found


@cache
def _latex_table() -> tuple[re.Pattern[str], dict[str, str]]:
    """The escapes both LaTeX writers produce (the CV's and the .bib exporter's), each
    mapped back to its character: built from the writers themselves, so it cannot drift."""
    back: dict[str, str] = {"{}": "", r"\string~": "~", r"\-": "", r"\hspace{0pt}": ""}
    back[CJK_BREAK] = ""  # where a line may break between CJK and Latin letters
    for ch in string.punctuation + "\u00a0\u00ad\u200b":
        for spelled in (str(escape(ch)), encode_latex(ch), str(escape_url(ch))):
            if spelled != ch and spelled.strip():
                back.setdefault(spelled, ch)
    pattern = re.compile("|".join(re.escape(k) for k in sorted(back, key=len, reverse=True)))
    return pattern, back


_SCRIPT_RUN = re.compile(r"\\cv(?:script|cjk)\{([^{}]*)\}")


def untex(text: str) -> str:
    """LaTeX as the text it typesets, for the escapes the writers use."""
    pattern, back = _latex_table()
    return pattern.sub(lambda m: back[m.group()], _SCRIPT_RUN.sub(r"\1", text))


def unbibtex(text: str) -> str:
    """Each line as BibTeX reads a field value: braces gone, accents (`M{\\"u}ller`) and
    escapes decoded, so `{Smith Jones}, Ann` reads as a name. The exporter writes one
    field a line, so decoding line by line keeps the line numbers."""
    return "\n".join(_bib_line(line) for line in text.split("\n"))


def _bib_line(line: str) -> str:
    try:
        return decode_latex(line)
    except TooDeep:
        return line  # braces too deep to decode: searched as written, in the other views


_TAG = re.compile(r"<[^<>]*>")


def unhtml(text: str) -> str:
    return html.unescape(text)


_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def unmarkdown(text: str) -> str:
    """Markdown's backslash escapes and entities (`&nbsp;`) undone."""
    return html.unescape(_MD_ESCAPE.sub(r"\1", text))


_JSON_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')


def unjson(text: str) -> str:
    """Every JSON string literal decoded in place (`\\u00e9`, `\\/`), lines kept."""

    def decoded(m: re.Match[str]) -> str:
        try:
            value = json.loads(m.group())
        except ValueError:
            return m.group()
        return str(value).replace("\n", " ")

    return _JSON_STRING.sub(decoded, text)


_DECODERS: dict[str, tuple[Callable[[str], str] | None, str]] = {
    "tex": (untex, "LaTeX escapes undone"),
    "bib": (untex, "LaTeX escapes undone"),
    "html": (unhtml, "HTML entities decoded"),
    "md": (unmarkdown, "Markdown escapes undone"),
    "json": (unjson, "JSON escapes decoded"),
    "txt": (None, ""),
}
