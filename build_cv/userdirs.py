"""The user's own cache directory, for what build-cv derives once and reuses: compiled
templates, and what the TeX installation was found to contain."""

from __future__ import annotations

import os
from pathlib import Path


def user_cache(name: str) -> Path | None:
    """`$XDG_CACHE_HOME/build-cv/<name>` (else `~/.cache/...`), made private to the user;
    None when there is none we can write, or it is not ours (what is kept there is read
    back as code or as facts)."""
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    folder = Path(base) / "build-cv" / name
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if folder.stat().st_uid != os.getuid() or not os.access(folder, os.W_OK):
            return None
    except OSError:
        return None
    return folder
