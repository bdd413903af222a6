"""The inline markup Crossref and OpenAlex put in titles (JATS and HTML: `<i>`, `<sub>`,
`<jats:italic>`, `<mml:math>`), removed; any other tag, such as `<script>`, is text like
every other character and is printed literally."""

from __future__ import annotations

import html
import re

_INLINE = (
    r"i|b|em|strong|sub|sup|sc|scp|u|tt|span|italic|bold|"
    r"jats:[a-z-]+|mml:[a-z-]+|math|inline-formula|break"
)
_TAG = re.compile(rf"</?(?:{_INLINE})(?:\s[^<>]*)?/?>", re.IGNORECASE)


def strip_inline_markup(text: str) -> str:
    """`text` without the publishers' formatting tags, its HTML entities decoded."""
    return html.unescape(_TAG.sub("", text))
