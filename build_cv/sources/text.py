"""Every input file read one way and decoded one way: the YAML, each .bib, a JSON Resume.

Each must be a regular file of bounded size, checked before it is opened and opened
without blocking, so a FIFO, a device or a terminal (`/dev/stdin`) never makes a build
wait for input that is not coming, and `/dev/zero` or a disk image named by mistake
never fills memory. Each is UTF-8 (a byte order mark is dropped). Anything else is
refused where it is, as `file:line:col`, with what the file seems to hold instead, so the
same mistake (a file saved as UTF-16 by Windows Notepad, or as Latin-1) reads the same
whichever file it is in.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import BinaryIO

from build_cv.errors import InputError

MAX_YAML_BYTES = 16 * 2**20  # a CV is some kilobytes; this bounds what a mistake costs
_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFIFO: "a pipe (FIFO)",
    stat.S_IFSOCK: "a socket",
}


def read_input(path: Path, noun: str, limit: int) -> bytes:
    """The bytes of `path` if it is a regular file of at most `limit` bytes; `noun` names
    what it should be in a message (`the .bib file`)."""
    with open_input(path, noun, limit) as file:
        try:
            data = file.read(limit + 1)
        except OSError as exc:
            raise InputError(f"{path}: cannot read {noun} ({exc.strerror})") from None
    if len(data) > limit:
        raise _too_big(path, noun, limit)
    return data


def open_input(path: Path, noun: str, limit: int) -> BinaryIO:
    """`path` open for reading if it is a regular file of at most `limit` bytes, for a
    file read in place rather than all at once (a PDF is read from its end)."""
    try:
        _regular(path, path.stat(), noun, limit)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        file = os.fdopen(fd, "rb")
        try:
            _regular(path, os.fstat(file.fileno()), noun, limit)  # swapped after the check?
        except BaseException:
            file.close()
            raise
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read {noun} ({exc.strerror})") from None
    return file


def _regular(path: Path, status: os.stat_result, noun: str, limit: int) -> None:
    if not stat.S_ISREG(status.st_mode):
        kind = _KINDS.get(stat.S_IFMT(status.st_mode), "not a file")
        raise InputError(f"{path}: is {kind}, not a regular file; name {noun} itself")
    if status.st_size > limit:
        raise _too_big(path, noun, limit)


def _too_big(path: Path, noun: str, limit: int) -> InputError:
    size = f"{limit // 2**20} MB" if limit % 2**20 == 0 else f"{limit // 1_000_000} MB"
    return InputError(
        f"{path}: {noun} is larger than {size}, the most build-cv reads; is it the right file?"
    )


_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_RESAVE = "save it as UTF-8 (in most editors: Save As, encoding UTF-8)"


def decode_text(data: bytes, path: Path, language: str) -> str:
    """The text of a UTF-8 file, or an InputError at the first byte that is not text.

    `language` names what the file is written in (YAML, BibTeX, JSON): none allows a NUL
    byte, which most often means the file is binary or half-written.
    """
    if data.startswith(_UTF16_BOMS) or _mostly_nul(data):
        raise InputError(f"{path}:1:1: the file is UTF-16 text, not UTF-8; {_RESAVE}")
    data = data.removeprefix(_BOM)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        byte = data[exc.start]
        try:
            shown = bytes([byte]).decode("cp1252")
            guess = f" (it looks like Latin-1 or Windows-1252, where it is {shown!r})"
        except UnicodeDecodeError:
            guess = ""
        raise InputError(
            f"{_where(data, exc.start, path)}: not UTF-8 text: byte 0x{byte:02X}{guess}; {_RESAVE}"
        ) from None
    nul = data.find(b"\0")
    if nul >= 0:
        raise InputError(
            f"{_where(data, nul, path)}: a NUL byte, which {language} does not allow; remove it"
        )
    return text


def _where(data: bytes, offset: int, path: Path) -> str:
    """`file:line:col` of byte `offset`, the column counted in characters, as editors do."""
    line = data.count(b"\n", 0, offset) + 1
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", "replace")) + 1
    return f"{path}:{line}:{column}"


def _mostly_nul(data: bytes) -> bool:
    """UTF-16 without a byte order mark: ASCII text with a NUL beside every character."""
    head = data[:4096]
    return len(head) >= 4 and head.count(0) * 3 >= len(head)


def record_read(read: dict[Path, str], path: Path, data: bytes) -> None:
    """Note that `data` is what was read from `path` (see `yaml_source.Loaded.read`).

    The path is kept as the build named it (made absolute, its symbolic links left as
    they are): a link pointed at another file is another input, and hashing again what
    it points to now is what tells the cache so."""
    read[Path(os.path.abspath(path))] = hashlib.sha256(data).hexdigest()
