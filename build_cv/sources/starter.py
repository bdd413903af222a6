"""`build-cv new`: a commented starter CV that builds as it is and lints clean."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from build_cv.errors import InputError, SchemaError, quoted
from build_cv.schema.model import MAX_TEXT

STARTER = Path(__file__).resolve().parent / "starter.yaml"
DEFAULT_NAME = "Your Name"


def starter_yaml(name: str = DEFAULT_NAME, today: date | None = None) -> str:
    """The starter with `name` filled in; a JSON string is a valid YAML scalar for any name.

    `new` promises a file that builds as it is, so a name the schema refuses (empty, too
    long, a control character, a bidirectional override) is refused here, before anything
    is written, in words that say what is wrong with a name (not the schema's).
    """
    if not name.strip():
        raise InputError('the name is empty; give yours in quotes: build-cv new "Ada Lovelace"')
    if len(name.strip()) > MAX_TEXT:
        raise InputError(
            f"the name is {len(name.strip()):,} characters long; build-cv takes at most "
            f"{MAX_TEXT:,}"
        )
    text = STARTER.read_text(encoding="utf-8")
    text = text.replace("__NAME__", json.dumps(name, ensure_ascii=False)).replace(
        "__TODAY__", (today or date.today()).isoformat()
    )
    from build_cv.sources.load import from_loaded
    from build_cv.sources.yaml_source import load_yaml_text

    try:
        from_loaded(load_yaml_text(text, STARTER))
    except SchemaError as exc:
        why = "; ".join(sorted({p.message for p in exc.problems}))
        raise InputError(f"the name {quoted(name, 40)} cannot be used: {why}") from None
    return text
