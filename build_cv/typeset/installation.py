"""A fingerprint of the TeX and font installation, from file metadata only (no hashing),
cheap enough to take before every build."""

from __future__ import annotations

import hashlib
import os
import shutil
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
        found = shutil.which(program)
        stamps.append(f"{program}={os.path.realpath(found) if found else '-'}")
        stamps.append(stat_stamp(os.path.realpath(found)) if found else "-")
    return _digest("\n".join(stamps).encode())


def stat_stamp(path: Path | str) -> str:
    """A file's size, modification time and inode: it changes when the file is replaced."""
    try:
        st = os.stat(path)
    except OSError:
        return "-"
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
