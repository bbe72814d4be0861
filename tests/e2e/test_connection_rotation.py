"""Rotating the API key the stack connects with: the very next preview and up use the new one."""

from __future__ import annotations

import pytest

from tests.support.looker import CREDENTIALS
from tests.support.stack import replace_connection_key

pytestmark = pytest.mark.e2e


def test_after_the_connections_key_is_rotated_the_next_preview_and_up_use_the_new_one(
    dev, looker
) -> None:
    """The stack was deployed with the admin's key 1; a new admin key replaces it in the
    stack's config and environment, and key 1 is deleted in Looker. A wrong new secret is
    caught at once; without PULUMI_RUN_PROGRAM the refresh says why it fails; with both right,
    the next preview and up log in with the new key."""
    dev.set_config({CREDENTIALS: [{"name": "bot", "userId": "2", "purpose": "CI"}]})
    dev.up()
    new = replace_connection_key(dev, looker)

    dev.env["LOOKERSDK_CLIENT_SECRET"] = "not-the-secret"
    result = dev.preview(ok=False)
    assert result.returncode != 0, "a wrong new secret fails the preview"
    text = result.stdout + result.stderr
    assert "the client id or secret is wrong" in text
    assert "client_secret from environment variable LOOKERSDK_CLIENT_SECRET" in text
    assert "not-the-secret" not in text
    dev.env["LOOKERSDK_CLIENT_SECRET"] = new.client_secret or ""

    run_program = dev.env.pop("PULUMI_RUN_PROGRAM")
    result = dev.preview(ok=False)
    assert result.returncode != 0, "without running the program the refresh fails"
    assert "without PULUMI_RUN_PROGRAM=true a refresh uses the settings of the last" in (
        result.stdout + result.stderr
    )
    dev.env["PULUMI_RUN_PROGRAM"] = run_program

    looker.control.clear_requests()
    dev.preview("--expect-no-changes")
    dev.up(preview=True)
    logins = [r for r in looker.control.requests() if r["path"].endswith("/login")]
    # The preview, then up's preview and its update: never the deleted key.
    assert [r["status"] for r in logins] == [200, 200, 200]
