"""The Jinja environment every writer starts from, so each differs only where its format
does: whether HTML autoescaping is on and how a printed value is made safe (`finalize`).

Compiling the LaTeX templates took a tenth of a second of every build, so compiled
templates are kept, like Python's own .pyc files, in the user's cache directory
(`$XDG_CACHE_HOME/build-cv/templates`, else `~/.cache/...`). Jinja checks each against
its template's source, so an edited template is compiled again; without a writable
cache directory, templates are compiled every time, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from build_cv.userdirs import user_cache


def environment(
    templates: Path,
    finalize: Callable[[Any], Any],
    *,
    autoescape: bool = False,
    compiled: bool = True,
    **syntax: Any,
) -> jinja2.Environment:
    """Strict (an unknown name is an error), with a writer's own escaping in `finalize`;
    `compiled`: templates compiled by an earlier run are reused (a build with its
    speed-ups off compiles its own)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        bytecode_cache=_compiled_templates() if compiled else None,
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
    folder = user_cache("templates")
    return jinja2.FileSystemBytecodeCache(str(folder)) if folder is not None else None
