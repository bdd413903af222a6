"""Find the programs, LaTeX packages and fonts a build needs, and say how to get them.

A missing piece of TeX otherwise shows up as a cryptic error deep in a log
(`pzdr.tfm not loadable`, `moderncv.cls not found`); probing first lets the build name
the missing piece and its Debian package instead.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

from build_cv.typeset import kpse, sandbox
from build_cv.typeset.installation import installation_stamp
from build_cv.typeset.requirements import (
    OPTIONAL,
    REQUIREMENTS,
    Requirement,
    by_name,
    hint,
    missing,
)
from build_cv.userdirs import keep, recall, user_cache


def found(req: Requirement) -> str | None:
    """Where the requirement was found (a path or font file), or None."""
    if req.kind == "program":
        return shutil.which(req.probe)
    return (_tex_files() if req.kind == "tex" else _fonts()).get(req.probe)


@cache
def _tex_files() -> dict[str, str]:
    """One kpsewhich call for every TeX file probed (each call costs ~50 ms), asked as
    the sandboxed TeX would look (typeset/kpse.py): a `moderncv.cls` in the folder
    build-cv runs from is not the installation's."""
    if shutil.which("kpsewhich") is None:
        return {}
    probes = [r.probe for r in REQUIREMENTS if r.kind == "tex"]
    return {name: str(path) for name, path in kpse.find_each(probes).items()}


@cache
def _fonts() -> dict[str, str]:
    """One fc-list call for every font family probed."""
    return _font_files()


def _font_files() -> dict[str, str]:
    if shutil.which("fc-list") is None:
        return {}
    result: dict[str, str] = {}
    for line in _run(["fc-list", ":", "family", "file"]).splitlines():
        file, _, families = line.partition(": ")
        for family in families.split(","):
            result.setdefault(family.strip(), file)
    return result


def _run(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=30, check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""


def known(req: Requirement, *, speedups: bool = True) -> bool:
    """Whether a build may count on `req`: what the probes found for this installation,
    kept per installation (a new package, font or program is a new installation), so
    that a build does not run kpsewhich and fc-list (a tenth of a second) every time.
    Without `speedups`, the machine is asked afresh: a kept answer that is wrong would
    change the design (`adjust`)."""
    if req.kind == "program":
        return shutil.which(req.probe) is not None
    if not speedups:
        where = kpse.find(req.probe) if req.kind == "tex" else _font_files().get(req.probe)
        return where is not None
    return _probed().get(req.name, False)


@cache
def _probed() -> dict[str, bool]:
    folder = user_cache("requirements")  # not "probes": those were asked from the cwd
    memory = folder / f"{installation_stamp()}.json" if folder is not None else None
    stored = recall(memory) if memory is not None else None
    if isinstance(stored, dict) and set(stored) == {r.name for r in REQUIREMENTS}:
        return {str(k): bool(v) for k, v in stored.items()}
    probed = {r.name: found(r) is not None for r in REQUIREMENTS}
    if memory is not None:
        keep(memory, probed)
    return probed


def require_all(names: list[str], *, speedups: bool = True) -> None:
    """Raise for the first of the named requirements that is missing, naming its package.

    A missing piece would otherwise fail deep inside TeX with a cryptic message. The
    probes' answers are kept per installation; a rebuild runs this while TeX runs.
    """
    for name in names:
        req = by_name(name)
        if not known(req, speedups=speedups):
            raise missing(req)


def moderncv_version() -> str | None:
    path = found(by_name("moderncv"))
    if not path:
        return None
    m = re.search(r"\\ProvidesClass\{moderncv\}\[(\S+) (v[\d.]+)", Path(path).read_text("utf-8"))
    return f"{m.group(2)} ({m.group(1)})" if m else "unknown version"


def engine_version(program: str) -> str | None:
    if shutil.which(program) is None:
        return None
    first = _run([program, "--version"]).splitlines()
    return first[0] if first else "unknown version"


def report() -> tuple[str, bool]:
    """The doctor's table and whether everything required is present."""
    lines, ok = [], True
    for req in REQUIREMENTS:
        where = found(req)
        if where is None and req.name not in OPTIONAL:
            ok = False
        status = "ok" if where else ("optional, missing" if req.name in OPTIONAL else "MISSING")
        detail = where or hint(req)
        lines.append(f"{req.name:<22} {status:<18} {detail}")
    lines.append("")
    lines.append(f"{'XeTeX':<22} {engine_version('xelatex') or 'not found'}")
    lines.append(f"{'moderncv':<22} {moderncv_version() or 'not found'}")
    lines.append(f"{'pdftoppm (to preview)':<22} {shutil.which('pdftoppm') or 'not found'}")
    isolation = sandbox.probe()
    if isolation.works:
        lines.append(f"{'isolation':<22} {'ok':<18} {isolation.detail}")
    else:
        lines.append(f"{'isolation':<22} {'NOT AVAILABLE':<18} {isolation.detail}")
        lines.append(f"{'':<22} raw LaTeX (raw sections, preamble_latex) needs --trust-raw")
    return "\n".join(lines), ok
