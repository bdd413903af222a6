"""Predictions that let TeX start before the data is read: the epoch, and the head.

A prediction may only cost time: a build that started on a wrong guess gives the same
bytes as a cold one (the end-to-end test is in test_cache.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from build_cv.pipeline.prestart import (
    head_of,
    memories_for,
    memory_for,
    predicted_epoch,
    prestart,
    recalled_head,
    remember,
)
from build_cv.schema.model import CV
from build_cv.typeset.settings import HEAD_MARK
from tests.render import tex_for

DAY = 1718409600  # 2024-06-15


@pytest.mark.parametrize(
    ("line", "epoch"),
    [
        ("updated: 2024-06-15", DAY),
        ("updated: '2024-06-15'  # the day I last looked", DAY),
        ('updated: "2024-06-15"', DAY),
        ("updated: 2024-02-30", None),
        ("updated: 1969-12-31", None),
        ("  updated: 2024-06-15", None),  # not the top-level key
        ("updated: June 2024", None),
    ],
)
def test_the_epoch_comes_from_the_top_level_updated_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, line: str, epoch: int | None
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    data = tmp_path / "cv.yaml"
    data.write_text(f"person: {{name: Ada}}\n{line}\n", encoding="utf-8")
    assert predicted_epoch(data) == epoch


def test_source_date_epoch_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "cv.yaml"
    data.write_text("updated: 2024-06-15\n", encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1000")
    assert predicted_epoch(data) == 1000
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    assert predicted_epoch(data) is None
    assert predicted_epoch(tmp_path / "missing.yaml") is None


def test_every_document_has_one_head_mark_after_its_class_and_style() -> None:
    for style in ("classic", "banking", "casual", "oldstyle", "fancy"):
        cv = CV.model_validate(
            {
                "person": {"name": "Ada Lovelace", "email": "ada@example.org"},
                "updated": "2024-06-15",
                "design": {"style": style},
                "sections": [{"kind": "items", "title": "Notes", "entries": [{"text": "hi"}]}],
            }
        )
        tex = tex_for(cv)
        assert tex.count(HEAD_MARK) == 1
        head = head_of(tex)
        assert "\\moderncvstyle" in head and "Ada" not in head  # the design, not the data


def test_a_remembered_head_is_recalled_for_the_same_epoch_only(tmp_path: Path) -> None:
    memory = memory_for(tmp_path / "cache", "some request")
    tex = "\\documentclass{moderncv}\n" + HEAD_MARK + "\\begin{document}x\\end{document}\n"
    remember(memory, tex, DAY)
    assert recalled_head(memory, DAY) == head_of(tex)
    assert recalled_head(memory, DAY + 86400) == ""
    memory.write_text("not json", encoding="utf-8")
    assert recalled_head(memory, DAY) == ""
    remember(memory, "no mark at all", DAY)  # nothing to keep: the old file stays
    assert recalled_head(memory, DAY) == ""


def _minimal_tex() -> str:
    return tex_for(
        CV.model_validate(
            {
                "person": {"name": "Ada Lovelace", "email": "ada@example.org"},
                "updated": "2024-06-15",
                "sections": [{"kind": "items", "title": "Notes", "entries": [{"text": "hi"}]}],
            }
        )
    )


def test_no_pass_starts_early_without_a_head_for_the_epoch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    data = tmp_path / "cv.yaml"
    data.write_text("updated: 2024-06-15\n", encoding="utf-8")
    memory = memory_for(tmp_path / "cache", "some request")
    assert prestart(data, []) is None
    assert prestart(data, [memory]) is None  # no build of this command yet
    remember(memory, _minimal_tex(), DAY + 86400)
    assert prestart(data, [memory]) is None  # remembered for another epoch


def test_a_cold_build_guesses_from_this_file_then_from_the_last_build(tmp_path: Path) -> None:
    """A cold build has no command of its own to remember, but it may start on the head
    this data file had under another command, else on the installation's last."""
    root = tmp_path / "cache"
    data = tmp_path / "cv.yaml"
    cold = memories_for(root, data)
    rebuild = memories_for(root, data, "some request")
    assert rebuild[1:] == cold and rebuild[0] == memory_for(root, "some request")
    other = memories_for(root, tmp_path / "other.yaml")
    assert other[0] != cold[0] and other[-1] == cold[-1]  # the last build is shared
    assert len(set(cold + rebuild + other)) == 4


@pytest.mark.tex
def test_a_rebuild_starts_its_pass_on_the_remembered_head(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    data = tmp_path / "cv.yaml"
    data.write_text("updated: 2024-06-15\n", encoding="utf-8")
    memory = memory_for(tmp_path / "cache", "some request")
    tex = _minimal_tex()
    remember(memory, tex, DAY)
    started = prestart(data, [memory])
    assert started is not None
    try:
        assert started.head == head_of(tex) != ""
        assert started.fits(tex, DAY)
    finally:
        started.close()


def test_cold_builds_keep_only_the_newest_heads(tmp_path: Path) -> None:
    """A batch of `--no-cache` builds remembers a head per data file, and stores no cache
    entry whose pruning would remove the old ones: they are pruned on their own."""
    import os

    from build_cv.pipeline import cache

    root = tmp_path / "cache"
    tex = _minimal_tex()
    made = []
    for i in range(cache.MAX_ENTRIES + 6):
        memory = memories_for(root, tmp_path / f"person{i}.yaml")[0]
        remember(memory, tex, DAY)
        os.utime(memory, (1_000_000 + i, 1_000_000 + i))
        made.append(memory)
    cache.prune_heads(root)
    left = set((root / ".heads").glob("*.json"))
    assert left == set(made[6:])
