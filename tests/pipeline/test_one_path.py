"""One build path: each variant is selected and viewed once for all its formats, each
warning is told once, and the options are one object whose cache key follows its fields."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import build_cv.pipeline.build as pipeline
from build_cv.cli.main import main
from build_cv.pipeline.options import BuildOptions, Limits
from tests.conftest import MINIMAL

PRIVATE: dict[str, object] = {
    **MINIMAL,
    "person": {"name": "Ada Lovelace", "email": "ada@example.org", "phone": "+44 20 7946 0000"},
    "variants": {"public": {"hide": ["person.phone", "person.email"]}},
}


def counting(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    calls: list[int] = []
    real = getattr(pipeline, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, name, counted)
    return calls


def test_a_variant_is_selected_and_viewed_once_for_all_its_formats(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    write_cv: Callable[[dict[str, object]], Path],
) -> None:
    selects, views = counting(monkeypatch, "select"), counting(monkeypatch, "build_view")
    options = BuildOptions(variant="all", formats=("html", "md", "txt", "json"))
    built = pipeline.build(write_cv(PRIVATE), tmp_path / "out", options)
    assert len(built.outcomes) == 8 and all(o.result for o in built.outcomes)
    assert (len(selects), len(views)) == (2, 2)  # the full CV and `public`, once each


def test_each_warning_is_told_once_per_build(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, write_cv: Callable[..., Path]
) -> None:
    """The summary shows the hidden email: one warning, though three formats carry it."""
    data = write_cv({**PRIVATE, "summary": "Reach me at ada@example.org."})
    args = ["build", str(data), "--out", str(tmp_path / "out"), "--variant", "public"]
    code = main([*args, "--format", "html,md,txt", "--no-cache"])
    err = capsys.readouterr().err
    assert code == 1  # the leak check refuses every output that shows it
    assert err.count("build-cv: warning:") == 1, err
    assert "person.email" in err


def test_the_cache_key_is_every_field_but_those_that_change_no_output() -> None:
    """A new option is in the key unless it says otherwise: no hand-kept list to forget."""
    key = BuildOptions().cache_key()
    names = {f.name for f in dataclasses.fields(BuildOptions)}
    assert set(key) == names - {"timeout"}
    assert key["limits"] == {"min_pages": None, "max_pages": None, "max_size_mb": None}
    changed: dict[str, Any] = {
        "variant": "short",
        "formats": ("pdf", "html"),
        "limits": Limits(max_pages=2),
        "strict": True,
        "trust_raw": True,
        "allow_outside": True,
        "front_matter": "hugo",
        "pages": None,
        "verify_reproducible": True,
    }
    for name, value in changed.items():
        other = dataclasses.replace(BuildOptions(), **{name: value})
        assert other.cache_key() != key, name
    assert dataclasses.replace(BuildOptions(), timeout=5).cache_key() == key
