"""`build-cv packet`: the CV and other PDFs joined into one checked file (docs/packet.md).

The CV parts are built as `build-cv build --variant V` builds them, so the cache answers
when nothing changed, and each is written to --out as the build writes it; the other
parts are read before any TeX runs, so a missing or unreadable file is told at once.
"""

from __future__ import annotations

import argparse
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from build_cv.cli.common import print_warnings
from build_cv.errors import StrictWarningsError
from build_cv.typeset.settings import DEFAULT_TIMEOUT, speedups_from_environment

if TYPE_CHECKING:
    from build_cv.pipeline.options import BuildOptions
    from build_cv.pipeline.packet import Joined


@dataclass(frozen=True)
class Made:
    """A packet command's end: its exit code, the packet when it was written, and every
    file it read with the SHA-256 of the bytes read (what `submit` records)."""

    code: int
    joined: Joined | None = None
    inputs: dict[Path, str] = field(default_factory=dict)


def packet_command(args: argparse.Namespace) -> int:
    return make_packet(args).code


def make_packet(args: argparse.Namespace) -> Made:
    """Build the CV parts (through the cache), read the others, join and check them."""
    from build_cv.cli.build import run
    from build_cv.pipeline import packet
    from build_cv.pipeline.build import load_cv

    _, cv = load_cv(args.data, allow_outside=args.allow_outside)
    allow = args.allow_outside or cv.allow_outside
    chosen = packet.plan(args.data, cv, args.name, args.part, args.variant, args.max_pages)
    files = {p: packet.read(args.data, p, allow) for p in chosen.parts if p.file is not None}
    warnings = [w for r in files.values() for w in r.warnings]
    if args.strict and warnings:
        raise StrictWarningsError(warnings)
    inputs = {
        p.file.resolve(): hashlib.sha256(r.pdf).hexdigest() for p, r in files.items() if p.file
    }
    built = {}
    for variant in chosen.variants:
        ran = run(args.data, args.out, _part_options(args, variant), no_cache=args.no_cache)
        if ran.code != 0:
            return Made(ran.code)
        inputs.update(ran.inputs)
        built[variant] = packet.cv_output(args.data, args.out, variant).read_bytes()
    parts = [
        files[p] if p.file is not None else packet.built(p, built[p.variant]) for p in chosen.parts
    ]
    joined = packet.join(args.data, args.out, cv, chosen, parts)
    print_warnings(joined.warnings)
    print(joined.report.text())
    for part, first, last in joined.ranges:
        pages = f"page {first}" if first == last else f"pages {first}-{last}"
        labels = f"{part.label}-1" + (
            f" to {part.label}-{last - first + 1}" if last > first else ""
        )
        print(f"  {part.title}: {pages}, labelled {labels}")
    print(f"Wrote {joined.pdf}; sha256 {joined.sha256}")
    return Made(0, joined, inputs)


def packet_args(data: Path, out: Path, name: str, *, no_cache: bool = False) -> argparse.Namespace:
    """The command line of `build-cv packet NAME` as `submit` and `resend` run it."""
    return argparse.Namespace(
        data=data,
        out=out,
        name=name,
        part=[],
        variant=None,
        max_pages=None,
        strict=False,
        trust_raw=False,
        allow_outside=False,
        timeout=DEFAULT_TIMEOUT,
        no_speedups=False,
        no_cache=no_cache,
    )


def _part_options(args: argparse.Namespace, variant: str | None) -> BuildOptions:
    """How one CV part is built: its variant's PDF, as `build --variant` builds it, with
    the packet's strictness, trust, consent and timeout, and the data's own limits."""
    from build_cv.pipeline.options import BuildOptions

    return BuildOptions(
        variant=variant,
        strict=args.strict,
        trust_raw=args.trust_raw,
        allow_outside=args.allow_outside,
        timeout=args.timeout,
        speedups=not args.no_speedups and speedups_from_environment(),
    )


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """The command's own options; those it shares with `build` are added by main.py."""
    from build_cv.cli.common import DEFAULT_DATA, DEFAULT_OUT

    p: argparse.ArgumentParser = sub.add_parser(
        "packet",
        help="join the CV and other PDFs (a cover letter, statements) into one checked PDF",
    )
    p.add_argument("name", nargs="?", help="a packet of the CV's `packets:` (docs/packet.md)")
    p.add_argument("--data", type=Path, default=DEFAULT_DATA, help="CV YAML file")
    p.add_argument(
        "--part",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="a PDF to join, in order (again for each); `cv` puts the CV there, else it comes last",
    )
    p.add_argument("--variant", metavar="NAME", help="the CV's variant (default: the full CV)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    p.add_argument(
        "--no-cache", action="store_true", help="build the CV from scratch, even if unchanged"
    )
    return p
