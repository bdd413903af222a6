"""Command line: the only place where errors become messages and exit codes.

Exit codes: 0 success, 1 a failed build or check, 2 bad input or usage.

The heavy modules (pydantic, jinja2, pypdf) are imported only once a command needs them:
a rebuild with nothing changed is answered from the cache before any of them load.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import signal
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, TextIO

from build_cv.cli import terminal
from build_cv.errors import BuildCVError, InputError, Stopped, Warning_, quoted, shorten
from build_cv.formats import FORMATS, FRONT_MATTERS, parse_formats
from build_cv.pipeline import cache
from build_cv.typeset.settings import DEFAULT_TIMEOUT, NO_SPEEDUPS, speedups_from_environment

if TYPE_CHECKING:
    from build_cv.pipeline.build import BuildResult, Outcome, Written
    from build_cv.pipeline.plan import Limits
    from build_cv.typeset.engine import Started

DEFAULT_DATA = Path("data/cv.yaml")
DEFAULT_OUT = Path("out")
STDIN = Path("<stdin>")


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


def _add_limits(p: argparse.ArgumentParser) -> None:
    p.add_argument("--min-pages", type=_positive_int, help="fewest pages allowed")
    p.add_argument("--max-pages", type=_positive_int, help="page budget")
    p.add_argument("--max-size-mb", type=_positive_float, help="file size limit (default 10)")
    p.add_argument("--strict", action="store_true", help="treat warnings as failures")


def _add_trust_raw(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--trust-raw",
        action="store_true",
        help="build raw LaTeX even where TeX cannot be isolated (see docs/security.md)",
    )


def _add_no_speedups(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--no-speedups",
        action="store_true",
        help=f"build the slow, plain way (implies --no-cache; also {NO_SPEEDUPS}=1): "
        "to tell whether a wrong PDF comes from a speed-up (see docs/performance.md)",
    )


def _add_allow_outside(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--allow-outside",
        action="store_true",
        help="let a `bib:` name a file outside the CV's folder (see docs/security.md)",
    )


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
    _add_no_speedups(b)
    _add_trust_raw(b)
    _add_allow_outside(b)
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
    _add_no_speedups(w)
    _add_trust_raw(w)
    _add_allow_outside(w)
    _add_limits(w)

    c = sub.add_parser("check", help="preflight any PDF before uploading it")
    c.add_argument("pdf", type=Path, help="the PDF; `-` reads it from standard input")
    c.add_argument("--data", type=Path, help="CV YAML whose name, metadata and limits to expect")
    c.add_argument("--variant", metavar="NAME", help="with --data: expect this variant's PDF")
    c.add_argument("--paper", choices=["a4", "letter"], help="expected paper size")
    c.add_argument("--json", action="store_true", help="print the report as JSON")
    c.add_argument("--pdfa", action="store_true", help="also require PDF/A markers")
    _add_allow_outside(c)
    _add_limits(c)

    n = sub.add_parser("new", help="write a commented starter CV that builds as it is")
    n.add_argument("name", nargs="?", default="Your Name", help="your name, as printed")
    n.add_argument(
        "-o",
        "--output",
        type=Path,
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
    _add_allow_outside(lint)

    i = sub.add_parser("import", help="convert a JSON Resume into build-cv YAML")
    i.add_argument("resume", type=Path, help="a JSON Resume file (jsonresume.org)")
    i.add_argument("-o", "--output", type=Path, help="YAML file to write (default: stdout)")
    i.add_argument(
        "--force", action="store_true", help="replace the -o file if it exists (never the input)"
    )

    sub.add_parser("doctor", help="list the TeX tools, packages and fonts found")
    sub.add_parser("schema", help="print the JSON Schema of the CV data (for editors)")
    return root


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:  # a non-UTF-8 terminal gets ? for what it cannot show
            reconfigure(errors="replace")
    with terminal.guarded():  # no control character of the data reaches the terminal
        try:
            return _run(parser().parse_args(argv))
        except BrokenPipeError:
            # The reader went away (`build-cv check --json x.pdf | head`): stop quietly.
            _drop(sys.stdout)
            return 141
        except terminal.StreamError as exc:  # `build-cv schema > /dev/full`
            _drop(sys.stdout)
            with contextlib.suppress(OSError):
                print(f"build-cv: cannot write {exc.filename}: {exc.strerror}", file=sys.stderr)
            return 1


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


def _quiet_pypdf() -> None:
    """pypdf logs what it repairs in a damaged file; the report already says it is damaged."""
    import logging

    logging.getLogger("pypdf").setLevel(logging.CRITICAL + 1)


def _run(args: argparse.Namespace) -> int:
    try:
        with _signals_stop_the_build():
            return _dispatch(args)
    except BuildCVError as exc:
        _report(exc)
        return exc.exit_code
    except Stopped as exc:
        return _stopped(exc.signum)
    except KeyboardInterrupt:
        return _stopped(signal.SIGINT)


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "build":
        return _build(args)  # quiets pypdf once TeX has started
    _quiet_pypdf()
    if args.command == "check":
        return _check(args)
    if args.command == "watch":
        return _watch(args)
    if args.command == "import":
        return _import(args)
    if args.command == "lint":
        return _lint(args)
    if args.command == "new":
        return _new(args)
    if args.command == "schema":
        from build_cv.schema.model import CV

        print(
            json.dumps(CV.model_json_schema(), indent=2, ensure_ascii=False),
            file=terminal.data_stdout(),
        )
        return 0
    return _doctor()


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


def _stopped(signum: int) -> int:
    name = signal.Signals(signum).name
    print(f"build-cv: stopped by {name}; the previous PDF is untouched", file=sys.stderr)
    return 128 + signum


def _report(exc: BuildCVError) -> None:
    _print_warnings(exc.warnings)
    print(f"build-cv: {exc.render()}", file=sys.stderr)
    for note in exc.notes:
        print(note, file=sys.stderr)


def _watch(args: argparse.Namespace) -> int:
    """Build on every save; an error is shown and the previous files stay."""
    import time

    from build_cv.pipeline.build import load_cv
    from build_cv.pipeline.watch import watch
    from build_cv.sources.bib_section import bib_files

    args.no_cache, args.verify_reproducible = False, False
    args.format, args.front_matter, args.pages = "pdf", None, "1"
    known: list[Path] = [args.data]

    def inputs() -> list[Path]:
        try:
            _, cv = load_cv(args.data, allow_outside=args.allow_outside)
        except BuildCVError:
            return known
        known[:] = [args.data, *bib_files(cv, args.data)]
        return known

    def rebuild() -> None:
        start = time.monotonic()
        try:
            code = _build(args)
        except BuildCVError as exc:
            _report(exc)
            code = exc.exit_code
        took = time.monotonic() - start
        result = "built" if code == 0 else "failed; the previous files stay"
        print(
            f"build-cv: {time.strftime('%H:%M:%S')} {result} in {took:.1f} s; "
            "watching for changes (Ctrl-C stops)",
            file=sys.stderr,
            flush=True,
        )

    try:
        watch(inputs, rebuild)
    except (KeyboardInterrupt, Stopped) as exc:
        print("build-cv: stopped watching", file=sys.stderr)
        if isinstance(exc, Stopped) and exc.signum != signal.SIGINT:
            return 128 + exc.signum  # ended by a service manager or a closed terminal
    return 0


def _limits(args: argparse.Namespace) -> Limits:
    from build_cv.pipeline.plan import Limits

    return Limits(args.min_pages, args.max_pages, args.max_size_mb)


@dataclass
class _Transcript:
    """What a build printed, kept so a cached rebuild can print the same."""

    out: list[str] = field(default_factory=list)
    err: list[str] = field(default_factory=list)

    def say(self, line: str) -> None:
        print(line)
        self.out.append(line)

    def warn(self, line: str) -> None:
        print(line, file=sys.stderr)
        self.err.append(line)

    def keep(self, line: str) -> None:
        """Kept for a replay, not printed: the terminal showed it another way."""
        self.out.append(line)


def plain_table(rows: list[tuple[str, str, str, str]], show_format: bool) -> list[str]:
    width = max(len("variant"), *(len(r[0]) for r in rows))
    head = "format  " if show_format else ""
    lines = [f"{'variant':<{width}}  {head}pages  result"]
    for name, form, pages, result in rows:
        shown = f"{form:<6}  " if show_format else ""
        lines.append(f"{name:<{width}}  {shown}{pages:>5}  {result}")
    return lines


def _request(args: argparse.Namespace) -> dict[str, str]:
    """The options of a build that can change what it writes or prints."""
    names: tuple[str, ...] = ("data", "out", "variant", "strict", "min_pages", "max_pages")
    names += ("max_size_mb", "format", "front_matter", "pages", "trust_raw", "allow_outside")
    options = {name: str(getattr(args, name)) for name in names}
    options["data"] = os.path.realpath(args.data)  # as Path.resolve, loops too
    options["out"] = os.path.realpath(args.out)
    return options


def _build(args: argparse.Namespace) -> int:
    args.format = ",".join(parse_formats(args.format))
    args.speedups = not args.no_speedups and speedups_from_environment()
    if not args.speedups:
        print(f"build-cv: note: {SPEEDUPS_OFF}", file=sys.stderr)
    if args.no_cache or args.verify_reproducible or not args.speedups:
        return _build_fresh(args, _Transcript())[0]
    root = cache.cache_root()
    if root is None:
        return _build_fresh(args, _Transcript())[0]
    key = cache.request_key(_request(args))
    names = cache.own_names(args.data.stem, tuple(args.format.split(",")))
    found = cache.lookup(root, key, args.out, names)
    if found.note:
        print(f"build-cv: note: {found.note}", file=sys.stderr)
    if found.hit is not None:
        found.hit.replay()
        sys.stderr.write(found.hit.stderr)
        sys.stdout.write(found.hit.stdout)
        print("Nothing changed since the last build: its files were reused (--no-cache rebuilds).")
        return 0
    from build_cv.pipeline import prestart

    transcript = _Transcript()
    memory = prestart.memory_for(root, key)
    code, results = _build_fresh(args, transcript, memory)
    if code == 0 and results:
        outputs = [path for r in results for path in r.files.values()]
        stdout = "".join(f"{line}\n" for line in transcript.out)
        stderr = "".join(f"{line}\n" for line in transcript.err)
        cache.store(root, key, results[0].inputs, outputs, stdout, stderr)
        from build_cv.pipeline.build import BuildResult  # loaded by the build already

        typeset = [r for r in results if isinstance(r, BuildResult)]
        if typeset:
            prestart.remember(memory, typeset[0].tex_text, typeset[0].epoch)
    return code


SPEEDUPS_OFF = (
    "speed-ups off: no cache, no early start, TeX's own format, font maps and file database"
)


def _build_fresh(
    args: argparse.Namespace, say: _Transcript, memory: Path | None = None
) -> tuple[int, list[BuildResult | Written]]:
    """Build from scratch; `memory` holds what the last build of this command typeset
    first (None: a cold build, which reuses nothing)."""
    formats = tuple(args.format.split(","))
    if not {"pdf", "png"} & set(formats):
        return _build_with(args, say, None)
    from build_cv.pipeline.prestart import prestart

    # a rebuild: TeX starts while the imports run
    started = prestart(args.data, memory, speedups=args.speedups)
    try:
        return _build_with(args, say, started)
    finally:
        if started is not None:
            started.close()


def _build_with(
    args: argparse.Namespace, say: _Transcript, started: Started | None
) -> tuple[int, list[BuildResult | Written]]:
    from build_cv.pipeline.build import FormatOptions, build, build_all
    from build_cv.schema.model import ALL_VARIANTS

    _quiet_pypdf()
    options = {
        "limits": _limits(args),
        "strict": args.strict,
        "timeout": args.timeout,
        "verify_reproducible": args.verify_reproducible,
        "trust_raw": args.trust_raw,
        "allow_outside": args.allow_outside,
        "speedups": args.speedups,
    }
    formats = tuple(args.format.split(","))
    if args.variant == ALL_VARIANTS or formats != ("pdf",):
        choices = FormatOptions(
            front_matter=args.front_matter, pages=None if args.pages == "all" else 1
        )
        from build_cv.cli.progress import Progress

        tty = sys.stdout.isatty()
        progress = Progress(tty)
        try:
            outcomes = build_all(
                args.data,
                args.out,
                [args.variant],
                formats=formats,
                options=choices,
                progress=progress,
                started=started,
                **options,
            )
        finally:
            progress.close()
        code = _build_all(outcomes, say, show_format=formats != ("pdf",), tty=tty)
        return code, [o.result for o in outcomes if o.result is not None]
    result = build(args.data, args.out, variant=args.variant, started=started, **options)
    _print_warnings(result.warnings, say)
    say.say(result.report.text())
    note = " (reproducible: verified by a second build)" if args.verify_reproducible else ""
    say.say(f"Wrote {result.pdf} and {result.tex}; sha256 {result.sha256}{note}")
    return 0, [result]


def _print_warnings(warnings: list[Warning_], say: _Transcript | None = None) -> None:
    """Each distinct warning once, in order, with how often it came up."""
    say = say or _Transcript()
    for text, n in Counter(str(w) for w in warnings).items():
        times = f" ({n} times)" if n > 1 else ""
        say.warn(f"build-cv: warning: {text}{times}")


def _build_all(
    outcomes: list[Outcome], say: _Transcript, show_format: bool = False, tty: bool = False
) -> int:
    """Each target's warnings and errors as it ends, then one table of all of them."""
    rows = []
    for o in outcomes:
        name = o.target.name
        if o.result is not None:
            _print_warnings(o.result.warnings, say)
            result = f"ok, {next(iter(o.result.files.values()))}"
        elif o.error is not None:
            _print_warnings(o.error.warnings, say)
            label = f"{name} {o.target.format}" if show_format else name
            say.warn(f"build-cv: {label}: {o.error.render()}")
            for note in o.error.notes:
                say.warn(note)
            result = f"FAILED ({type(o.error).__name__.removesuffix('Error') or 'Error'})"
        pages = "-" if o.pages is None else str(o.pages)
        rows.append((name, o.target.format, pages, result))
    if tty:
        from build_cv.cli.progress import rich_table

        rich_table(rows, show_format)
    for line in plain_table(rows, show_format):
        (say.keep if tty else say.say)(line)
    failed = sum(o.result is None for o in outcomes)
    if failed:
        say.warn(f"build-cv: {failed} of {len(outcomes)} failed")
    return 1 if failed else 0


def _new(args: argparse.Namespace) -> int:
    from build_cv.pipeline.publish import write_new
    from build_cv.sources.starter import starter_yaml

    text = starter_yaml(args.name)
    if str(args.output) == "-":
        terminal.data_stdout().write(text)
        return 0
    write_new(args.output, text.encode("utf-8"), force_flag=False)
    print(f"Wrote {args.output}; build it with: build-cv build {args.output}")
    return 0


def _lint(args: argparse.Namespace) -> int:
    from build_cv.pipeline.build import load_cv
    from build_cv.pipeline.lint import lint, summary

    loaded, cv = load_cv(args.data, allow_outside=args.allow_outside)
    warnings = lint(loaded, cv)
    n = len(warnings)
    if not n:
        print(f"{args.data}: no problems found")
        return 0
    if args.summary:
        print(
            f"{args.data}: {n} lint warning{'s' if n != 1 else ''} ({summary(warnings)}); "
            f"see them with: build-cv lint {args.data}"
        )
    else:
        _print_warnings(warnings)
        print(f"{args.data}: {n} warning{'s' if n != 1 else ''}")
    if args.strict:
        print("build-cv: lint failed: warnings are errors (--strict)", file=sys.stderr)
        return 1
    return 0


def _import(args: argparse.Namespace) -> int:
    from build_cv.formats.jsonresume.importer import import_json_resume, read_json_resume
    from build_cv.pipeline.publish import may_write, write_new

    to_file = args.output is not None and str(args.output) != "-"
    if to_file:  # before the work, and again when writing
        may_write(args.output, args.force, (args.resume,))
    imported = import_json_resume(read_json_resume(args.resume), source=args.resume)
    for note in imported.notes:
        print(f"build-cv: note: {note}", file=sys.stderr)
    text = imported.yaml()
    if not to_file:
        terminal.data_stdout().writelines(text.splitlines(keepends=True))
        return 0
    write_new(args.output, text.encode("utf-8"), overwrite=args.force, protect=(args.resume,))
    print(f"Wrote {args.output}; build it with: build-cv build {args.output}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from build_cv.pipeline.build import load_cv, variant_expectations
    from build_cv.preflight import Expectations, preflight

    if args.variant is not None and args.data is None:
        raise InputError("--variant needs --data: the variants are defined in the CV data")
    if args.data is not None:
        loaded, cv = load_cv(args.data, allow_outside=args.allow_outside)
        exp = variant_expectations(cv, args.variant, _limits(args), loaded)
    else:
        exp = Expectations(
            min_pages=args.min_pages or 1,
            max_pages=args.max_pages,
            max_size_mb=args.max_size_mb or 10.0,
        )
    if args.paper:
        exp.paper = args.paper
    exp.pdfa = args.pdfa
    if str(args.pdf) == "-":
        report = preflight(STDIN, exp, source=sys.stdin.buffer)
    else:
        report = preflight(args.pdf, exp)
    print(report.to_json(args.strict) if args.json else report.text())
    if not report.ok(args.strict):
        if not args.json:  # the report said what failed and why; this says only that it did
            names = ", ".join(r.name for r in report.failed(args.strict))
            print(f"build-cv: check failed: {names} (details in the report)", file=sys.stderr)
        return 1
    return 0


def _doctor() -> int:
    from build_cv.typeset import doctor

    text, ok = doctor.report()
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
