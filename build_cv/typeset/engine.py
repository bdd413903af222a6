"""Compile generated LaTeX to PDF with XeLaTeX, sandboxed and time-limited.

The run happens in a private temporary directory that TeX may not leave:
`-no-shell-escape`, `openin_any=p` / `openout_any=p` (Debian's default lets TeX read any
file, /etc/shadow included when root) and no standard input. Where bubblewrap works,
XeTeX and xdvipdfmx also run in an OS-level sandbox (sandbox.py), which holds whatever the
LaTeX asks the driver to open. The PDF dates come from SOURCE_DATE_EPOCH so output is
reproducible.

XeLaTeX is called directly, once: the generated document needs no second pass (see
tex_templates/onepass.tex.j2), and latexmk's own start-up and its always-second pass cost
more than the body of the CV. Raw LaTeX that refers forward (`\ref` to a later label) is
run again, up to MAX_PASSES, until its .aux stops changing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from build_cv.errors import TexError, TexProblem, TexTimeoutError, ToolMissingError
from build_cv.typeset import sandbox
from build_cv.typeset.settings import DEFAULT_TIMEOUT, JOB
from build_cv.typeset.texlog import (
    MissingGlyph,
    Overfull,
    driver_error,
    first_error,
    missing_glyphs,
    needs_another_pass,
    overfull_boxes,
)

OUTPUT_TAIL = 64_000  # bytes of XeTeX's output kept: enough for the driver's last words
MAX_PASSES = 4
INSTALL_HINT = (
    "Run `make pdf` (it installs TeX on Debian/Ubuntu) or "
    "`sudo scripts/install-tex.sh`; see `build-cv doctor`."
)


@dataclass
class Compiled:
    """A finished run: the PDF and auxiliary files still live in `build_dir` until cleanup."""

    build_dir: Path
    pdf: Path
    log: str
    missing: list[MissingGlyph] = field(default_factory=list)
    overfull: list[Overfull] = field(default_factory=list)
    passes: int = 1

    @property
    def aux(self) -> str:
        return _read(self.build_dir / f"{JOB}.aux")


def tex_settings(source_date_epoch: int, build_dir: str) -> dict[str, str]:
    return {
        "SOURCE_DATE_EPOCH": str(source_date_epoch),
        "FORCE_SOURCE_DATE": "1",
        "openin_any": "p",
        "openout_any": "p",
        "shell_escape": "f",
        "TEXMFOUTPUT": build_dir,
        "max_print_line": "1000",
        "error_line": "254",
        "half_error_line": "238",
    }


def tex_environment(source_date_epoch: int, build_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXMF", "TEXINPUTS"))}
    env.update(tex_settings(source_date_epoch, str(build_dir)))
    return env


@contextmanager
def compile_tex(
    tex: str, *, source_date_epoch: int, timeout: float = DEFAULT_TIMEOUT
) -> Iterator[Compiled]:
    """Compile `tex`; yields the result while its build directory still exists."""
    with tempfile.TemporaryDirectory(prefix="build-cv-") as tmp:
        build_dir = Path(tmp)
        (build_dir / f"{JOB}.tex").write_text(tex, encoding="utf-8")
        deadline = time.monotonic() + timeout
        log, passes = _passes(build_dir, source_date_epoch, timeout, deadline)
        pdf = build_dir / f"{JOB}.pdf"
        if not pdf.exists():
            raise TexError(TexProblem("TeX produced no PDF"))
        yield Compiled(
            build_dir=build_dir,
            pdf=pdf,
            log=log,
            missing=missing_glyphs(log),
            overfull=overfull_boxes(log),
            passes=passes,
        )


def _passes(
    build_dir: Path, source_date_epoch: int, timeout: float, deadline: float
) -> tuple[str, int]:
    """Run XeLaTeX until the document is settled: once, unless it refers forward."""
    previous_aux = None
    for n in range(1, MAX_PASSES + 1):
        status, output = _run_xelatex(build_dir, source_date_epoch, timeout, deadline)
        log = _read(build_dir / f"{JOB}.log")
        if status != 0:
            problem = first_error(log) or driver_error(output)
            raise TexError(problem or TexProblem(f"TeX failed (XeLaTeX exit status {status})"))
        aux = _read(build_dir / f"{JOB}.aux")
        if (n == 1 and not needs_another_pass(log)) or aux == previous_aux:
            return log, n
        previous_aux = aux
    raise TexError(
        TexProblem(
            f"the document never settled: its cross-references still changed after "
            f"{MAX_PASSES} passes (raw LaTeX that writes a different .aux on every run?)"
        )
    )


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def _run_xelatex(
    build_dir: Path, source_date_epoch: int, timeout: float, deadline: float
) -> tuple[int, str]:
    """XeLaTeX's exit status and the end of what it and the driver printed.

    The status, not the log, says whether the run failed: raw LaTeX can `\typeout`
    anything, a line that looks like a TeX error included.
    """
    cmd = [
        "xelatex",
        "-interaction=nonstopmode",
        "-halt-on-error",
        "-file-line-error",
        "-no-shell-escape",
        f"{JOB}.tex",
    ]
    if shutil.which("xelatex") is None:
        raise ToolMissingError("`xelatex`", INSTALL_HINT)
    env = tex_environment(source_date_epoch, build_dir)
    bwrap = sandbox.bwrap_program()
    if sandbox.probe().works and bwrap is not None:
        cmd = [*sandbox.command(bwrap, build_dir), *cmd]
        env = sandbox.environment(tex_settings(source_date_epoch, sandbox.BUILD_MOUNT))
    with tempfile.TemporaryFile() as output:
        proc = subprocess.Popen(
            cmd,
            cwd=build_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            status = proc.wait(timeout=max(deadline - time.monotonic(), 0.01))
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise TexTimeoutError(timeout) from None
        except BaseException:  # a signal: TeX must not outlive us
            _kill_group(proc)
            raise
        output.seek(max(output.seek(0, os.SEEK_END) - OUTPUT_TAIL, 0))
        return status, output.read().decode("utf-8", "replace")


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
