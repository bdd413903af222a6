"""Publishing build results into the output directory without ever losing a good PDF.

Each file is written to a temporary name in the same directory and renamed over the
target, so a reader sees the old file or the new one, never half of one. A lock on the
directory makes the PDF and its .tex from two concurrent builds land as a pair.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from build_cv.errors import BuildCVError, InputError


class OutputError(BuildCVError):
    """The output directory cannot take the files; nothing in it was replaced."""


@contextmanager
def locked(out_dir: Path) -> Iterator[None]:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        handle = (out_dir / ".build-cv.lock").open("a")
    except OSError as exc:
        raise InputError(f"{out_dir}: cannot write the output directory ({exc.strerror})") from None
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable, so a crash cannot bring back the old file."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(target: Path, data: bytes) -> None:
    publish({target: data})


def publish(files: dict[Path, bytes]) -> None:
    """Write every file to a temporary name first, then rename them all into place.

    A failure while writing (disk full, a directory in the way) leaves every target as it
    was; only the renames, which do not fail for want of space, happen after that.
    """
    temps: dict[Path, Path] = {}
    try:
        for target, data in files.items():
            if target.is_dir():
                raise IsADirectoryError(21, "a directory is in the way", str(target))
            fd, name = tempfile.mkstemp(prefix=".build-cv-", suffix=".tmp", dir=target.parent)
            temps[target] = Path(name)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            temps[target].chmod(0o666 & ~_umask())
        for target, temp in temps.items():
            os.replace(temp, target)
        for directory in {t.parent for t in files}:
            _fsync_dir(directory)
    except OSError as exc:
        raise OutputError(f"cannot write {exc.filename or '?'}: {exc.strerror}") from None
    finally:
        for temp in temps.values():
            temp.unlink(missing_ok=True)
