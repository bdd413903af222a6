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
import queue
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from build_cv.errors import TexError, TexProblem, TexTimeoutError
from build_cv.typeset import fontmap, sandbox
from build_cv.typeset.requirements import by_name, missing
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
from build_cv.typeset.unpacked_format import unpacked_format

OUTPUT_TAIL = 64_000  # bytes of the PDF driver's output kept: enough for its last words
MAX_PASSES = 4


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


class Started:
    """A first XeLaTeX pass started before its document exists.

    Starting XeTeX and loading its format take a fifth of a pass and need nothing from
    the CV, so on a rebuild the command line starts the pass first and reads the data
    meanwhile. TeX waits on `cv.tex`, a named pipe, until `compile_tex` writes the
    document into it; what it then compiles is exactly that document, byte for byte as
    if from a file. It can also be given the document's `head`, predicted from the
    previous build, to typeset (moderncv and its packages) while the data is still being
    read. The PDF's dates come from the environment, so the epoch is fixed at the start.
    A document with another epoch or another head gets a pass of its own: a wrong guess
    costs time, never a different PDF.
    """

    def __init__(self, source_date_epoch: int, head: str = "") -> None:
        self.epoch = source_date_epoch
        self.head = head
        self._tmp = tempfile.TemporaryDirectory(prefix="build-cv-")
        self.build_dir = Path(self._tmp.name)
        self._source = self.build_dir / f"{JOB}.tex"
        os.mkfifo(self._source, 0o600)
        self._chunks: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._chunks.put(BOM + head.encode("utf-8"))
        self._feeder = threading.Thread(target=_feed, args=(self._source, self._chunks))
        self._feeder.daemon = True
        try:
            self._proc = _spawn(self.build_dir, source_date_epoch)
        except BaseException:
            self.close()
            raise
        self._feeder.start()

    def fits(self, tex: str, source_date_epoch: int) -> bool:
        """Whether this pass can compile `tex`: same epoch, and it begins with the head."""
        return source_date_epoch == self.epoch and tex.startswith(self.head)

    def run(
        self, tex: str, deadline: float, timeout: float, alongside: Callable[[], None] | None
    ) -> int:
        """Feed the rest of `tex` to the pass, run `alongside` meanwhile, and wait for it:
        its exit status."""
        self._chunks.put(tex[len(self.head) :].encode("utf-8"))
        self._chunks.put(None)
        try:
            if alongside is not None:
                alongside()
            status = _wait(self._proc, deadline, timeout)
        except BaseException:
            _kill_group(self._proc)
            raise
        finally:
            self._release_feeder()
        self._source.unlink()
        self._source.write_text(tex, encoding="utf-8")  # later passes, and .failed.tex
        return status

    def _release_feeder(self) -> None:
        """Let the feeder end: no more to send, and if it is still blocked opening the
        pipe (TeX ended without reading), a reader that leaves at once."""
        self._chunks.put(None)
        while self._feeder.is_alive():
            with contextlib.suppress(OSError):
                fd = os.open(self._source, os.O_RDONLY | os.O_NONBLOCK)
                os.close(fd)
            self._feeder.join(0.05)

    def close(self) -> None:
        """Stop the pass if it still runs, and remove its build directory."""
        proc = getattr(self, "_proc", None)
        if proc is not None and proc.poll() is None:
            _kill_group(proc)
        if self._feeder.ident is not None:
            self._release_feeder()
        self._tmp.cleanup()


BOM = b"\xef\xbb\xbf"  # XeTeX sniffs a file's first bytes and seeks back: not in a pipe


class OnFile:
    """A first XeLaTeX pass over `cv.tex` written as a plain file, started once the
    document is rendered, with TeX's own format: what a build runs with its speed-ups
    off (`--no-speedups`), to tell whether a wrong PDF comes from one of them."""

    def __init__(self, source_date_epoch: int) -> None:
        self.epoch = source_date_epoch
        self._tmp = tempfile.TemporaryDirectory(prefix="build-cv-")
        self.build_dir = Path(self._tmp.name)

    def run(
        self, tex: str, deadline: float, timeout: float, alongside: Callable[[], None] | None
    ) -> int:
        """Write `tex`, run `alongside`, then TeX on the file: its exit status."""
        (self.build_dir / f"{JOB}.tex").write_text(tex, encoding="utf-8")
        if alongside is not None:
            alongside()
        return _run_xelatex(self.build_dir, self.epoch, timeout, deadline, speedups=False)

    def close(self) -> None:
        self._tmp.cleanup()


def _feed(path: Path, chunks: queue.SimpleQueue[bytes | None]) -> None:
    """Write each chunk into the pipe as it comes, until None; TeX may stop reading."""
    with contextlib.suppress(OSError), path.open("wb") as pipe:
        while (chunk := chunks.get()) is not None:
            pipe.write(chunk)
            pipe.flush()


@contextmanager
def compile_tex(
    tex: str,
    *,
    source_date_epoch: int,
    timeout: float = DEFAULT_TIMEOUT,
    started: Started | None = None,
    alongside: Callable[[], None] | None = None,
    tree_free: bool = False,
    speedups: bool = True,
    files: Mapping[str, bytes] | None = None,
) -> Iterator[Compiled]:
    """Compile `tex`; yields the result while its build directory still exists.

    `files` are written into the build directory, by name, before TeX reads the body:
    what the document includes (a photo re-encoded by build-cv), the only files besides
    the document the sandbox lets TeX see.

    `started` is a pass begun earlier (see `Started`), used if it fits this document;
    `alongside` runs while TeX does (a failure there stops TeX). `tree_free` says that
    the document has the PDF driver read no file of TeX's tree by name (no raw LaTeX,
    no PDF/A colour profile): with no TFM font either, the driver then needs no file
    database (see `fontmap`). Without `speedups`, TeX runs on a file with its own
    format, and the driver with its own configuration and file database (`OnFile`).
    """
    if started is not None and not (speedups and started.fits(tex, source_date_epoch)):
        started.close()
        started = None
    first: Started | OnFile
    first = started or (Started(source_date_epoch) if speedups else OnFile(source_date_epoch))
    try:
        for name, data in (files or {}).items():
            if "/" in name or name.startswith(".") or name.startswith(JOB + "."):
                raise ValueError(f"{name!r} is not a plain file name beside the document")
            (first.build_dir / name).write_bytes(data)
        deadline = time.monotonic() + timeout
        log, passes = _passes(first, tex, source_date_epoch, timeout, deadline, alongside, speedups)
        if (first.build_dir / f"{JOB}.xdv").exists():
            _drive(first.build_dir, source_date_epoch, timeout, deadline, tree_free, speedups)
        pdf = first.build_dir / f"{JOB}.pdf"
        if not pdf.exists():
            raise TexError(TexProblem("TeX produced no PDF"))
        yield Compiled(
            build_dir=first.build_dir,
            pdf=pdf,
            log=log,
            missing=missing_glyphs(log),
            overfull=overfull_boxes(log),
            passes=passes,
        )
    finally:
        first.close()


def _passes(
    first: Started | OnFile,
    tex: str,
    source_date_epoch: int,
    timeout: float,
    deadline: float,
    alongside: Callable[[], None] | None,
    speedups: bool = True,
) -> tuple[str, int]:
    """Run XeLaTeX until the document is settled: once, unless it refers forward."""
    build_dir = first.build_dir
    previous_aux = None
    for n in range(1, MAX_PASSES + 1):
        if n == 1:
            status = first.run(tex, deadline, timeout, alongside)
        else:
            status = _run_xelatex(build_dir, source_date_epoch, timeout, deadline, speedups)
        log = _read(build_dir / f"{JOB}.log")
        if status != 0:
            problem = first_error(log)
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
    build_dir: Path, source_date_epoch: int, timeout: float, deadline: float, speedups: bool = True
) -> int:
    """A pass over the `cv.tex` file: its exit status."""
    return _finished(_spawn(build_dir, source_date_epoch, speedups), deadline, timeout)


def _finished(proc: subprocess.Popen[bytes], deadline: float, timeout: float) -> int:
    """Wait for a TeX program, stopping it on timeout or interruption: its exit status."""
    try:
        return _wait(proc, deadline, timeout)
    except BaseException:
        _kill_group(proc)
        raise


def _spawn(
    build_dir: Path, source_date_epoch: int, speedups: bool = True
) -> subprocess.Popen[bytes]:
    """XeLaTeX on `cv.tex` in `build_dir`, sandboxed where bubblewrap works, with the
    decompressed format given `speedups`. What it prints is not kept: its log has all
    of it, and the PDF driver runs on its own.

    The exit status, not the log, says whether the run failed: raw LaTeX can `\typeout`
    anything, a line that looks like a TeX error included. The first line is not read for
    a `%&format` line: TeX would read it and close the file, and a pipe would lose it.
    """
    program = [
        "xelatex",
        "-interaction=nonstopmode",
        "-halt-on-error",
        "-file-line-error",
        "-no-shell-escape",
        "-no-parse-first-line",
        "-no-pdf",  # the build runs the PDF driver itself, once, after the last pass
        f"{JOB}.tex",
    ]
    if shutil.which("xelatex") is None:
        raise missing(by_name("xelatex"))
    format_dir = unpacked_format() if speedups else None
    cmd, env = launch(build_dir, source_date_epoch, program, format_dir=format_dir)
    return _start(cmd, env, build_dir, subprocess.DEVNULL)


def _start(
    cmd: list[str],
    env: dict[str, str],
    build_dir: Path,
    output: IO[bytes] | int,
    stdin: IO[bytes] | int = subprocess.DEVNULL,
) -> subprocess.Popen[bytes]:
    """A TeX program in its own process group, so that a timeout stops all of it."""
    return subprocess.Popen(
        cmd,
        cwd=build_dir,
        env=env,
        stdin=stdin,
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def launch(
    build_dir: Path,
    source_date_epoch: int,
    program: list[str],
    *,
    format_dir: Path | None = None,
    driver_dir: Path | None = None,
    driver_alone: bool = False,
) -> tuple[list[str], dict[str, str]]:
    """The command line and environment that run a TeX `program` on `build_dir`: in the
    sandbox where bubblewrap works, with `format_dir` first in the format path (XeTeX)
    or `driver_dir` first in the configuration and map paths (xdvipdfmx), or, with
    `driver_alone`, the only place it looks for them, without TeX's file database."""
    shown = {sandbox.FORMAT_MOUNT: format_dir, sandbox.DRIVER_MOUNT: driver_dir}
    found = {mount: folder for mount, folder in shown.items() if folder is not None}
    bwrap = sandbox.usable_bwrap()
    if bwrap is not None:
        cmd = [*sandbox.command(bwrap, build_dir, found), *program]
        env = sandbox.environment(tex_settings(source_date_epoch, sandbox.BUILD_MOUNT))
        where = {mount: mount for mount in found}
    else:
        cmd = program
        env = tex_environment(source_date_epoch, build_dir)
        where = {mount: str(folder) for mount, folder in found.items()}
    # kpathsea puts its default path where the colon leaves an empty element
    if sandbox.FORMAT_MOUNT in where:
        env["TEXFORMATS"] = f"{where[sandbox.FORMAT_MOUNT]}:"
    if sandbox.DRIVER_MOUNT in where:  # its configuration, and the map that names
        driver = where[sandbox.DRIVER_MOUNT]
        env["DVIPDFMXINPUTS"] = env["TEXFONTMAPS"] = driver if driver_alone else f"{driver}:"
        if driver_alone:
            env["TEXMFDBS"] = driver  # a folder with no ls-R: no database is read
    return cmd, env


def _drive(
    build_dir: Path,
    source_date_epoch: int,
    timeout: float,
    deadline: float,
    tree_free: bool,
    speedups: bool = True,
) -> None:
    """Turn TeX's XDV file into the PDF with xdvipdfmx, as XeLaTeX would itself (the same
    command, reading the file from its standard input), but given only the font map
    lines the document uses where it can be and `speedups` allow (see `fontmap`)."""
    with tempfile.TemporaryDirectory(prefix="build-cv-driver-") as folder:
        driver_dir = Path(folder)
        prepared = None  # without speed-ups: the configuration, maps and database of TeX
        if speedups:
            prepared = fontmap.write_driver_files(build_dir / f"{JOB}.xdv", driver_dir, tree_free)
        program = ["xdvipdfmx", "-q", "-E", "-o", f"{JOB}.pdf"]
        if shutil.which(program[0]) is None:
            raise missing(by_name(program[0]))
        cmd, env = launch(
            build_dir,
            source_date_epoch,
            program,
            driver_dir=driver_dir if prepared else None,
            driver_alone=prepared is not None and prepared.alone,
        )
        with (build_dir / f"{JOB}.xdv").open("rb") as xdv, tempfile.TemporaryFile() as output:
            proc = _start(cmd, env, build_dir, output, stdin=xdv)
            status = _finished(proc, deadline, timeout)
            said = _tail(output)
    if status != 0:
        problem = driver_error(said)
        raise TexError(problem or TexProblem(f"the PDF driver failed (status {status})"))


def _wait(proc: subprocess.Popen[bytes], deadline: float, timeout: float) -> int:
    if _ended_within(proc, max(deadline - time.monotonic(), 0.01)):
        return proc.wait()
    _kill_group(proc)
    raise TexTimeoutError(timeout)


def _ended_within(proc: subprocess.Popen[bytes], seconds: float) -> bool:
    """Whether TeX ends within `seconds`, noticed the moment it does. `Popen.wait` with a
    timeout polls, sleeping up to 50 ms between looks, which every pass would wait on; a
    process file descriptor becomes readable when the process ends."""
    try:
        fd = os.pidfd_open(proc.pid)
    except (AttributeError, OSError):  # not Linux 5.3 or later
        try:
            proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            return False
        return True
    try:
        poller = select.poll()  # select.select fails on descriptors past 1023
        poller.register(fd, select.POLLIN)
        return bool(poller.poll(seconds * 1000))
    finally:
        os.close(fd)


def _tail(output: IO[bytes]) -> str:
    output.seek(max(output.seek(0, os.SEEK_END) - OUTPUT_TAIL, 0))
    return output.read().decode("utf-8", "replace")


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
