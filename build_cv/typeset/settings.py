"""Engine settings kept as data, in a module light enough for the command line to import
before it knows whether TeX will run at all (a cached rebuild never starts it)."""

from __future__ import annotations

import os

from build_cv.errors import InputError, quoted

JOB = "cv"
DEFAULT_TIMEOUT = 120.0
# The line that ends the part of the document that changes with the design (and PDF/A
# metadata) only, in tex_templates/cv.tex.j2: TeX may start on it before the data is read.
HEAD_MARK = "% build-cv: TeX may start on the lines above before the data is read\n"
# Set to 1, a build runs without its speed-ups, as `--no-speedups` does (docs/performance.md).
NO_SPEEDUPS = "BUILD_CV_NO_SPEEDUPS"


def speedups_from_environment() -> bool:
    """Whether the environment leaves the speed-ups on: the switch for where no command
    line option reaches (CI, the benchmark). A value that is neither on nor off is an
    error rather than a guess: a bisection must know which build it ran."""
    value = os.environ.get(NO_SPEEDUPS, "").strip()
    if value.lower() in ("", "0", "false", "no"):
        return True
    if value.lower() in ("1", "true", "yes"):
        return False
    raise InputError(f"{NO_SPEEDUPS}={quoted(value)}: set it to 1 to turn the speed-ups off, or 0")
