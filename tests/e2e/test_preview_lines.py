"""What a refreshing preview's lines say, on both faces: no difference where there is none
(#31 items 4 and 7)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.test_plugin import example_stack
from tests.support.looker import writes
from tests.support.stack import Stack

pytestmark = pytest.mark.e2e


def refresh_diffs(output: str) -> list[str]:
    """The ``[diff: ...]`` of each refresh line of a preview."""
    return re.findall(r" refreshing .*\[diff: ([^\]]*)\]", output)


def test_a_refreshing_preview_of_the_plugin_shows_no_diff_when_nothing_changed(
    tmp_path: Path, pulumi_home: Path, looker
) -> None:
    """The YAML program leaves restoreOnDelete unset; a refresh read it as false, and each
    refreshing preview's line said ``[diff: -restoreOnDelete]`` from then on."""
    stack = example_stack(tmp_path, pulumi_home, looker, "yaml")
    stack.up()
    stack.refresh()
    looker.control.clear_requests()
    result = stack.pulumi("preview", "--refresh", "--expect-no-changes")
    assert refresh_diffs(result.stdout) == []
    assert "refreshing" in result.stdout  # the lines are there, without a diff
    assert writes(looker) == []


def test_a_refreshing_preview_of_the_python_face_shows_no_diff_when_nothing_changed(
    dev: Stack, looker
) -> None:
    policy = "looker-settings:passwordPolicy"
    dev.set_config({policy: {**dev.config[policy], "restoreOnDelete": True}})
    dev.up()
    dev.refresh()
    result = dev.pulumi("preview", "--expect-no-changes")
    assert refresh_diffs(result.stdout) == []
    dev.set_config({policy: {**dev.config[policy], "restoreOnDelete": False}})
    dev.up()
    dev.refresh()
    result = dev.pulumi("preview", "--expect-no-changes")
    assert refresh_diffs(result.stdout) == []
