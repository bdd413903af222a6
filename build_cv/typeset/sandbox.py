"""Isolate a TeX run at the OS level with bubblewrap, whatever the LaTeX asks for.

`openin_any=p` only governs TeX's own file opens. The PDF driver (xdvipdfmx) opens the
files named in `\\special{pdf:...}` itself, and XeTeX's picture primitives and font
loader open absolute paths too, so raw LaTeX could copy any readable file into the PDF.
Inside the sandbox only the TeX tree, the fonts and the build directory exist; the build
directory, mounted at /build, is the only writable place, and there is no network.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

BUILD_MOUNT = "/build"
FORMAT_MOUNT = "/format"  # the decompressed format (typeset/unpacked_format.py), read-only
DRIVER_MOUNT = "/driver"  # the PDF driver's configuration (typeset/fontmap.py), read-only
BWRAP_ENV = "BUILD_CV_BWRAP"  # another bubblewrap binary; tests point it at one that fails
READ_ONLY = ("/usr",)  # programs, libraries, TeX Live and fonts, /usr/local included
READ_ONLY_IF_PRESENT = ("/etc/texmf", "/var/lib/texmf", "/etc/fonts", "/var/cache/fontconfig")


@dataclass(frozen=True)
class Isolation:
    """Whether TeX can run isolated here and, if not, why."""

    works: bool
    detail: str


def bwrap_program() -> str | None:
    return shutil.which(os.environ.get(BWRAP_ENV) or "bwrap")


def command(bwrap: str, build_dir: Path, shown: Mapping[str, Path] | None = None) -> list[str]:
    """The bubblewrap prefix that runs a command in `build_dir`, mounted at /build, and
    shows it each folder in `shown` read-only, at the place it is mapped to."""
    cmd = [bwrap]
    for path in READ_ONLY:
        cmd += ["--ro-bind", path, path]
    for path in READ_ONLY_IF_PRESENT:
        cmd += ["--ro-bind-try", path, path]
    for link in ("bin", "lib", "lib64", "sbin"):
        cmd += ["--symlink", f"usr/{link}", f"/{link}"]
    cmd += ["--dev", "/dev", "--tmpfs", "/tmp"]  # no /proc: TeX needs none of it
    for mount, folder in (shown or {}).items():
        cmd += ["--ro-bind", str(folder), mount]
    cmd += ["--bind", str(build_dir), BUILD_MOUNT, "--chdir", BUILD_MOUNT]
    cmd += ["--unshare-all", "--die-with-parent", "--"]
    return cmd


def environment(extra: dict[str, str]) -> dict[str, str]:
    """A fresh environment: nothing of the caller's (tokens, paths) is visible inside."""
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", **extra}


@cache
def _probe(bwrap: str | None) -> Isolation:
    if bwrap is None:
        return Isolation(False, "bwrap is not installed (Debian/Ubuntu package `bubblewrap`)")
    with tempfile.TemporaryDirectory(prefix="build-cv-probe-") as tmp:
        try:
            done = subprocess.run(
                [*command(bwrap, Path(tmp)), "xelatex", "-version"],
                env=environment({}),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=30,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return Isolation(False, f"{bwrap} fails: {exc}")
    if done.returncode != 0:
        why = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = why[-1][:200] if why else f"exit status {done.returncode}"
        return Isolation(False, f"{bwrap} fails: {reason}")
    return Isolation(True, f"bubblewrap ({bwrap}): no network, only the TeX tree visible")


def probe() -> Isolation:
    """Try the sandbox once per process (a few milliseconds): bubblewrap may be installed
    yet unable to create namespaces, as in many unprivileged containers."""
    return _probe(bwrap_program())


def usable_bwrap() -> str | None:
    """The bubblewrap to run TeX's programs in, or None where isolation does not work."""
    bwrap = bwrap_program()
    return bwrap if bwrap is not None and probe().works else None
