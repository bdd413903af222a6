"""What the command line prints is shown by the terminal, never obeyed by it.

Messages carry strings from the data and from PDFs: a key, a .bib year, a variant or file
name, a PDF's /Lang. A terminal obeys what such a string may hold: ESC sequences retitle
the window (`ESC ] 0 ; … BEL`), clear the screen (`ESC [ 2 J`), move the cursor to rewrite
what was printed, or set the clipboard; C1 controls (U+009B is CSI) do the same on some
terminals; bidirectional overrides show text in another order than it is written. So
`main` puts `Shown` in front of standard output and error for the whole run: every
message passes `shown`, wherever it was written. Rich draws with escape sequences of its
own, so it writes to the stream behind (`console`), and what it draws from data passes
`shown` first (`text`).

Data that a command writes to standard output by design (`import`, `schema`, `new -`)
goes to the stream behind as well (`data_stdout`): it is YAML or JSON, whose writers
escape control characters themselves, and it must reach a file byte for byte.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, TextIO, cast

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

# C0 but the newline and tab a message uses, DEL, C1, and the embedding, override and
# isolate controls (the ones the schema refuses in text, schema/model.py).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def shown(text: str) -> str:
    """`text` with every character a terminal would act on written as an escape: `\\x1b`
    for C0, `\\u009b` for the others. The `\\u` form is also JSON's, so `check --json`
    stays valid JSON that means the same."""
    return _UNSAFE.sub(_escape, text)


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x20 else f"\\u{code:04x}"


class StreamError(OSError):
    """Standard output or error could not be written (a full disk, a failing device).

    A write error of its own type, so that the command line can tell it from the
    OSErrors of the build and end with a message and an exit code, not a traceback."""


class Shown(io.TextIOBase):
    """A text stream that writes what it is given through `shown` to the stream behind,
    and turns a failure to write into a `StreamError`."""

    def __init__(self, behind: TextIO, escape: bool = True) -> None:
        super().__init__()
        self.behind = behind
        self._escape = escape
        self._failed: StreamError | None = None

    def write(self, text: str) -> int:
        try:
            with _failing(self.behind):
                self.behind.write(shown(text) if self._escape else text)
        except StreamError as exc:
            self._failed = exc  # told again at the next flush: a caller may swallow it
            raise
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:  # type: ignore[override]
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        """Flush, or raise the failure of a write that someone caught and ignored
        (argparse ignores an OSError while printing its help)."""
        if self._failed is not None:
            raise self._failed
        with _failing(self.behind):
            self.behind.flush()

    def isatty(self) -> bool:
        return self.behind.isatty()

    def fileno(self) -> int:
        return self.behind.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.behind.encoding

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return self.behind.errors


@contextmanager
def _failing(stream: TextIO) -> Iterator[None]:
    try:
        yield
    except BrokenPipeError:
        raise  # the reader went away: main stops quietly
    except OSError as exc:
        names = {1: "standard output", 2: "standard error"}
        name = names.get(_fileno(stream) or -1, "the terminal")
        raise StreamError(exc.errno, exc.strerror, name) from None


def _fileno(stream: TextIO) -> int | None:
    try:
        return stream.fileno()
    except (OSError, ValueError):
        return None


def behind(stream: TextIO) -> TextIO:
    """The stream a `Shown` writes to; any other stream itself."""
    return stream.behind if isinstance(stream, Shown) else stream


@contextmanager
def guarded() -> Iterator[None]:
    """Standard output and error behind `Shown` while the command runs."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = cast(TextIO, Shown(out)), cast(TextIO, Shown(err))
    try:
        yield
    finally:
        for stream in (sys.stdout, sys.stderr):
            with suppress(OSError, ValueError):  # a closed pipe: main has said so
                stream.flush()
        sys.stdout, sys.stderr = out, err


def data_stdout() -> TextIO:
    """Standard output for data a command prints by design, written unchanged."""
    return cast(TextIO, Shown(behind(sys.stdout), escape=False))


def console(stderr: bool = False) -> Console:
    """A rich console on the stream behind: its own escape sequences must reach the
    terminal; give it data only through `text`."""
    from rich.console import Console

    return Console(file=behind(sys.stderr if stderr else sys.stdout))


def text(value: str, style: str | None = None) -> Text:
    """Data as rich text: escaped by `shown`, and never read as rich markup (`[red]`)."""
    from rich.text import Text

    return Text(shown(value), style=style or "")
