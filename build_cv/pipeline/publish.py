"""Publishing build results into the output directory without ever losing a good PDF.

Each file is written to a temporary name in the same directory and renamed over the
target, so a reader sees the old file or the new one, never half of one. A lock on the
directory makes the PDF and its .tex from two concurrent builds land as a pair.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from build_cv.errors import BuildCVError, InputError


class OutputError(BuildCVError):
    """The output directory cannot take the files; nothing in it was replaced."""


@contextmanager
def locked(out_dir: Path) -> Iterator[None]:
    """The output folder, locked against other builds; what a killed build left behind
    there is removed first.

    The lock file is opened without following a symbolic link and without blocking, and
    must be a regular file: a repository can hold `.build-cv.lock` as a link (git stores
    them) or a FIFO, which would make the build create a file anywhere or wait forever.
    """
    lock = out_dir / LOCK
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
        fd = os.open(lock, flags, 0o666 & ~_umask())
    except OSError as exc:
        why = "it is a symbolic link" if exc.errno == errno.ELOOP else exc.strerror
        raise InputError(f"{out_dir}: cannot lock the output folder ({LOCK}: {why})") from None
    with os.fdopen(fd, "w") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InputError(f"{lock}: not a regular file; remove it")
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            _remove_leftovers(out_dir)
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


LOCK = ".build-cv.lock"
_TEMP_PREFIX = ".build-cv-"


def _temp_prefix() -> str:
    """Temporary files carry the writer's process id, so that a later build can tell the
    leftovers of a killed one from the files of one still running."""
    return f"{_TEMP_PREFIX}{os.getpid()}-"


def _remove_leftovers(out_dir: Path) -> None:
    """Remove the temporary files of builds that were killed while writing (SIGKILL, out
    of memory, power loss): each holds a whole output, the phone a variant hides
    included, and an output folder is often published as it is."""
    for temp in out_dir.glob(f"{_TEMP_PREFIX}*.tmp"):
        pid = temp.name.removeprefix(_TEMP_PREFIX).partition("-")[0]
        if not pid.isdigit() or not _alive(int(pid)) or _older_than(temp, _LEFTOVER_AGE):
            temp.unlink(missing_ok=True)


# A writer holds its temporary for as long as one output takes to write: seconds. One this
# old is a leftover even when its process id is in use again (a reboot, a container's 1).
_LEFTOVER_AGE = 600.0


def _older_than(path: Path, seconds: float) -> bool:
    try:
        return time.time() - path.stat().st_mtime > seconds
    except OSError:
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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


def publish(files: dict[Path, bytes]) -> None:
    """Write every file to a temporary name first, then rename them all into place.

    A failure while writing (disk full, a directory in the way) leaves every target as it
    was; only the renames, which do not fail for want of space, happen after that.
    """
    temps: dict[Path, Path] = {}
    target = next(iter(files), Path("?"))
    try:
        for target, data in files.items():
            if target.is_dir():
                raise IsADirectoryError(21, "a directory is in the way", str(target))
            fd, name = tempfile.mkstemp(prefix=_temp_prefix(), suffix=".tmp", dir=target.parent)
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
        raise OutputError(f"cannot write {target}: {exc.strerror}") from None
    finally:
        for temp in temps.values():
            temp.unlink(missing_ok=True)


def write_new(
    target: Path,
    data: bytes,
    overwrite: bool = False,
    protect: tuple[Path, ...] = (),
    force_flag: bool = True,
) -> None:
    """Write a file the user names (`import -o`, `new -o`): whole or not at all, and never
    over anything but a regular file, nor over one of `protect` (the command's own input,
    however it is spelt: a symlink, `..`, a hard link), nor over any file without
    `overwrite`. No lock file is left beside it: these commands write one file.
    `force_flag`: the command has --force, which the message then offers.
    """
    may_write(target, overwrite, protect, force_flag)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=_temp_prefix(), suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise InputError(f"{target}: cannot write there ({exc.strerror})") from None
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        temp.chmod(0o666 & ~_umask())
        may_write(target, overwrite, protect, force_flag)  # again: time has passed
        if overwrite:
            os.replace(temp, target)
        else:
            _link_new(temp, target, force_flag)
        _fsync_dir(target.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror}") from None
    finally:
        temp.unlink(missing_ok=True)


def may_write(
    target: Path, overwrite: bool, protect: tuple[Path, ...], force_flag: bool = True
) -> None:
    """An InputError unless `target` may be written (see write_new)."""
    try:
        found = os.stat(target)
    except FileNotFoundError:
        return  # nothing there (or a dangling symlink, which _link_new will not follow)
    except OSError as exc:
        raise InputError(f"{target}: cannot write there ({exc.strerror})") from None
    if not stat.S_ISREG(found.st_mode):
        raise InputError(
            f"{target}: not a regular file (a directory, device or pipe); name a file with -o"
        )
    for path in protect:
        try:
            same = os.path.samefile(target, path)
        except OSError:
            same = False
        if same:
            raise InputError(f"{target} is the input file {path}: write to another file")
    if not overwrite:
        raise InputError(_exists(target, force_flag))


def _exists(target: Path, force_flag: bool) -> str:
    force = ", or replace it with --force" if force_flag else ""
    return f"{target}: already exists; choose another file with -o{force}"


def _link_new(temp: Path, target: Path, force_flag: bool) -> None:
    """Put `temp` at `target` only if nothing is there: a link fails if the name exists,
    so a file made meanwhile by someone else is never replaced."""
    try:
        os.link(temp, target)
    except FileExistsError:
        raise InputError(_exists(target, force_flag)) from None
    except OSError:  # a file system without hard links: claim the name, then fill it
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except FileExistsError:
            raise InputError(_exists(target, force_flag)) from None
        os.close(fd)
        os.replace(temp, target)
