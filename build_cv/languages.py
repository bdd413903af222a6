"""The languages a CV is written in: the tags the data uses, and which one a field gives.

A document's language (`design.language`, a variant's `language:`, `build --language`)
decides its labels, its dates, its fonts and the PDF's `/Lang`. A text field is a plain
string, the same in every language, or a map from language tags to strings
(`{en: Education, zh: 教育经历}`); `pick` chooses from such a map. Tags are BCP 47, and a
tag is known when CLDR (through Babel) knows its language: `zn` is a typo, `de-CH` is
German as written in Switzerland.

Labels and dates are complete for the languages in `SUPPORTED`; a document in another
language that CLDR knows takes its month names from CLDR and its labels from the
fallback language.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from babel import Locale, UnknownLocaleError

SUPPORTED = ("en", "zh-Hans", "zh-Hant", "ja", "ko", "de", "fr", "es", "pt", "it", "ru")
DEFAULT = "en"
# Chinese without a script subtag: the region decides Simplified or Traditional, and
# plain `zh` means Simplified, as it does in mainland China.
_TRADITIONAL_REGIONS = {"TW", "HK", "MO"}


@cache
def locale(tag: str) -> Locale | None:
    """The CLDR locale of a BCP 47 tag, or None when CLDR does not know its language."""
    try:
        return Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def known(tag: str) -> bool:
    return locale(tag) is not None


def canonical(tag: str) -> str:
    """The supported language a known tag is written in (`en-GB` → `en`, `zh` and `zh-CN`
    → `zh-Hans`, `zh-TW` → `zh-Hant`), or the tag itself when none is."""
    found = locale(tag)
    if found is None:
        return tag
    if found.language == "zh":
        traditional = found.script == "Hant" or (
            found.script is None and found.territory in _TRADITIONAL_REGIONS
        )
        return "zh-Hant" if traditional else "zh-Hans"
    return found.language if found.language in SUPPORTED else tag


def pick(values: Mapping[str, str], language: str) -> str | None:
    """The value a map gives for `language`: under its own tag, else under a tag written
    the same way (`zh` for `zh-Hans`, `en` for `en-GB`), else None."""
    if language in values:
        return values[language]
    wanted = canonical(language)
    for tag, value in values.items():
        if canonical(tag) == wanted:
            return value
    return None
