"""What a build of several targets shows while it runs, and the table it ends with.

On a terminal: a live line (target, stage, elapsed time) and a coloured table, drawn with
rich (imported only for a build of several targets). Anywhere else (CI logs, pipes): plain
lines on stderr; the plain table (cli/build.py) on stdout, which scripts and the tests read.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from typing import TextIO

from rich.status import Status
from rich.table import Table
from rich.text import Text

from build_cv.cli import terminal
from build_cv.pipeline.plan import Target

Row = tuple[str, str, str, str]  # variant, format, pages, result


class Progress:
    """Called with (target, stage) by the build; `done`/`failed` end a target."""

    def __init__(self, tty: bool, err: TextIO | None = None) -> None:
        self.tty = tty
        self.err = err or sys.stderr
        self.console = terminal.console(stderr=True) if tty else None
        self.status: Status | None = None
        self.started: float | None = None  # when the running target began its stage

    def __call__(self, target: Target, stage: str) -> None:
        label = f"{target.name} {target.format}"
        if stage in ("done", "failed"):
            self._ended(label, stage)
            return
        self.started = time.monotonic()
        if self.console is None:
            print(f"build-cv: {label}: {stage}", file=self.err)
        elif self.status is None:
            self.status = self.console.status(terminal.text(f"{label}: {stage}"))
            self.status.start()
        else:
            self.status.update(terminal.text(f"{label}: {stage}"))

    def _ended(self, label: str, stage: str) -> None:
        """A target that failed before its first stage (a variant's translations are
        missing) took no time worth telling: without a start, none is shown."""
        took = "" if self.started is None else f"{time.monotonic() - self.started:.1f} s"
        self.started = None
        if self.console is not None:
            mark = Text("ok", "green") if stage == "done" else Text("FAILED", "red")
            line = Text.assemble(mark, " ", terminal.text(label))
            if took:
                line.append_text(Text.assemble(" ", (took, "dim")))
            self.console.print(line, highlight=False)
        else:
            print(f"build-cv: {label}: {stage}{f' in {took}' if took else ''}", file=self.err)

    def close(self) -> None:
        if self.status is not None:
            self.status.stop()
            self.status = None


def rich_table(rows: Sequence[Row], show_format: bool) -> None:
    """The table of every target, for a terminal."""
    table = Table("variant", *(["format"] if show_format else []), "pages", "result")
    for name, form, pages, result in rows:
        style = "red" if result.startswith("FAILED") else None
        cells = [name, *([form] if show_format else []), pages, result]
        table.add_row(*(terminal.text(c) for c in cells), style=style)
    terminal.console().print(table)
