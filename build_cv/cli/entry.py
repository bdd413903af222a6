"""The program (`build-cv`, `python -m build_cv`): a rebuild with nothing changed is
answered here, before the command line is parsed (pipeline/direct.py); every other run
goes on to main.py.

Nothing is imported here but the direct path's few light modules: the interpreter
starts in about 10 ms, and the answer should take little more (issue 24: 0.05 of a
TeX pass).
"""

from __future__ import annotations

import os
import sys

from build_cv.pipeline import direct


def run() -> None:
    _standard_streams()
    argv = sys.argv[1:]
    replayed = direct.replay(argv) if argv[:1] == ["build"] else None
    if replayed is None:
        from build_cv.cli.main import run as run_main

        run_main()
        return
    os._exit(_print(*replayed))


def _standard_streams() -> None:
    """A standard stream closed by the caller (`build-cv build >&-`) reads as empty and
    writes nowhere, as /dev/null does. Python leaves it None, which every message would
    trip over with a traceback, and its number free, for the next file the build opens
    to take and a subprocess to write into."""
    for fd, name, mode in ((0, "stdin", "r"), (1, "stdout", "w"), (2, "stderr", "w")):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
        if getattr(sys, name) is None:
            setattr(sys, name, open(fd, mode, encoding="utf-8", closefd=False))  # noqa: SIM115


def _print(stdout: str, stderr: str) -> int:
    """Print what the recorded build's cache hit printed, as main.py would: already shown
    (cli/terminal.py), and with `?` for what the terminal cannot encode."""
    for name, stream, text in (("error", sys.stderr, stderr), ("output", sys.stdout, stdout)):
        try:
            stream.reconfigure(errors="replace")  # type: ignore[union-attr]
            stream.write(text)
            stream.flush()
        except BrokenPipeError:  # `build-cv build ... | head`: stop quietly, as main.py does
            return 141
        except OSError as exc:
            try:
                sys.stderr.write(f"build-cv: cannot write the standard {name}: {exc.strerror}\n")
                sys.stderr.flush()
            except OSError:
                pass
            return 1
    return 0
