"""Real Looker is not always the newest release, nor self-hosted, nor generous with 403s: the
real CLI against the emulator playing each."""

from __future__ import annotations

import pytest

from tests.support.clients import DEV_CLIENT_ID
from tests.support.looker import (
    ACCOUNTS,
    CREDENTIALS,
    POLICY,
    SESSION,
    keys_of_user,
    live_keys,
    writes,
)

pytestmark = pytest.mark.e2e


def output(result) -> str:
    return result.stdout + result.stderr


def held_keys(stack) -> set[str]:
    return {
        r["id"]
        for r in stack.export()["deployment"]["resources"]
        if r["type"].endswith("looker:ApiCredential")
    }


def test_an_older_release_refuses_newer_inputs_and_runs_the_rest(make_stack, start_looker) -> None:
    looker = start_looker(DEV_CLIENT_ID, "--looker-version", "25.10.5")
    dev = make_stack("dev", looker)
    dev.set_config(
        {
            POLICY: {"minLength": 12, "expirationEnabled": True},
            SESSION: None,
            CREDENTIALS: [{"name": "bot", "userId": "2", "purpose": "CI"}],
        }
    )
    # Each resource is tried whatever the other's fate: without --continue-on-error the engine
    # stops at the first failure, and which one comes first is the engine's scheduling.
    result = dev.up("--continue-on-error", ok=False)
    assert result.returncode != 0
    text = output(result)
    assert "runs release 25.10.5, which has no PasswordConfig expiration_enabled (Looker 26.0)" in (
        text
    )
    assert "runs release 25.10.5, which has no CredentialsApi3 purpose (Looker 25.14)" in text
    assert writes(looker) == []
    dev.set_config({POLICY: {"minLength": 12}, CREDENTIALS: [{"name": "bot", "userId": "2"}]})
    dev.up()
    assert len(keys_of_user(looker, "2")) == 1
    assert looker.control.state()["password_config"]["min_length"] == 12
    dev.preview("--expect-no-changes")  # no field the release lacks shows as a diff
    dev.pulumi("destroy", "--yes", "--skip-preview")
    assert keys_of_user(looker, "2") == []


def test_google_cloud_core_refuses_the_password_policy_by_name(make_stack, start_looker) -> None:
    looker = start_looker(DEV_CLIENT_ID, "--google-cloud-core")
    dev = make_stack("dev", looker)
    dev.set_config({SESSION: None, CREDENTIALS: []})
    result = dev.up(ok=False)
    assert result.returncode != 0
    assert "Looker (Google Cloud core) does not allow this call" in output(result)
    assert writes(looker) == []
    dev.set_config({POLICY: None})
    dev.up()
    dev.preview("--expect-no-changes")


def test_a_connection_that_lost_its_role_forgets_nothing(make_stack, start_looker) -> None:
    looker = start_looker(DEV_CLIENT_ID, "--permission-404")
    dev = make_stack("dev", looker)
    dev.up()
    before = held_keys(dev)
    live_before = set(live_keys(looker))
    looker.control.update_user("1", is_admin=False)  # the connection's user is no admin now
    looker.control.clear_requests()
    preview = dev.preview(ok=False)
    assert preview.returncode != 0
    assert "this connection may lack the permission to see it" in output(preview)
    destroy = dev.pulumi("destroy", "--yes", "--skip-preview", ok=False)
    assert destroy.returncode != 0
    assert writes(looker) == []
    assert held_keys(dev) == before  # Pulumi still holds every key
    assert set(live_keys(looker)) == live_before  # and Looker still has them


def test_a_deleted_user_takes_its_keys_out_of_the_state(dev, looker) -> None:
    dev.up()
    [created] = keys_of_user(looker, "2")
    looker.control.update_user("2", deleted=True)
    dev.pulumi("refresh", "--yes", "--skip-preview")
    assert f"2/{created['id']}" not in held_keys(dev)


def test_a_release_before_service_accounts_fails_the_preview_with_no_write(
    make_stack, start_looker
) -> None:
    looker = start_looker(DEV_CLIENT_ID, "--looker-version", "25.10.5")
    dev = make_stack("dev", looker)
    dev.set_config(
        {
            ACCOUNTS: [{"name": "ci-bot", "serviceAccountName": "CI"}],
            CREDENTIALS: None,
            POLICY: None,
        }
    )
    result = dev.preview(ok=False)
    assert result.returncode != 0
    assert (
        "service accounts need Looker 25.18 or newer (POST /users/service_accounts); this "
        "instance runs release 25.10.5. Nothing was changed." in output(result)
    )
    assert writes(looker) == []
