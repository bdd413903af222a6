"""Finding a value a variant hides in what was written, whatever the spelling.

No writer prints a hidden field (variants.py removes it before any writer runs), yet the
value can still reach an output: typed into another field too, derived from the hidden
one, or spelled the way the format spells it (`&#64;`, `%40`, `\\_`, `\\u00e9`, a tel:
link of the digits alone). The caller decodes each output into plain views (the format
writers' own escapes undone); this module searches every view for every hidden value,
compared as a reader compares text: compatibility forms, case and runs of spaces folded.
A Markup value is also searched as the text a reader sees (`**team**` as `team`).

Values shorter than MIN_LENGTH are not searched: a year or an initial occurs everywhere
by chance. A phone number is also searched as its digits alone, however they are grouped,
since a dialling link (`tel:+8613800000000`) drops the spaces the user typed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from build_cv.markup import strip_markup
from build_cv.report import Secret

MIN_LENGTH = 4
MIN_DIGITS = 6  # a phone number's digits, searched without their grouping
_PLAIN = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " "})
_BLANKS = re.compile(r"[^\S\n]+")
_GROUPING = re.compile(r"(?<=\d)[ ()./\-]+(?=[\d(])")
_TIGHT_GROUPING = re.compile(r"(?<=\d)[()./\-]+(?=[\d(])")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*://(?:www\.)?")


@dataclass(frozen=True)
class View:
    """One decoded reading of an output: `how` it was decoded, whether its line numbers
    mean anything (a text file's do; a PDF page's text does not), and whether digits a
    space apart may be one number (not in a PDF's raw stream, where the operands of
    `12 0 0 12 72 720 cm` would run together into digits that dial anything)."""

    text: str
    how: str = ""
    lines: bool = True
    spaced_digits: bool = True


@dataclass(frozen=True)
class Exposure:
    """A hidden value found in an output, and where: `line 28 (HTML entities decoded)`."""

    secret: Secret
    where: str

    def describe(self) -> str:
        """The field and where the data has it, never the value: a message may end up in
        a public CI log, and repeating the value there would leak it once more."""
        written = f" (written at {self.secret.written})" if self.secret.written else ""
        return f"{self.secret.field}{written}, found in {self.where}"


@dataclass(frozen=True)
class _Needle:
    secret: Secret
    forms: tuple[str, ...]
    digits: tuple[str, ...]  # a phone's digits, and its national numbers (see _national)


def fold(text: str) -> str:
    """Text as a reader compares it: NFKC, case folded, plain quotes, invisible format
    characters dropped, runs of spaces one space (newlines kept for line numbers)."""
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        text = "".join(ch for ch in text if ch < "\x80" or unicodedata.category(ch) != "Cf")
    return _BLANKS.sub(" ", text.translate(_PLAIN).casefold())


def is_phone(field: str) -> bool:
    return field.rpartition(".")[2] == "phone"


def is_name(field: str) -> bool:
    """A field that holds people's names (an author, an advisor, a referee)."""
    return field.rpartition(".")[2] in _NAME_FIELDS


_NAME_FIELDS = {"authors", "advisors", "name"}
MAX_NAME_WORDS = 8  # a longer "name" is not one; its surname-first forms are not tried


def surname_first(name: str) -> list[str]:
    """A person's name as BibTeX and indexes write it, surname first: `Hidden, Harriet`,
    `King, Jr, Martin Luther`. Where the surname starts is unknown (`Ann Smith Jones`
    may be `Smith Jones, Ann`), so every split is a form."""
    main, _, jr = (part.strip() for part in name.partition(","))
    words = main.split()
    if not 2 <= len(words) <= MAX_NAME_WORDS:
        return []
    forms = []
    for i in range(1, len(words)):
        first, last = " ".join(words[:i]), " ".join(words[i:])
        forms += [f"{last}, {jr}, {first}", f"{last}, {first}, {jr}"] if jr else []
        forms.append(f"{last}, {first}")
    return forms


def _needle(secret: Secret) -> _Needle | None:
    value = fold(secret.value.replace("\n", " ")).strip()
    forms = [value, fold(strip_markup(secret.value).replace("\n", " ")).strip()]
    bare = _SCHEME.sub("", value).rstrip("/")
    if bare != value:
        forms.append(bare)  # moderncv prints a homepage without its scheme
    if is_name(secret.field):
        forms += surname_first(value)
    forms = [f for f in dict.fromkeys(forms) if len(f) >= MIN_LENGTH]
    digits = _digits(value) if is_phone(secret.field) else ()
    if not forms and not digits:
        return None
    return _Needle(secret, tuple(forms), digits)


NATIONAL_MIN = 7  # digits a national number keeps once its country code is dropped


def _digits(phone: str) -> tuple[str, ...]:
    """The phone's digits, and for a number typed with its country code (`+44 20 7946
    0000`) the national numbers it may be printed as (`020 7946 0000`): the country
    code is one to three digits, so each of those is tried."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) < MIN_DIGITS:
        return ()
    found = [digits]
    if phone.lstrip().startswith("+"):
        found += [digits[k:] for k in (1, 2, 3) if len(digits) - k >= NATIONAL_MIN]
    return tuple(found)


def searchable(secrets: Iterable[Secret]) -> list[_Needle]:
    """The secrets long enough to search, each with the forms it is searched in."""
    return [n for n in map(_needle, secrets) if n is not None]


def _wordy(ch: str) -> bool:
    """A letter or digit of a script that separates words with spaces (not CJK)."""
    return ch.isalnum() and ord(ch) < 0x2E80


def _occurs(form: str, text: str) -> int:
    """Where `form` occurs as a whole (not inside a longer word); -1 when it does not:
    a hidden `Anna Li` is not shown by `Anna Lisa`."""
    start = text.find(form)
    while start != -1:
        end = start + len(form)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not (_wordy(form[0]) and _wordy(before)) and not (_wordy(form[-1]) and _wordy(after)):
            return start
        start = text.find(form, start + 1)
    return -1


def _occurs_digits(needle: _Needle, text: str) -> int:
    """Where the phone's digits occur, grouped any way, not followed by another digit.
    Digits may come before the whole number (`(555) 123-4567` typed nationally is dialled
    `+15551234567`); before a national number, only a trunk `0` may."""
    whole, *national = needle.digits
    m = re.search(re.escape(whole) + r"(?!\d)", text)
    for number in national:
        m = m or re.search(r"(?<!\d)0?" + re.escape(number) + r"(?!\d)", text)
    return m.start() if m else -1


def find(secrets: Sequence[Secret], views: Iterable[View]) -> list[Exposure]:
    """Each secret found in any view, once, at the first place found."""
    todo = searchable(secrets)
    found: list[Exposure] = []
    for view in views:
        if not todo:
            break
        text = fold(view.text if view.lines else view.text.replace("\n", " "))
        grouping = _GROUPING if view.spaced_digits else _TIGHT_GROUPING
        grouped = grouping.sub("", text) if any(n.digits for n in todo) else text
        for needle in list(todo):
            at = next((i for f in needle.forms if (i := _occurs(f, text)) != -1), -1)
            hay = text
            if at == -1 and needle.digits:
                at, hay = _occurs_digits(needle, grouped), grouped
            if at == -1:
                continue
            where = view.how
            if view.lines:
                line = f"line {hay.count(chr(10), 0, at) + 1}"
                where = f"{line} ({view.how})" if view.how else line
            found.append(Exposure(needle.secret, where))
            todo.remove(needle)
    return found
