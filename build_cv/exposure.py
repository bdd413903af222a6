"""Finding a value a variant hides in what was written, whatever the spelling.

No writer prints a hidden field (variants.py removes it before any writer runs), yet the
value can still reach an output: typed into another field too, derived from the hidden
one, or spelled the way the format spells it (`&#64;`, `%40`, `\\_`, `\\u00e9`, a tel:
link of the digits alone). The caller decodes each output into plain views (the format
writers' own escapes undone); this module searches every view for every hidden value,
compared as a reader compares text: compatibility forms, case and runs of spaces folded,
a line break a space on both sides (and also nothing, in the outputs: a line may break
inside a word of a script without spaces). A Markup value is also searched as the text
a reader sees (`**team**` as `team`), and a person's name surname first, as BibTeX
writes it.

Values shorter than MIN_LENGTH are not searched: a year or an initial occurs everywhere
by chance. A phone number is also searched as its digits alone, however they are grouped,
since a dialling link (`tel:+8613800000000`) drops the spaces the user typed, and in its
national and `+44 (0)20` spellings.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
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


def described(found: Iterable[Exposure]) -> list[str]:
    """Each hidden field once per place the data has it, where it was first found: a
    field can hide several values (a url and the arXiv id taken from it), and the user
    has one thing to fix."""
    first: dict[tuple[str, str], Exposure] = {}
    for exposure in found:
        first.setdefault((exposure.secret.field, exposure.secret.written), exposure)
    return [e.describe() for e in first.values()]


@dataclass(frozen=True)
class _Needle:
    secret: Secret
    forms: tuple[str, ...]
    digits: tuple[re.Pattern[str], ...]  # a phone's digits, as they may be written


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
    value = _one_line(secret.value)
    forms = [value, _one_line(strip_markup(secret.value))]
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
_END = r"(?!\d)"  # a number ends where no digit follows


def _digits(phone: str) -> tuple[re.Pattern[str], ...]:
    """The phone's digits as a text may hold them once their grouping is dropped (see
    _occurs_digits): the whole number, anything before it (`0049`, `+1`). For a number
    typed with its country code (`+44 20 7946 0000`, `0044 ...`), also the national
    number (`020 7946 0000`) and the trunk `0` after the country code that UK, German,
    Swiss and Austrian numbers are often written with (`+44 (0)20 7946 0000`); the code
    is one to three digits, so each is tried. For a national number with its trunk
    `0` (`030 1234567`), also the same number after any country code."""
    typed = phone.lstrip()
    digits = re.sub(r"\D", "", phone)
    if typed.startswith("00"):
        digits = digits[2:]
    if len(digits) < MIN_DIGITS:
        return ()
    found = [re.escape(digits) + _END]
    if typed.startswith(("+", "00")):
        for k in (1, 2, 3):
            code, national = re.escape(digits[:k]), re.escape(digits[k:])
            if len(digits) - k >= NATIONAL_MIN:
                found += [code + "0" + national + _END, r"(?<!\d)0?" + national + _END]
    elif re.match(r"0[1-9]", digits) and len(digits) - 1 >= NATIONAL_MIN:
        found.append(r"(?:\+|(?<!\d)00)\d{1,3}0?" + re.escape(digits[1:]) + _END)
    return tuple(map(re.compile, found))


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
    """Where the phone's digits occur in `text`, whose digit groups are already joined."""
    m = next((m for pattern in needle.digits if (m := pattern.search(text))), None)
    return m.start() if m else -1


@dataclass(frozen=True)
class _Reading:
    """A view's folded text rewritten for searching, and where the line breaks it lost
    went (`breaks`: one position per break, sorted), so a place found in it still has
    its line number."""

    text: str
    breaks: tuple[int, ...] = ()
    lines: bool = True  # False: no line numbers kept (a PDF stream may have millions)

    def line(self, at: int) -> int:
        return bisect_right(self.breaks, at) + 1

    def rewrite(self, pattern: re.Pattern[str], joint: str) -> _Reading:
        """Every match of `pattern` replaced by `joint`, the breaks moved with the text."""
        if not self.lines:
            return _Reading(pattern.sub(joint, self.text), lines=False)
        parts: list[str] = []
        breaks: list[int] = []
        old, done, size = iter(self.breaks), 0, 0  # `done`: where the text is copied up to
        pending = next(old, None)
        for m in pattern.finditer(self.text):
            start, end = m.span()
            while pending is not None and pending < start:
                breaks.append(pending - done + size)
                pending = next(old, None)
            parts += [self.text[done:start], joint]
            size += start - done
            while pending is not None and pending <= end:
                breaks.append(size)
                pending = next(old, None)
            breaks += [size] * m.group().count("\n")
            size, done = size + len(joint), end
        while pending is not None:
            breaks.append(pending - done + size)
            pending = next(old, None)
        parts.append(self.text[done:])
        return _Reading("".join(parts), tuple(breaks))


_LINE_BREAK = re.compile(r" ?\n[ \n]*")  # after fold: a line break with the blanks around


def _readings(view: View) -> list[_Reading]:
    """The text with each line break a space, as a value typed across lines is searched;
    and with the breaks gone, for a script without spaces wrapped mid-word (a PDF's
    `艾达·洛\n夫莱斯`) and a long address broken at the margin."""
    folded = _Reading(fold(view.text), lines=view.lines)
    spaced = folded.rewrite(_LINE_BREAK, " ")
    return [spaced, folded.rewrite(_LINE_BREAK, "")] if "\n" in folded.text else [spaced]


def _one_line(text: str) -> str:
    """A value as it is searched for: folded, its line breaks spaces, as the views are."""
    return _Reading(fold(text)).rewrite(_LINE_BREAK, " ").text.strip()


def find(secrets: Sequence[Secret], views: Iterable[View]) -> list[Exposure]:
    """Each secret found in any view, once, at the first place found."""
    todo = searchable(secrets)
    found: list[Exposure] = []
    for view in views:
        if not todo:
            break
        readings = _readings(view)
        grouping = _GROUPING if view.spaced_digits else _TIGHT_GROUPING
        grouped = readings[0].rewrite(grouping, "") if any(n.digits for n in todo) else None
        for needle in list(todo):
            hit = next((h for r in readings if (h := _found_in(needle, r)) is not None), None)
            if hit is None and grouped is not None and needle.digits:
                at = _occurs_digits(needle, grouped.text)
                hit = grouped.line(at) if at != -1 else None
            if hit is None:
                continue
            where = view.how
            if view.lines:
                where = f"line {hit} ({view.how})" if view.how else f"line {hit}"
            found.append(Exposure(needle.secret, where))
            todo.remove(needle)
    return found


def _found_in(needle: _Needle, reading: _Reading) -> int | None:
    """The line where one of the needle's forms occurs in `reading`, or None."""
    at = next((i for f in needle.forms if (i := _occurs(f, reading.text)) != -1), -1)
    return reading.line(at) if at != -1 else None


# ---- citation keys ---------------------------------------------------------------------
# A .bib key is made of values, squeezed: `hiddenharriet2020paper` (a co-author's surname),
# `DBLP:journals/corr/abs-2101-00042` (an arXiv id). No spelling above finds them there.


def _key_words(text: str) -> list[str]:
    ascii_only = unicodedata.normalize("NFKD", fold(text)).encode("ascii", "ignore").decode()
    return re.findall(r"[a-z0-9]+", ascii_only)


def key_shows(secret: Secret, key: str) -> bool:
    """Whether a citation key is made from a hidden value: one of a name's words (a key
    holds a surname, not the whole name), every word of any other value (each long
    enough not to occur by chance)."""
    squeezed = "".join(_key_words(key))
    words = [w for w in _key_words(secret.value) if len(w) >= MIN_LENGTH]
    if not words:
        return False
    present = [w in squeezed for w in words]
    return any(present) if is_name(secret.field) else all(present)


def find_in_keys(secrets: Sequence[Secret], keys: Iterable[tuple[int, str]]) -> list[Exposure]:
    """Each secret some citation key is made from, at the key's line."""
    found: list[Exposure] = []
    pairs = list(keys)
    for secret in secrets:
        line = next((n for n, key in pairs if key_shows(secret, key)), None)
        if line is not None:
            found.append(Exposure(secret, f"line {line} (a citation key)"))
    return found
