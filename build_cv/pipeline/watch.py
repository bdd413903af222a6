"""Rebuild on every save of the CV or a file it reads.

Editors save by writing a new file and renaming it over the old one, so the directories
holding the inputs are watched, not the files themselves, and a change is matched by
path. The watcher runs in its own thread from before the first build on, so no save is
missed while a build runs: the saves of one moment make one batch (debounced), and
everything saved during a build makes exactly one more build. The set of inputs is asked
for again after every build: a newly named .bib is watched from then on.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import watchfiles

DEBOUNCE_MS = 300
# A batch ends after this long without a change. An editor's save (a new file renamed
# over the old, or a file rewritten in place) is over within a few milliseconds, and
# every millisecond waited here is one more between the save and the PDF.
QUIET_MS = 20
_POLL_S = 0.25  # how often the waiting main thread looks up, so Ctrl-C is felt at once


class _Watcher:
    """watchfiles in a thread, feeding batches of relevant changes into a queue."""

    def __init__(self, folders: list[str], watched: set[Path]) -> None:
        self.folders = folders
        self.changes: queue.Queue[object] = queue.Queue()
        self._watched = watched
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self._ready.wait(timeout=10)

    def _relevant(self, _: watchfiles.Change, path: str) -> bool:
        return Path(os.path.realpath(path)) in self._watched

    def _run(self) -> None:
        for batch in watchfiles.watch(
            *self.folders,
            watch_filter=self._relevant,
            debounce=DEBOUNCE_MS,
            step=QUIET_MS,
            stop_event=self._stop,
            recursive=False,
            rust_timeout=100,
            yield_on_timeout=True,
            raise_interrupt=False,
        ):
            self._ready.set()  # the first (empty) batch: the watcher is up
            if batch:
                self.changes.put(batch)

    def wait(self) -> None:
        """Block until something changed, then take everything that changed so far."""
        while True:
            try:
                self.changes.get(timeout=_POLL_S)
                break
            except queue.Empty:
                continue
        while not self.changes.empty():
            self.changes.get_nowait()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def watch(inputs: Callable[[], Iterable[Path]], rebuild: Callable[[], None]) -> None:
    """Build once, then again after each batch of changes to any of `inputs()`.

    `rebuild` reports its own success or failure. Ctrl-C ends the watch as a
    KeyboardInterrupt, for the caller to report.
    """
    watched: set[Path] = set()
    watcher: _Watcher | None = None
    try:
        while True:
            watched.clear()
            watched.update(Path(os.path.realpath(p)) for p in inputs())
            folders = sorted({str(p.parent) for p in watched})
            if watcher is None or watcher.folders != folders:
                if watcher is not None:
                    watcher.close()
                watcher = _Watcher(folders, watched)
            rebuild()
            watcher.wait()
    finally:
        if watcher is not None:
            watcher.close()
