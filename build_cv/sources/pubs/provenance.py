"""Where each imported field came from: the entry's `x-source` field.

    x-source = {doi: crossref 2026-12-01 5d41402a; pages: dblp 2026-12-01 9b0e1127},

For each field an import added or changed: the source, the day, and the first eight hex
digits of the SHA-256 of the value as it was written (whitespace runs counted as one
space, so re-wrapping a line is not an edit). A later import compares the value in the
file with that hash: equal, the value is still the imported one and a better source may
replace it; different, someone edited it, and it is the user's (docs/publications.md).
BibTeX, biber and build-cv's reader ignore a field they do not know, so it travels with
the entry wherever the entry is copied.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

FIELD = "x-source"
_ITEM = re.compile(r"^\s*([\w+:-]+)\s*:\s*([a-z]+)\s+(\d{4}-\d{2}-\d{2})\s+([0-9a-f]{8})\s*$")


@dataclass(frozen=True)
class Stamp:
    source: str
    date: str
    digest: str


def digest(value: str) -> str:
    return hashlib.sha256(" ".join(value.split()).encode("utf-8")).hexdigest()[:8]


def read(value: str | None) -> dict[str, Stamp]:
    """The stamps of an `x-source` value as written (`{…}`); what is not a stamp is
    ignored, so a hand edit of the field costs only the stamps it spoiled."""
    if not value:
        return {}
    inner = value.strip()
    if inner.startswith("{") and inner.endswith("}"):
        inner = inner[1:-1]
    out: dict[str, Stamp] = {}
    for item in inner.split(";"):
        m = _ITEM.match(item)
        if m:
            out[m.group(1).lower()] = Stamp(m.group(2), m.group(3), m.group(4))
    return out


def write(stamps: dict[str, Stamp]) -> str:
    """The `x-source` value, its stamps in the order of the field names."""
    items = [f"{name}: {s.source} {s.date} {s.digest}" for name, s in sorted(stamps.items())]
    return "{" + "; ".join(items) + "}"


def untouched(stamp: Stamp | None, value: str) -> bool:
    """The value is still the one the stamp recorded (imported, not edited since)."""
    return stamp is not None and stamp.digest == digest(value)
