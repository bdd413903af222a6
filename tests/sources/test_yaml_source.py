from __future__ import annotations

from pathlib import Path

import pytest

from build_cv.errors import InputError, YamlSyntaxError
from build_cv.sources.yaml_source import load_yaml, load_yaml_text


def test_positions_of_keys_and_items_are_one_based() -> None:
    loaded = load_yaml_text("a: 1\nb:\n  - x\n  - y: 2\n", Path("f.yaml"))
    assert loaded.data == {"a": 1, "b": ["x", {"y": 2}]}
    assert loaded.positions[("a",)] == (1, 1)
    assert loaded.positions[("b", 1)] == (4, 5)
    assert loaded.positions[("b", 1, "y")] == (4, 5)


def test_locate_falls_back_to_the_deepest_existing_parent() -> None:
    loaded = load_yaml_text("person:\n  name: A\n", Path("f.yaml"))
    loc = loaded.locate(("person", "email"))
    assert (loc.line, loc.field) == (1, "person.email")
    assert str(loc) == "f.yaml:1:1"


def test_syntax_error_has_line_column_and_caret() -> None:
    with pytest.raises(YamlSyntaxError) as info:
        load_yaml_text("a: 1\nb: [unclosed\nc: 3\n", Path("f.yaml"))
    text = info.value.render()
    assert text.startswith("f.yaml:3:")
    assert "^" in text.splitlines()[-1]
    assert info.value.exit_code == 2


def test_duplicate_keys_are_an_error_not_a_silent_overwrite() -> None:
    with pytest.raises(YamlSyntaxError, match="duplicate key 'a'") as info:
        load_yaml_text("a: 1\nb: 2\na: 3\n", Path("f.yaml"))
    assert info.value.location.line == 3


def test_tab_indentation_is_reported_with_its_line() -> None:
    with pytest.raises(YamlSyntaxError) as info:
        load_yaml_text("a:\n\t- b\n", Path("f.yaml"))
    assert info.value.location.line == 2


def test_python_tags_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "evil.yaml"
    path.write_text("a: !!python/object/apply:os.system ['true']\n")
    with pytest.raises(YamlSyntaxError, match="not allowed"):
        load_yaml(path)


def test_missing_empty_and_binary_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_yaml(tmp_path / "nope.yaml")
    (tmp_path / "empty.yaml").write_text("")
    with pytest.raises(InputError, match="empty"):
        load_yaml(tmp_path / "empty.yaml")
    (tmp_path / "bin.yaml").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(InputError, match="not UTF-8"):
        load_yaml(tmp_path / "bin.yaml")
