"""`build-cv batch`: many people's CVs in one process pool, each built as `build` builds it.

Each target (a person's variant, in the formats the manifest asks) is one task of a
`ProcessPoolExecutor`: a worker runs the very path of `build-cv build` (the cache, then
a build, stored), so a rerun with nothing changed is answered by the cache, and a CV
that fails is one failed row, never the end of the run. Each build writes into its own
person's folder under the lock of that folder (pipeline/publish.py), TeX runs in a
temporary directory of its own, and cache entries are written to a temporary name and
renamed: two workers share nothing they could tear.

This module is imported for every command's parser, so it imports nothing heavy.
"""

from __future__ import annotations

import argparse
import io
import json
import signal
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from concurrent.futures import Future

    from build_cv.pipeline.batch import Person


def add_parser(sub: Any) -> None:
    b = sub.add_parser(
        "batch", help="build many people's CVs from a manifest, in parallel or in shards"
    )
    b.add_argument("manifest", type=Path, help="the manifest (YAML): people, variants, formats")
    b.add_argument(
        "-j", "--jobs", type=int, default=1, metavar="N", help="builds at once (default 1)"
    )
    b.add_argument(
        "--shard",
        metavar="I/N",
        help="build only shard I of N (a stable slice by each person's ID; the N shards "
        "together build everyone)",
    )
    b.add_argument(
        "--out", type=Path, default=Path("out"), help="output folder: OUT/<id>/ per person"
    )
    b.add_argument("--json", action="store_true", help="print the summary as JSON")
    b.add_argument("--no-cache", action="store_true", help="build every target from scratch")


@dataclass
class Task:
    """One target of a batch: a person's variant (None: the full CV) in some formats."""

    person: str
    cv: Path
    where: str
    variant: str | None
    formats: tuple[str, ...]
    out: Path
    no_cache: bool
    keep: int


@dataclass
class Row:
    """How a task ended: `cache` is `hit` (nothing built) or `miss`."""

    person: str
    variant: str | None
    formats: list[str]
    ok: bool
    cache: str = "miss"
    files: dict[str, str] = field(default_factory=dict)
    sha256: str | None = None
    error: str = ""


def batch_command(args: argparse.Namespace) -> int:
    from build_cv.errors import InputError
    from build_cv.pipeline.batch import in_shard, parse_shard, read_manifest

    if args.jobs < 1:
        raise InputError(f"-j {args.jobs}: run at least one build at once")
    shard = parse_shard(args.shard) if args.shard is not None else None
    everyone = read_manifest(args.manifest)
    people = in_shard(everyone, shard)
    tasks = _tasks(people, args.out, args.no_cache)
    for t in tasks:  # the person's folder: the lock and the outputs of one build go there
        t.out.parent.mkdir(parents=True, exist_ok=True)
    rows = _run(tasks, args.jobs)
    if args.json:
        print(json.dumps(_summary(rows, shard, people, everyone), ensure_ascii=False, indent=2))
    else:
        for line in _table(rows, shard, people, everyone):
            print(line)
    return 0 if all(r.ok for r in rows) else 1


def _tasks(people: list[Person], out: Path, no_cache: bool) -> list[Task]:
    from build_cv.pipeline.cache import MAX_ENTRIES

    pairs = [(p, v) for p in people for v in p.variants]
    keep = len(pairs) + MAX_ENTRIES  # a rerun finds every target's entry
    return [Task(p.id, p.cv, p.where, v, p.formats, out / p.id, no_cache, keep) for p, v in pairs]


def _run(tasks: list[Task], jobs: int) -> list[Row]:
    """Every task, `jobs` at once, the rows in the manifest's order. A stop signal lets
    the builds under way finish (each cleans up as a build does), starts no more, and
    ends the command as `build` ends."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    if not tasks:
        return []
    context = multiprocessing.get_context("fork")  # the workers start with what is imported
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_worker_start)
    rows: dict[int, Row] = {}
    try:
        futures = {pool.submit(_build, task): i for i, task in enumerate(tasks)}
        for done, future in enumerate(as_completed(futures), start=1):
            i = futures[future]
            rows[i] = _row_of(tasks[i], future)
            _progress(done, len(tasks), rows[i])
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return [rows[i] for i in range(len(tasks))]


def _worker_start() -> None:
    """A worker leaves the terminal's stop signals to the command (which stops handing
    out work) and finishes the build it has; a signal sent to it alone ends it."""
    for s in (signal.SIGINT, signal.SIGHUP):
        signal.signal(s, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _row_of(task: Task, future: Future[Row]) -> Row:
    error = future.exception()
    if error is None:
        return future.result()
    why = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return Row(task.person, task.variant, list(task.formats), ok=False, error=why)


def _progress(done: int, total: int, row: Row) -> None:
    what = "ok" if row.ok else "FAILED"
    print(
        f"build-cv: [{done}/{total}] {row.person} {_variant(row.variant)}: {what} ({row.cache})",
        file=sys.stderr,
        flush=True,
    )


def _build(task: Task) -> Row:
    """One task, in a worker: `build-cv build --json` of it, its report read back."""
    from build_cv.cli.build import run
    from build_cv.errors import BuildCVError
    from build_cv.pipeline.options import BuildOptions

    row = Row(task.person, task.variant, list(task.formats), ok=False)
    if not task.cv.is_file():
        row.error = f"{task.where}: cv: {task.cv}: no such file"
        return row
    options = BuildOptions(variant=task.variant, formats=task.formats, json=True)
    out, err = io.StringIO(), io.StringIO()
    try:
        with redirect_stdout(out), redirect_stderr(err):
            ran = run(task.cv, task.out, options, no_cache=task.no_cache, keep=task.keep)
    except BuildCVError as exc:
        row.error = exc.render()
        return row
    except Exception as exc:  # one CV's surprise must not end everyone's batch
        row.error = f"{type(exc).__name__}: {exc}"
        return row
    row.cache = "hit" if ran.hit else "miss"
    return _read_report(row, out.getvalue(), ran.code)


def _read_report(row: Row, stdout: str, code: int) -> Row:
    try:
        report = json.loads(stdout)
    except ValueError:
        row.error = f"the build printed no report (exit {code})"
        return row
    errors = []
    for target in report.get("targets", []):
        for ext, path in target.get("files", {}).items():
            row.files[ext] = path
        if target.get("format") == "pdf" and target.get("sha256"):
            row.sha256 = target["sha256"]
        if target.get("error"):
            errors.append(f"{target.get('format')}: {target['error']}")
    row.ok = code == 0 and bool(report.get("ok"))
    row.error = "; ".join(errors) if errors else ("" if row.ok else f"exit {code}")
    return row


def _variant(variant: str | None) -> str:
    return "(full)" if variant is None else variant


def _table(rows: list[Row], shard: Any, people: list[Person], everyone: list[Person]) -> list[str]:
    head = ("person", "variant", "formats", "cache", "result")
    body = [
        (
            r.person,
            _variant(r.variant),
            ",".join(r.formats),
            r.cache if r.ok else "-",
            "ok" if r.ok else f"FAILED: {r.error.splitlines()[0] if r.error else ''}",
        )
        for r in rows
    ]
    widths = [max(len(x[i]) for x in [head, *body]) for i in range(4)]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(x[:4], widths, strict=True)) + "  " + x[4]
        for x in [head, *body]
    ]
    for r in rows:
        if not r.ok and "\n" in r.error:
            lines.append(f"{r.person} {_variant(r.variant)}:")
            lines += [f"  {line}" for line in r.error.splitlines()]
    counts = _counts(rows)
    where = f"{len(people)} {'person' if len(people) == 1 else 'people'}"
    if shard:
        where = f"shard {shard}: {len(people)} of {len(everyone)} people"
    lines.append(
        f"{where}, {len(rows)} targets: {counts['ok']} ok ({counts['hits']} cache hits, "
        f"{counts['misses']} built), {counts['failed']} failed"
    )
    return lines


def _counts(rows: list[Row]) -> dict[str, int]:
    ok = [r for r in rows if r.ok]
    return {
        "ok": len(ok),
        "failed": len(rows) - len(ok),
        "hits": sum(r.cache == "hit" for r in ok),
        "misses": sum(r.cache == "miss" for r in ok),
    }


def _summary(
    rows: list[Row], shard: Any, people: list[Person], everyone: list[Person]
) -> dict[str, Any]:
    return {
        "ok": all(r.ok for r in rows),
        "shard": str(shard) if shard else None,
        "people": [p.id for p in people],
        "of": len(everyone),
        "counts": _counts(rows),
        "targets": [asdict(r) for r in rows],
    }
