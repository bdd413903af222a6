"""What every normalizer shares: raw bytes read as JSON or XML, with errors that name the
file (or URL) and the position, and the result of one normalization."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

from build_cv.errors import InputError, shorten
from build_cv.sources.pubs.record import Record

MAX_SOURCE_BYTES = 64 * 2**20  # a DBLP page of a prolific author is a few MB


@dataclass
class Parsed:
    """The records of one source, and those left out with the reason (`where`, `why`)."""

    records: list[Record] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def text_of(data: bytes, name: str) -> str:
    try:
        return data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(f"{name}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02X})") from None


def load_json(data: bytes, name: str) -> Any:
    """The JSON value of `data`, or an InputError at `name:line:column`."""
    try:
        return json.loads(text_of(data, name))
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise InputError(f"{name}: JSON nested too deeply") from None


_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)


def load_xml(data: bytes, name: str) -> ET.Element:
    """The root element of `data`, or an InputError at `name:line:column`. Entity
    declarations are refused: no service sends them, and they can expand without bound."""
    m = _ENTITY.search(data)
    if m:
        line = data.count(b"\n", 0, m.start()) + 1
        raise InputError(f"{name}:{line}: the XML declares entities, which build-cv does not read")
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        line, column = exc.position
        reason = str(exc).split(":")[0]
        raise InputError(f"{name}:{line}:{column + 1}: not well-formed XML ({reason})") from None


def bad(name: str, path: str, message: str) -> InputError:
    """A structural problem, named by the JSON path (`results[3].publication_year`)."""
    return InputError(f"{name}: {path}: {shorten(message, 200)}")


def year_of(value: object) -> int | None:
    """A year from an int or text (`2024`, `2024-05-01`), when plausible."""
    m = re.match(r"^\s*(\d{4})", str(value)) if value is not None else None
    if m is None:
        return None
    year = int(m.group(1))
    return year if 1000 <= year <= 2100 else None


def as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def as_dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def first_text(value: object) -> str | None:
    """Crossref gives titles as lists; the first string, if any."""
    if isinstance(value, str):
        return value
    for item in as_list(value):
        if isinstance(item, str) and item.strip():
            return item
    return None


def missing(title: str, year: int | None, authors: int) -> str | None:
    """Why a record cannot become an entry (the .bib reader needs all three), or None."""
    lacks = [w for w, ok in (("title", title), ("year", year), ("authors", authors)) if not ok]
    return f"no {', '.join(lacks)} in the source" if lacks else None
