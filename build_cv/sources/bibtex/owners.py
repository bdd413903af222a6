"""Deciding which author of a publication is the CV's owner, whose name the CV prints bold.

Exports spell the owner in every way a library happens to ("Jiarui Fang", "Fang, J.",
"J. Fang", "Fang J"), so the comparison sees through spelling, but does not bold a
co-author who only shares the surname.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from build_cv.sources.bibtex.decode import decode_latex
from build_cv.sources.bibtex.names import parse_name


def _fold(text: str) -> str:
    """Case- and accent-free form: 'José' and 'JOSE' compare equal."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


_GIVEN_SPLIT = re.compile(r"[\s.\-‐–]+")
_INITIALS = re.compile(r"^(?:[A-Z]\.?-?){1,3}$")


@dataclass(frozen=True)
class _Reading:
    """One way to read a name: its given-name pieces and its family name, folded."""

    given: tuple[str, ...]
    family: str


def _readings(author: str) -> list[_Reading]:
    text = unicodedata.normalize("NFKC", author).strip()
    name = parse_name(text)
    readings = [_reading(name.first, name.last)]
    words = decode_latex(text).split()
    surname_first = "," not in text and len(words) >= 2 and not _INITIALS.match(words[0])
    if surname_first and all(_INITIALS.match(w) for w in words[1:]):
        # "Fang J" / "Fang JR": the surname first, then bare initials (PubMed, Scopus).
        initials = [c for w in words[1:] for c in w if c.isalpha()]
        readings.append(_Reading(tuple(_fold(c) for c in initials), _fold(words[0])))
    return readings


def _reading(given: str, family: str) -> _Reading:
    pieces = tuple(_fold(p) for p in _GIVEN_SPLIT.split(given) if p)
    return _Reading(pieces, _fold(" ".join(family.split())))


def _compatible(a: _Reading, b: _Reading) -> bool:
    if a.family != b.family or not a.family or not a.given or not b.given:
        return False
    a_initials = all(len(p) == 1 for p in a.given)
    b_initials = all(len(p) == 1 for p in b.given)
    if not a_initials and not b_initials:
        return "".join(a.given) == "".join(b.given)
    ia, ib = [p[0] for p in a.given], [p[0] for p in b.given]
    if ia == ib:
        return True
    short, full = (ia, ib) if a_initials else (ib, ia)
    return len(short) == 1 and short[0] == full[0]


def _plain(text: str) -> str:
    return "".join(_fold(unicodedata.normalize("NFKC", text)).split())


class OwnerMatcher:
    """Decides whether an author string names the CV's owner.

    Built from the owner's name and the other spellings the CV lists (e.g. a name in
    another script). Given names compare in full when both sides spell them out
    ("Jiarui" = "Jia-Rui"), and by initials when either side abbreviates ("J. Fang"), so a
    co-author with the same surname and another given name or initial never matches.
    """

    def __init__(self, name: str, other_names: Iterable[str] = ()) -> None:
        forms = [name, *other_names]
        self._exact = {_plain(f) for f in forms if f.strip()}
        self._readings = [r for f in forms for r in _readings(f)]
        self._seen: dict[str, bool] = {}

    def matches(self, author: str) -> bool:
        """Each spelling is decided once: a long list names the same co-authors (and the
        owner) again and again, and parsing a name is the costly part."""
        found = self._seen.get(author)
        if found is None:
            found = self._seen[author] = self._decide(author)
        return found

    def _decide(self, author: str) -> bool:
        if _plain(author) in self._exact:
            return True
        return any(_compatible(r, o) for r in _readings(author) for o in self._readings)


def is_owner(author: str, name: str, other_names: Iterable[str] = ()) -> bool:
    """One-off form of `OwnerMatcher(name, other_names).matches(author)`."""
    return OwnerMatcher(name, other_names).matches(author)
