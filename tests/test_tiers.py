"""The test tiers: a fixture's `needs` marks every test that uses it, however indirectly,
before `-m` chooses, so `make quick` can leave out whatever runs TeX (README, Development).

The fixture here only pretends to run TeX: what is under test is the marker alone."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT, needs


@pytest.fixture
@needs("tex")
def pretends_to_run_tex() -> str:
    return "no TeX runs here"


@pytest.fixture
def through_another(pretends_to_run_tex: str) -> str:
    return pretends_to_run_tex


def test_a_fixture_that_needs_tex_marks_its_test(
    pretends_to_run_tex: str, request: pytest.FixtureRequest
) -> None:
    assert request.node.get_closest_marker("tex") is not None


def test_the_mark_reaches_a_test_through_another_fixture(
    through_another: str, request: pytest.FixtureRequest
) -> None:
    assert request.node.get_closest_marker("tex") is not None


def test_a_test_without_such_a_fixture_is_not_marked(request: pytest.FixtureRequest) -> None:
    assert request.node.get_closest_marker("tex") is None


@pytest.mark.slow
def test_the_quick_tier_leaves_out_the_tests_marked_by_a_fixture() -> None:
    """`-m` must see the marks the fixtures add: deselection runs after the hook."""
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-m", "not tex", __file__],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    collected = [line.split("::")[1] for line in done.stdout.splitlines() if "::" in line]
    assert collected == [
        "test_a_test_without_such_a_fixture_is_not_marked",
        "test_the_quick_tier_leaves_out_the_tests_marked_by_a_fixture",
    ], done.stdout + done.stderr
