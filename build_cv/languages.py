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

from collections.abc import Iterable, Mapping
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global

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


def alike(tags: Iterable[str]) -> tuple[str, str] | None:
    """Two tags of one map that say the same thing, if any: the same but for case (`en`,
    `EN`), or once each has its script (`zh` is `zh-Hans`, `en` is `en-Latn`). A region
    keeps them apart: `zh-TW` and `zh-HK`, `en` and `en-GB` may well be written apart."""
    seen: dict[tuple[str | None, ...], str] = {}
    for tag in tags:
        found = locale(tag)
        key = (
            (tag.casefold(),)
            if found is None
            else (found.language, script(tag), found.territory, found.variant)
        )
        if key in seen:
            return seen[key], tag
        seen[key] = tag
    return None


def same_language(a: str, b: str) -> bool:
    """Whether two tags name one language, whatever their script or region (`zh-Hans`
    and `zh-TW` do: a Chinese CV leads with a Chinese name in either script)."""
    first, second = locale(a), locale(b)
    if first is None or second is None:
        return canonical(a) == canonical(b)
    return bool(first.language == second.language)


# The scripts of CJK languages: Han (Simplified, Traditional) and Japanese and Korean,
# which mix Han with kana and hangul. Text in them is typeset by CJK rules.
CJK_SCRIPTS = frozenset({"Hans", "Hant", "Hani", "Jpan", "Kore", "Hira", "Kana", "Hang"})


def script(tag: str) -> str | None:
    """The ISO 15924 script a language is written in (`Latn` for en, `Hans` for zh,
    `Jpan` for ja): the tag's own script subtag, else CLDR's likely one."""
    found = locale(tag)
    if found is None:
        return None
    if found.script:
        return str(found.script)
    likely = get_global("likely_subtags")
    for key in (f"{found.language}_{found.territory}", found.language):
        full = likely.get(key)
        if full:
            parts = str(full).split("_")
            return parts[1] if len(parts) > 1 and len(parts[1]) == 4 else None
    return None


def is_cjk(tag: str) -> bool:
    """Whether a language is written in a CJK script (zh, ja, ko)."""
    return script(tag) in CJK_SCRIPTS
