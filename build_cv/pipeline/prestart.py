"""On a rebuild, start XeTeX before the data is read, so that its start-up overlaps Python's.

A build spends its first half second importing pydantic, Jinja2 and pypdf and reading the
data; XeTeX spends about as long starting and loading its format, which needs nothing
from the CV. The command line starts the pass here, before those imports, and the build
hands it the document when it is rendered (typeset/engine.py `Started`).

The pass is fixed to a SOURCE_DATE_EPOCH when it starts, so the epoch is predicted from
the environment or the YAML's top-level `updated:` line. After a build, the document's
first lines (up to settings.HEAD_MARK: the class, the style, their packages and
hyperref, which change with the design only) are remembered beside the cache, and the
next build feeds them to TeX at once, so that TeX loads moderncv while Python still
reads the data. The build checks both guesses against what it renders and starts a pass
of its own when either was wrong: a prediction can cost time, never correctness. This
module stays light: no pydantic, no YAML parser.

Every build with its speed-ups starts early when there is a head to guess with, cold
builds too (issue 24: a cold build should cost little more than its own TeX pass). The
guesses, best first: the head of this command's last build (a rebuild), of the last
build of this data file under any command, and of the installation's last build (a cold
build of another CV of the same design: a batch, CI's next job). A head is a guess, not
a build: it is only used when the new document begins with it, so a cold build still
reuses nothing that could change its bytes, and a wrong one costs a restart.
"""

from __future__ import annotations

import hashlib
import os
import re
from datetime import date
from pathlib import Path

from build_cv.errors import BuildCVError
from build_cv.pipeline import cache
from build_cv.sources.text import MAX_YAML_BYTES, read_input
from build_cv.typeset.engine import Started
from build_cv.typeset.settings import HEAD_MARK
from build_cv.userdirs import keep, recall

_UPDATED = re.compile(
    r"""^updated:[ \t]*(["']?)(\d{4})-(\d{2})-(\d{2})\1[ \t]*(?:#.*)?$""", re.MULTILINE
)


def predicted_epoch(data: Path) -> int | None:
    """The epoch the build will most likely use, or None when there is no good guess."""
    env = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if env:
        return int(env) if re.fullmatch(r"[0-9]{1,12}", env) else None
    try:  # a pipe or a device is not read here: the loader refuses it
        text = read_input(data, "the CV's YAML file", MAX_YAML_BYTES).decode("utf-8")
    except (BuildCVError, UnicodeDecodeError):
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


def prestart(data: Path, memories: list[Path], *, speedups: bool = True) -> Started | None:
    """A first TeX pass already loading a remembered head, or None: a build without its
    `speedups`, or no good guess (the build then starts its pass itself, once the
    document is rendered).

    `memories`: where earlier builds left their document's head, best guess first.
    """
    if not speedups:
        return None
    epoch = predicted_epoch(data)
    if epoch is None:
        return None
    head = next(filter(None, (recalled_head(m, epoch) for m in memories)), "")
    if not head:
        return None
    try:
        return Started(epoch, head)
    except (BuildCVError, OSError):
        return None  # reported properly when the build itself starts TeX


def head_of(tex: str) -> str:
    """The document's lines up to and including the mark, or "" if it has none."""
    end = tex.find(HEAD_MARK)
    return tex[: end + len(HEAD_MARK)] if end >= 0 else ""


def remember(memory: Path, tex: str, epoch: int) -> None:
    """Keep a built document's head for the next build; failing to is never an error."""
    head = head_of(tex)
    if head:
        keep(memory, {"epoch": epoch, "head": head})


def recalled_head(memory: Path, epoch: int) -> str:
    stored = recall(memory)
    if not isinstance(stored, dict) or stored.get("epoch") != epoch:
        return ""
    head = stored.get("head")
    return head if isinstance(head, str) and head.endswith(HEAD_MARK) else ""


def memory_for(cache_root: Path, request_key: str) -> Path:
    """Where the head of a command's last build is kept: one file per command."""
    name = hashlib.sha256(request_key.encode()).hexdigest()[:32]
    return cache_root / ".heads" / f"{name}.json"  # a dot: not a cache entry to prune


def memories_for(cache_root: Path, data: Path, request_key: str | None = None) -> list[Path]:
    """Where a build looks for a head and keeps its own, best guess first: this command's
    (none for a cold build), this data file's, the installation's last."""
    try:
        where = str(data.resolve())
    except (OSError, RuntimeError):
        where = str(data)
    own = [memory_for(cache_root, request_key)] if request_key is not None else []
    return [
        *own,
        memory_for(cache_root, f"data file {where}"),
        cache_root / ".heads" / "latest.json",
    ]


class Spare:
    """`watch`'s next TeX pass (cli/build.py), started on the head of the build it just
    made while it waits for a save. Loading moderncv and its packages is a third of a
    pass, and between saves nothing else runs: the round after an edit then waits for
    TeX's body only. A spare that does not fit the next document (another design,
    another date) is stopped and a pass started afresh, as for any head."""

    def __init__(self) -> None:
        self.started: Started | None = None

    def take(self) -> Started | None:
        started, self.started = self.started, None
        return started

    def refill(self, data: Path, out: Path, speedups: bool) -> None:
        """Start the next pass, unless one waits already or the build keeps no heads
        (without its speed-ups, the cache folder is not even made)."""
        if self.started is not None or not speedups:
            return
        root = cache.cache_root()
        if root is None or cache.inside(root, out):
            return
        self.started = prestart(data, memories_for(root, data), speedups=speedups)

    def close(self) -> None:
        started = self.take()
        if started is not None:
            started.close()
