"""Find the programs, LaTeX packages and fonts a build needs, and say how to get them.

A missing piece of TeX otherwise shows up as a cryptic error deep in a log
(`pzdr.tfm not loadable`, `ctexhook.sty not found`); probing first lets the build name
the missing piece and its Debian package instead.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from build_cv.errors import ToolMissingError, Warning_
from build_cv.schema.model import Design
from build_cv.typeset import sandbox


@dataclass(frozen=True)
class Requirement:
    name: str
    kind: str  # program | tex | font
    probe: str
    package: str
    needed_for: str


REQUIREMENTS = [
    Requirement("xelatex", "program", "xelatex", "texlive-xetex", "compiling"),
    Requirement("moderncv", "tex", "moderncv.cls", "texlive-latex-extra", "the CV class"),
    Requirement("pzdr.tfm", "tex", "pzdr.tfm", "texlive-fonts-recommended", "hyperref links"),
    Requirement("xeCJK", "tex", "xeCJK.sty", "texlive-lang-cjk", "Chinese/Japanese/Korean text"),
    Requirement("ctexhook", "tex", "ctexhook.sty", "texlive-lang-chinese", "xeCJK"),
    Requirement("Noto Sans CJK SC", "font", "Noto Sans CJK SC", "fonts-noto-cjk", "CJK glyphs"),
    Requirement("fontawesome5", "tex", "fontawesome5.sty", "texlive-fonts-extra", "header icons"),
    Requirement(
        "cm-unicode", "tex", "cmunss.otf", "texlive-fonts-extra", "Greek and Cyrillic text"
    ),
    Requirement(
        "EB Garamond Initials",
        "font",
        "EB Garamond Initials",
        "fonts-ebgaramond-extra",
        "the `fancy` style",
    ),
]
OPTIONAL = {"fontawesome5", "cm-unicode", "EB Garamond Initials"}


def found(req: Requirement) -> str | None:
    """Where the requirement was found (a path or font file), or None."""
    if req.kind == "program":
        return shutil.which(req.probe)
    return (_tex_files() if req.kind == "tex" else _fonts()).get(req.probe)


@cache
def _tex_files() -> dict[str, str]:
    """One kpsewhich call for every TeX file probed (each call costs ~50 ms)."""
    if shutil.which("kpsewhich") is None:
        return {}
    probes = [r.probe for r in REQUIREMENTS if r.kind == "tex"]
    paths = _run(["kpsewhich", *probes]).split()
    return {Path(p).name: p for p in paths if Path(p).name in probes}


@cache
def _fonts() -> dict[str, str]:
    """One fc-list call for every font family probed."""
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


def hint(req: Requirement) -> str:
    return (
        f"Install the Debian/Ubuntu package `{req.package}` "
        f"(`sudo apt-get install --no-install-recommends {req.package}`), "
        "or run `scripts/install-tex.sh`."
    )


def ensure(design: Design) -> tuple[Design, list[Warning_]]:
    """Raise for a missing required piece; without fontawesome5, fall back to letter icons."""
    warnings: list[Warning_] = []
    for req in REQUIREMENTS:
        if req.name in OPTIONAL or found(req):
            continue
        raise ToolMissingError(f"{req.name} (needed for {req.needed_for})", hint(req))
    if design.style == "fancy" and not found(_by_name("EB Garamond Initials")):
        req = _by_name("EB Garamond Initials")
        raise ToolMissingError(f"{req.name} (needed for {req.needed_for})", hint(req))
    if design.icons and not found(_by_name("fontawesome5")):
        req = _by_name("fontawesome5")
        warnings.append(
            Warning_(
                f"fontawesome5 is missing, so the header uses letters instead of icons. {hint(req)}"
            )
        )
        design = design.model_copy(update={"icons": False})
    if design.script_fallback and not found(_by_name("cm-unicode")):
        req = _by_name("cm-unicode")
        warnings.append(
            Warning_(f"cm-unicode is missing, so Greek and Cyrillic cannot be typeset. {hint(req)}")
        )
        design = design.model_copy(update={"script_fallback": False})
    return design, warnings


def _by_name(name: str) -> Requirement:
    return next(r for r in REQUIREMENTS if r.name == name)


def moderncv_version() -> str | None:
    path = found(_by_name("moderncv"))
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
