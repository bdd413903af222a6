"""The GitHub workflow, read as GitHub reads it (it cannot run here): a least-privilege
token, one run per pull request, and the Debian packages kept between runs."""

from __future__ import annotations

from typing import Any

import yaml

from tests.conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "cv.yml"


def workflow() -> dict[Any, Any]:
    loaded = yaml.safe_load(WORKFLOW.read_text("utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def steps() -> list[dict[str, Any]]:
    return list(workflow()["jobs"]["build"]["steps"])


def test_the_token_may_only_read() -> None:
    assert workflow()["permissions"] == {"contents": "read"}
    assert all("permissions" not in job for job in workflow()["jobs"].values())


def test_a_pull_request_is_built_once() -> None:
    """YAML 1.1 reads the key `on` as True."""
    triggers = workflow()[True]
    assert "pull_request" in triggers
    assert triggers["push"] == {"branches": ["main"]}  # not the branches of pull requests


def test_the_debian_packages_are_cached_before_anything_is_installed() -> None:
    all_steps = steps()
    runs = [str(s.get("run", "")) for s in all_steps]
    cache = next(
        i for i, s in enumerate(all_steps) if str(s.get("uses", "")).startswith("actions/cache@")
    )
    install = next(i for i, r in enumerate(runs) if "scripts/install-tex.sh" in r)
    assert cache < install
    given = all_steps[cache]["with"]
    assert given["path"].startswith("/var/cache/apt/archives")
    assert "hashFiles('scripts/install-*.sh')" in given["key"]
    keep = next(i for i, r in enumerate(runs) if "Keep-Downloaded-Packages" in r)
    assert keep < cache and "docker-clean" in runs[keep]  # else Debian's image deletes them
    for script in ("install-chromium.sh", "install-sitegen.sh"):
        assert script in runs[install]
