"""Start XeTeX before the data is read, so that its start-up overlaps Python's.

A build spends its first half second importing pydantic, Jinja2 and pypdf and reading the
data; XeTeX spends about as long starting and loading its format, which needs nothing
from the CV. The command line starts the pass here, before those imports, and the build
hands it the document when it is rendered (typeset/engine.py `Started`).

The pass is fixed to a SOURCE_DATE_EPOCH when it starts, so the epoch is predicted from
the environment or the YAML's top-level `updated:` line. The build checks the prediction
against the validated data and starts a pass of its own when it was wrong: a prediction
can cost time, never correctness. This module stays light: no pydantic, no YAML parser.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

from build_cv.errors import BuildCVError
from build_cv.typeset.engine import Started

_UPDATED = re.compile(
    r"""^updated:[ \t]*(["']?)(\d{4})-(\d{2})-(\d{2})\1[ \t]*(?:#.*)?$""", re.MULTILINE
)


def predicted_epoch(data: Path) -> int | None:
    """The epoch the build will most likely use, or None when there is no good guess."""
    env = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if env:
        return int(env) if re.fullmatch(r"[0-9]{1,12}", env) else None
    try:
        text = data.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    m = _UPDATED.search(text)
    if m is None:
        return None
    try:
        day = date(int(m.group(2)), int(m.group(3)), int(m.group(4)))
    except ValueError:
        return None
    epoch = (day - date(1970, 1, 1)).days * 86400
    return epoch if epoch >= 0 else None


def prestart(data: Path) -> Started | None:
    """A first TeX pass already loading its format, or None (the build starts one later)."""
    epoch = predicted_epoch(data)
    if epoch is None:
        return None
    try:
        return Started(epoch)
    except (BuildCVError, OSError):
        return None  # reported properly when the build itself starts TeX
