"""ServiceAccount's provider handlers against the emulator, with the calls they made."""

from __future__ import annotations

from collections import Counter

import pytest
from pulumi.runtime.rpc import UNKNOWN

from pulumi_looker.client import LookerClient
from pulumi_looker.dynamic.service_account import ServiceAccountProvider
from pulumi_looker.emulator.process import EmulatorProcess
from pulumi_looker.errors import InvalidIdError, InvalidInputError, LookerError, NotInLookerError
from tests.support.clients import configure, settings_for, stack_config
from tests.support.looker import API, VERSIONS, api_calls, statuses, writes

ACCOUNTS = f"{API}/users/service_accounts"
ROLES = ("GET", f"{API}/roles")
USERS = ("GET", f"{API}/users")


def account_path(user_id: str) -> str:
    return f"{ACCOUNTS}/{user_id}"


def roles_path(user_id: str) -> str:
    return f"{API}/users/{user_id}/roles"


@pytest.fixture
def provider(emulator: EmulatorProcess) -> ServiceAccountProvider:
    provider = ServiceAccountProvider()
    configure(provider, stack_config(emulator))
    return provider


def checked(provider: ServiceAccountProvider, olds: dict | None = None, **inputs: object) -> dict:
    result = provider.check(olds or {}, inputs)
    assert result.failures == []
    return result.inputs


def live_user(emulator: EmulatorProcess, user_id: str) -> dict:
    return next(u for u in emulator.control.state()["users"] if u["id"] == user_id)


def created(emulator: EmulatorProcess, provider: ServiceAccountProvider, **inputs: object):
    result = provider.create(checked(provider, **inputs))
    emulator.control.clear_requests()
    return result


def test_create_posts_the_account_then_puts_its_roles_by_name(emulator, provider) -> None:
    inputs = checked(provider, service_account_name="CI deploy bot", roles=["developer"])
    assert (inputs["role_ids"], inputs["role_names"]) == (["3"], ["Developer"])
    result = provider.create(inputs)
    user_id = result.id
    # The users listing (not in hand here; a refresh reads it anyway) tells a lost answer's
    # account apart.
    assert api_calls(emulator) == Counter(
        {ROLES: 1, USERS: 1, ("POST", ACCOUNTS): 1, ("PUT", roles_path(user_id)): 1}
    )
    assert (VERSIONS[0], VERSIONS[1]) in emulator.control.calls()  # the release, asked once
    live = live_user(emulator, user_id)
    assert live["is_service_account"] is True
    assert (live["service_account_name"], live["role_ids"], live["is_disabled"]) == (
        "CI deploy bot",
        ["3"],
        False,
    )
    outs = result.outs
    assert (outs["user_id"], outs["role_ids"], outs["role_names"]) == (
        user_id,
        ["3"],
        ["Developer"],
    )
    assert (outs["is_service_account"], outs["adopted"], outs["roles"]) == (
        True,
        False,
        ["developer"],
    )


def test_roles_are_asked_once_per_process_and_an_unknown_one_fails_naming_the_others(
    emulator, provider
) -> None:
    checked(provider, service_account_name="a", roles=["Admin"])
    checked(provider, service_account_name="b", roles=["developer", "2"])
    assert api_calls(emulator)[ROLES] == 1
    for _ in range(2):
        failed = provider.check({}, {"service_account_name": "c", "roles": ["2", "Owner"]})
        [(field, reason)] = [(f.property, f.reason) for f in failed.failures]
        assert field == "roles"
        assert "Looker has no role 'Owner'" in reason
        assert "Admin (2), Developer (3)" in reason
    # A role the roles in hand lack may have been made since: asked once more, not twice.
    assert api_calls(emulator)[ROLES] == 2
    assert writes(emulator) == []


def test_check_refuses_bad_input_naming_the_field_with_no_call(emulator, provider) -> None:
    failed = provider.check(
        {},
        {"roles": "Admin", "is_disabled": "no", "user_id": "4 2", "delete_on_destroy": 1},
    )
    assert {f.property for f in failed.failures} == {
        "roles",
        "is_disabled",
        "user_id",
        "delete_on_destroy",
    }
    missing = provider.check({}, {"roles": ["Admin"]})
    assert [f.property for f in missing.failures] == ["service_account_name"]
    assert "unless user_id adopts" in missing.failures[0].reason
    assert emulator.control.requests() == []


def test_unknown_roles_at_preview_leave_the_ids_to_the_update(emulator, provider) -> None:
    inputs = checked(provider, service_account_name="bot", roles=[UNKNOWN])
    assert "role_ids" not in inputs
    assert api_calls(emulator)[ROLES] == 0


def test_a_release_before_service_accounts_is_refused_before_any_write(start_emulator) -> None:
    emulator = start_emulator("--looker-version", "25.10")
    provider = ServiceAccountProvider()
    configure(provider, stack_config(emulator))
    failed = provider.check({}, {"service_account_name": "bot"})
    [(field, reason)] = [(f.property, f.reason) for f in failed.failures]
    assert field == "service_account_name"
    assert reason == (
        "service accounts need Looker 25.18 or newer (POST /users/service_accounts); this "
        "instance runs release 25.10. Nothing was changed."
    )
    with pytest.raises(InvalidInputError, match=r"need Looker 25\.18"):
        provider.create({"service_account_name": "bot", "is_disabled": False})
    assert writes(emulator) == []


def test_a_failed_role_put_deletes_the_new_account(emulator, provider) -> None:
    inputs = checked(provider, service_account_name="bot", roles=["Developer"])
    emulator.control.aim("error", "PUT", f"{API}/users/*/roles", status=500, times=9)
    with pytest.raises(LookerError):
        provider.create(inputs)
    [post] = [r for r in emulator.control.requests() if r["path"] == ACCOUNTS]
    deleted = [(m, p) for m, p, _ in statuses(emulator) if m == "DELETE"]
    assert len(deleted) == 1
    assert deleted[0][1].startswith(f"{ACCOUNTS}/")
    assert post["status"] == 200
    assert not any(u.get("is_service_account") for u in emulator.control.state()["users"])


def test_refresh_finds_drift_from_the_one_listing(emulator, provider, client) -> None:
    made = created(emulator, provider, service_account_name="bot", roles=["Developer"])
    client.update_service_account(made.id, {"service_account_name": "renamed", "is_disabled": True})
    client.set_user_roles(made.id, ["4"])
    LookerClient.close_shared()  # the next command: a new provider process
    emulator.control.clear_requests()
    found = provider.read(made.id, made.outs)
    assert api_calls(emulator) == Counter({USERS: 1})
    outs = found.outs
    assert (outs["service_account_name"], outs["is_disabled"], outs["role_ids"]) == (
        "renamed",
        True,
        ["4"],
    )
    assert outs["roles"] == ["Developer"]  # the inputs as given, and what they resolved to
    assert (outs["resolved_role_ids"], outs["role_names"]) == (["3"], ["Developer"])
    assert found.inputs["role_ids"] == ["3"]  # a preview of the same roles asks nothing
    news = checked(provider, made.outs, service_account_name="bot", roles=["Developer"])
    diff = provider.diff(made.id, outs, news)
    assert diff.changes is True
    assert diff.replaces == []
    emulator.control.clear_requests()
    updated = provider.update(made.id, outs, news)
    assert writes(emulator) == [("PATCH", account_path(made.id)), ("PUT", roles_path(made.id))]
    assert (updated.outs["service_account_name"], updated.outs["role_names"]) == (
        "bot",
        ["Developer"],
    )
    assert live_user(emulator, made.id)["is_disabled"] is False


def test_the_same_roles_written_another_way_change_nothing_in_looker(emulator, provider) -> None:
    made = created(emulator, provider, service_account_name="bot", roles=["Developer"])
    news = checked(provider, made.outs, service_account_name="bot", roles=["3"])
    diff = provider.diff(made.id, made.outs, news)
    assert diff.changes is True  # recorded in the state only
    emulator.control.clear_requests()
    provider.update(made.id, made.outs, news)
    assert writes(emulator) == []
    same = checked(provider, made.outs, service_account_name="bot", roles=["Developer"])
    assert provider.diff(made.id, made.outs, same).changes is False


def test_destroy_disables_the_account_unless_asked_to_delete_it(emulator, provider) -> None:
    kept = created(emulator, provider, service_account_name="kept")
    provider.delete(kept.id, kept.outs)
    assert writes(emulator) == [("PATCH", account_path(kept.id))]
    assert live_user(emulator, kept.id)["is_disabled"] is True

    gone = created(emulator, provider, service_account_name="gone", delete_on_destroy=True)
    LookerClient.close_shared()
    provider.delete(gone.id, gone.outs)
    assert writes(emulator) == [("DELETE", account_path(gone.id))]
    assert gone.id not in {u["id"] for u in emulator.control.state()["users"]}
    assert provider.read(gone.id, gone.outs).id is None


def test_adopting_writes_only_what_differs_and_destroy_leaves_it(
    emulator, provider, client
) -> None:
    existing = client.create_service_account({"service_account_name": "by hand"})
    client.set_user_roles(existing.id, ["3"])
    emulator.control.clear_requests()
    inputs = checked(provider, user_id=int(existing.id), roles=["Developer", "Viewer"])
    result = provider.create(inputs)
    assert result.id == existing.id
    assert writes(emulator) == [("PUT", roles_path(existing.id))]
    assert result.outs["adopted"] is True
    assert result.outs["service_account_name"] == "by hand"
    emulator.control.clear_requests()
    provider.delete(result.id, result.outs)
    assert writes(emulator) == []
    assert live_user(emulator, existing.id)["is_disabled"] is False


def test_adopting_a_user_that_is_no_service_account_fails(emulator, provider) -> None:
    with pytest.raises(NotInLookerError, match="no service account 2"):
        provider.create(checked(provider, user_id="2"))
    with pytest.raises(NotInLookerError, match="user 2 is not a service account"):
        provider.read("2", {})
    assert writes(emulator) == []


def test_an_import_adopts_the_account_with_its_roles_by_name(emulator, provider, client) -> None:
    """As the code `pulumi import` prints takes them; the id can equal no key's input."""
    existing = client.create_service_account({"service_account_name": "imported"})
    client.set_user_roles(existing.id, ["4"])
    emulator.control.clear_requests()
    for given in (existing.id, f"service_account/{existing.id}"):
        found = provider.read(given, {})
        assert found.id == f"service_account/{existing.id}"
        assert found.inputs == {
            "user_id": existing.id,
            "service_account_name": "imported",
            "is_disabled": False,
            "roles": ["Viewer"],
        }
        assert (found.outs["adopted"], found.outs["roles"]) == (True, ["Viewer"])
    assert emulator.control.calls()[("GET", "/api/4.0/roles")] == 1
    assert writes(emulator) == []
    refreshed = provider.read(existing.id, found.outs)  # a state of the bare id keeps it
    assert refreshed.id == existing.id
    with pytest.raises(NotInLookerError, match=r"^Looker has no service account 999 "):
        provider.read("service_account/999", {})
    with pytest.raises(InvalidIdError, match="'service_account/<user_id>' or its user id"):
        provider.read("service_account/", {})


def test_a_service_accounts_key_logs_in_until_the_account_is_disabled(emulator, client) -> None:
    account = client.create_service_account({"service_account_name": "bot"})
    key = client.create_credentials_api3(account.id)
    settings = {"client_id": key.client_id, "client_secret": key.client_secret}
    with LookerClient(settings_for(emulator, **settings)) as bot:
        assert bot.request("GET", "/user")["id"] == account.id
        client.update_service_account(account.id, {"is_disabled": True})
        LookerClient.close_shared()
    with LookerClient(settings_for(emulator, **settings)) as bot, pytest.raises(LookerError):
        bot.request("GET", "/user")


def test_the_same_roles_as_the_last_inputs_are_not_asked_again(emulator, provider) -> None:
    first = checked(provider, service_account_name="bot", roles=["Developer"])
    LookerClient.close_shared()  # a new process: nothing in hand
    emulator.control.clear_requests()
    again = checked(provider, first, service_account_name="bot", roles=["Developer"])
    assert (again["role_ids"], again["role_names"]) == (["3"], ["Developer"])
    other = checked(provider, first, service_account_name="bot", roles=["Viewer"])
    assert other["role_ids"] == ["4"]
    assert api_calls(emulator) == Counter({ROLES: 1})


def test_a_create_whose_answer_is_lost_takes_the_account_looker_made(
    emulator, provider, caplog
) -> None:
    inputs = checked(provider, service_account_name="bot")
    emulator.control.aim("lose", "POST", ACCOUNTS)
    result = provider.create(inputs)
    accounts = [u for u in emulator.control.state()["users"] if u["is_service_account"]]
    assert [a["id"] for a in accounts] == [result.id]  # made once, and in the state
    assert api_calls(emulator)[("POST", ACCOUNTS)] == 1
    assert f"Looker made service account {result.id} ('bot'): it is this resource's" in caplog.text


def test_a_create_that_made_nothing_fails_and_leaves_nothing(emulator, provider) -> None:
    inputs = checked(provider, service_account_name="bot")
    emulator.control.aim("error", "POST", ACCOUNTS, status=503, times=9)
    with pytest.raises(LookerError, match="503"):
        provider.create(inputs)
    assert not any(u["is_service_account"] for u in emulator.control.state()["users"])
    assert api_calls(emulator)[USERS] == 2  # the users before, and after, the POST
