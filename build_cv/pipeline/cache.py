"""Reuse a finished build when nothing that affects it has changed.

A rebuild with nothing changed should cost a file comparison, not a TeX run. The key is
everything that can change the output: the command's options, the data files (the YAML
and every file it read, such as a .bib), build-cv itself (its code and templates),
SOURCE_DATE_EPOCH, and the TeX and font installation. The input files are only known
after a build has read them, so each entry records them with their hashes, and a lookup
hashes them again.

This module is imported before the heavy ones (pydantic, jinja2, pypdf): a hit must be
decided in a few milliseconds. A hit replays exactly what the cold build wrote and printed,
so a cached output is byte for byte what a cold build gives. Entries are written to a
temporary directory and renamed into place, so concurrent builds never see half of one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from build_cv.pipeline.publish import locked, publish
from build_cv.typeset.installation import installation_stamp, stat_stamp

VERSION = "1"
CACHE_DIR = ".build-cv-cache"
MAX_ENTRIES = 32
_PACKAGE = Path(__file__).resolve().parents[1]


def cache_root(out_dir: Path) -> Path:
    """Beside the outputs, so `make clean` or deleting the output directory clears it."""
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    if xdg and os.environ.get("BUILD_CV_CACHE") == "xdg":
        return Path(xdg) / "build-cv"
    return out_dir / CACHE_DIR


def request_key(options: dict[str, str]) -> str:
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
    """Every file of build-cv (code and templates): an edited template is a new build-cv."""
    roots = [_PACKAGE, _PACKAGE.parent / "tex_templates"]
    stamps = []
    for root in roots:
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    stamps.append(f"{path.relative_to(root.parent)}={stat_stamp(path)}")
    return _digest("\n".join(stamps).encode())


def file_hash(path: Path) -> str | None:
    try:
        return _digest(path.read_bytes())
    except OSError:
        return None


@dataclass(frozen=True)
class Hit:
    """A stored build: the files it wrote and what it printed."""

    entry: Path
    files: dict[str, str]  # output path -> blob name in the entry
    stdout: str
    stderr: str

    def replay(self) -> None:
        """Write the stored outputs as the cold build did: atomically, under the lock."""
        contents = {Path(p): (self.entry / blob).read_bytes() for p, blob in self.files.items()}
        changed = {p: data for p, data in contents.items() if _differs(p, data)}
        if changed:
            with locked(next(iter(changed)).parent):
                publish(changed)
        os.utime(self.entry)


def _differs(path: Path, data: bytes) -> bool:
    try:
        return path.read_bytes() != data
    except OSError:
        return True


def lookup(root: Path, key: str) -> Hit | None:
    """The stored build for `key` if every input it read is unchanged, else None."""
    entry = root / key
    try:
        manifest = json.loads((entry / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    inputs: dict[str, str] = manifest.get("inputs", {})
    if not inputs or any(file_hash(Path(p)) != h for p, h in inputs.items()):
        return None
    files: dict[str, str] = manifest.get("files", {})
    if not all((entry / blob).is_file() for blob in files.values()):
        return None
    return Hit(entry, files, manifest.get("stdout", ""), manifest.get("stderr", ""))


def store(
    root: Path,
    key: str,
    inputs: list[Path],
    outputs: list[Path],
    stdout: str,
    stderr: str,
) -> None:
    """Record a successful build; a failure to cache never fails the build."""
    hashes = {str(p.resolve()): file_hash(p) for p in inputs}
    if not hashes or None in hashes.values():
        return
    try:
        root.mkdir(parents=True, exist_ok=True)
        temp = Path(tempfile.mkdtemp(prefix=".entry-", dir=root))
        files = {}
        for i, path in enumerate(outputs):
            blob = f"{i}{path.suffix}"
            shutil.copyfile(path, temp / blob)
            files[str(path.resolve())] = blob
        manifest = {"inputs": hashes, "files": files, "stdout": stdout, "stderr": stderr}
        (temp / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        _place(temp, root / key)
        _prune(root)
    except OSError:
        return


def _place(temp: Path, entry: Path) -> None:
    """Rename the finished entry into place; a concurrent equal entry may win the race."""
    if entry.exists():
        shutil.rmtree(entry, ignore_errors=True)
    try:
        os.replace(temp, entry)
    except OSError:
        shutil.rmtree(temp, ignore_errors=True)


def _prune(root: Path) -> None:
    """Keep the most recently used entries only."""
    entries = [p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")]
    entries.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in entries[MAX_ENTRIES:]:
        shutil.rmtree(stale, ignore_errors=True)
