"""The user's own cache directory, for what build-cv derives once and reuses (compiled
templates, what the TeX installation was found to contain), and the small JSON files
kept between runs."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def user_cache(name: str) -> Path | None:
    """`$XDG_CACHE_HOME/build-cv/<name>` (else `~/.cache/...`), made private to the user;
    None when there is none we can write, or it is not ours (what is kept there is read
    back as code or as facts)."""
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    if not os.path.isabs(base):  # the XDG specification: a relative path is to be ignored
        base = str(Path.home() / ".cache")
    folder = Path(base) / "build-cv" / name
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if folder.stat().st_uid != os.getuid() or not os.access(folder, os.W_OK):
            return None
    except OSError:
        return None
    return folder


def keep(path: Path, value: Any) -> None:
    """Write `value` as JSON, atomically (concurrent builds read whole files or none);
    what is kept only saves time, so failing to keep it is never an error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{path.stem}-", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(value, f)
        os.replace(temp, path)
    except OSError:
        return


def recall(path: Path) -> Any:
    """What `keep` wrote, or None when there is none or it cannot be read."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
