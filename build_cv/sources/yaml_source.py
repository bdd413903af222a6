"""Load YAML while keeping where every value came from.

Validation errors and TeX errors must point at `file:line`, so the loader composes the YAML
node graph itself (safe tags only) and records the position of every mapping key and
sequence item under its path, e.g. ("sections", 2, "entries", 0, "start").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from build_cv.errors import (
    InputError,
    Location,
    Origin,
    PathKey,
    YamlSyntaxError,
    format_path,
    quoted,
    shorten,
)
from build_cv.sources.text import MAX_YAML_BYTES, decode_text, read_input, record_read

_PLAIN_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
_MERGE = "tag:yaml.org,2002:merge"
MAX_VALUES = 100_000


@dataclass(frozen=True)
class Loaded:
    """Plain Python data plus a map from each value's path to its (line, column), 1-based.

    `read` holds every file the load read (the YAML, then each .bib), by resolved path,
    with the sha256 of the very bytes it parsed: the build cache keys a build on what it
    read, never on what the file holds by the time the build ends.
    """

    path: Path
    data: Any
    positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    read: dict[Path, str] = field(default_factory=dict)

    def locate(self, path: PathKey) -> Location:
        """Where the deepest existing prefix of `path` is (a missing key points at its parent)."""
        for end in range(len(path), -1, -1):
            pos = self.positions.get(tuple(path[:end]))
            if pos is not None:
                return Location(self.path, pos[0], pos[1], format_path(path))
        return Location(self.path, None, None, format_path(path))

    def origin(self, path: PathKey) -> Origin:
        loc = self.locate(path)
        return Origin(self.path, path, loc.line, loc.column)


class _Builder:
    """Turns composed nodes into Python objects, recording positions as it goes."""

    def __init__(self) -> None:
        self.positions: dict[PathKey, tuple[int, int]] = {}
        self._constructor = yaml.SafeLoader("")
        self._count = 0
        self._open: set[int] = set()

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        self.positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        self._count += 1
        if self._count > MAX_VALUES:
            raise _KeyProblem(node, f"the data expands to over {MAX_VALUES} values (YAML aliases?)")
        if not isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            return self._scalar(node)
        if node.tag not in _PLAIN_TAGS:
            raise _KeyProblem(node, f"the tag {node.tag} is not allowed in CV data")
        if id(node) in self._open:
            raise _KeyProblem(node, "an alias refers to a value that contains it")
        self._open.add(id(node))
        try:
            return self._collection(node, path)
        finally:
            self._open.discard(id(node))

    def _collection(self, node: yaml.MappingNode | yaml.SequenceNode, path: PathKey) -> Any:
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key, (key_node, value_node) in self._pairs(node).items():
                child = (*path, key if isinstance(key, str | int) else str(key))
                self.positions[child] = (
                    key_node.start_mark.line + 1,
                    key_node.start_mark.column + 1,
                )
                result[key] = self.build(value_node, child)
            return result
        return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]

    def _pairs(self, node: yaml.MappingNode) -> dict[Any, tuple[yaml.Node, yaml.Node]]:
        """The mapping's keys with YAML's merge semantics: a key written in the mapping
        overrides a merged one, and of merged mappings the earlier wins (`<<: [*a, *b]`)."""
        merged: dict[Any, tuple[yaml.Node, yaml.Node]] = {}
        own: dict[Any, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                for source in _merge_sources(value_node):
                    if id(source) in self._open:
                        raise _KeyProblem(source, "an alias refers to a value that contains it")
                    self._open.add(id(source))
                    try:
                        for key, pair in self._pairs(source).items():
                            merged.setdefault(key, pair)
                    finally:
                        self._open.discard(id(source))
                continue
            key = self._scalar(key_node)
            if not isinstance(key, str | int | float | bool) and key is not None:
                raise _KeyProblem(key_node, "a mapping key must be a plain value")
            if key in own:
                raise _KeyProblem(key_node, f"duplicate key {quoted(key)}")
            own[key] = (key_node, value_node)
        return {**merged, **own}

    def _scalar(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise _KeyProblem(node, "a mapping key must be a plain value")
        try:
            return self._constructor.construct_object(node, deep=True)
        except (ValueError, TypeError, OverflowError) as exc:
            raise _KeyProblem(
                node, f"{quoted(node.value)} is not a valid {_tag_name(node)}: {shorten(str(exc))}"
            ) from None


def _merge_sources(node: yaml.Node) -> list[yaml.MappingNode]:
    items = node.value if isinstance(node, yaml.SequenceNode) else [node]
    if not all(isinstance(item, yaml.MappingNode) for item in items):
        raise _KeyProblem(node, "`<<` merges a mapping or a list of mappings")
    return list(items)


def _tag_name(node: yaml.Node) -> str:
    return str(node.tag).rsplit(":", 1)[-1]


class _KeyProblem(Exception):
    def __init__(self, node: yaml.Node, message: str) -> None:
        super().__init__(message)
        self.node = node
        self.message = message


def load_yaml(path: Path, *, speedups: bool = True) -> Loaded:
    data = read_input(path, "the CV's YAML file", MAX_YAML_BYTES)
    loaded = load_yaml_text(decode_text(data, path, "YAML"), path, speedups=speedups)
    record_read(loaded.read, path, data)
    return loaded


def load_yaml_text(text: str, path: Path, *, speedups: bool = True) -> Loaded:
    """`speedups`: parse with libyaml where PyYAML has it (see `_compose`)."""
    lines = text.splitlines()
    try:
        node = _compose(text, speedups)
        if node is None:
            raise InputError(f"{path}: the file is empty")
        builder = _Builder()
        data = builder.build(node, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise _syntax_error(path, lines, mark, problem) from None
    except _KeyProblem as exc:
        raise _syntax_error(path, lines, exc.node.start_mark, exc.message) from None
    except yaml.reader.ReaderError as exc:
        raise _unacceptable(path, text, exc) from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: YAML error: {shorten(str(exc), 300)}") from None
    except RecursionError:
        raise InputError(f"{path}: the YAML is nested too deeply") from None
    return Loaded(path=path, data=data, positions=builder.positions)


def _compose(text: str, speedups: bool = True) -> yaml.Node | None:
    """The document's nodes, from libyaml when PyYAML has it (twenty times as fast as
    the Python parser) and `speedups` allow it; errors come from the Python parser,
    whose positions count characters where libyaml's count bytes."""
    fast = getattr(yaml, "CSafeLoader", None) if speedups else None
    if fast is not None:
        try:
            return yaml.compose(text, Loader=fast)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


def _unacceptable(path: Path, text: str, exc: yaml.reader.ReaderError) -> InputError:
    """A character YAML does not allow (a NUL, most control characters), located."""
    line = text.count("\n", 0, exc.position) + 1
    column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
    code = exc.character if isinstance(exc.character, int) else ord(exc.character)
    what = "a NUL byte" if code == 0 else f"the control character U+{code:04X}"
    return InputError(f"{path}:{line}:{column}: {what}, which YAML does not allow; remove it")


def _syntax_error(path: Path, lines: list[str], mark: Any, problem: str) -> YamlSyntaxError:
    line = mark.line + 1 if mark is not None else None
    column = mark.column + 1 if mark is not None else None
    source = lines[line - 1] if line is not None and 0 < line <= len(lines) else ""
    return YamlSyntaxError(Location(path, line, column), problem, source)
