"""Engine settings kept as data, in a module light enough for the command line to import
before it knows whether TeX will run at all (a cached rebuild never starts it)."""

from __future__ import annotations

JOB = "cv"
DEFAULT_TIMEOUT = 120.0
