"""The submission ledger: what was sent where, with the bytes to prove it.

`data/submissions.yaml` is a YAML list, one record per PDF sent, and `submissions/<id>.pdf`
beside it is the very file. The ledger is the user's record, kept in git with the data,
so build-cv only ever appends to it: the new record's text is added after the old bytes,
which are written back unchanged (temp file and rename, under a lock), and the result is
read back before it replaces the file. A ledger that does not read as one (edited by
hand into nonsense) is reported with its file and line and left exactly as it is.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from build_cv.errors import InputError, Location, SchemaProblem, did_you_mean, shorten
from build_cv.pipeline.publish import locked, publish, write_new
from build_cv.sources.text import decode_text, read_input
from build_cv.sources.yaml_source import Loaded, load_yaml_text

LEDGER = "submissions.yaml"
COPIES = "submissions"  # the folder of the PDFs sent, beside the ledger
MAX_LEDGER = 16 * 2**20
ID_LENGTH = 7  # as git shortens a commit: unique in any ledger a person keeps
_HEX = re.compile(r"^[0-9a-f]+$")
_DATE = "%Y-%m-%dT%H:%M:%SZ"
HEADER = (
    "# build-cv submissions: one record per PDF sent (docs/ledger.md). `build-cv submit`\n"
    "# appends to this file and never rewrites it; the PDFs are in submissions/<id>.pdf.\n"
)


class LedgerError(InputError):
    """The ledger does not read as one; each problem is at its line."""

    def __init__(self, path: Path, problems: list[SchemaProblem]) -> None:
        super().__init__(f"{path}: not a build-cv ledger")
        self.path = path
        self.problems = problems

    def render(self) -> str:
        n = len(self.problems)
        head = (
            f"{self.path} is not a ledger build-cv can read ({n} problem{'s' if n != 1 else ''}"
            "); it was left as it is: fix it by hand (git diff shows what changed):"
        )
        return "\n".join([head, *(f"  {p}" for p in self.problems)])


@dataclass(frozen=True)
class Record:
    """One PDF sent. `variant` None is the full CV; `commit` None: not built in git;
    `committed`: every data file was in `commit` as the build read it, so the PDF can be
    built again from there (`resend`). `data_sha256` hashes those files (`data_hash`)."""

    id: str
    date: str
    to: str
    variant: str | None
    packet: str | None
    sha256: str
    source: str
    commit: str | None
    committed: bool
    data_sha256: str
    epoch: int | None
    note: str | None

    def line(self) -> list[str]:
        """The columns `submissions` prints."""
        return [self.id, self.date, self.to, self.document, self.sha256[:12]]

    @property
    def document(self) -> str:
        if self.packet is not None:
            return f"packet {self.packet}"
        return self.variant if self.variant is not None else "(full)"


def _text(value: Any, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be text" + (" or null" if optional else ""))
    return value


def _hex(length: tuple[int, ...], optional: bool = False) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if value is None and optional:
            return None
        if not isinstance(value, str) or len(value) not in length or not _HEX.match(value):
            sizes = " or ".join(str(n) for n in length)
            raise ValueError(f"must be {sizes} lowercase hex digits" + (" or null" * optional))
        return value

    return check


def _id(value: Any) -> str:
    if not isinstance(value, str) or not 4 <= len(value) <= 64 or not _HEX.match(value):
        raise ValueError("must be 4 to 64 lowercase hex digits (as `submit` made it)")
    return value


def _date(value: Any) -> str:
    if isinstance(value, datetime):  # the quotes were removed by hand: still the same time
        value = value.astimezone(UTC).strftime(_DATE) if value.tzinfo else value.strftime(_DATE)
    try:
        datetime.strptime(value, _DATE)
    except (TypeError, ValueError):
        raise ValueError("must be a date and time in UTC, as 2026-01-31T14:05:00Z") from None
    return str(value)


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _epoch(value: Any) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise ValueError("must be a number of seconds since 1970, or null")
    return value


_FIELDS: dict[str, Callable[[Any], Any]] = {
    "id": _id,
    "date": _date,
    "to": _text,
    "variant": lambda v: _text(v, optional=True),
    "packet": lambda v: _text(v, optional=True),
    "sha256": _hex((64,)),
    "source": _text,
    "commit": _hex((40, 64), optional=True),
    "committed": _flag,
    "data_sha256": _hex((64,)),
    "epoch": _epoch,
    "note": lambda v: _text(v, optional=True),
}


@dataclass(frozen=True)
class Ledger:
    """The ledger as read: its records, and its bytes (an append writes them back as
    they are)."""

    path: Path
    records: list[Record]
    raw: bytes

    @property
    def copies(self) -> Path:
        return self.path.parent / COPIES

    def copy_of(self, record: Record) -> Path:
        return self.copies / f"{record.id}.pdf"

    def find(self, ident: str) -> Record:
        """The record of `ident`, or of the one ID it starts (as git takes a short hash)."""
        exact = [r for r in self.records if r.id == ident]
        found = exact or [r for r in self.records if len(ident) >= 4 and r.id.startswith(ident)]
        if len(found) == 1:
            return found[0]
        if found:
            ids = ", ".join(r.id for r in found)
            raise InputError(f"{self.path}: {ident!r} is the start of several IDs ({ids})")
        shown = shorten(ident)
        did = did_you_mean(ident, [r.id for r in self.records])
        raise InputError(f"{self.path}: no submission {shown!r}{did} (`build-cv submissions`)")


def read(path: Path) -> Ledger:
    """The ledger at `path` (none there: empty), every record checked; a problem anywhere
    is a LedgerError naming its line, and nothing is changed."""
    try:
        raw = read_input(path, "the ledger", MAX_LEDGER)
    except InputError:
        if not os.path.lexists(path):
            return Ledger(path, [], b"")
        raise
    text = decode_text(raw, path, "YAML")
    loaded = load_yaml_text(text, path) if text.strip() else None
    if loaded is None or _only_comments(loaded):
        return Ledger(path, [], raw)
    return Ledger(path, _records(loaded), raw)


def _only_comments(loaded: Loaded) -> bool:
    return loaded.data is None


def _records(loaded: Loaded) -> list[Record]:
    data = loaded.data
    if not isinstance(data, list):
        where = loaded.locate(())
        raise LedgerError(loaded.path, [SchemaProblem(where, "must be a list of submissions")])
    problems: list[SchemaProblem] = []
    records: list[Record] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(data):
        record = _record(loaded, i, item, problems)
        if record is None:
            continue
        if record.id in seen:
            where = loaded.locate((i, "id"))
            problems.append(SchemaProblem(where, f"the ID is also record {seen[record.id] + 1}'s"))
        seen[record.id] = i
        records.append(record)
    if problems:
        raise LedgerError(loaded.path, problems)
    return records


def _record(loaded: Loaded, i: int, item: Any, problems: list[SchemaProblem]) -> Record | None:
    if not isinstance(item, dict):
        problems.append(SchemaProblem(loaded.locate((i,)), "must be a submission (a mapping)"))
        return None
    values: dict[str, Any] = {}
    before = len(problems)
    for key in item:
        if key not in _FIELDS:
            did = did_you_mean(str(key), _FIELDS)
            where = loaded.locate((i, str(key)))
            problems.append(SchemaProblem(where, f"unknown field{did}"))
    for key, check in _FIELDS.items():
        where = loaded.locate((i, key))
        if key not in item:
            problems.append(SchemaProblem(where, f"the field `{key}` is missing"))
            continue
        try:
            values[key] = check(item[key])
        except ValueError as exc:
            problems.append(SchemaProblem(where, str(exc)))
    return Record(**values) if len(problems) == before else None


def data_hash(inputs: dict[Path, str], base: Path) -> str:
    """One SHA-256 for the files a build read: `sha256sum` lines (each file's hash and its
    path from `base`, the CV's folder), sorted. The paths are relative so that the same
    data checked out elsewhere (`resend`'s work tree) hashes the same."""
    root = base.resolve()
    lines = sorted(
        f"{digest}  {Path(os.path.relpath(p, root)).as_posix()}\n" for p, digest in inputs.items()
    )
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def now() -> str:
    return datetime.now(UTC).strftime(_DATE)


def new_id(ledger: Ledger, *parts: str) -> str:
    """A short ID from what the record says, lengthened until no other ID starts with it,
    so that it can be given as it is printed (`find` takes an exact ID first)."""
    full = hashlib.sha256("\0".join(parts).encode()).hexdigest()
    taken = [r.id for r in ledger.records]
    for length in range(ID_LENGTH, len(full) + 1):
        ident = full[:length]
        if not any(t.startswith(ident) for t in taken):
            return ident
    raise InputError(f"{ledger.path}: this submission is already recorded")


@contextmanager
def appending(path: Path) -> Iterator[Ledger]:
    """The ledger, read under the lock of its copies folder, for one `append`; a
    concurrent `submit` waits for it."""
    copies = path.parent / COPIES
    with locked(copies):
        yield read(path)


def append(ledger: Ledger, record: Record, pdf: bytes) -> Path:
    """Keep `pdf` as the record's copy and add the record at the end of the ledger,
    inside `appending`. The old bytes are kept as they are; the new text is read back and
    must hold every old record and the new one, or nothing changes."""
    copy = ledger.copy_of(record)
    write_new(copy, pdf, force_flag=False)
    try:
        text = _appended(ledger, record)
        publish({ledger.path: text})
    except BaseException:
        copy.unlink(missing_ok=True)
        raise
    return copy


def _appended(ledger: Ledger, record: Record) -> bytes:
    old = ledger.raw or HEADER.encode()
    if not old.endswith(b"\n"):
        old += b"\n"
    entry = yaml.safe_dump([asdict(record)], sort_keys=False, allow_unicode=True, width=1000)
    new = old + entry.encode("utf-8")
    try:
        again = read_appended(ledger.path, new)
    except InputError:
        again = []
    if again != [*ledger.records, record]:
        where = Location(ledger.path)
        raise LedgerError(
            ledger.path,
            [SchemaProblem(where, "a record added at its end would not read back (a flow list?)")],
        )
    return new


def read_appended(path: Path, data: bytes) -> list[Record]:
    """The records `data` would hold, as `read` reads them."""
    loaded = load_yaml_text(data.decode("utf-8"), path)
    return _records(loaded)


@dataclass(frozen=True)
class Provenance:
    """Where a build's data came from: the CV's path from the root of its repository (or
    from the ledger's folder, outside git), HEAD, and whether HEAD holds every file the
    build read as it read it; `dirty` names those it does not."""

    source: str
    commit: str | None
    committed: bool
    dirty: list[Path]


def provenance(data: Path, inputs: dict[Path, str], ledger: Path) -> Provenance:
    from build_cv.pipeline import gitrepo

    root = gitrepo.toplevel(data.resolve().parent)
    if root is None:
        source = Path(os.path.relpath(data.resolve(), ledger.resolve().parent)).as_posix()
        return Provenance(source, None, False, list(inputs))
    source = Path(os.path.relpath(data.resolve(), root.resolve())).as_posix()
    commit = gitrepo.head(root)
    if commit is None:
        return Provenance(source, None, False, list(inputs))
    changed = [p for p, digest in inputs.items() if _sha256_of(p) != digest]  # since read
    dirty = list(dict.fromkeys([*changed, *gitrepo.uncommitted(root, list(inputs))]))
    return Provenance(source, commit, not dirty, dirty)


def _sha256_of(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
