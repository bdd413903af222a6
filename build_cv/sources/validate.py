"""Validate loaded YAML into the CV model, turning pydantic errors into located problems.

pydantic reports every error at once, with a `loc` path; this module maps each path to
the YAML line it came from, names the field the way the user wrote it
(`sections[2].entries[0].start`) and, for misspelled keys or values, suggests the nearest
valid one. The user never sees pydantic's own dump.
"""

from __future__ import annotations

import types
import typing
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from build_cv.errors import PathKey, SchemaError, SchemaProblem, did_you_mean, shorten
from build_cv.schema.model import CV, locate_all
from build_cv.sources.yaml_source import Loaded


def validate(loaded: Loaded, language: str | None = None) -> CV:
    """The CV in `language` (default: `design.language`): a field written in several
    languages gives its text in that one (schema/model.py, `Languages`)."""
    if not isinstance(loaded.data, dict):
        raise SchemaError(
            [SchemaProblem(loaded.locate(()), "the top level must be a mapping with `person:`")]
        )
    data = loaded.data
    if language is not None:
        design = data.get("design")
        data = {
            **data,
            "design": {**(design if isinstance(design, dict) else {}), "language": language},
        }
    try:
        cv = CV.model_validate(data)
    except ValidationError as exc:
        errors = _one_per_union(exc.errors(include_url=False))
        problems = [_problem(loaded, err) for err in errors]
        problems.sort(key=lambda p: (p.location.line or 0, p.location.column or 0))
        raise SchemaError(problems) from None
    locate_all(cv, loaded.origin)
    return cv


def _problem(loaded: Loaded, err: Any) -> SchemaProblem:
    path = data_path(loaded.data, tuple(err["loc"]))
    location = loaded.locate(path)
    kind = err["type"]
    message = str(err["msg"])
    if kind == "extra_forbidden":
        key = path[-1]
        message = f"unknown key `{shorten(str(key))}`"
        message += did_you_mean(str(key), _field_names(loaded.data, path[:-1]))
    elif kind == "too_short" and isinstance(err.get("input"), dict):
        empty = [f"`{shorten(str(t))}`" for t, v in err["input"].items() if v == ""]
        which = f"the {' and '.join(empty)} text is" if empty else "it is"
        message = f"{which} empty; write it, or leave the language out to print the fallback's text"
    elif kind == "too_short" and isinstance(err.get("input"), list):
        n = err.get("ctx", {}).get("min_length", 1)
        message = f"needs at least {n} entr{'y' if n == 1 else 'ies'} (or leave the section out)"
    elif kind == "missing":
        message = f"`{path[-1]}` is required here"
    elif kind == "union_tag_invalid":
        location = loaded.locate((*path, "kind"))
        tag = err.get("ctx", {}).get("tag", "")
        options = _kinds()
        message = f"unknown kind `{shorten(str(tag))}`; expected one of: {', '.join(options)}"
        message += did_you_mean(str(tag), options)
    elif kind == "union_tag_not_found":
        message = f"a section needs `kind:`, one of: {', '.join(_kinds())}"
    elif kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        message = f"{_show(err.get('input'))} is not allowed; expected {expected}"
        options = [o.strip(" '") for o in str(expected).replace(" or ", ",").split(",")]
        message += _nearest(str(err.get("input")), [o for o in options if o])
    elif message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    return SchemaProblem(location, message)


def _one_per_union(errors: list[Any]) -> list[Any]:
    """pydantic reports a value that fits no member of a union once per member: a heading
    map `group_by: {selected: ''}` is "not 'type'" and also has an empty heading, and
    `group_by: tpye` is "not 'type'" and also "not a dictionary". The member that takes a
    value of that type is the one meant, so only its complaint is kept."""

    def beside(err: Any, other: Any) -> bool:
        prefix, loc = err["loc"][:-1], other["loc"]
        return (
            len(loc) > len(prefix)
            and loc[: len(prefix)] == prefix
            and loc[len(prefix)] != err["loc"][-1]
        )

    def wrong_member(err: Any) -> bool:
        tag = str(err["loc"][-1]) if err["loc"] else ""
        if err["type"] == "literal_error" and isinstance(err.get("input"), dict | list):
            return tag.startswith("literal[")
        return err["type"] in ("dict_type", "list_type") and tag.startswith(("dict[", "list["))

    return [
        err
        for err in errors
        if not (wrong_member(err) and any(beside(err, o) and not wrong_member(o) for o in errors))
    ]


def _nearest(value: str, options: list[str]) -> str:
    """` (did you mean ...?)` for a closed value; written in other capitals (`phd`, `pi`),
    the option it names, which difflib, seeing other letters, would not find."""
    same = [o for o in options if o.casefold() == value.casefold()]
    return f" (did you mean `{same[0]}`?)" if same else did_you_mean(value, options)


def _show(value: Any) -> str:
    return f"`{shorten(str(value))}`" if isinstance(value, str | int | float) else "this value"


def data_path(data: Any, loc: tuple[Any, ...], tag: str = "kind") -> PathKey:
    """pydantic's path `loc` in `data` as the file has it: without the steps it does not
    have, a union's tag (the value of the member's `tag` key, a section's `kind`) and a
    validator's or dictionary's `[...]`."""
    path: list[str | int] = []
    node = data
    for part in loc:
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_dict or in_list:
            path.append(part)
            node = node[part]
        elif isinstance(part, str) and isinstance(node, dict) and node.get(tag) == part:
            continue
        elif isinstance(part, str | int) and not (isinstance(part, str) and "[" in part):
            path.append(part)
            node = None
    return tuple(path)


def _kinds() -> list[str]:
    section_union = get_args(CV.model_fields["sections"].annotation)[0]
    return [get_args(m.model_fields["kind"].annotation)[0] for m in _union_members(section_union)]


def _union_members(annotation: Any) -> list[Any]:
    if get_origin(annotation) is typing.Annotated:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) in (typing.Union, types.UnionType):
        return [a for a in get_args(annotation) if a is not type(None)]
    return [annotation]


def _field_names(data: Any, path: PathKey) -> list[str]:
    """The keys allowed at `path`, found by walking the model types alongside the data."""
    annotation: Any = CV
    node = data
    for part in path:
        if isinstance(part, int):
            item = _strip_optional(annotation)
            if get_origin(item) is not list:
                return []
            annotation = get_args(item)[0]
        else:
            model = _resolve(annotation, node)
            if model is None or part not in model.model_fields:
                return []
            annotation = model.model_fields[part].annotation
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            node = None
    model = _resolve(annotation, node)
    return list(model.model_fields) if model else []


def _strip_optional(annotation: Any) -> Any:
    members = _union_members(annotation)
    return members[0] if len(members) == 1 else annotation


def _resolve(annotation: Any, node: Any) -> Any:
    """The model class `node` is validated against, picking a union member by its `kind`."""
    models = [
        m for m in _union_members(annotation) if isinstance(m, type) and issubclass(m, BaseModel)
    ]
    if len(models) == 1:
        return models[0]
    kind = node.get("kind") if isinstance(node, dict) else None
    for m in models:
        field = m.model_fields.get("kind")
        if field is not None and kind in get_args(field.annotation):
            return m
    return None


def fell_back(loaded: Loaded, cv: CV) -> list[tuple[PathKey, str]]:
    """Where a field written in several languages had no text in `cv`'s language, with
    the language whose text was printed instead: the paths of those maps in the data."""
    found: list[tuple[PathKey, str]] = []

    def walk(node: Any, path: PathKey) -> None:
        if isinstance(node, dict):
            if id(node) in cv.fell_back:
                found.append((path, cv.fell_back[id(node)]))
                return
            for key, value in node.items():
                walk(value, (*path, key))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, (*path, i))

    walk(loaded.data, ())
    return found
