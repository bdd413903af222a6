"""XeLaTeX's format, kept decompressed in the user's cache.

TeX Live dumps its formats gzip-compressed, so every XeLaTeX pass inflates the 31 MB of
xelatex.fmt before it reads a line: about a third of what starting TeX costs (0.08 s of
0.25 s of CPU on the machine the project is measured on), paid again by every build. TeX
reads a format through zlib, which passes an uncompressed file through unchanged, so a
decompressed copy loads the same format, byte for byte, without the inflating. The copy
is made once per format file (it is named after the file's path, size, time and inode,
so a TeX update or a regenerated format gets a new copy), written atomically. A copy
no build has used for a day is removed: a running build may still be using one whose
format has just been replaced. Anything that fails here only means TeX loads its own
format.

A format is code that TeX runs; the copy lives in the user's private cache folder (see
`userdirs.user_cache`), next to the compiled templates, and TeX sees it read-only.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import tempfile
import time
import zlib
from pathlib import Path

from build_cv.typeset import kpse
from build_cv.typeset.installation import stat_stamp
from build_cv.userdirs import user_cache

FORMAT = "xelatex.fmt"
UNUSED = 86400.0  # seconds after which a copy no build has used is removed


def unpacked_format() -> Path | None:
    """The folder holding this installation's XeLaTeX format decompressed (made on first
    use), or None: TeX then loads its own format. Asked before each pass, so a format
    regenerated while a long-lived process (`watch`) runs gets its new copy."""
    root = user_cache("formats")
    if root is None:
        return None
    system = _system_format()
    if system is None:
        return None
    stamp = stat_stamp(system)
    if stamp == "-":
        return None
    folder = root / hashlib.sha256(f"{system}={stamp}".encode()).hexdigest()[:24]
    if (folder / FORMAT).is_file():
        _used(folder)
        return folder
    try:
        _unpack(system, folder)
    except (OSError, EOFError, zlib.error):  # a damaged format: TeX will say so itself
        return None
    _prune(root, folder)
    return folder


def _system_format() -> Path | None:
    return kpse.find_kept(FORMAT, "-engine=xetex", "-progname=xelatex")


def _unpack(system: Path, folder: Path) -> None:
    """Decompress `system` into `folder`/xelatex.fmt; concurrent builds each write their
    own temporary file, and the last rename wins with identical bytes."""
    folder.mkdir(mode=0o700, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=".xelatex-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as target, _opened(system) as source:
            shutil.copyfileobj(source, target, 1 << 20)
        os.replace(temp, folder / FORMAT)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _opened(system: Path) -> gzip.GzipFile:
    with system.open("rb") as probe:
        compressed = probe.read(2) == b"\x1f\x8b"
    if not compressed:
        raise OSError(f"{system} is not compressed: TeX loads it as fast itself")
    return gzip.open(system, "rb")


def _used(folder: Path) -> None:
    """Mark the copy as in use (at most once an hour: it is a write)."""
    try:
        if time.time() - folder.stat().st_mtime > 3600:
            os.utime(folder)
    except OSError:
        return


def _prune(root: Path, current: Path) -> None:
    """Remove the copies no build has used for a day: each is 31 MB, and a TeX update
    leaves one behind."""
    for entry in root.iterdir():
        try:
            stale = entry.is_dir() and time.time() - entry.stat().st_mtime > UNUSED
        except OSError:
            continue
        if stale and entry != current:
            shutil.rmtree(entry, ignore_errors=True)
