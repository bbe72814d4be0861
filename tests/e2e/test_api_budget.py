"""What a pipeline run costs in Looker admin API calls, with the real CLI."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.support.clients import DEV_CLIENT_ID
from tests.support.looker import ACCOUNTS, CREDENTIALS, LOGIN, keys_config

pytestmark = pytest.mark.e2e

SINGLETON_READS = {("GET", "/api/4.0/password_config"): 1, ("GET", "/api/4.0/session_config"): 1}
LISTING = ("GET", "/api/4.0/users")


@pytest.mark.parametrize(("keys", "users"), [(12, 12), (20, 4)], ids=["1 per user", "5 per user"])
def test_a_refreshing_preview_and_up_read_each_thing_once(
    make_stack, start_looker, keys: int, users: int
) -> None:
    looker = start_looker(DEV_CLIENT_ID)
    dev = make_stack("dev", looker)
    dev.set_config({CREDENTIALS: keys_config(keys, users=users)})
    dev.up()
    assert_each_command_reads_each_thing_once(dev, looker)


def assert_each_command_reads_each_thing_once(dev, looker) -> None:
    """A refreshing preview, a no-op up (Pulumi.yaml: refresh before each) and a refresh: one
    login, one read per singleton and the one listing of users, each; ``pulumi up`` twice
    that, as its preview and its update each start the provider anew (``--skip-preview``,
    the tests' default, halves it)."""
    once = Counter({LOGIN: 1, LISTING: 1, **SINGLETON_READS})
    for command, expected in (
        (dev.preview, once),
        (lambda: dev.up(preview=True), once + once),
        (dev.up, once),
        (dev.refresh, once),
    ):
        looker.control.clear_requests()
        command()
        assert looker.control.calls() == expected


def test_service_accounts_and_their_keys_cost_no_call_of_their_own(make_stack, start_looker):
    """Five service accounts with roles by name and two keys each: a refresh, a refreshing
    preview and a no-op up read them all from the one listing of users (roles are not asked
    again: they are the last inputs')."""
    looker = start_looker(DEV_CLIENT_ID)
    dev = make_stack("dev", looker)
    accounts = [
        {"name": f"bot-{n}", "serviceAccountName": f"bot {n}", "roles": ["Developer"]}
        for n in range(5)
    ]
    keys = [
        {"name": f"bot-{n}-key-{k}", "serviceAccount": f"bot-{n}", "purpose": "CI"}
        for n in range(5)
        for k in range(2)
    ]
    dev.set_config({ACCOUNTS: accounts, CREDENTIALS: keys})
    dev.up()
    assert_each_command_reads_each_thing_once(dev, looker)
