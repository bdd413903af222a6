"""A batch: the CVs of many people, read from one manifest, cut into stable shards.

A department builds its CVs in one run (`build-cv batch people.yaml -j N`), or one shard
per machine of a CI matrix (`--shard I/N`). A person's shard is a hash of their ID, not
their place in the list, so adding or removing someone moves only them, and the N
shards together are the whole run: each person's files go to `OUT/<id>/`, built as
`build-cv build` builds them, so a shard built alone writes what the whole run writes.

The manifest is read with the CV's own YAML loader, so every problem names its file and
line (`people.yaml:12: people[3].variants: ...`), before anything is built.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from build_cv.errors import InputError, SchemaProblem, did_you_mean, quoted
from build_cv.formats import FORMATS
from build_cv.schema import ALL_VARIANTS
from build_cv.sources.text import MAX_YAML_BYTES, decode_text, read_input
from build_cv.sources.yaml_source import Loaded, load_yaml_text

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_KEYS = ("cv", "id", "full", "variants", "formats")
_DEFAULT_KEYS = ("full", "variants", "formats")
_TOP = ("defaults", "people")


class ManifestError(InputError):
    """Every problem of a manifest, each at its line."""

    def __init__(self, path: Path, problems: list[SchemaProblem]) -> None:
        super().__init__(f"{path}: not a valid batch manifest")
        self.path = path
        self.problems = sorted(problems, key=lambda p: p.location.line or 0)

    def render(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the batch manifest:"
        return "\n".join([head, *(f"  {p}" for p in self.problems)])


@dataclass(frozen=True)
class Person:
    """One person of the manifest: their CV, where it is named (file:line), and what to
    build of it. `variants` holds None for the full CV, or is `("all",)`."""

    id: str
    cv: Path
    where: str
    variants: tuple[str | None, ...]
    formats: tuple[str, ...]

    def shard(self, count: int) -> int:
        """The shard (1 to `count`) this person is built in: a hash of the ID alone."""
        digest = hashlib.sha256(self.id.encode("utf-8")).digest()
        return int.from_bytes(digest[:8], "big") % count + 1


@dataclass(frozen=True)
class Shard:
    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> Shard:
    """`I/N`, 1 <= I <= N."""
    match = re.fullmatch(r"([0-9]{1,6})/([0-9]{1,6})", text.strip())
    if match is None:
        raise InputError(f"--shard {quoted(text)}: write it as I/N, e.g. 2/5 (shard 2 of 5)")
    index, count = int(match[1]), int(match[2])
    if not 1 <= index <= count:
        raise InputError(f"--shard {text}: the shard must be from 1 to {count}")
    return Shard(index, count)


def read_manifest(path: Path) -> list[Person]:
    raw = read_input(path, "the batch manifest", MAX_YAML_BYTES)
    text = decode_text(raw, path, "YAML")
    if not text.strip():
        raise InputError(f"{path}: the manifest is empty; it lists `people:`")
    loaded = load_yaml_text(text, path)
    return _Reader(loaded).people()


class _Reader:
    def __init__(self, loaded: Loaded) -> None:
        self.loaded = loaded
        self.problems: list[SchemaProblem] = []

    def problem(self, at: tuple[str | int, ...], message: str) -> None:
        self.problems.append(SchemaProblem(self.loaded.locate(at), message))

    def people(self) -> list[Person]:
        data = self.loaded.data
        if not isinstance(data, dict) or "people" not in data:
            self.problem((), "a manifest is a mapping with a list of `people:`")
            raise ManifestError(self.loaded.path, self.problems)
        self.unknown(data, (), _TOP)
        defaults = self.defaults(data.get("defaults"))
        listed = data["people"]
        if not isinstance(listed, list) or not listed:
            self.problem(("people",), "must be a list of people, each with a `cv:`")
            raise ManifestError(self.loaded.path, self.problems)
        found = [self.person(i, item, defaults) for i, item in enumerate(listed)]
        people = [p for p in found if p is not None]
        seen: dict[str, Person] = {}
        for i, person in enumerate(found):
            if person is None:
                continue
            if person.id in seen:
                self.problem(
                    ("people", i),
                    f"the ID `{person.id}` is also that of {seen[person.id].where} "
                    "(give each person an `id:`)",
                )
            seen[person.id] = person
        if self.problems:
            raise ManifestError(self.loaded.path, self.problems)
        return people

    def unknown(
        self, mapping: dict[Any, Any], at: tuple[str | int, ...], keys: tuple[str, ...]
    ) -> None:
        for key in mapping:
            if key not in keys:
                did = did_you_mean(str(key), keys)
                self.problem((*at, str(key)), f"unknown field{did}; known: {', '.join(keys)}")

    def defaults(self, value: Any) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem(("defaults",), "must be a mapping (full, variants, formats)")
            return {}
        self.unknown(value, ("defaults",), _DEFAULT_KEYS)
        return {k: (v, ("defaults", k)) for k, v in value.items() if k in _DEFAULT_KEYS}

    def person(self, i: int, item: Any, defaults: dict[str, Any]) -> Person | None:
        at: tuple[str | int, ...] = ("people", i)
        before = len(self.problems)
        if isinstance(item, str):
            item = {"cv": item}
        if not isinstance(item, dict):
            self.problem(at, "must be a CV file, or a mapping with `cv:`")
            return None
        self.unknown(item, at, _KEYS)
        cv = item.get("cv")
        if not isinstance(cv, str) or not cv.strip():
            self.problem((*at, "cv") if "cv" in item else at, "needs `cv:`, the CV's YAML file")
            return None
        base = self.loaded.path.parent
        path = base / cv
        ident = item.get("id", _derived_id(cv))
        if not isinstance(ident, str) or not _ID.match(ident):
            field = (*at, "id") if "id" in item else (*at, "cv")
            how = "" if "id" in item else f" (made from {quoted(cv)}; give an `id:`)"
            self.problem(
                field, f"the ID {quoted(ident)} is not letters, digits, `.`, `_`, `-`{how}"
            )
        choices = {**defaults, **{k: (v, (*at, k)) for k, v in item.items() if k in _DEFAULT_KEYS}}
        full = self.flag(*choices.get("full", (True, at)))
        value, where_v = choices.get("variants", ([], at))
        variants = self.variants(value, where_v, full)
        value, where_f = choices.get("formats", (["pdf"], at))
        formats = self.formats(value, where_f)
        if len(self.problems) > before or not variants:
            if not variants and len(self.problems) == before:
                self.problem(at, "builds nothing: `full: false` and no `variants:`")
            return None
        where = str(self.loaded.locate(at))
        return Person(str(ident), path, where, variants, formats)

    def flag(self, value: Any, at: tuple[str | int, ...]) -> bool:
        if not isinstance(value, bool):
            self.problem(at, "must be true or false")
            return True
        return value

    def variants(self, value: Any, at: tuple[str | int, ...], full: bool) -> tuple[str | None, ...]:
        if value == ALL_VARIANTS:
            return (ALL_VARIANTS,)
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.problem(at, "must be a list of variant names, or `all`")
            return (None,)
        if ALL_VARIANTS in value:
            self.problem(at, "`all` stands alone: `variants: all` builds the full CV and each")
        names: list[str | None] = [None] if full else []
        return tuple(names + list(dict.fromkeys(value)))

    def formats(self, value: Any, at: tuple[str | int, ...]) -> tuple[str, ...]:
        if value == "all":
            return tuple(FORMATS)
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            self.problem(at, f"must be a list of formats ({', '.join(FORMATS)}), or `all`")
            return ("pdf",)
        for name in value:
            if name not in FORMATS:
                did = did_you_mean(name, FORMATS)
                self.problem(at, f"unknown format {quoted(name)}{did}")
        return tuple(f for f in FORMATS if f in value)  # in the table's order, as --format


def _derived_id(cv: str) -> str:
    """A person's ID when the manifest gives none: the CV's path without `.yaml`, its
    folders joined by `-` (`chem/ada.yaml` is `chem-ada`)."""
    stem = cv.strip().removesuffix(".yaml").removesuffix(".yml")
    return "-".join(part for part in re.split(r"[/\\]+", stem) if part not in ("", "."))


def in_shard(people: list[Person], shard: Shard | None) -> list[Person]:
    if shard is None:
        return people
    return [p for p in people if p.shard(shard.count) == shard.index]
