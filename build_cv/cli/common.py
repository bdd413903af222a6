"""What every command of the command line shares: how warnings and errors are told, the
limits the options give, and the transcript a cached build replays."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from build_cv.errors import BuildCVError, Warning_
from build_cv.pipeline.options import Limits

DEFAULT_DATA = Path("data/cv.yaml")
DEFAULT_OUT = Path("out")


@dataclass
class Transcript:
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


def print_warnings(
    warnings: Iterable[Warning_], say: Transcript | None = None, told: set[str] | None = None
) -> None:
    """Each distinct warning once, in order, with how often it came up; those in `told`
    were printed before, by the same build, and are not printed again."""
    say = say or Transcript()
    told = set() if told is None else told
    for text, n in Counter(str(w) for w in warnings).items():
        if text in told:
            continue
        told.add(text)
        times = f" ({n} times)" if n > 1 else ""
        say.warn(f"build-cv: warning: {text}{times}")


def report(exc: BuildCVError) -> None:
    """An error as the user reads it: what the build noticed first, then what failed, then
    what it left behind."""
    print_warnings(exc.warnings)
    print(f"build-cv: {exc.render()}", file=sys.stderr)
    for note in exc.notes:
        print(note, file=sys.stderr)


def limits(args: argparse.Namespace) -> Limits:
    return Limits(args.min_pages, args.max_pages, args.max_size_mb)


def quiet_pypdf() -> None:
    """pypdf logs what it repairs in a damaged file; the report already says it is damaged."""
    import logging

    logging.getLogger("pypdf").setLevel(logging.CRITICAL + 1)
