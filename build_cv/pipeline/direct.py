"""A rebuild with nothing changed, answered before the command line is parsed.

Issue 24 asks such a rebuild to cost 0.05 of a TeX pass: about 30 ms on the machines it
was measured on, where the interpreter alone starts in 10. The cache (cache.py) can
tell a hit only once the command line is a `BuildOptions`, and argparse, dataclasses and
pathlib cost 40 ms before it hashes anything. So, as ccache's "direct mode" does, every
build the cache answered or stored also leaves a record keyed on the command exactly as
it was run: its arguments, its folder, its whole environment, the interpreter and its
module path, build-cv's own files and the TeX installation. The same command run again
finds its record before anything else is imported. If every file the build read still
has the hash it had, every file it wrote is still in the output folder with the hash it
had, and the cache still holds the entry, then the output folder already holds what a
cache hit would write: the command prints what the hit printed and stops. Otherwise the
command runs the ordinary way, which asks the cache or builds, and records again.

A record is a `marshal` dump of strings and dictionaries in the user's private cache
folder, the same folder and trust as the entries themselves; one that does not load as
those types is ignored. This module imports only `os`, `sys`, `stat`, `hashlib` and
`marshal` (and the two light modules it shares with the cache).
"""

from __future__ import annotations

import hashlib
import marshal
import os
import stat
import sys

from build_cv.typeset.installation import installation_stamp, stat_stamp
from build_cv.userdirs import cache_folder

TYPE_CHECKING = False  # typing itself imports re: 5 ms of the 30
if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path
    from typing import Any

    Replay = tuple[str, str]  # standard output and error, as the terminal was given them

VERSION = "1"
FOLDER = ".direct"  # in the build cache's folder
MAX_RECORD = 16 * 2**20  # a record holds a transcript, whose warnings can be many
MAX_FILE = 256 * 2**20  # the largest input or output a replay hashes (as cache.MAX_STORED)
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def package_files() -> list[str]:
    """Every file of build-cv (code, templates, label files) with its size, time and
    inode, sorted: an edited template is a new build-cv. The cache's key takes the same
    list (cache.py)."""
    base = os.path.dirname(_PACKAGE)
    found: list[str] = []
    for root in (_PACKAGE, os.path.join(base, "tex_templates")):
        _walk(root, len(base) + 1, found)
    found.sort()
    return found


def _walk(folder: str, cut: int, found: list[str]) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.name == "__pycache__":
            continue
        if entry.is_dir():
            _walk(entry.path, cut, found)
        elif entry.is_file():
            found.append(f"{entry.path[cut:]}={stat_stamp(entry.path)}")


def replay(argv: list[str]) -> Replay | None:
    """What to print (standard output, standard error) if `argv` is a command whose
    recorded build is still what the output folder holds and nothing it read has
    changed; None: run the command."""
    path = _record_path(argv)
    record = _load(path) if path is not None else None
    if path is None or record is None or not _current(record):
        return None
    try:
        os.utime(record["entry"])  # the cache keeps the entries used last
        os.utime(path)
    except OSError:
        return None
    return record["stdout"], record["stderr"]


def record(
    argv: list[str],
    entry: Path,
    inputs: Mapping[Path, str],
    outputs: Mapping[Path, str],
    shown: tuple[str, str],
    cldr: str,
) -> None:
    """Record that `argv`, run here with this environment, is answered by the cache's
    `entry`: the build read `inputs` and wrote `outputs` (each path's SHA-256), and a hit
    prints `shown` (standard output, standard error, as the terminal was given them).
    `cldr`: the CLDR data file the cache's key took the month names from. Failing to
    record only costs the next run its shortcut."""
    path = _record_path(argv)
    if path is None:
        return
    value = {
        "version": VERSION,
        "entry": os.path.abspath(entry),
        "inputs": {os.path.abspath(p): h for p, h in inputs.items()},
        "outputs": {os.path.abspath(p): h for p, h in outputs.items()},
        "cldr": cldr,
        "cldr_stamp": stat_stamp(cldr),
        "stdout": shown[0],
        "stderr": shown[1],
    }
    temp = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        with open(temp, "wb") as file:
            marshal.dump(value, file)
        os.replace(temp, path)
    except (OSError, ValueError):
        import contextlib  # loaded already: only a build records

        with contextlib.suppress(OSError):
            os.unlink(temp)


def _record_path(argv: list[str]) -> str | None:
    root = cache_folder("builds")
    if root is None:
        return None
    command = (
        VERSION,
        sys.executable,
        sys.path,
        os.getcwd(),
        argv,
        sorted(os.environ.items()),
        installation_stamp(),
        package_files(),
    )
    key = hashlib.sha256(repr(command).encode("utf-8", "backslashreplace")).hexdigest()
    return os.path.join(root, FOLDER, key)


_FIELDS = ("version", "entry", "cldr", "cldr_stamp", "stdout", "stderr")


def _load(path: str) -> dict[str, Any] | None:
    """The record at `path` if it is one this build-cv writes, else None."""
    data = read_bounded(path, MAX_RECORD)
    if data is None:
        return None
    try:
        value = marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        return None
    if not isinstance(value, dict) or value.get("version") != VERSION:
        return None
    if not all(isinstance(value.get(name), str) for name in _FIELDS):
        return None
    for name in ("inputs", "outputs"):
        files = value.get(name)
        if not isinstance(files, dict) or not files:
            return None
        if not all(isinstance(k, str) and isinstance(h, str) for k, h in files.items()):
            return None
    return value


def _current(record: dict[str, Any]) -> bool:
    """Whether the record still describes this output folder and these inputs."""
    if stat_stamp(record["cldr"]) != record["cldr_stamp"] or not os.path.isdir(record["entry"]):
        return False
    files: dict[str, str] = {**record["inputs"], **record["outputs"]}
    if not all(file_hash(path) == digest for path, digest in files.items()):
        return False
    return not any(_other_pages(path, record["outputs"]) for path in record["outputs"])


def _other_pages(path: str, outputs: dict[str, str]) -> bool:
    """Whether a page image lies beside `<stem>.png` that the recorded build did not make:
    a hit would remove it (cache.py `_other_pages`), so this run cannot answer."""
    folder, name = os.path.split(path)
    if not name.endswith(".png") or ".page-" in name:
        return False
    prefix = f"{name.removesuffix('.png')}.page-"
    try:
        names = os.listdir(folder)
    except OSError:
        return True
    return any(
        n.startswith(prefix)
        and n.endswith(".png")
        and n[len(prefix) : -4].isdigit()
        and os.path.join(folder, n) not in outputs
        for n in names
    )


def file_hash(path: str | os.PathLike[str], limit: int = MAX_FILE) -> str | None:
    data = read_bounded(path, limit)
    return None if data is None else hashlib.sha256(data).hexdigest()


def read_bounded(path: str | os.PathLike[str], limit: int) -> bytes | None:
    """The bytes of a regular file of at most `limit` bytes, read without blocking (as
    sources/text.py reads an input: a FIFO or a device in its place is no match), or
    None. The cache reads its entries and hashes their inputs with it too, so that the
    two ways of answering agree on what a file is."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode) or status.st_size > limit:
            return None
        chunks = []
        size = 0
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                return None
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)
