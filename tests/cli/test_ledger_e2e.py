"""The ledger end to end: real TeX, real git, the command line as a user runs it.

Each test makes a git repository of its own in a temporary folder, with the default data
(the round trip) or a starter CV, and runs `python -m build_cv` there with a private cache
and a private TMPDIR, so that what `resend` leaves behind (a work tree, a folder) shows.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT
from tests.processes import wait_for_tex

pytestmark = pytest.mark.tex

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_CONFIG_NOSYSTEM": "1",
}


class Repo:
    def __init__(self, root: Path, tmp: Path) -> None:
        self.root = root
        self.tmp = tmp  # the commands' TMPDIR: resend's work tree is made there
        self.env = {
            **os.environ,
            **GIT_ENV,
            "XDG_CACHE_HOME": str(tmp.parent / "cache"),
            "TMPDIR": str(tmp),
            "PYTHONPATH": str(ROOT),
        }
        self.env.pop("SOURCE_DATE_EPOCH", None)

    def git(self, *args: str) -> str:
        proc = subprocess.run(
            ["git", *args], cwd=self.root, env=self.env, capture_output=True, text=True
        )
        assert proc.returncode == 0, proc.stderr
        return proc.stdout.strip()

    def commit(self, message: str = "data") -> str:
        self.git("add", "-A", "data")
        self.git("commit", "-qm", message)
        return self.git("rev-parse", "HEAD")

    def cv(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "build_cv", *args],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    def popen(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "build_cv", *args],
            cwd=self.root,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def submit(self, *args: str) -> dict[str, object]:
        proc = self.cv("submit", *args)
        assert proc.returncode == 0, proc.stderr
        return self.records()[-1]

    def records(self) -> list[dict[str, object]]:
        text = (self.root / "data" / "submissions.yaml").read_text(encoding="utf-8")
        records = yaml.safe_load(text)
        assert isinstance(records, list)
        return records

    def worktrees(self) -> list[str]:
        return [
            line
            for line in self.git("worktree", "list", "--porcelain").splitlines()
            if line.startswith("worktree ")
        ]

    def left_behind(self) -> list[Path]:
        return [*self.tmp.iterdir()]


def _repo(tmp_path: Path, default: bool) -> Repo:
    root = tmp_path / "cvs"
    (root / "data").mkdir(parents=True)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    repo = Repo(root, tmp)
    repo.git("init", "-q")
    if default:
        for name in ("cv.yaml", "publications.bib"):
            shutil.copyfile(ROOT / "data" / name, root / "data" / name)
    else:
        proc = repo.cv("new", "Ada Lovelace", "-o", "data/cv.yaml")
        assert proc.returncode == 0, proc.stderr
        text = (root / "data" / "cv.yaml").read_text(encoding="utf-8")
        # a fixed date: the PDF's date comes from `updated`, and `new` writes today's
        text = text.replace(text.split("updated: ", 1)[1].split()[0], "2024-06-15", 1)
        (root / "data" / "cv.yaml").write_text(text, encoding="utf-8")
    repo.commit("the CV")
    return repo


@pytest.fixture
def default_repo(tmp_path: Path) -> Repo:
    return _repo(tmp_path, default=True)


@pytest.fixture
def starter_repo(tmp_path: Path) -> Repo:
    return _repo(tmp_path, default=False)


def test_submit_list_resend_gives_the_same_sha256_from_a_worktree(default_repo: Repo) -> None:
    """The default data, built again from its commit in another folder, is the same PDF
    byte for byte: no path, font location or clock leaks into it."""
    repo = default_repo
    head = repo.git("rev-parse", "HEAD")
    record = repo.submit("--to", "MIT EECS: faculty search", "--variant", "short", "--note", "v1")
    pdf = (repo.root / "out" / "cv-short.pdf").read_bytes()
    sha = hashlib.sha256(pdf).hexdigest()
    assert record["sha256"] == sha and record["commit"] == head and record["committed"] is True
    assert (record["to"], record["variant"], record["note"]) == (
        "MIT EECS: faculty search",
        "short",
        "v1",
    )
    ident = str(record["id"])
    copy = repo.root / "data" / "submissions" / f"{ident}.pdf"
    assert copy.read_bytes() == pdf

    listed = repo.cv("submissions")
    assert listed.returncode == 0, listed.stderr
    (line,) = listed.stdout.splitlines()
    assert line.split()[:2] == [ident, str(record["date"])]
    assert "MIT EECS: faculty search" in line and line.split()[-2:] == ["short", sha[:12]]

    resent = repo.cv("resend", ident[:5])
    assert resent.returncode == 0, resent.stderr
    assert resent.stdout.splitlines()[0].startswith(f"{sha}  rebuilt from {head[:12]}")
    assert "Same sha256" in resent.stdout
    assert len(repo.worktrees()) == 1 and repo.left_behind() == []


def test_submissions_json_lists_every_record(starter_repo: Repo) -> None:
    first = starter_repo.submit("--to", "ETH")
    second = starter_repo.submit("--to", "EPFL", "--variant", "short")
    again = starter_repo.cv("submit", "--to", "ETH, again")  # answered by the cache
    assert "Nothing changed since the last build" in again.stdout
    third = starter_repo.records()[-1]
    assert (third["sha256"], third["data_sha256"]) == (first["sha256"], first["data_sha256"])
    proc = starter_repo.cv("submissions", "--json")
    listed = json.loads(proc.stdout)
    assert [r["id"] for r in listed] == [first["id"], second["id"], third["id"]]
    assert listed[0]["variant"] is None and listed[1]["variant"] == "short"
    assert listed[0]["file"] == f"data/submissions/{first['id']}.pdf"


def test_uncommitted_data_is_recorded_as_such_and_refused_by_resend(starter_repo: Repo) -> None:
    repo = starter_repo
    cv = repo.root / "data" / "cv.yaml"
    cv.write_text(cv.read_text(encoding="utf-8").replace("Example Lab", "Other Lab"), "utf-8")
    proc = repo.cv("submit", "--to", "Oxford")
    assert proc.returncode == 0, proc.stderr
    assert "data/cv.yaml differs from commit" in proc.stderr
    record = repo.records()[-1]
    assert record["committed"] is False
    resent = repo.cv("resend", str(record["id"]))
    assert resent.returncode == 2
    assert f"submission {record['id']} was built from data not committed" in resent.stderr
    assert "Traceback" not in resent.stderr and repo.left_behind() == []


def test_a_commit_that_no_longer_exists_is_named(starter_repo: Repo) -> None:
    repo = starter_repo
    record = repo.submit("--to", "Cambridge")
    cv = repo.root / "data" / "cv.yaml"
    cv.write_text(cv.read_text(encoding="utf-8").replace("Example Lab", "Other Lab"), "utf-8")
    repo.git("commit", "-qa", "--amend", "-m", "rewritten")  # the commit sent is gone...
    repo.git("reflog", "expire", "--expire=now", "--all")
    repo.git("gc", "-q", "--prune=now")  # ...for good
    resent = repo.cv("resend", str(record["id"]))
    assert resent.returncode == 2
    assert f"commit {str(record['commit'])[:12]} no longer exists" in resent.stderr
    assert "Traceback" not in resent.stderr and len(repo.worktrees()) == 1


def test_a_different_pdf_fails_resend_with_both_hashes(starter_repo: Repo) -> None:
    """The record says another sha256 (edited by hand, or another TeX made it): exit 1."""
    repo = starter_repo
    record = repo.submit("--to", "Yale")
    ledger = repo.root / "data" / "submissions.yaml"
    sha = str(record["sha256"])
    ledger.write_text(ledger.read_text(encoding="utf-8").replace(sha, "ab" * 32), "utf-8")
    resent = repo.cv("resend", str(record["id"]))
    assert resent.returncode == 1
    assert resent.stdout.startswith(sha) and f"was {'ab' * 32}: not the same PDF" in resent.stderr


def test_a_corrupt_ledger_is_reported_and_never_rewritten(starter_repo: Repo) -> None:
    repo = starter_repo
    repo.submit("--to", "Harvard")
    ledger = repo.root / "data" / "submissions.yaml"
    broken = ledger.read_text(encoding="utf-8").replace("committed: true", "committed: maybe")
    ledger.write_text(broken, encoding="utf-8")
    line = broken.splitlines().index("  committed: maybe") + 1
    for command in (["submissions"], ["submit", "--to", "Princeton"], ["resend", "abcd"]):
        proc = repo.cv(*command)
        assert proc.returncode == 2, (command, proc.stderr)
        assert f"data/submissions.yaml:{line}:3: [0].committed: must be true or false" in (
            proc.stderr
        )
        assert "Traceback" not in proc.stderr
        assert ledger.read_text(encoding="utf-8") == broken
    assert (
        not (repo.root / "out").exists()
        or len(list((repo.root / "data" / "submissions").glob("*.pdf"))) == 1
    )


def test_diff_shows_what_changed_between_two_pdfs_sent(starter_repo: Repo) -> None:
    repo = starter_repo
    first = repo.submit("--to", "MIT")
    cv = repo.root / "data" / "cv.yaml"
    cv.write_text(cv.read_text(encoding="utf-8").replace("Example Lab", "Lovelace Lab"), "utf-8")
    repo.commit("moved labs")
    second = repo.submit("--to", "MIT, again")
    proc = repo.cv("diff", str(first["id"]), str(second["id"]))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith(f"--- {first['id']} (") and lines[1].startswith(
        f"+++ {second['id']}"
    )
    removed = [x for x in lines if x.startswith("-") and "Example Lab" in x]
    added = [x for x in lines if x.startswith("+") and "Lovelace Lab" in x]
    assert removed and added, proc.stdout
    same = repo.cv("diff", str(first["id"]), str(first["id"]))
    assert "are the same PDF" in same.stdout


def test_sigint_during_resend_removes_the_worktree(starter_repo: Repo) -> None:
    repo = starter_repo
    record = repo.submit("--to", "Caltech")
    shutil.rmtree(repo.root / "out")
    resend = repo.popen("resend", str(record["id"]))
    try:
        tex = wait_for_tex(resend)
        assert len(repo.worktrees()) == 2  # the build runs in the temporary work tree
        resend.send_signal(signal.SIGINT)
        _, stderr = resend.communicate(timeout=60)
    finally:
        if resend.poll() is None:
            resend.kill()
    assert resend.returncode == 128 + signal.SIGINT, stderr
    assert "Traceback" not in stderr
    assert tex.gone()
    assert len(repo.worktrees()) == 1 and repo.left_behind() == []


def test_a_packet_is_submitted_and_resent_with_the_same_sha256(starter_repo: Repo) -> None:
    """`submit --packet`: the joined PDF is what is recorded and kept; its letter is part
    of the data's hash; `resend` joins it again from the commit, byte for byte."""
    repo = starter_repo
    made = repo.cv("build", "data/cv.yaml", "--out", str(repo.tmp.parent / "letter"))
    assert made.returncode == 0, made.stderr
    letter = repo.root / "data" / "letter.pdf"
    letter.write_bytes((repo.tmp.parent / "letter" / "cv.pdf").read_bytes())
    data = repo.root / "data" / "cv.yaml"
    cv = yaml.safe_load(data.read_text(encoding="utf-8"))
    cv["packets"] = {
        "faculty": {"parts": [{"file": "letter.pdf", "title": "Cover letter"}, {"variant": "full"}]}
    }
    data.write_text(yaml.safe_dump(cv, allow_unicode=True, sort_keys=False), encoding="utf-8")
    head = repo.commit("a packet")
    record = repo.submit("--to", "Interfolio", "--packet", "faculty")
    assert (record["packet"], record["variant"], record["commit"]) == ("faculty", None, head)
    joined = repo.root / "out" / "cv-packet-faculty.pdf"
    sha = hashlib.sha256(joined.read_bytes()).hexdigest()
    assert record["sha256"] == sha
    copy = repo.root / "data" / "submissions" / f"{record['id']}.pdf"
    assert copy.read_bytes() == joined.read_bytes()

    resent = repo.cv("resend", str(record["id"]))
    assert resent.returncode == 0, resent.stderr
    assert resent.stdout.splitlines()[-2].startswith(f"{sha}  rebuilt from {head[:12]}")
    assert "Same sha256" in resent.stdout
    assert len(repo.worktrees()) == 1 and repo.left_behind() == []

    letter.write_bytes(copy.read_bytes())  # another letter: the data's hash follows it
    repo.commit("another letter")
    again = repo.submit("--to", "Interfolio", "--packet", "faculty")
    assert again["data_sha256"] != record["data_sha256"]
