"""A fingerprint of the TeX and font installation, from file metadata only (no hashing),
cheap enough to take before every build.

Only `os` and `hashlib` are imported: a rebuild with nothing changed takes this
fingerprint before anything else is loaded (pipeline/direct.py), and shutil and pathlib
would cost it more than the fingerprint itself.
"""

from __future__ import annotations

import hashlib
import os

TYPE_CHECKING = False  # typing itself imports re (pipeline/direct.py counts milliseconds)
if TYPE_CHECKING:
    from pathlib import Path

# Where a TeX or font installation changes when a package is added, removed or updated.
_TEX_STAMPS = (
    "/usr/share/texlive/texmf-dist/ls-R",
    "/usr/share/texmf/ls-R",
    "/var/lib/texmf/ls-R-TEXMFMAIN",
    "/var/lib/texmf/web2c",
    "/etc/texmf",
    "/etc/fonts",
    "/var/cache/fontconfig",
    "/usr/share/fonts",
)
_PROGRAMS = ("xelatex", "xdvipdfmx", "bwrap", "kpsewhich", "fc-list")


def installation_stamp() -> str:
    """Changes when TeX, a font or one of the programs a build runs is added, removed or
    updated: what the build cache and the probe results are keyed on."""
    stamps = [f"{p}={stat_stamp(p)}" for p in _TEX_STAMPS]
    for program in _PROGRAMS:
        found = which(program)
        stamps.append(f"{program}={os.path.realpath(found) if found else '-'}")
        stamps.append(stat_stamp(os.path.realpath(found)) if found else "-")
    return _digest("\n".join(stamps).encode())


def which(program: str) -> str | None:
    """`shutil.which` for a bare program name, without importing shutil (and re)."""
    for folder in os.environ.get("PATH", os.defpath).split(os.pathsep):
        path = os.path.join(folder, program)
        if os.access(path, os.X_OK) and not os.path.isdir(path):
            return path
    return None


def stat_stamp(path: Path | str) -> str:
    """A file's size, modification time and inode: it changes when the file is replaced."""
    try:
        st = os.stat(path)
    except OSError:
        return "-"
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
