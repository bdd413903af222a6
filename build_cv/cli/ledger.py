"""`submit`, `submissions`, `resend` and `diff`: the ledger of what was sent where.

`submit` builds as `build` does (the cache, then a build) and records the PDF it made;
`resend` builds a record again from its commit, in a throw-away git work tree, and proves
it gives the same bytes; `diff` compares the text of two PDFs sent. docs/ledger.md.

This module is imported for every command's parser, so it imports nothing heavy.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from build_cv.cli.common import DEFAULT_DATA, DEFAULT_OUT

if TYPE_CHECKING:
    from build_cv.pipeline.ledger import Ledger, Record


def _ledger_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--ledger",
        type=Path,
        metavar="PATH",
        help="the ledger file (default: submissions.yaml beside the CV data, data/)",
    )


def add_parsers(sub: Any) -> None:
    s = sub.add_parser("submit", help="build a PDF and record where it was sent (the ledger)")
    s.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA, help="CV YAML file")
    s.add_argument("--to", required=True, metavar="TARGET", help="where it is sent")
    which = s.add_mutually_exclusive_group()
    which.add_argument("--variant", metavar="NAME", help="send this variant (default: full CV)")
    which.add_argument("--packet", metavar="NAME", help="send this application packet")
    s.add_argument("--note", metavar="TEXT", help="a note kept with the record")
    s.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory of the build")
    _ledger_option(s)

    ls = sub.add_parser("submissions", help="list what was sent where (the ledger)")
    ls.add_argument("--json", action="store_true", help="print the records as JSON")
    _ledger_option(ls)

    r = sub.add_parser(
        "resend", help="rebuild a submission from its git commit and prove the same sha256"
    )
    r.add_argument("id", help="the submission's ID (or its first characters)")
    r.add_argument(
        "--repo", type=Path, help="the git repository (default: the one holding the ledger)"
    )
    _ledger_option(r)

    d = sub.add_parser("diff", help="what changed between two PDFs sent, as text")
    d.add_argument("first", metavar="ID1")
    d.add_argument("second", metavar="ID2")
    _ledger_option(d)


def _ledger_path(args: argparse.Namespace) -> Path:
    if args.ledger is not None:
        return Path(args.ledger)
    from build_cv.pipeline.ledger import LEDGER

    data = getattr(args, "data", DEFAULT_DATA)
    return data.parent / LEDGER


def submit_command(args: argparse.Namespace) -> int:
    from build_cv.cli.build import run
    from build_cv.errors import InputError
    from build_cv.pipeline import ledger as ledgers
    from build_cv.pipeline.options import BuildOptions
    from build_cv.pipeline.plan import Outputs
    from build_cv.schema import ALL_VARIANTS

    if args.variant == ALL_VARIANTS:
        raise InputError("--variant all: a submission is one PDF; name one variant")
    if not args.to.strip():
        raise InputError("--to: name where the PDF is sent")
    path = _ledger_path(args)
    ledgers.read(path)  # a ledger that does not read stops us before the build
    if args.packet is not None:
        from build_cv.cli.packet import make_packet, packet_args

        made = make_packet(packet_args(args.data, args.out, args.packet))
        if made.joined is None:
            return made.code
        pdf, inputs = made.joined.pdf.read_bytes(), made.inputs
    else:
        ran = run(args.data, args.out, BuildOptions(variant=args.variant))
        if ran.code != 0:
            return ran.code
        pdf = Outputs.of(args.data, args.out, args.variant).pdf.read_bytes()
        inputs = ran.inputs
    sha256 = hashlib.sha256(pdf).hexdigest()
    where = ledgers.provenance(args.data, inputs, path)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    with ledgers.appending(path) as ledger:
        date = ledgers.now()
        record = ledgers.Record(
            id=ledgers.new_id(ledger, date, args.to, args.packet or args.variant or "", sha256),
            date=date,
            to=args.to,
            variant=args.variant,
            packet=args.packet,
            sha256=sha256,
            source=where.source,
            commit=where.commit,
            committed=where.committed,
            data_sha256=ledgers.data_hash(inputs, args.data.parent),
            epoch=int(epoch) if epoch else None,
            note=args.note if args.note and args.note.strip() else None,
        )
        copy = ledgers.append(ledger, record, pdf)
    print(f"Submitted {record.id} to {record.to}: kept {copy}; sha256 {sha256}")
    if not where.committed:
        _uncommitted_note(where)
    return 0


def _uncommitted_note(where: Any) -> None:
    if where.commit is None:
        why = "the data is not in a git repository with a commit"
    else:
        names = ", ".join(_shown(p) for p in where.dirty[:3])
        more = f" and {len(where.dirty) - 3} more" if len(where.dirty) > 3 else ""
        verb = "differs" if len(where.dirty) == 1 else "differ"
        why = f"{names}{more} {verb} from commit {where.commit[:12]}"
    print(
        f"build-cv: note: {why}, so `resend` cannot rebuild this submission; commit the data "
        "before submitting to be able to prove it later (the PDF sent is kept)",
        file=sys.stderr,
    )


def _shown(path: Path) -> str:
    """A path from the current folder when it is under it, as the user wrote it."""
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def submissions_command(args: argparse.Namespace) -> int:
    from build_cv.pipeline import ledger as ledgers

    ledger = ledgers.read(_ledger_path(args))
    if args.json:
        records = [{**asdict(r), "file": str(ledger.copy_of(r))} for r in ledger.records]
        print(json.dumps(records, ensure_ascii=False, indent=2))
        return 0
    if not ledger.records:
        print(f"No submissions recorded in {ledger.path} yet (`build-cv submit --to ...`).")
        return 0
    rows = [r.line() for r in ledger.records]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join([*(c.ljust(w) for c, w in zip(row, widths, strict=False)), row[-1]]))
    return 0


def resend_command(args: argparse.Namespace) -> int:
    from build_cv.errors import InputError
    from build_cv.pipeline import gitrepo
    from build_cv.pipeline import ledger as ledgers

    ledger = ledgers.read(_ledger_path(args))
    record = ledger.find(args.id)
    copy = ledger.copy_of(record)
    if record.commit is None:
        raise InputError(
            f"submission {record.id} was built outside git (or before its first commit): "
            f"there is no commit to rebuild it from; the PDF sent is kept as {copy}"
        )
    if not record.committed:
        raise InputError(
            f"submission {record.id} was built from data not committed (it differed from "
            f"commit {record.commit[:12]}): it cannot be rebuilt from git; the PDF sent is "
            f"kept as {copy}"
        )
    repo = _repo(args, ledger)
    if not gitrepo.has_commit(repo, record.commit):
        raise InputError(
            f"submission {record.id}: commit {record.commit[:12]} no longer exists in {repo} "
            f"(history rewritten, or another clone?); the PDF sent is kept as {copy}"
        )
    with gitrepo.checkout(repo, record.commit) as tree:
        sha256, data_sha256 = _rebuilt(tree.path, record)
    print(f"{sha256}  rebuilt from {record.commit[:12]}:{record.source}")
    if sha256 != record.sha256:
        print(
            f"build-cv: submission {record.id} ({record.to}, {record.date}) was {record.sha256}: "
            "not the same PDF. A different build-cv, TeX or fonts than when it was sent "
            f"changes the bytes; the PDF sent is kept as {copy}",
            file=sys.stderr,
        )
        if data_sha256 != record.data_sha256:
            print("build-cv: and the data at that commit is not what was built", file=sys.stderr)
        return 1
    print(f"Same sha256 as submission {record.id} sent to {record.to} on {record.date}.")
    _check_copy(copy, record)
    return 0


def _repo(args: argparse.Namespace, ledger: Ledger) -> Path:
    from build_cv.errors import InputError
    from build_cv.pipeline import gitrepo

    start = args.repo if args.repo is not None else ledger.path.resolve().parent
    root = gitrepo.toplevel(start) if start.is_dir() else None
    if root is None:
        raise InputError(f"{start}: not in a git repository (name one with --repo)")
    return root


@contextmanager
def _epoch(epoch: int | None) -> Iterator[None]:
    """SOURCE_DATE_EPOCH as it was when the submission was built (unset: from the data)."""
    before = os.environ.pop("SOURCE_DATE_EPOCH", None)
    if epoch is not None:
        os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
        if before is not None:
            os.environ["SOURCE_DATE_EPOCH"] = before


def _rebuilt(tree: Path, record: Record) -> tuple[str, str]:
    """The record's PDF built again from the work tree `tree`, by the build's one path,
    into a folder beside it: its sha256, and the hash of the data it read."""
    from build_cv.cli.common import quiet_pypdf
    from build_cv.errors import InputError
    from build_cv.pipeline.build import build
    from build_cv.pipeline.ledger import data_hash
    from build_cv.pipeline.options import BuildOptions

    data = tree / record.source
    if not data.is_file():
        raise InputError(f"commit {record.commit}: has no {record.source}")
    quiet_pypdf()
    if record.packet is not None:
        from build_cv.cli.packet import make_packet, packet_args

        with _epoch(record.epoch):
            made = make_packet(packet_args(data, tree.parent / "out", record.packet, no_cache=True))
        if made.joined is None:
            raise InputError(f"commit {record.commit}: packet {record.packet} was not built")
        packet_pdf = made.joined.pdf.read_bytes()
        return hashlib.sha256(packet_pdf).hexdigest(), data_hash(made.inputs, data.parent)
    with _epoch(record.epoch):
        built = build(data, tree.parent / "out", BuildOptions(variant=record.variant))
    (outcome,) = built.outcomes
    if outcome.error is not None:
        raise outcome.error
    result = outcome.result
    assert result is not None
    pdf = result.files["pdf"].read_bytes()
    return hashlib.sha256(pdf).hexdigest(), data_hash(built.inputs, data.parent)


def _check_copy(copy: Path, record: Record) -> None:
    try:
        same = hashlib.sha256(copy.read_bytes()).hexdigest() == record.sha256
    except OSError:
        print(f"build-cv: note: the copy {copy} is missing", file=sys.stderr)
        return
    if not same:
        print(
            f"build-cv: warning: {copy} is not the PDF recorded (it was changed)", file=sys.stderr
        )


def diff_command(args: argparse.Namespace) -> int:
    from build_cv.pipeline import ledger as ledgers

    ledger = ledgers.read(_ledger_path(args))
    first, second = ledger.find(args.first), ledger.find(args.second)
    if first.sha256 == second.sha256:
        print(f"{first.id} and {second.id} are the same PDF (sha256 {first.sha256[:12]}).")
        return 0
    old, new = _text_of(ledger, first), _text_of(ledger, second)
    lines = list(difflib.unified_diff(old, new, _label(first), _label(second), lineterm="", n=2))
    if not lines:
        print(f"{first.id} and {second.id} show the same text; the PDFs differ otherwise.")
        return 0
    for line in lines:
        print(line)
    return 0


def _label(record: Record) -> str:
    return f"{record.id} ({record.date}, {record.to}, {record.document})"


def _text_of(ledger: Ledger, record: Record) -> list[str]:
    """The text of the PDF sent (its copy), a `[page N]` line before each page."""
    from build_cv.errors import InputError
    from build_cv.preflight import page_texts

    copy = ledger.copy_of(record)
    if not copy.is_file():
        raise InputError(f"submission {record.id}: its copy {copy} is missing")
    lines = []
    for number, text in enumerate(page_texts(copy), start=1):
        lines.append(f"[page {number}]")
        lines += [line.rstrip() for line in text.splitlines()]
    return lines
