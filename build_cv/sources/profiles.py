"""The funder and hiring profiles build-cv ships (build_cv/profiles/<name>.yaml), read.

They are package data, but read like any input: a regular file of bounded size, decoded
as UTF-8, parsed with every value's line kept. A malformed profile is then an error that
names the profile, the line and the field (`ProfileError`, exit 2), never a traceback in
the middle of a build; a contributor adding a profile sees the same messages a user sees
for a CV.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from build_cv.errors import (
    InputError,
    Location,
    ProfileError,
    SchemaProblem,
    YamlSyntaxError,
    did_you_mean,
    shorten,
)
from build_cv.sources.text import decode_text, read_input
from build_cv.sources.validate import data_path
from build_cv.sources.yaml_source import Loaded, load_yaml_text

if TYPE_CHECKING:
    from build_cv.schema.profile import Profile

FOLDER = Path(__file__).resolve().parent.parent / "profiles"
MAX_PROFILE_BYTES = 256 * 1024  # a profile is a few kilobytes of rules


def names(folder: Path = FOLDER) -> list[str]:
    """The profiles in `folder`, by name (the file's stem)."""
    return sorted(p.stem for p in folder.glob("*.yaml") if p.is_file())


def unknown(name: str, folder: Path = FOLDER) -> str | None:
    """Why `name` is no profile (with the nearest name), or None if it is one."""
    known = names(folder)
    if name in known:
        return None
    longer = [k for k in known if k.startswith(f"{name}-")]  # `nih` for nih-personal-statement
    near = f" (did you mean `{longer[0]}`?)" if len(longer) == 1 else did_you_mean(name, known)
    return f"unknown profile `{shorten(name)}`{near}; build-cv has: " + (", ".join(known) or "none")


@cache
def load(name: str) -> Profile:
    """The shipped profile `name`, read once."""
    problem = unknown(name)
    if problem:
        raise InputError(problem)
    return read_profile(FOLDER / f"{name}.yaml")


def every() -> list[Profile]:
    return [load(name) for name in names()]


def read_profile(path: Path) -> Profile:
    """The profile in `path`, validated; its name must be the file's stem."""
    name = path.stem
    try:
        text = decode_text(read_input(path, "the profile file", MAX_PROFILE_BYTES), path, "YAML")
        loaded = load_yaml_text(text, path)
    except YamlSyntaxError as exc:
        raise ProfileError(name, [SchemaProblem(exc.location, exc.problem)]) from None
    except InputError as exc:
        raise ProfileError(name, [SchemaProblem(Location(path), str(exc))]) from None
    data = loaded.data
    if not isinstance(data, dict):
        raise ProfileError(name, [SchemaProblem(loaded.locate(()), "must be a mapping")])
    if data.get("name") != name:
        where = loaded.locate(("name",))
        message = f"`name` must be `{name}`, the file's name without .yaml"
        raise ProfileError(name, [SchemaProblem(where, message)])
    from build_cv.schema.profile import Profile  # only a build that follows a profile needs it

    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        problems = [_problem(loaded, err) for err in exc.errors(include_url=False)]
        problems.sort(key=lambda p: (p.location.line or 0, p.location.column or 0))
        raise ProfileError(name, problems) from None


def _problem(loaded: Loaded, err: Any) -> SchemaProblem:
    path = data_path(loaded.data, tuple(err["loc"]), tag="check")  # a rule's union tag
    kind, message = err["type"], str(err["msg"]).removeprefix("Value error, ")
    if kind == "extra_forbidden":
        message = f"unknown key `{shorten(str(path[-1]))}`"
    elif kind == "missing":
        message = f"`{path[-1]}` is required here"
    elif kind == "union_tag_invalid":
        path = (*path, "check")
        expected = err.get("ctx", {}).get("expected_tags", "")
        message = (
            f"unknown check `{shorten(str(err.get('ctx', {}).get('tag')))}`; expected {expected}"
        )
    elif kind == "literal_error":
        message = f"`{shorten(str(err.get('input')))}` is not allowed; expected " + str(
            err.get("ctx", {}).get("expected", "")
        )
    return SchemaProblem(loaded.locate(path), message)
