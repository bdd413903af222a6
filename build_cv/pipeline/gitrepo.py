"""The git repository that holds a CV's data: which commit it is at, whether the data
files are committed as they were read, and a throw-away checkout of an older commit.

The ledger (pipeline/ledger.py) can only prove what was sent if the data it was built
from can be had again: that is a commit in which every file the build read is exactly
what it read. git is run as a program (no library), with a fixed environment, so that a
user's configuration (a pager, colours, a hook) cannot change what is parsed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from build_cv.errors import BuildCVError, InputError

_TIMEOUT = 120.0  # seconds any one git command may take (a worktree of a big repository)


class GitError(BuildCVError):
    """git failed at something it should not (not a missing repository or commit)."""


def _git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "LC_ALL": "C"}
    env.pop("GIT_DIR", None)  # the repository is the one holding the data, whatever is set
    env.pop("GIT_WORK_TREE", None)
    try:
        proc = subprocess.run(
            ["git", "-C", str(repo), *args],
            capture_output=True,
            text=True,
            env=env,
            stdin=subprocess.DEVNULL,
            timeout=_TIMEOUT,
            check=False,
        )
    except FileNotFoundError:
        raise InputError("git is not installed; the ledger needs it (apt install git)") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} took over {_TIMEOUT:g} s in {repo}") from None
    if check and proc.returncode != 0:
        why = proc.stderr.strip().splitlines()
        raise GitError(f"git {args[0]} failed in {repo}: {why[-1] if why else proc.returncode}")
    return proc


def toplevel(folder: Path) -> Path | None:
    """The root of the work tree holding `folder`, or None outside any repository."""
    proc = _git(folder, "rev-parse", "--show-toplevel", check=False)
    return Path(proc.stdout.strip()) if proc.returncode == 0 and proc.stdout.strip() else None


def head(repo: Path) -> str | None:
    """The commit checked out, or None in a repository with no commit yet."""
    proc = _git(repo, "rev-parse", "--verify", "--quiet", "HEAD^{commit}", check=False)
    return proc.stdout.strip() if proc.returncode == 0 else None


def uncommitted(repo: Path, files: list[Path]) -> list[Path]:
    """Those of `files` that HEAD does not hold as they are: changed, staged, untracked,
    ignored, or outside the repository."""
    root = repo.resolve()
    inside: list[Path] = []
    outside: list[Path] = []
    for f in files:
        (inside if f.resolve().is_relative_to(root) else outside).append(f)
    if not inside:
        return outside
    paths = [os.path.relpath(f.resolve(), root) for f in inside]
    status = _git(root, "status", "--porcelain=v1", "-z", "--ignored", "--", *paths)
    dirty = {entry[3:] for entry in status.stdout.split("\0") if len(entry) > 3}
    tracked = _git(root, "ls-files", "-z", "--", *paths).stdout.split("\0")
    return outside + [
        f for f, rel in zip(inside, paths, strict=True) if rel in dirty or rel not in tracked
    ]


def has_commit(repo: Path, commit: str) -> bool:
    proc = _git(repo, "cat-file", "-e", f"{commit}^{{commit}}", check=False)
    return proc.returncode == 0


@dataclass(frozen=True)
class Checkout:
    """A detached work tree of one commit, in a temporary folder."""

    path: Path
    commit: str


@contextmanager
def checkout(repo: Path, commit: str) -> Iterator[Checkout]:
    """`commit` checked out in a temporary work tree (`git worktree add --detach`), which is
    removed on the way out however the block ends: an error, SIGINT (the command line
    turns it into an exception) or SIGTERM. The repository's own work tree and index are
    never touched."""
    temp = Path(tempfile.mkdtemp(prefix="build-cv-resend-"))
    tree = temp / "tree"
    try:
        _git(repo, "worktree", "add", "--detach", "--quiet", str(tree), commit)
        yield Checkout(tree, commit)
    finally:
        _remove(repo, tree)
        shutil.rmtree(temp, ignore_errors=True)


def _remove(repo: Path, tree: Path) -> None:
    """Unregister the work tree; if git cannot (it was half made), prune what it left."""
    try:
        if tree.exists():
            _git(repo, "worktree", "remove", "--force", str(tree), check=False)
        shutil.rmtree(tree, ignore_errors=True)
        _git(repo, "worktree", "prune", check=False)
    except BuildCVError:
        pass  # the folder is gone below; `git worktree prune` forgets it later
