"""One object for every choice a build makes, in the manner of Black's `Mode`.

The same options used to travel six ways (signatures, `partial`s, a `**dict`), and the
cache key was a list of option names kept by hand: an option left off that list let the
cache serve files built with another value. Here each option is a field, and the key is
computed from the fields themselves, so a new option is part of the key unless it says
it cannot change what a build writes or prints (`NOT_OUTPUT`).

This module stays light (dataclasses only): the command line builds the key before a
cache hit is decided, without pydantic, jinja2 or pypdf.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from typing import Any

from build_cv.formats import FrontMatter
from build_cv.schema import ALL_VARIANTS
from build_cv.typeset.settings import DEFAULT_TIMEOUT, speedups_from_environment

FULL = None  # the variant name of the full CV: every entry, nothing hidden
NOT_OUTPUT = {"output": False}  # metadata of a field that never changes the output


@dataclass(frozen=True)
class Limits:
    """Command-line overrides of the CV's (or variant's) checks; None keeps the data's value."""

    min_pages: int | None = None
    max_pages: int | None = None
    max_size_mb: float | None = None


@dataclass(frozen=True)
class BuildOptions:
    """Every option of a build: which documents, in which formats, checked how.

    `variant` is a variant's name, None for the full CV, or `all` for the full CV and every
    variant. `language`, if given, is the language of every document, whatever the design
    or a variant says. `pages` is how many pages a PNG shows (None: every page). `speedups` off runs
    TeX the plain way (docs/performance.md), for bisecting a wrong PDF. `fit` leaves entries
    out until each PDF has at most that many pages (docs/fit.md).
    """

    variant: str | None = FULL
    formats: tuple[str, ...] = ("pdf",)
    language: str | None = None  # every document's language, over the data's
    limits: Limits = Limits()
    strict: bool = False
    trust_raw: bool = False
    allow_outside: bool = False
    front_matter: FrontMatter | None = None
    pages: int | None = 1
    verify_reproducible: bool = False
    fit: int | None = None  # the pages every document is fitted to, over the data's fit_pages
    json: bool = False  # the report printed as JSON
    timeout: float = field(default=DEFAULT_TIMEOUT, metadata=NOT_OUTPUT)
    speedups: bool = field(default_factory=speedups_from_environment)

    def cache_key(self) -> dict[str, Any]:
        """The fields that can change what a build writes or prints, by name."""
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self) if _output(f.metadata)}

    @property
    def several(self) -> bool:
        """Whether the build makes more than one document (and ends with a table)."""
        return self.variant == ALL_VARIANTS or self.formats != ("pdf",)


def _output(metadata: Any) -> bool:
    return bool(metadata.get("output", True))


def _plain(value: Any) -> Any:
    """A field as JSON can hold it: a nested dataclass as its own fields."""
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def request(data: os.PathLike[str], out_dir: os.PathLike[str], options: BuildOptions) -> Any:
    """What a build is asked, as the cache keys it: the data and the output folder as
    they were written and where they are, and the options.

    Symbolic links are not resolved: a CV reached through a link reads the `.bib` files
    beside the link, so two links to one YAML are two CVs. The spelling is kept because
    a build prints its paths as they were given, and a replay prints the same.
    """
    return {
        "data": [os.fspath(data), os.path.abspath(data)],
        "out": [os.fspath(out_dir), os.path.abspath(out_dir)],
        "options": options.cache_key(),
    }
