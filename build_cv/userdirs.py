"""The user's own cache directory, for what build-cv derives once and reuses (compiled
templates, what the TeX installation was found to contain), and the small JSON files
kept between runs.

Only `os` is imported up front: the command line asks for the cache folder before it
has imported anything else (pipeline/direct.py), and pathlib and json alone cost a
third of the time a rebuild with nothing changed may take.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing itself imports re (pipeline/direct.py counts milliseconds)
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any


def user_cache(name: str) -> Path | None:
    """`$XDG_CACHE_HOME/build-cv/<name>` (else `~/.cache/...`), made private to the user;
    None when there is none we can write, or it is not ours (what is kept there is read
    back as code or as facts)."""
    from pathlib import Path

    folder = cache_folder(name)
    return None if folder is None else Path(folder)


def cache_folder(name: str) -> str | None:
    """`user_cache`, as a string, for callers that do not import pathlib."""
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    if not os.path.isabs(base):  # the XDG specification: a relative path is to be ignored
        base = os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "build-cv", name)
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        if os.stat(folder).st_uid != os.getuid() or not os.access(folder, os.W_OK):
            return None
    except OSError:
        return None
    return folder


def keep(path: Path, value: Any) -> None:
    """Write `value` as JSON, atomically (concurrent builds read whole files or none);
    what is kept only saves time, so failing to keep it is never an error."""
    import json
    import tempfile

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
    import json

    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
