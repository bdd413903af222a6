"""Reuse a finished build when nothing that affects it has changed.

A rebuild with nothing changed should cost a file comparison, not a TeX run. The key is
everything that can change the output: the command's options, the data files (the YAML
and every file it read, such as a .bib), build-cv itself (its code and templates),
SOURCE_DATE_EPOCH, and the TeX and font installation. The input files are only known
after a build has read them, so each entry records them with the hashes of the very
bytes the build parsed (`Loaded.read`), and a lookup hashes the files again: a file saved
while a build ran no longer matches what that build stored, so it is built again.

The entries live in the user's own cache folder (`~/.cache/build-cv/builds`, private to
the user), never in the output folder: an output folder is what gets published, and an
entry of another command line (the full CV, with the phone a public variant hides) must
not travel with it. An entry is trusted no further than it checks out: each stored file
must match the hash its manifest records, and may only be written under one of the
target's own names in the output folder. Anything else (a damaged, truncated or edited
entry, a malformed manifest) is discarded with a note, and the build runs.

This module is imported before the heavy ones (pydantic, jinja2, pypdf): a hit must be
decided in a few milliseconds. A hit replays exactly what the cold build wrote and printed,
so a cached output is byte for byte what a cold build gives. Entries are written to a
temporary directory and renamed into place, so concurrent builds never see half of one.
"""

from __future__ import annotations

import glob
import hashlib
import importlib.util
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from build_cv.pipeline import direct
from build_cv.pipeline.publish import locked, publish
from build_cv.typeset.installation import installation_stamp, stat_stamp
from build_cv.userdirs import user_cache

VERSION = "2"
MAX_ENTRIES = 64
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_BLOB = re.compile(r"^[0-9]+\.[a-z0-9]+$")
# What a target may be called after its stem: `-variant`, then an extension or a page.
_TARGET_SUFFIX = r"(?:-[a-z0-9-]+)?\.(?:{exts})"


def cache_root() -> Path | None:
    """The user's private build cache, or None where there is none we can write."""
    return user_cache("builds")


INSIDE_OUT = (
    "not caching: the cache folder is inside the output folder, which is published with "
    "what it holds (set XDG_CACHE_HOME to a folder elsewhere)"
)


def inside(root: Path, out_dir: Path) -> bool:
    """Whether the cache is inside the output folder (HOME or XDG_CACHE_HOME set to a CI
    workspace that is then published): an entry holds the full CV, and must not travel."""
    try:
        return root.resolve().is_relative_to(out_dir.resolve())
    except (OSError, RuntimeError):
        return True


def request_key(options: dict[str, Any]) -> str:
    """One key for a command: its options, build-cv itself, TeX, fonts and the clock."""
    parts = {
        "version": VERSION,
        "options": options,
        "package": _package_stamp(),
        "tools": installation_stamp(),
        "epoch": os.environ.get("SOURCE_DATE_EPOCH", ""),
    }
    return _digest(json.dumps(parts, sort_keys=True).encode())


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _package_stamp() -> str:
    """Every file of build-cv (code, templates, label files), and the CLDR data it takes
    month names from: an edited template, or a Babel with other month names, is a new
    build-cv."""
    stamps = [f"cldr={stat_stamp(cldr())}", *direct.package_files()]
    return _digest("\n".join(stamps).encode())


# Nothing in an entry is read past these bounds, nor from anything but a regular file: a
# manifest edited to name /dev/zero or a FIFO must cost a miss, not memory or a hang.
MAX_INPUT = 64 * 2**20  # the largest input a build reads (a .bib)
MAX_STORED = 256 * 2**20  # a stored output, or the manifest


def cldr() -> str:
    """Babel's CLDR data, found without importing Babel (this module stays light)."""
    spec = importlib.util.find_spec("babel")
    origin = spec.origin if spec is not None else None
    return str(Path(origin).with_name("global.dat")) if origin else "-"


def file_hash(path: Path) -> str | None:
    return direct.file_hash(path, MAX_INPUT)


def own_names(stem: str, formats: tuple[str, ...]) -> re.Pattern[str]:
    """The file names the targets of `<stem>.yaml` in `formats` may write: what a replay
    may put in the output folder, whatever a manifest says."""
    exts = {*formats, "tex"} if "pdf" in formats else set(formats)
    if "png" in formats:
        exts.add(r"page-[0-9]+\.png")
    alternatives = "|".join(sorted(e if "\\" in e else re.escape(e) for e in exts))
    return re.compile(re.escape(stem) + _TARGET_SUFFIX.format(exts=alternatives))


@dataclass(frozen=True)
class Hit:
    """A stored build, checked: the bytes of each file it wrote, and what it printed."""

    entry: Path
    files: dict[Path, bytes]
    stdout: str
    stderr: str
    inputs: dict[Path, str]  # what the stored build read, each file's sha256 (as now)
    digests: dict[Path, str]  # each of `files`' sha256, checked

    def replay(self) -> None:
        """Write the stored outputs as the cold build did: atomically, under the lock."""
        changed = {p: data for p, data in self.files.items() if _differs(p, data)}
        stale = _other_pages(self.files)
        if changed or stale:
            with locked(next(iter(self.files)).parent):
                if changed:
                    publish(changed)
                for path in stale:
                    path.unlink(missing_ok=True)
        os.utime(self.entry)


_PAGE = re.compile(r"\.page-[0-9]+\.png")


def _other_pages(files: dict[Path, bytes]) -> list[Path]:
    """The page images beside a replayed `<stem>.png` that its build did not make (a
    longer CV's, or `--pages all`'s): a cold build removes them (pipeline/build.py)."""
    found = []
    for first in (p for p in files if p.suffix == ".png" and not _PAGE.search(p.name)):
        stem = first.name.removesuffix(".png")
        for path in first.parent.glob(f"{glob.escape(stem)}.page-*.png"):
            if _PAGE.fullmatch(path.name.removeprefix(stem)) and path not in files:
                found.append(path)
    return found


@dataclass(frozen=True)
class Lookup:
    """What the cache has for a command: a hit, or None; and, when it threw a stored
    entry away as damaged, a note saying so."""

    hit: Hit | None = None
    note: str = ""


def _differs(path: Path, data: bytes) -> bool:
    try:
        return path.read_bytes() != data
    except OSError:
        return True


class _Damaged(Exception):
    """A stored entry that does not check out; the message says how."""


def lookup(root: Path, key: str, out_dir: Path, names: re.Pattern[str]) -> Lookup:
    """The stored build for `key` if every input it read is unchanged and every file it
    stored is intact and one of `names`, to be written into `out_dir`."""
    entry = root / key
    if not (entry / "manifest.json").exists():
        return Lookup()
    raw = direct.read_bounded(entry / "manifest.json", MAX_STORED)
    try:
        text = raw.decode("utf-8") if raw is not None else None
    except UnicodeDecodeError:
        text = None
    if text is None:
        return _discard(entry, "its manifest cannot be read")
    try:
        manifest = _manifest(text)
        if any(file_hash(Path(p)) != h for p, h in manifest["inputs"].items()):
            return Lookup()  # an input changed: an ordinary miss
        files = _files(entry, manifest["files"], out_dir, names)
    except _Damaged as exc:
        return _discard(entry, str(exc))
    inputs = {Path(p): h for p, h in manifest["inputs"].items()}
    digests = {out_dir / name: r["sha256"] for name, r in manifest["files"].items()}
    return Lookup(Hit(entry, files, manifest["stdout"], manifest["stderr"], inputs, digests))


def _manifest(text: str) -> dict[str, Any]:
    """The manifest, with every field of the type a replay relies on."""
    try:
        manifest = json.loads(text)
    except (ValueError, RecursionError):
        raise _Damaged("its manifest is not JSON") from None
    if not isinstance(manifest, dict) or manifest.get("version") != VERSION:
        raise _Damaged("its manifest is not one this build-cv writes")
    inputs, files = manifest.get("inputs"), manifest.get("files")
    if not isinstance(inputs, dict) or not inputs or not isinstance(files, dict) or not files:
        raise _Damaged("its manifest lists no inputs or no files")
    for path, digest in inputs.items():
        if not Path(path).is_absolute() or not _is_sha256(digest):
            raise _Damaged("its manifest names an input it cannot have read")
    for record in files.values():
        if not isinstance(record, dict) or not _is_sha256(record.get("sha256")):
            raise _Damaged("its manifest records a file without its hash")
        if not isinstance(record.get("blob"), str) or not _BLOB.match(record["blob"]):
            raise _Damaged("its manifest names a stored file outside the entry")
    if not isinstance(manifest.get("stdout"), str) or not isinstance(manifest.get("stderr"), str):
        raise _Damaged("its manifest has no transcript")
    return manifest


def _is_sha256(value: object) -> bool:
    return isinstance(value, str) and _SHA256.match(value) is not None


def _files(
    entry: Path, records: dict[str, dict[str, str]], out_dir: Path, names: re.Pattern[str]
) -> dict[Path, bytes]:
    """Each stored file's bytes by the output it replaces, all verified."""
    files = {}
    for name, record in records.items():
        if not names.fullmatch(name):
            raise _Damaged(f"it would write {name!r}, which is not a file of this build")
        data = direct.read_bounded(entry / record["blob"], MAX_STORED)
        if data is None:
            raise _Damaged(f"its copy of {name} is missing")
        if _digest(data) != record["sha256"]:
            raise _Damaged(f"its copy of {name} is not what the build wrote")
        files[out_dir / name] = data
    return files


def _discard(entry: Path, why: str) -> Lookup:
    shutil.rmtree(entry, ignore_errors=True)
    return Lookup(note=f"the stored copy of the last build was damaged ({why}); rebuilding")


def store(
    root: Path,
    key: str,
    inputs: dict[Path, str],
    outputs: list[Path],
    stdout: str,
    stderr: str,
    keep: int = MAX_ENTRIES,
) -> dict[Path, str] | None:
    """Record a successful build, keyed on the bytes it read (`inputs`: path -> sha256);
    a failure to cache never fails the build. `keep`: how many entries to keep (a batch
    keeps one per target, so that a rerun finds them all). The stored outputs' SHA-256
    by path, or None when nothing was stored."""
    if not inputs:
        return None
    hashes = {}
    try:
        temp = Path(tempfile.mkdtemp(prefix=".entry-", dir=root))
        files = {}
        for i, path in enumerate(outputs):
            blob = f"{i}{path.suffix}"
            data = path.read_bytes()
            (temp / blob).write_bytes(data)
            hashes[path] = _digest(data)
            files[path.name] = {"blob": blob, "sha256": hashes[path]}
        manifest = {
            "version": VERSION,
            "inputs": {str(p): h for p, h in inputs.items()},
            "files": files,
            "stdout": stdout,
            "stderr": stderr,
        }
        (temp / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        placed = _place(temp, root / key)
        _prune(root, max(keep, MAX_ENTRIES))
    except OSError:
        return None
    return hashes if placed else None


def _place(temp: Path, entry: Path) -> bool:
    """Rename the finished entry into place; a concurrent equal entry may win the race."""
    if entry.exists():
        shutil.rmtree(entry, ignore_errors=True)
    try:
        os.replace(temp, entry)
    except OSError:
        shutil.rmtree(temp, ignore_errors=True)
        return False
    return True


def _prune(root: Path, keep: int = MAX_ENTRIES) -> None:
    """Keep the most recently used entries only, and as many remembered heads
    (pipeline/prestart.py keeps them in `.heads`, one per command)."""
    entries = [p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")]
    entries.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in entries[keep:]:
        shutil.rmtree(stale, ignore_errors=True)
    prune_heads(root, keep)
    _keep_newest(root / direct.FOLDER, "*", keep)  # the records of command lines


def prune_heads(root: Path, keep: int = MAX_ENTRIES) -> None:
    """Keep as many remembered heads as entries: a cold build stores no entry, so
    nothing else prunes what a batch of `--no-cache` builds remembers."""
    _keep_newest(root / ".heads", "*.json", keep)


def _keep_newest(folder: Path, pattern: str, keep: int) -> None:
    """Remove all but the `keep` files of `folder` used last."""
    found = sorted(folder.glob(pattern), key=_mtime, reverse=True)
    for stale in found[keep:]:
        stale.unlink(missing_ok=True)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
