"""The Jinja environment every writer starts from, so each differs only where its format
does: whether HTML autoescaping is on and how a printed value is made safe (`finalize`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2


def environment(
    templates: Path, finalize: Callable[[Any], Any], *, autoescape: bool = False, **syntax: Any
) -> jinja2.Environment:
    """Strict (an unknown name is an error), with a writer's own escaping in `finalize`."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        finalize=finalize,
        **syntax,
    )
