"""Rotating the API key the stack connects with: the very next preview and up use the new one."""

from __future__ import annotations

import pytest

from tests.support.looker import CREDENTIALS
from tests.support.stack import replace_connection_key

pytestmark = pytest.mark.e2e


@pytest.fixture
def rotated(dev, looker):
    """The stack was deployed with the admin's key 1; a new admin key replaces it in the
    stack's config and environment, and key 1 is deleted in Looker."""
    dev.set_config({CREDENTIALS: [{"name": "bot", "userId": "2", "purpose": "CI"}]})
    dev.up()
    return replace_connection_key(dev, looker)


def test_the_next_preview_and_up_use_the_new_key(dev, looker, rotated) -> None:
    looker.control.clear_requests()
    dev.preview("--expect-no-changes")
    dev.up()
    logins = [r for r in looker.control.requests() if r["path"].endswith("/login")]
    # The preview, then up's preview and its update: never the deleted key.
    assert [r["status"] for r in logins] == [200, 200, 200]


def test_a_wrong_new_secret_is_caught_at_once(dev, looker, rotated) -> None:
    dev.env["LOOKERSDK_CLIENT_SECRET"] = "not-the-secret"
    result = dev.preview(ok=False)
    assert result.returncode != 0
    text = result.stdout + result.stderr
    assert "the client id or secret is wrong" in text
    assert "client_secret from environment variable LOOKERSDK_CLIENT_SECRET" in text
    assert "not-the-secret" not in text


def test_without_running_the_program_the_refresh_says_why_it_fails(dev, rotated) -> None:
    dev.env.pop("PULUMI_RUN_PROGRAM")
    result = dev.preview(ok=False)
    assert result.returncode != 0
    assert "without PULUMI_RUN_PROGRAM=true a refresh uses the settings of the last" in (
        result.stdout + result.stderr
    )
