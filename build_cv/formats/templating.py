"""The Jinja environment every writer starts from, so each differs only where its format
does: whether HTML autoescaping is on and how a printed value is made safe (`finalize`).

Compiling the LaTeX templates took a tenth of a second of every build, so compiled
templates are kept, like Python's own .pyc files, in the user's cache directory
(`$XDG_CACHE_HOME/build-cv/templates`, else `~/.cache/...`). Jinja checks each against
its template's source, so an edited template is compiled again; without a writable
cache directory, templates are compiled every time, as before.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import jinja2


def environment(
    templates: Path, finalize: Callable[[Any], Any], *, autoescape: bool = False, **syntax: Any
) -> jinja2.Environment:
    """Strict (an unknown name is an error), with a writer's own escaping in `finalize`."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        bytecode_cache=_compiled_templates(),
        autoescape=autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        finalize=finalize,
        **syntax,
    )


@cache
def _compiled_templates() -> jinja2.BytecodeCache | None:
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    folder = Path(base) / "build-cv" / "templates"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if folder.stat().st_uid != os.getuid() or not os.access(folder, os.W_OK):
            return None  # compiled templates are code: only from a folder that is ours
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))
