"""Stored cache entries are trusted no further than they check out (no TeX needed)."""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from build_cv.pipeline import cache

PDF = b"%PDF-1.5 stored"
NAMES = cache.own_names("cv", ("pdf",))


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def stored(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A real entry made by `store`, for a CV whose input is unchanged: (root, out, input)."""
    root, out = tmp_path / "builds", tmp_path / "out"
    root.mkdir()
    out.mkdir()
    data = tmp_path / "cv.yaml"
    data.write_text("person: {}\n")
    (out / "cv.pdf").write_bytes(PDF)
    (out / "cv.tex").write_text("tex")
    read = {data.resolve(): sha(data.read_bytes())}
    cache.store(root, "key", read, [out / "cv.pdf", out / "cv.tex"], "said\n", "")
    return root, out, data


def manifest(root: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((root / "key" / "manifest.json").read_text())
    return loaded


def test_an_intact_entry_replays_the_files_it_stored(stored: tuple[Path, Path, Path]) -> None:
    root, out, _ = stored
    (out / "cv.pdf").unlink()
    found = cache.lookup(root, "key", out, NAMES)
    assert found.hit is not None and not found.note
    found.hit.replay()
    assert (out / "cv.pdf").read_bytes() == PDF
    assert found.hit.stdout == "said\n"


def test_a_changed_input_is_a_plain_miss(stored: tuple[Path, Path, Path]) -> None:
    root, out, data = stored
    data.write_text("person: {name: x}\n")
    found = cache.lookup(root, "key", out, NAMES)
    assert found.hit is None and not found.note
    assert (root / "key").is_dir()  # not damaged: a later revert can still use it


MALFORMED = [
    "",
    "not json",
    "[]",
    '"text"',
    "null",
    "[" * 100_000,
    '{"version": "2"}',
    '{"version": "1", "inputs": {}, "files": {}}',
    '{"version": "2", "inputs": [1, 2], "files": {}, "stdout": "", "stderr": ""}',
    '{"version": "2", "inputs": {"cv.yaml": "x"}, "files": {}, "stdout": "", "stderr": ""}',
]


@pytest.mark.parametrize("text", MALFORMED)
def test_a_malformed_manifest_is_a_miss_with_a_note(
    stored: tuple[Path, Path, Path], text: str
) -> None:
    root, out, _ = stored
    (root / "key" / "manifest.json").write_text(text)
    found = cache.lookup(root, "key", out, NAMES)
    assert found.hit is None
    assert "damaged" in found.note
    assert not (root / "key").exists()  # discarded


def edit(root: Path, change: Any) -> None:
    m = manifest(root)
    change(m)
    (root / "key" / "manifest.json").write_text(json.dumps(m))


EDITS = {
    "a file with no hash": lambda m: m["files"]["cv.pdf"].pop("sha256"),
    "a wrong hash": lambda m: m["files"]["cv.pdf"].update(sha256="0" * 64),
    "a blob outside the entry": lambda m: m["files"]["cv.pdf"].update(blob="../../x.pdf"),
    "a name outside the out folder": lambda m: m["files"].update(
        {"../evil.pdf": m["files"].pop("cv.pdf")}
    ),
    "another file's name": lambda m: m["files"].update({".bashrc": m["files"].pop("cv.pdf")}),
    "another CV's name": lambda m: m["files"].update({"other.pdf": m["files"].pop("cv.pdf")}),
    "an input given as a list": lambda m: m.update(inputs=list(m["inputs"])),
    "an input that is not a hash": lambda m: m["inputs"].update({k: 1 for k in list(m["inputs"])}),
    "no transcript": lambda m: m.pop("stdout"),
    "files as a list": lambda m: m.update(files=[["cv.pdf", "0.pdf"]]),
}


@pytest.mark.parametrize("damage", list(EDITS))
def test_an_edited_manifest_is_discarded(stored: tuple[Path, Path, Path], damage: str) -> None:
    root, out, _ = stored
    edit(root, EDITS[damage])
    found = cache.lookup(root, "key", out, NAMES)
    assert found.hit is None and "damaged" in found.note
    assert not (root / "key").exists()
    assert sorted(p.name for p in out.parent.iterdir()) == ["builds", "cv.yaml", "out"]


@pytest.mark.parametrize("cut", [0, 5])
def test_a_truncated_or_missing_copy_is_discarded(
    stored: tuple[Path, Path, Path], cut: int
) -> None:
    root, out, _ = stored
    blob = root / "key" / manifest(root)["files"]["cv.pdf"]["blob"]
    if cut:
        blob.write_bytes(PDF[:cut])
    else:
        blob.unlink()
    found = cache.lookup(root, "key", out, NAMES)
    assert found.hit is None and "cv.pdf" in found.note


@pytest.mark.parametrize(
    ("stem", "formats", "name", "ok"),
    [
        ("cv", ("pdf",), "cv.pdf", True),
        ("cv", ("pdf",), "cv.tex", True),
        ("cv", ("pdf",), "cv-short.pdf", True),
        ("cv", ("pdf",), "cv.html", False),
        ("cv", ("pdf",), "cv.failed.pdf", False),
        ("cv", ("png",), "cv.page-3.png", True),
        ("cv", ("png",), "cv-public.png", True),
        ("cv", ("png",), "cv.tex", False),
        ("my.cv", ("md",), "my.cv.md", True),
        ("my.cv", ("md",), "myxcv.md", False),
        ("cv", ("pdf",), "../cv.pdf", False),
        ("cv", ("pdf",), "cv/x.pdf", False),
        ("cv", ("pdf",), "cv-../x.pdf", False),
    ],
)
def test_a_replay_may_write_only_the_targets_own_names(
    stem: str, formats: tuple[str, ...], name: str, ok: bool
) -> None:
    assert bool(cache.own_names(stem, formats).fullmatch(name)) is ok


@pytest.mark.parametrize("what", ["input", "manifest", "blob"])
@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_an_entry_naming_a_fifo_or_a_device_costs_a_miss_not_a_hang(
    stored: tuple[Path, Path, Path], tmp_path: Path, what: str, kind: str
) -> None:
    """Edited to name /dev/zero or a FIFO, an entry must not fill memory or wait forever."""
    root, out, _ = stored
    special = Path("/dev/zero") if kind == "device" else tmp_path / "fifo"
    if kind == "fifo":
        os.mkfifo(special)
    if what == "input":
        edit(root, lambda m: m.update(inputs={str(special): "0" * 64}))
    else:
        name = "manifest.json" if what == "manifest" else manifest(root)["files"]["cv.pdf"]["blob"]
        (root / "key" / name).unlink()
        (root / "key" / name).symlink_to(special)
    started = time.monotonic()
    found = cache.lookup(root, "key", out, NAMES)
    assert time.monotonic() - started < 5
    assert found.hit is None
    assert ("damaged" in found.note) == (what != "input")  # a changed input: a plain miss


def test_remembered_heads_are_pruned_with_the_entries(tmp_path: Path) -> None:
    root = tmp_path / "builds"
    (root / ".heads").mkdir(parents=True)
    for i in range(cache.MAX_ENTRIES + 5):
        head = root / ".heads" / f"{i}.json"
        head.write_text("{}")
        os.utime(head, (i, i))
    cache._prune(root)
    kept = sorted(int(p.stem) for p in (root / ".heads").iterdir())
    assert kept == list(range(5, cache.MAX_ENTRIES + 5))  # the most recent ones


def test_a_replay_removes_the_page_images_its_build_did_not_make(tmp_path: Path) -> None:
    """`--pages all` of a 5-page CV, then a replayed `--pages 1` (or a shorter CV's stored
    build): pages 2 to 5 of the other build must go, as a cold build removes them, or a
    site that globs cv*.png shows pages of another version of the CV."""
    root, out = tmp_path / "builds", tmp_path / "out"
    root.mkdir()
    out.mkdir()
    data = tmp_path / "cv.yaml"
    data.write_text("person: {}\n")
    (out / "cv.png").write_bytes(b"page one")
    cache.store(root, "key", {data: sha(data.read_bytes())}, [out / "cv.png"], "", "")
    stale = [out / f"cv.page-{n}.png" for n in (2, 3)]
    for path in stale:
        path.write_bytes(b"an older page")
    kept = [out / "cv-public.page-2.png", out / "cv.page-x.png", out / "notes.png"]
    for path in kept:
        path.write_bytes(b"not this build's")
    found = cache.lookup(root, "key", out, cache.own_names("cv", ("png",)))
    assert found.hit is not None
    found.hit.replay()
    assert not any(path.exists() for path in stale)
    assert all(path.exists() for path in kept)


def test_no_entry_is_kept_in_a_cache_folder_inside_the_out_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """HOME (or XDG_CACHE_HOME) inside the folder that gets published, as in a CI job
    that builds into its own workspace: the full CV's stored copy, with the phone the
    public variant hides, must not be kept there."""
    from build_cv.cli.main import main

    site = tmp_path / "site"
    monkeypatch.setenv("XDG_CACHE_HOME", str(site / ".cache"))
    data = tmp_path / "cv.yaml"
    data.write_text(
        "person: {name: Ada Lovelace, email: ada@example.org, phone: +49 30 1234567}\n"
        "updated: 2024-06-15\nvariants: {public: {hide: [person.phone]}}\n",
        encoding="utf-8",
    )
    assert main(["build", str(data), "--out", str(site), "--format", "txt"]) == 0
    (site / "cv.txt").unlink()
    assert (
        main(["build", str(data), "--out", str(site), "--format", "txt", "--variant", "public"])
        == 0
    )
    for path in site.rglob("*"):
        assert not path.is_file() or b"1234567" not in path.read_bytes(), path
    assert "inside the output folder" in capsys.readouterr().err
