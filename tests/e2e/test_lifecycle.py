"""User stories with the real pulumi CLI: preview, up, change, drift, bad config, destroy."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from pulumi_looker import models
from tests.support.clients import DEV_CLIENT_ID, PROD_CLIENT_ID, admin_client
from tests.support.looker import CREDENTIALS, POLICY, SESSION, patch_bodies, writes

PASSWORD_PATH = "/api/4.0/password_config"

pytestmark = pytest.mark.e2e


def test_a_stacks_life_preview_up_drift_a_bad_key_one_change_destroy(dev, looker) -> None:
    """One dev stack's life, each step asserted: the first preview writes nothing and up makes
    what it showed; drift made in Looker is shown and put right; an unknown user id fails the
    preview and up before any write; one changed setting is one PATCH; destroy deletes the
    created key and leaves the rest."""
    preview = dev.preview().stdout
    assert "+ pulumi-python:dynamic/looker:PasswordConfig: (create)" in preview
    assert "+ pulumi-python:dynamic/looker:SessionConfig: (create)" in preview
    assert preview.count("+ pulumi-python:dynamic/looker:ApiCredential: (create)") == 2
    assert "min_length" in preview
    assert writes(looker) == []

    dev.up()
    state = looker.control.state()
    policy = state["password_config"]
    assert (policy["min_length"], policy["require_special"], policy["expiration_enabled"]) == (
        12,
        True,
        False,
    )
    sessions = state["session_config"]
    assert (sessions["session_minutes"], sessions["allow_persistent_sessions"]) == (1440, True)
    keys = {k["id"]: k for k in state["credentials_api3"]}
    # Adopted, the admin's own key; both with the stack's mark.
    assert keys["1"]["purpose"] == "pulumi-looker dev admin [pulumi: looker-settings/dev]"
    [created] = [k for k in keys.values() if k["user_id"] == "2"]
    assert created["purpose"] == "CI deploy bot [pulumi: looker-settings/dev]"
    assert dev.outputs()["clientIds"] == {
        "admin-key": DEV_CLIENT_ID,
        "ci-deploy-bot": created["client_id"],
    }
    looker.control.clear_requests()
    again = dev.preview("--expect-no-changes")
    assert "5 unchanged" in again.stdout
    assert writes(looker) == [], "a preview with nothing to do writes nothing"

    # Drift: someone in Looker's admin page; the refresh shows it, the update puts it right.
    with admin_client(looker) as client:
        client.update_singleton(models.PASSWORD_CONFIG, {"min_length": 8})
    preview = dev.preview().stdout
    assert re.search(r"--outputs:--\n\s*~ min_length\s*: 12 => 8", preview)  # the refresh
    assert re.search(r"\(update\)[^(]*~ min_length\s*: 8 => 12", preview)
    dev.up()
    assert looker.control.state()["password_config"]["min_length"] == 12, "drift put right"
    dev.preview("--expect-no-changes")

    # An unknown user id: the refresh's users listing already says user 99 does not exist (no
    # call of its own); the password policy's change waits too.
    credentials = dev.config[CREDENTIALS]
    dev.set_config({CREDENTIALS: [*credentials, {"name": "ghost", "userId": "99"}]})
    dev.set_config({POLICY: {**dev.config[POLICY], "minLength": 14}})
    looker.control.clear_requests()
    for result in (dev.preview(ok=False), dev.pulumi("up", "--yes", ok=False)):
        assert result.returncode != 0
        assert "user_id '99': Looker has no user 99" in result.stdout + result.stderr
    assert writes(looker) == [], "nothing written while a user id is unknown"
    assert looker.control.state()["password_config"]["min_length"] == 12

    # The ghost gone, the one changed setting (minLength 14) is one PATCH of that field.
    dev.set_config({CREDENTIALS: credentials})
    preview = dev.preview().stdout
    assert "~ pulumi-python:dynamic/looker:PasswordConfig: (update)" in preview
    assert re.search(r"~ min_length\s*: 12 => 14", preview)
    assert "ApiCredential: (update)" not in preview
    looker.control.clear_requests()
    dev.up()
    patches = [r for r in looker.control.requests() if r["method"] == "PATCH"]
    assert [(r["path"], r["body"]) for r in patches] == [(PASSWORD_PATH, {"min_length": 14})]
    assert writes(looker) == [("PATCH", PASSWORD_PATH)]

    # Destroy deletes the created key and leaves the rest.
    created_key = [k for k in looker.control.state()["credentials_api3"] if k["user_id"] == "2"]
    assert len(created_key) == 1
    looker.control.clear_requests()
    dev.pulumi("destroy", "--yes", "--skip-preview")
    state = looker.control.state()
    assert [k for k in state["credentials_api3"] if k["user_id"] == "2"] == []
    [admin_key] = [k for k in state["credentials_api3"] if k["id"] == "1"]
    assert admin_key["purpose"] is None  # adopted: left in Looker with its purpose put back
    assert state["password_config"]["min_length"] == 14  # the policy stays by default
    assert state["session_config"]["session_minutes"] == 1440  # and so does the session policy
    assert Counter(writes(looker)) == Counter(
        {
            ("DELETE", f"/api/4.0/users/2/credentials_api3/{created_key[0]['id']}"): 1,
            ("PATCH", "/api/4.0/users/1/credentials_api3/1"): 1,
            # The stack's marks as the policies' manager, taken off (README, Several stacks).
            ("PATCH", "/api/4.0/user_attributes/8"): 2,
        }
    )
    assert looker.control.state()["user_attributes"][-1]["default_value"] == ""


@pytest.mark.parametrize(
    ("key", "values", "message"),
    [
        (POLICY, {"minLength": 5}, "min_length must be an integer from 7 to 100, got 5"),
        (
            POLICY,
            {"expirationDurationDays": 400},
            "expiration_duration_days must be an integer from 30 to 365, got 400",
        ),
        (POLICY, {"minLenght": 12}, "unknown property 'minLenght' (did you mean 'minLength'?)"),
        (SESSION, {"sessionMinutes": 4}, "session_minutes must be an integer from 5 to 43200"),
        (SESSION, {"sessionMinuts": 6}, "unknown property 'sessionMinuts' (did you mean"),
    ],
)
def test_bad_config_fails_preview_naming_the_field(dev, looker, key, values, message) -> None:
    dev.set_config({key: values})
    result = dev.preview(ok=False)
    assert result.returncode != 0
    assert message in result.stdout + result.stderr
    assert writes(looker) == []


def test_session_drift_is_put_right_and_destroy_restores_both_policies_when_asked(
    dev, looker
) -> None:
    """restoreOnDelete on both policies: session drift made in Looker is put right with one
    PATCH; destroy puts Looker's values back (password min_length 10, session 30 minutes)."""
    dev.set_config(
        {
            POLICY: {**dev.config[POLICY], "restoreOnDelete": True},
            SESSION: {**dev.config[SESSION], "restoreOnDelete": True},
        }
    )
    dev.up()
    assert looker.control.state()["password_config"]["min_length"] == 12
    with admin_client(looker) as client:  # someone in Looker's admin page
        client.update_singleton(models.SESSION_CONFIG, {"session_minutes": 43200})
    preview = dev.preview().stdout
    assert re.search(r"\(update\)[^(]*~ session_minutes\s*: 43200 => 1440", preview)
    looker.control.clear_requests()
    dev.up()
    assert writes(looker) == [("PATCH", "/api/4.0/session_config")]
    assert looker.control.state()["session_config"]["session_minutes"] == 1440
    dev.preview("--expect-no-changes")
    dev.pulumi("destroy", "--yes", "--skip-preview")
    state = looker.control.state()
    assert state["password_config"]["min_length"] == 10, "the password policy restored"
    assert state["session_config"]["session_minutes"] == 30, "Looker's default session length"


def test_instance_settings_drift_is_found_and_put_right(make_stack, start_looker) -> None:
    looker = start_looker(PROD_CLIENT_ID)
    prod = make_stack("prod", looker)
    prod.up()
    settings = looker.control.state()["setting"]
    assert settings["automated_mfa_enabled"] is True
    assert settings["email_domain_allowlist"] == ["example.com"]
    with admin_client(looker, PROD_CLIENT_ID) as admin:  # by hand, in Looker's admin page
        admin.update_singleton(models.INSTANCE_SETTINGS, {"automated_mfa_enabled": False})
    preview = prod.preview().stdout
    assert re.search(r"--outputs:--\n\s*~ automated_mfa_enabled\s*: true => false", preview)
    assert re.search(r"\(update\)[^(]*~ automated_mfa_enabled\s*: false => true", preview)
    looker.control.clear_requests()
    prod.up()
    assert writes(looker) == [("PATCH", "/api/4.0/setting")]
    assert patch_bodies(looker) == [{"automated_mfa_enabled": True}]
    prod.preview("--expect-no-changes")


def test_force_password_reset_runs_once_per_value(dev, looker) -> None:
    dev.set_config({POLICY: {**dev.config[POLICY], "forcePasswordReset": "2026-11"}})
    dev.up()
    dev.up()
    assert looker.control.state()["actions"] == {"force_password_reset": 1}
    dev.set_config({POLICY: {**dev.config[POLICY], "forcePasswordReset": "2026-12"}})
    assert '~ force_password_reset: "2026-11" => "2026-12"' in dev.preview().stdout
    dev.up()
    assert looker.control.state()["actions"] == {"force_password_reset": 2}
    dev.preview("--expect-no-changes")
