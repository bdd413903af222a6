"""`build-cv new`: a commented starter CV that builds as it is and lints clean."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

STARTER = Path(__file__).resolve().parent / "starter.yaml"
DEFAULT_NAME = "Your Name"


def starter_yaml(name: str = DEFAULT_NAME, today: date | None = None) -> str:
    """The starter with `name` filled in; a JSON string is a valid YAML scalar for any name."""
    text = STARTER.read_text(encoding="utf-8")
    return text.replace("__NAME__", json.dumps(name, ensure_ascii=False)).replace(
        "__TODAY__", (today or date.today()).isoformat()
    )
