"""`build-cv build` and `build-cv watch`: the options into one `BuildOptions`, the cache
asked first, then one build, whose results are told as one report or one table.

This module is imported before the heavy ones (pydantic, jinja2, pypdf): a rebuild with
nothing changed is answered from the cache before any of them load.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from build_cv.cli.common import Transcript, limits, print_warnings, quiet_pypdf, report
from build_cv.errors import BuildCVError, InputError, Stopped
from build_cv.formats import parse_formats
from build_cv.pipeline import cache
from build_cv.pipeline.options import BuildOptions, request
from build_cv.typeset.settings import speedups_from_environment

if TYPE_CHECKING:
    from build_cv.pipeline.build import Built, Outcome
    from build_cv.pipeline.fit import Fitted
    from build_cv.pipeline.prestart import Spare
    from build_cv.typeset.engine import Started


def options_of(args: argparse.Namespace) -> BuildOptions:
    """Every option of the command line that shapes the build, in one object; an option
    that cannot apply to this build is refused rather than ignored."""
    formats = parse_formats(args.format)
    if args.front_matter is not None and "md" not in formats:
        raise InputError("--front-matter applies to Markdown: add md to --format")
    if args.pages != "1" and "png" not in formats:
        raise InputError("--pages applies to PNG: add png to --format")
    if args.min_pages and args.max_pages and args.min_pages > args.max_pages:
        raise InputError(f"--min-pages {args.min_pages} is more than --max-pages {args.max_pages}")
    return BuildOptions(
        variant=args.variant,
        language=args.language,
        formats=formats,
        limits=limits(args),
        strict=args.strict,
        trust_raw=args.trust_raw,
        allow_outside=args.allow_outside,
        front_matter=args.front_matter,
        pages=None if args.pages == "all" else 1,
        verify_reproducible=args.verify_reproducible,
        fit=args.fit,
        json=args.json,
        timeout=args.timeout,
        speedups=not args.no_speedups and speedups_from_environment(),
    )


SPEEDUPS_OFF = (
    "speed-ups off: no cache, no early start, TeX's own format, font maps and file database"
)


def build_command(args: argparse.Namespace, spare: Spare | None = None) -> int:
    options = options_of(args)
    command = args.argv if args.command == "build" else None  # not watch's rounds
    return run(
        args.data, args.out, options, no_cache=args.no_cache, command=command, spare=spare
    ).code


@dataclass(frozen=True)
class Ran:
    """How one build command ended: its exit code, whether the cache answered it, and the
    files it read with the SHA-256 of the bytes it parsed (what `submit` records)."""

    code: int
    hit: bool = False
    inputs: dict[Path, str] = field(default_factory=dict)


def run(
    data: Path,
    out: Path,
    options: BuildOptions,
    *,
    no_cache: bool = False,
    keep: int = 0,
    command: list[str] | None = None,
    spare: Spare | None = None,
) -> Ran:
    """`build`, for `build` itself and for the commands that build as it does (`submit`,
    `batch`): the cache first, else a build, stored. `keep`: cache entries to keep, past
    the usual number (a batch keeps one per target). `command`: the arguments of a
    `build` run as a program, for the next run of the same command to be answered
    before they are parsed (pipeline/direct.py). `spare`: `watch`'s pass started on the
    last head, for a build that misses the cache."""
    if not options.speedups:
        print(f"build-cv: note: {SPEEDUPS_OFF}", file=sys.stderr)
    if options.verify_reproducible or not options.speedups:
        return _ran(_build_fresh(data, out, options, Transcript()))
    root = cache.cache_root()
    if root is not None and cache.inside(root, out):
        if not no_cache:
            print(f"build-cv: note: {cache.INSIDE_OUT}", file=sys.stderr)
        root = None
    if root is None:
        return _ran(_build_fresh(data, out, options, Transcript()))
    if no_cache:  # a cold build: no entry is read or stored, but TeX may start on a head
        from build_cv.pipeline import prestart

        memories = prestart.memories_for(root, data)
        code, built = _build_fresh(data, out, options, Transcript(), memories)
        _remember(memories, built)
        cache.prune_heads(root, max(keep, cache.MAX_ENTRIES))
        return _ran((code, built))
    key = cache.request_key(request(data, out, options))
    names = cache.own_names(data.stem, options.formats)
    found = cache.lookup(root, key, out, names)
    if found.note:
        print(f"build-cv: note: {found.note}", file=sys.stderr)
    if found.hit is not None:
        hit = found.hit
        hit.replay()
        printed = _hit_transcript(hit.stdout, hit.stderr, options)
        sys.stderr.write(printed[1])
        sys.stdout.write(printed[0])
        if command is not None:
            _record(command, root / key, hit.inputs, hit.digests, printed)
        return Ran(0, hit=True, inputs=hit.inputs)
    from build_cv.pipeline import prestart  # not before a hit: it loads the engine

    transcript = Transcript()
    memories = prestart.memories_for(root, data, key)
    early = spare.take() if spare is not None else None
    code, built = _build_fresh(data, out, options, transcript, memories, early)
    if code == 0 and built is not None:
        results = [o.result for o in built.outcomes if o.result is not None]
        outputs = [path for r in results for path in r.files.values()]
        stdout = "".join(f"{line}\n" for line in transcript.out)
        stderr = "".join(f"{line}\n" for line in transcript.err)
        stored = cache.store(root, key, built.inputs, outputs, stdout, stderr, keep=keep)
        if command is not None and stored is not None:
            printed = _hit_transcript(stdout, stderr, options)
            _record(command, root / key, built.inputs, stored, printed)
    _remember(memories, built)
    return _ran((code, built))


NOTHING_CHANGED = (
    "Nothing changed since the last build: its files were reused (--no-cache rebuilds).\n"
)


def _hit_transcript(stdout: str, stderr: str, options: BuildOptions) -> tuple[str, str]:
    """What a cache hit prints (standard output, error): the build's own words, then
    that nothing changed; on standard error when standard output is the JSON."""
    if options.json:
        return stdout, stderr + NOTHING_CHANGED
    return stdout + NOTHING_CHANGED, stderr


def _record(
    command: list[str],
    entry: Path,
    inputs: dict[Path, str],
    outputs: dict[Path, str],
    printed: tuple[str, str],
) -> None:
    """Record this command for pipeline/direct.py, with what a hit prints as the terminal
    is given it (cli/terminal.py `shown`): the shortcut prints it past `main`'s guard."""
    from build_cv.cli.terminal import shown
    from build_cv.pipeline import direct

    printed = (shown(printed[0]), shown(printed[1]))
    direct.record(command, entry, inputs, outputs, printed, cache.cldr())


def _remember(memories: list[Path], built: Built | None) -> None:
    """Keep the head of the first typeset document, for the next build to start on."""
    if built is None:
        return
    from build_cv.pipeline import prestart
    from build_cv.pipeline.build import BuildResult  # loaded by the build already

    typeset = [o.result for o in built.outcomes if isinstance(o.result, BuildResult)]
    if typeset:
        for memory in memories:
            prestart.remember(memory, typeset[0].tex_text, typeset[0].epoch)


def _ran(fresh: tuple[int, Built | None]) -> Ran:
    code, built = fresh
    return Ran(code, inputs=built.inputs if built is not None else {})


def _build_fresh(
    data: Path,
    out: Path,
    options: BuildOptions,
    say: Transcript,
    memories: list[Path] | None = None,
    started: Started | None = None,
) -> tuple[int, Built | None]:
    """Build from scratch; `memories` hold what earlier builds typeset first, for TeX to
    start on while the imports run (pipeline/prestart.py), unless a pass was `started`
    on one already (`prestart.Spare`)."""
    if not {"pdf", "png"} & set(options.formats):
        if started is not None:
            started.close()
        return _build_with(data, out, options, say, None)
    if started is None:
        from build_cv.pipeline.prestart import prestart

        started = prestart(data, memories or [], speedups=options.speedups)
    try:
        return _build_with(data, out, options, say, started)
    finally:
        if started is not None:
            started.close()


def _build_with(
    data: Path, out: Path, options: BuildOptions, say: Transcript, started: Started | None
) -> tuple[int, Built | None]:
    from build_cv.pipeline.build import BuildResult, build

    quiet_pypdf()
    if options.json:
        built = build(data, out, options, started=started)
        return _as_json(built.outcomes, say), built
    if not options.several:
        built = build(data, out, options, started=started)
        (outcome,) = built.outcomes
        if outcome.error is not None:
            raise outcome.error
        result = outcome.result
        assert isinstance(result, BuildResult)
        print_warnings(result.warnings, say)
        say.say(result.report.text())
        for line in fit_lines(outcome.fitted):
            say.say(line)
        note = " (reproducible: verified by a second build)" if options.verify_reproducible else ""
        say.say(f"Wrote {result.pdf} and {result.tex}; sha256 {result.sha256}{note}")
        return 0, built
    from build_cv.cli.progress import Progress

    tty = sys.stdout.isatty()
    progress = Progress(tty)
    try:
        built = build(data, out, options, progress=progress, started=started)
    finally:
        progress.close()
    return _table(built.outcomes, say, show_format=options.formats != ("pdf",), tty=tty), built


def plain_table(rows: list[tuple[str, str, str, str]], show_format: bool) -> list[str]:
    width = max(len("variant"), *(len(r[0]) for r in rows))
    head = "format  " if show_format else ""
    lines = [f"{'variant':<{width}}  {head}pages  result"]
    for name, form, pages, result in rows:
        shown = f"{form:<6}  " if show_format else ""
        lines.append(f"{name:<{width}}  {shown}{pages:>5}  {result}")
    return lines


def fit_lines(fitted: Fitted | None, variant: str | None = None) -> list[str]:
    """What fitting left out, one line per entry, as the build says it (a failure to fit
    is told by its error)."""
    if fitted is None or not fitted.fits:
        return []
    whose = f"{variant}: " if variant else ""
    pages = f"{fitted.budget} page{'s' if fitted.budget > 1 else ''}"
    if not fitted.left_out:
        return [f"{whose}fits in {pages} with every entry: nothing left out."]
    n = len(fitted.left_out)
    head = (
        f"{whose}left out {n} entr{'y' if n == 1 else 'ies'} to fit {pages} (it had "
        f"{fitted.before}; lowest priority, then oldest, first):"
    )
    return [head, *(f"  {e.text()}" for e in fitted.left_out)]


def _as_json(outcomes: list[Outcome], say: Transcript) -> int:
    """`build --json`: warnings and errors on standard error as ever, and on standard
    output one JSON document of every target."""
    from build_cv.pipeline.build import BuildResult

    told: set[str] = set()
    targets = []
    for o in outcomes:
        item: dict[str, object] = {
            "variant": o.target.variant,
            "format": o.target.format,
            "ok": o.error is None,
            "pages": o.pages,
            "files": {k: str(v) for k, v in o.result.files.items()} if o.result else {},
        }
        if isinstance(o.result, BuildResult):
            item["sha256"] = o.result.sha256
            item["checks"] = [asdict(r) for r in o.result.report.results]
        if o.result is not None:
            print_warnings(o.result.warnings, say, told)
        elif o.error is not None:
            print_warnings(o.error.warnings, say, told)
            say.warn(f"build-cv: {o.target.name} {o.target.format}: {o.error.render()}")
            for note in o.error.notes:
                say.warn(note)
            item["error"] = o.error.render()
        item["fit"] = o.fitted.as_json() if o.fitted is not None else None
        targets.append(item)
    ok = all(o.error is None for o in outcomes)
    say.say(json.dumps({"ok": ok, "targets": targets}, ensure_ascii=False, indent=2))
    return _exit_code(outcomes)


def _exit_code(outcomes: list[Outcome]) -> int:
    """0, or the gravest failure's code: 2 when any target failed on bad input (a
    variant's required translations are missing), as one target raising it exits."""
    failed = [o.error.exit_code if o.error else 1 for o in outcomes if o.result is None]
    return max(failed, default=0)


def _table(outcomes: list[Outcome], say: Transcript, show_format: bool, tty: bool) -> int:
    """Each warning once and each error as its target ends, then one table of them all."""
    rows = []
    told: set[str] = set()
    shown: set[str | None] = set()
    for o in outcomes:
        name = o.target.name
        if o.target.variant not in shown:
            shown.add(o.target.variant)
            for line in fit_lines(o.fitted, name):
                say.say(line)
        if o.result is not None:
            print_warnings(o.result.warnings, say, told)
            result = f"ok, {next(iter(o.result.files.values()))}"
        elif o.error is not None:
            print_warnings(o.error.warnings, say, told)
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
    return _exit_code(outcomes)


def watch_command(args: argparse.Namespace) -> int:
    """Build on every save; an error is shown and the previous files stay."""
    from build_cv.pipeline.build import inputs_of
    from build_cv.pipeline.watch import watch

    args.no_cache, args.verify_reproducible, args.json = False, False, False
    args.format, args.front_matter, args.pages = "pdf", None, "1"
    known: list[Path] = [args.data]

    def inputs() -> list[Path]:
        """What the next build reads, in every language it builds (else what the last
        one read, while the data cannot be read)."""
        with suppress(BuildCVError):
            known[:] = inputs_of(args.data, args.out, options_of(args))
        return known

    from build_cv.pipeline.prestart import Spare

    spare = Spare()

    def rebuild() -> None:
        start = time.monotonic()
        try:
            code = build_command(args, spare)
        except BuildCVError as exc:
            report(exc)
            code = exc.exit_code
        took = f"{time.monotonic() - start:.1f} s"
        result = f"built in {took}" if code == 0 else f"failed in {took}; the previous files stay"
        print(
            f"build-cv: {time.strftime('%H:%M:%S')} {result}; watching for changes (Ctrl-C stops)",
            file=sys.stderr,
            flush=True,
        )
        with suppress(BuildCVError):
            spare.refill(args.data, args.out, options_of(args).speedups)

    try:
        watch(inputs, rebuild)
    except (KeyboardInterrupt, Stopped) as exc:
        print("build-cv: stopped watching", file=sys.stderr)
        if isinstance(exc, Stopped) and exc.signum != signal.SIGINT:
            return 128 + exc.signum  # ended by a service manager or a closed terminal
    finally:
        spare.close()
    return 0
