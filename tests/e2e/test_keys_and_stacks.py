"""Secrets, key rotation, import, several stacks and a hostile Looker, with the real pulumi CLI."""

from __future__ import annotations

import pytest

from tests.support.clients import ADMIN_CLIENT_SECRET, DEV_CLIENT_ID, PROD_CLIENT_ID, admin_client
from tests.support.looker import CREDENTIALS, POLICY, SESSION, keys_config, keys_of_user

pytestmark = pytest.mark.e2e


def test_client_secret_is_a_secret_everywhere_and_rotation_replaces_the_key(
    dev, looker, tmp_path
) -> None:
    """The secret: nowhere in plain text (output, export, the backend's files, Looker's log).
    Then the same stack's rotation: create before delete, the new secret in the outputs."""
    dev.env.pop("PULUMI_SKIP_CHECKPOINTS")  # every checkpoint written: each is scanned
    dev.up()
    dev.preview()
    assert dev.outputs()["clientSecrets"] == "[secret]"
    exported = dev.pulumi("stack", "export").stdout
    printed = "\n".join(dev.transcript)  # everything the CLI printed so far
    on_disk = "".join(
        p.read_text(errors="replace") for p in (tmp_path / "backend").rglob("*") if p.is_file()
    )
    secret = dev.outputs(secrets=True)["clientSecrets"]["ci-deploy-bot"]
    assert len(secret) == 24
    for text in (exported, on_disk, printed, str(looker.control.requests())):
        assert secret not in text
        assert ADMIN_CLIENT_SECRET not in text
    assert '"client_secret"' in exported  # it is in the state, encrypted

    # Rotation replaces the key, create before delete.
    [old] = keys_of_user(looker, "2")
    old_secret = secret
    credentials = dev.config[CREDENTIALS]
    credentials[0]["rotation"] = "2026-12"
    dev.set_config({CREDENTIALS: credentials})
    preview = dev.preview().stdout
    assert "+-pulumi-python:dynamic/looker:ApiCredential: (replace)" in preview
    looker.control.clear_requests()
    dev.up()
    [new] = keys_of_user(looker, "2")
    assert new["id"] != old["id"]
    assert new["purpose"] == "CI deploy bot [pulumi: looker-settings/dev]"
    calls = [(r["method"], r["path"]) for r in looker.control.writes()]
    keys = "/api/4.0/users/2/credentials_api3"
    assert calls == [
        ("POST", keys),
        ("PATCH", f"{keys}/{new['id']}"),
        ("DELETE", f"{keys}/{old['id']}"),
    ]
    outputs = dev.outputs(secrets=True)
    assert outputs["clientIds"]["ci-deploy-bot"] == new["client_id"]
    assert outputs["clientSecrets"]["ci-deploy-bot"] != old_secret


def test_existing_settings_are_adopted_writing_only_the_marks(dev, looker) -> None:
    """Taking over what exists: a key by its id, the policy by the values it already has;
    nothing is written but the stack's marks (the owners attribute, the key's purpose)."""
    with admin_client(looker) as client:
        key = client.create_credentials_api3("3")
        client.update_credentials_api3("3", key.id, {"purpose": "made by hand"})
    existing = {
        "name": "hand-made",
        "userId": "3",
        "credentialsApi3Id": key.id,
        "purpose": "made by hand",
    }
    dev.set_config(
        {POLICY: {"minLength": 10, "requireSpecial": True}, SESSION: None, CREDENTIALS: [existing]}
    )
    looker.control.clear_requests()
    dev.up()
    # The two resources are made concurrently: the writes in either order.
    assert sorted((r["method"], r["path"]) for r in looker.control.writes()) == [
        ("PATCH", f"/api/4.0/users/3/credentials_api3/{key.id}"),
        ("POST", "/api/4.0/user_attributes"),
    ]
    assert keys_of_user(looker, "3")[0]["purpose"] == "made by hand [pulumi: looker-settings/dev]"
    dev.preview("--expect-no-changes")
    dev.pulumi("destroy", "--yes", "--skip-preview")
    assert [(k["id"], k["purpose"]) for k in keys_of_user(looker, "3")] == [
        (key.id, "made by hand")
    ]


def test_two_stacks_hold_their_own_policies(make_stack, start_looker) -> None:
    dev_looker, prod_looker = start_looker(DEV_CLIENT_ID), start_looker(PROD_CLIENT_ID)
    dev, prod = make_stack("dev", dev_looker), make_stack("prod", prod_looker)
    dev.up()
    prod.up()
    dev_policy = dev_looker.control.state()["password_config"]
    prod_policy = prod_looker.control.state()["password_config"]
    assert (dev_policy["min_length"], dev_policy["expiration_enabled"]) == (12, False)
    assert (prod_policy["min_length"], prod_policy["expiration_enabled"]) == (16, True)
    assert prod_policy["expiration_duration_days"] == 90
    dev_sessions = dev_looker.control.state()["session_config"]
    prod_sessions = prod_looker.control.state()["session_config"]
    assert (dev_sessions["session_minutes"], dev_sessions["unlimited_sessions_per_user"]) == (
        1440,
        True,
    )
    assert (prod_sessions["session_minutes"], prod_sessions["unlimited_sessions_per_user"]) == (
        480,
        False,
    )
    assert [k["purpose"] for k in keys_of_user(prod_looker, "12")] == [
        "CI deploy bot (production) [pulumi: looker-settings/prod]"
    ]
    assert keys_of_user(dev_looker, "12") == []
    dev.preview("--expect-no-changes")
    prod.preview("--expect-no-changes")


def test_up_converges_through_a_429_storm_with_one_login(make_stack, start_looker) -> None:
    looker = start_looker(DEV_CLIENT_ID, "--rate-limit-every", "3", "--retry-after", "1")
    dev = make_stack("dev", looker)
    dev.set_config({CREDENTIALS: keys_config(12)})
    dev.up("--skip-preview")  # one provider process: the update's
    log = looker.control.requests()
    # Every 3rd request is refused, so at least a third of some 40 requests.
    assert sum(1 for r in log if r["status"] == 429) >= 10
    purposes = [k["purpose"] for u in range(2, 12) for k in keys_of_user(looker, str(u))]
    # None lost or doubled.
    assert sorted(purposes) == sorted(
        f"service {n} [pulumi: looker-settings/dev]" for n in range(12)
    )
    logins = [r for r in log if r["path"] == "/api/4.0/login" and r["status"] == 200]
    assert len(logins) == 1  # one provider process, one token shared by every resource
    looker.control.set_faults(rate_limit_every=0)
    dev.preview("--expect-no-changes")


def test_a_key_by_email(dev, looker) -> None:
    """stack config userEmail: the key goes to the user with that email (user 4 here)."""
    dev.set_config({CREDENTIALS: [{"name": "bot", "userEmail": "alan.turing@example.com"}]})
    dev.up()
    [key] = keys_of_user(looker, "4")
    assert dev.outputs()["clientIds"]["bot"] == key["client_id"]
    dev.preview("--expect-no-changes")
