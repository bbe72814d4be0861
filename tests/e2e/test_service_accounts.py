"""Bot identities as code with the real pulumi CLI: a service account with a role and a key in
one ``up``, what destroy does to it, and a two-key rotation whose old key works until the next."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from pulumi_looker.client import LookerClient
from pulumi_looker.emulator.process import EmulatorProcess
from pulumi_looker.errors import LoginError
from tests.support.clients import settings_for
from tests.support.looker import ACCOUNTS, CREDENTIALS, LOGIN, writes

pytestmark = pytest.mark.e2e

LISTING = ("GET", "/api/4.0/users")
REFRESH = Counter(
    {
        LOGIN: 1,
        LISTING: 1,
        ("GET", "/api/4.0/password_config"): 1,
        ("GET", "/api/4.0/session_config"): 1,
    }
)


def bot(**entry: Any) -> list[dict[str, Any]]:
    return [{"name": "ci-bot", "serviceAccountName": "CI deploy bot", **entry}]


def bot_key(**entry: Any) -> list[dict[str, Any]]:
    return [{"name": "ci-bot-key", "serviceAccount": "ci-bot", "purpose": "CI deploy", **entry}]


def whoami(looker: EmulatorProcess, client_id: str, client_secret: str) -> str:
    """The user a key logs in as (``GET /user``); LoginError when it cannot log in."""
    settings = settings_for(looker, client_id=client_id, client_secret=client_secret)
    with LookerClient(settings) as client:
        return str(client.request("GET", "/user")["id"])


def live_user(looker: EmulatorProcess, user_id: str) -> dict[str, Any] | None:
    return next((u for u in looker.control.state()["users"] if u["id"] == user_id), None)


def key_outputs(stack: Any, name: str) -> dict[str, Any]:
    [resource] = [
        r
        for r in stack.export()["deployment"]["resources"]
        if r["urn"].endswith(f"::{name}") and r["type"].endswith(":ApiCredential")
    ]
    return resource["outputs"]


def test_service_accounts_with_a_role_and_a_key_in_one_up_and_what_destroy_does(
    dev, looker
) -> None:
    """Two service accounts, each with a key, made in one up: ci-bot with a role, which
    destroy disables; old-bot with deleteOnDestroy, which destroy deletes with its keys."""
    dev.set_config(
        {
            ACCOUNTS: [
                *bot(roles=["Developer"]),
                {"name": "old-bot", "serviceAccountName": "old bot", "deleteOnDestroy": True},
            ],
            CREDENTIALS: [
                *bot_key(),
                {"name": "old-bot-key", "serviceAccount": "old-bot", "purpose": "ETL"},
            ],
        }
    )
    dev.up()
    outputs = dev.outputs(secrets=True)
    user_id = outputs["serviceAccounts"]["ci-bot"]
    account = live_user(looker, user_id)
    assert account is not None
    assert (account["is_service_account"], account["service_account_name"]) == (
        True,
        "CI deploy bot",
    )
    assert account["role_ids"] == ["3"]  # Developer
    client_id, secret = outputs["clientIds"]["ci-bot-key"], outputs["clientSecrets"]["ci-bot-key"]
    assert whoami(looker, client_id, secret) == user_id
    old_bot = outputs["serviceAccounts"]["old-bot"]
    assert (
        whoami(looker, outputs["clientIds"]["old-bot-key"], outputs["clientSecrets"]["old-bot-key"])
        == old_bot
    )

    looker.control.clear_requests()
    dev.pulumi("refresh", "--yes", "--skip-preview")
    assert looker.control.calls() == REFRESH  # the accounts are read from the users listing
    looker.control.clear_requests()
    # The stack, 2 policies, 2 accounts, 2 keys.
    assert "7 unchanged" in dev.preview().stdout
    assert writes(looker) == []

    dev.pulumi("destroy", "--yes", "--skip-preview")
    account = live_user(looker, user_id)
    assert account is not None
    assert account["is_disabled"] is True  # disabled, not deleted: its content stays
    with pytest.raises(LoginError):
        whoami(looker, client_id, secret)
    assert live_user(looker, old_bot) is None, "deleteOnDestroy deletes the account"
    assert not [k for k in looker.control.state()["credentials_api3"] if k["user_id"] == old_bot]


def test_a_rotation_with_overlap_keeps_the_old_key_working_until_the_next(dev, looker) -> None:
    dev.set_config({ACCOUNTS: bot(), CREDENTIALS: bot_key(rotation="r1", keepPrevious=True)})
    dev.up()

    def current() -> tuple[str, str]:
        outputs = dev.outputs(secrets=True)
        return outputs["clientIds"]["ci-bot-key"], outputs["clientSecrets"]["ci-bot-key"]

    first = current()
    user_id = whoami(looker, *first)

    dev.set_config({CREDENTIALS: bot_key(rotation="r2", keepPrevious=True)})
    preview = dev.preview().stdout
    assert "~ pulumi-python:dynamic/looker:ApiCredential: (update)" in preview
    assert "replace" not in preview
    dev.up()
    second = current()
    assert second != first
    assert whoami(looker, *first) == user_id  # the previous key still logs in
    assert whoami(looker, *second) == user_id
    outs = key_outputs(dev, "ci-bot-key")
    assert outs["previous_client_id"] == first[0]
    assert outs["previous_age_days"] == 0

    dev.set_config({CREDENTIALS: bot_key(rotation="r3", keepPrevious=True)})
    dev.up()
    third = current()
    with pytest.raises(LoginError):
        whoami(looker, *first)  # deleted by the next rotation
    assert whoami(looker, *second) == user_id
    assert whoami(looker, *third) == user_id
    assert key_outputs(dev, "ci-bot-key")["previous_client_id"] == second[0]
    assert (
        len([k for k in looker.control.state()["credentials_api3"] if k["user_id"] == user_id]) == 2
    )
