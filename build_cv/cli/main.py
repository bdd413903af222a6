"""Command line: the only place where errors become messages and exit codes.

Exit codes: 0 success, 1 a failed build or check, 2 bad input or usage. This module
holds the parser and the dispatch; `build.py` runs `build` and `watch`, `commands.py` the
other commands, `common.py` what they share, `terminal.py` guards what is printed.

The heavy modules (pydantic, jinja2, pypdf) are imported only once a command needs them:
a rebuild with nothing changed is answered from the cache before any of them load.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import gc
import math
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from build_cv.cli import batch, ledger, terminal
from build_cv.cli.common import DEFAULT_DATA, DEFAULT_OUT, quiet_pypdf, report
from build_cv.errors import BuildCVError, Stopped, did_you_mean, quoted, shorten
from build_cv.formats import FORMATS, FRONT_MATTERS
from build_cv.typeset.settings import DEFAULT_TIMEOUT, NO_SPEEDUPS


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"build-cv: {shorten(message, 300)}", file=sys.stderr)
        sys.exit(2)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{quoted(text)} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{shorten(text)} must be at least 1")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{quoted(text)} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{shorten(text)} is not a finite number")
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{shorten(text)} must be positive")
    return value


def _file_to_write(text: str) -> Path:
    """A file `-o` names. Path() drops a final `/` (and `/.`), which names a folder: the
    file would be written beside it under the folder's name."""
    if text.endswith(("/", "/.")) or text in (".", ".."):
        raise argparse.ArgumentTypeError(
            f"{quoted(text)} names a folder, not a file; name the file to write"
        )
    return Path(text)


def _add_limits(p: argparse.ArgumentParser) -> None:
    p.add_argument("--min-pages", type=_positive_int, help="fewest pages allowed")
    p.add_argument("--max-pages", type=_positive_int, help="page budget")
    p.add_argument("--max-size-mb", type=_positive_float, help="file size limit (default 10)")
    p.add_argument("--strict", action="store_true", help="treat warnings as failures")


def _language(text: str) -> str:
    from build_cv.languages import SUPPORTED, known

    if not known(text):
        did = did_you_mean(text, SUPPORTED, cutoff=0.5)
        raise argparse.ArgumentTypeError(f"{quoted(text)} is not a language tag{did}")
    return text


# Options that several commands take, declared once: the flag and argparse's keywords.
_SHARED: dict[str, dict[str, Any]] = {
    "--language": {
        "type": _language,
        "metavar": "TAG",
        "help": "the language of every document (BCP 47: en, zh, de, ...), over the data's",
    },
    "--no-speedups": {
        "action": "store_true",
        "help": f"build the slow, plain way (implies --no-cache; also {NO_SPEEDUPS}=1): "
        "to tell whether a wrong PDF comes from a speed-up (see docs/performance.md)",
    },
    "--fit": {
        "type": _positive_int,
        "metavar": "N",
        "help": "leave entries out (lowest priority, then oldest, first; never one marked "
        "`keep: true`) until each PDF has at most N pages; over the data's fit_pages "
        "(see docs/fit.md)",
    },
    "--trust-raw": {
        "action": "store_true",
        "help": "build raw LaTeX even where TeX cannot be isolated (see docs/security.md)",
    },
    "--allow-outside": {
        "action": "store_true",
        "help": "let a `bib:` or a packet's part name a file outside the CV's folder "
        "(see docs/security.md)",
    },
}


def _add(p: argparse.ArgumentParser, *flags: str) -> None:
    for flag in flags:
        p.add_argument(flag, **_SHARED[flag])


def parser() -> argparse.ArgumentParser:
    root = _Parser(prog="build-cv", description="Typeset a CV from YAML into a checked PDF.")
    root.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    sub = root.add_subparsers(dest="command", required=True, parser_class=_Parser)

    b = sub.add_parser("build", help="build the PDF from CV data")
    b.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA, help="CV YAML file")
    b.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    b.add_argument(
        "--no-cache",
        action="store_true",
        help="build from scratch, even if nothing changed since the last build",
    )
    b.add_argument(
        "--variant",
        metavar="NAME",
        help="build this variant as <stem>-NAME.pdf; `all`: the full CV and every variant",
    )
    b.add_argument(
        "--format",
        default="pdf",
        metavar="LIST",
        help=f"comma-separated formats, or `all`: {','.join(FORMATS)} (default %(default)s)",
    )
    b.add_argument(
        "--front-matter",
        choices=FRONT_MATTERS,
        help="with --format md: start the Markdown with front matter for Jekyll or Hugo",
    )
    b.add_argument(
        "--pages",
        choices=["1", "all"],
        default="1",
        help="with --format png: page 1 (<stem>.png) or every page (<stem>.page-N.png)",
    )
    b.add_argument(
        "--timeout",
        type=_positive_float,
        default=DEFAULT_TIMEOUT,
        help="seconds TeX may run (default %(default)s)",
    )
    b.add_argument(
        "--verify-reproducible",
        action="store_true",
        help="build twice and fail unless the PDFs are byte-identical",
    )
    b.add_argument(
        "--json",
        action="store_true",
        help="print what was built as JSON: each target's files, pages, checks, and what "
        "--fit left out",
    )
    _add(b, "--language", "--fit", "--no-speedups", "--trust-raw", "--allow-outside")
    _add_limits(b)

    w = sub.add_parser("watch", help="rebuild on every save of the CV or a file it reads")
    w.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA, help="CV YAML file")
    w.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    w.add_argument("--variant", metavar="NAME", help="as for build (`all` too)")
    w.add_argument(
        "--timeout",
        type=_positive_float,
        default=DEFAULT_TIMEOUT,
        help="seconds TeX may run (default %(default)s)",
    )
    _add(w, "--language", "--fit", "--no-speedups", "--trust-raw", "--allow-outside")
    _add_limits(w)

    c = sub.add_parser("check", help="preflight any PDF before uploading it")
    c.add_argument("pdf", type=Path, help="the PDF; `-` reads it from standard input")
    c.add_argument("--data", type=Path, help="CV YAML whose name, metadata and limits to expect")
    c.add_argument("--variant", metavar="NAME", help="with --data: expect this variant's PDF")
    c.add_argument("--paper", choices=["a4", "letter"], help="expected paper size")
    c.add_argument("--json", action="store_true", help="print the report as JSON")
    c.add_argument("--pdfa", action="store_true", help="also require PDF/A markers")
    _add(c, "--allow-outside")
    _add_limits(c)

    n = sub.add_parser("new", help="write a commented starter CV that builds as it is")
    n.add_argument("name", nargs="?", default="Your Name", help="your name, as printed")
    n.add_argument(
        "-o",
        "--output",
        type=_file_to_write,
        default=Path("cv.yaml"),
        help="file (default cv.yaml; - for stdout)",
    )

    lint = sub.add_parser("lint", help="report problems in the CV data without building")
    lint.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA, help="CV YAML file")
    lint.add_argument("--strict", action="store_true", help="fail (exit 1) on any warning")
    lint.add_argument(
        "--summary",
        action="store_true",
        help="one line: the warnings counted by kind, and the command that lists them",
    )
    _add(lint, "--allow-outside")

    i = sub.add_parser("import", help="convert a JSON Resume into build-cv YAML")
    i.add_argument(
        "resume", type=Path, help="a JSON Resume file (jsonresume.org); `-` reads standard input"
    )
    i.add_argument(
        "-o", "--output", type=_file_to_write, help="YAML file to write (default: stdout)"
    )
    i.add_argument(
        "--force", action="store_true", help="replace the -o file if it exists (never the input)"
    )
    i.add_argument(
        "--keep-latex",
        action="store_true",
        help="keep raw LaTeX (x-raw, preamble_latex), which TeX runs when the CV is built; "
        "left out by default",
    )

    pr = sub.add_parser(
        "profiles", help="list the funder and hiring profiles, with their dates and sources"
    )
    pr.add_argument("name", nargs="?", help="show this profile's sections and rules")
    pr.add_argument("--json", action="store_true", help="print the profiles as JSON")
    pr.add_argument("--schema", action="store_true", help="print the JSON Schema of a profile file")

    _packet_parser(sub)
    ledger.add_parsers(sub)
    batch.add_parser(sub)
    from build_cv.cli.pubs import add_parser as add_pubs

    add_pubs(sub)
    sub.add_parser("doctor", help="list the TeX tools, packages and fonts found")
    sub.add_parser("schema", help="print the JSON Schema of the CV data (for editors)")
    return root


def _packet_parser(sub: Any) -> None:
    from build_cv.cli.packet import add_parser

    pk = add_parser(sub)
    pk.add_argument(
        "--max-pages", type=_positive_int, help="the whole packet's page budget, over the data's"
    )
    pk.add_argument("--strict", action="store_true", help="treat warnings as failures")
    pk.add_argument(
        "--timeout",
        type=_positive_float,
        default=DEFAULT_TIMEOUT,
        help="seconds TeX may run (default %(default)s)",
    )
    _add(pk, "--no-speedups", "--trust-raw", "--allow-outside")


def run() -> None:
    """The program (`build-cv`, `python -m build_cv`) where cli/entry.py's shortcut
    did not answer: `main`, then an exit that skips the interpreter's teardown.
    Freeing every module and object one by one took 0.15 s after each build's work
    was done, a sixth of a cold build (issue 24). Whatever an exit
    owes is still done first: other threads joined, exit handlers run (temporary folders
    removed), standard streams flushed.

    The cycle collector runs less often: importing pydantic and building the schema make
    hundreds of thousands of objects, few of them in cycles, and a collection every 700
    allocations cost a tenth of the imports."""
    gc.set_threshold(50_000, 20, 20)
    code = main()
    for thread in threading.enumerate():
        if thread is not threading.main_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:  # a non-UTF-8 terminal gets ? for what it cannot show
            reconfigure(errors="replace")
    with terminal.guarded():  # no control character of the data reaches the terminal
        try:
            return _parsed_and_run(argv)
        except BrokenPipeError:
            # The reader went away (`build-cv check --json x.pdf | head`): stop quietly.
            _drop(sys.stdout)
            return 141
        except terminal.StreamError as exc:  # `build-cv schema > /dev/full`
            _drop(sys.stdout)
            with contextlib.suppress(OSError):
                print(f"build-cv: cannot write {exc.filename}: {exc.strerror}", file=sys.stderr)
            return 1


def _parsed_and_run(argv: list[str] | None) -> int:
    """Run the command; standard output is flushed before this returns, so that a full
    disk is told here (after `--help` too), not lost in the interpreter's last flush."""
    try:
        args = parser().parse_args(argv)
    except SystemExit:  # --help, --version or a usage error: argparse has printed it
        sys.stdout.flush()
        raise
    args.argv = sys.argv[1:] if argv is None else list(argv)  # what pipeline/direct.py keys on
    code = _run(args)
    sys.stdout.flush()
    return code


def _drop(stream: TextIO) -> None:
    """Point `stream` at /dev/null, so that the interpreter's final flush of what it still
    holds cannot fail again (and print a traceback of its own)."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, terminal.behind(stream).fileno())


class _Version(argparse.Action):
    """--version, looked up only when asked: importlib.metadata costs every run 45 ms."""

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("build-cv")
        except PackageNotFoundError:
            found = "unknown"
        print(f"build-cv {found}")
        parser.exit()


def _run(args: argparse.Namespace) -> int:
    try:
        with _signals_stop_the_build():
            return _dispatch(args)
    except BuildCVError as exc:
        report(exc)
        return exc.exit_code
    except Stopped as exc:
        return _stopped(exc.signum, args.command)
    except KeyboardInterrupt:
        return _stopped(signal.SIGINT, args.command)


def _dispatch(args: argparse.Namespace) -> int:
    if args.command in ("build", "watch"):
        from build_cv.cli.build import build_command, watch_command

        if args.command == "build":
            return build_command(args)  # quiets pypdf once TeX has started
        quiet_pypdf()
        return watch_command(args)
    if args.command == "pubs":
        from build_cv.cli.pubs import pubs_command

        return pubs_command(args)
    from build_cv.cli import commands

    quiet_pypdf()
    if args.command in _AFTER_THE_BUILD:
        return _AFTER_THE_BUILD[args.command](args)
    if args.command == "check":
        return commands.check_command(args)
    if args.command == "import":
        return commands.import_command(args)
    if args.command == "lint":
        return commands.lint_command(args)
    if args.command == "new":
        return commands.new_command(args)
    if args.command == "schema":
        return commands.schema_command()
    if args.command == "profiles":
        return commands.profiles_command(args)
    if args.command == "packet":
        from build_cv.cli.packet import packet_command

        return packet_command(args)
    return commands.doctor_command()


# The commands of what happens to a PDF once built: the ledger (docs/ledger.md), the batch.
_AFTER_THE_BUILD = {
    "submit": ledger.submit_command,
    "submissions": ledger.submissions_command,
    "resend": ledger.resend_command,
    "diff": ledger.diff_command,
    "batch": batch.batch_command,
}


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@contextmanager
def _signals_stop_the_build() -> Iterator[None]:
    """Turn each stop signal into `Stopped`, so TeX is killed and the temporary directory
    removed on the way out; a second signal cannot cut that clean-up short."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: FrameType | None) -> None:
        for s in STOP_SIGNALS:
            signal.signal(s, signal.SIG_IGN)
        raise Stopped(signum)

    previous = {s: signal.signal(s, stop) for s in STOP_SIGNALS}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def _stopped(signum: int, command: str) -> int:
    """Only a build publishes a PDF, so only a build may promise to have left one alone."""
    name = signal.Signals(signum).name
    kept = "; the previous PDF is untouched" if command in ("build", "watch") else ""
    print(f"build-cv: stopped by {name}{kept}", file=sys.stderr)
    return 128 + signum


if __name__ == "__main__":
    sys.exit(main())
