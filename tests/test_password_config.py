"""PasswordConfig's provider handlers against the emulator, with the calls they made."""

from __future__ import annotations

from collections import Counter

import pytest
from pulumi.runtime.rpc import UNKNOWN

from pulumi_looker import models
from pulumi_looker.emulator.state import DEFAULT_PASSWORD_CONFIG
from pulumi_looker.errors import LookerError, PermissionDeniedError, SettingsError
from pulumi_looker.password_config import PasswordConfigProvider
from tests.support.clients import configure, created_singleton, provider_for, stack_config
from tests.support.looker import NEW_OWNERS, OWNERS, api_calls, patch_bodies, writes

GET = ("GET", "/api/4.0/password_config")
PATCH = ("PATCH", "/api/4.0/password_config")


@pytest.fixture
def provider(emulator) -> PasswordConfigProvider:
    return provider_for(PasswordConfigProvider, emulator)


def test_check_accepts_valid_inputs_and_drops_unset(emulator, provider) -> None:
    result = provider.check(
        {},
        {
            "min_length": 12,
            "require_special": None,
            "restore_on_delete": False,
            "profile": None,
            "policy_enabled_at": None,
        },
    )
    assert result.failures == []
    assert result.inputs == {"min_length": 12}  # restore_on_delete false: the default
    assert api_calls(emulator) == Counter({OWNERS: 1})  # a new singleton: who manages it?


def test_check_names_each_bad_property_and_calls_nothing(emulator, provider) -> None:
    result = provider.check(
        {},
        {
            "min_length": 5,
            "expiration_duration_days": 400,
            "require_numeric": "yes",
            "min_lenght": 9,
            "restore_on_delete": "no",
            "profile": "eu west",
        },
    )
    reasons = {f.property: f.reason for f in result.failures}
    assert reasons == {
        "min_lenght": (
            "unknown property 'min_lenght' (did you mean 'min_length'?); valid properties: "
            "expiration_duration_days, expiration_enabled, force_password_reset, min_length, "
            "profile, require_numeric, require_special, require_upperlower, restore_on_delete, "
            "takeover"
        ),
        "min_length": "min_length must be an integer from 7 to 100, got 5",
        "expiration_duration_days": (
            "expiration_duration_days must be an integer from 30 to 365, got 400"
        ),
        "require_numeric": "require_numeric must be a boolean (true or false), got 'yes'",
        "restore_on_delete": "restore_on_delete must be a boolean (true or false), got 'no'",
        "profile": (
            "profile must be a name of letters, digits, '-' and '_' (the stack config namespace "
            "looker-<profile>), got 'eu west'"
        ),
    }
    assert emulator.control.requests() == []


def test_check_lets_unknown_values_through_at_preview(provider) -> None:
    assert provider.check({}, {"min_length": UNKNOWN, "restore_on_delete": False}).failures == []


def test_create_reads_then_patches_managed_fields(emulator, provider) -> None:
    outs = created_singleton(provider, min_length=14, require_special=False)
    assert api_calls(emulator) == Counter({GET: 1, PATCH: 1, OWNERS: 1, NEW_OWNERS: 1})
    assert patch_bodies(emulator) == [{"min_length": 14, "require_special": False}]
    assert outs["min_length"] == 14
    assert outs["require_numeric"] is True  # unmanaged: Looker's value, untouched
    assert outs["managed_fields"] == ["min_length", "require_special"]
    assert outs["initial_config"]["min_length"] == 10
    live = emulator.control.state()["password_config"]
    assert (live["min_length"], live["require_special"], live["require_numeric"]) == (
        14,
        False,
        True,
    )


def test_create_writes_only_values_that_differ(emulator, provider) -> None:
    outs = created_singleton(
        provider, min_length=10, require_special=False
    )  # 10 is Looker's already
    assert patch_bodies(emulator) == [{"require_special": False}]
    assert outs["managed_fields"] == ["min_length", "require_special"]


def test_create_with_nothing_managed_only_reads(emulator, provider) -> None:
    outs = created_singleton(provider)
    assert api_calls(emulator) == Counter({GET: 1, OWNERS: 1, NEW_OWNERS: 1})  # marked
    assert outs["managed_fields"] == []


def test_create_fails_when_looker_does_not_apply_a_value() -> None:
    class Ignoring:
        def update_singleton(self, singleton: models.Singleton, values: dict) -> object:
            return models.PasswordConfig(min_length=10)

    with pytest.raises(
        LookerError,
        match=r"did not apply every password policy setting: "
        r"min_length \(asked 12, Looker has 10\)",
    ):
        PasswordConfigProvider().logic._apply(Ignoring(), {"min_length": 12}, {})  # type: ignore[arg-type]


def test_diff_compares_managed_inputs_with_live_values(emulator, provider) -> None:
    olds = created_singleton(provider, min_length=14)
    emulator.control.clear_requests()
    same = {"min_length": 14, "restore_on_delete": False}
    assert provider.diff("password_config", olds, same).changes is False
    assert (
        provider.diff("password_config", olds, {"restore_on_delete": False}).changes is False
    )  # unset
    changed = provider.diff("password_config", olds, {"min_length": 15, "restore_on_delete": False})
    assert (changed.changes, changed.replaces) == (True, [])
    assert provider.diff(
        "password_config", olds, {"min_length": UNKNOWN, "restore_on_delete": False}
    ).changes
    moved = provider.diff("password_config", olds, {**same, "profile": "eu"})
    assert moved.replaces == ["profile"]
    assert emulator.control.requests() == []


def test_update_patches_only_what_changed(emulator, provider) -> None:
    olds = created_singleton(provider, min_length=14, require_special=False)
    emulator.control.clear_requests()
    news = {"min_length": 20, "require_special": False, "restore_on_delete": False}
    outs = provider.update("password_config", olds, news).outs
    assert api_calls(emulator) == Counter({PATCH: 1})
    assert patch_bodies(emulator) == [{"min_length": 20}]
    assert outs["min_length"] == 20
    assert outs["initial_config"] == olds["initial_config"]


def test_update_of_an_option_alone_makes_no_call(emulator, provider) -> None:
    olds = created_singleton(provider, min_length=14)
    emulator.control.clear_requests()
    outs = provider.update(
        "password_config", olds, {"min_length": 14, "restore_on_delete": True}
    ).outs
    assert emulator.control.requests() == []
    assert outs["restore_on_delete"] is True


def test_refresh_reports_drift_as_outputs_and_inputs(emulator, provider, client) -> None:
    olds = created_singleton(provider, min_length=14)
    client.update_singleton(
        models.PASSWORD_CONFIG, {"min_length": 8, "require_numeric": False}
    )  # outside Pulumi
    emulator.control.clear_requests()
    result = provider.read("password_config", olds)
    assert api_calls(emulator) == Counter({GET: 1})
    assert result.outs["min_length"] == 8
    assert result.inputs == {"min_length": 8}  # only managed fields
    assert provider.diff(
        "password_config", result.outs, {"min_length": 14, "restore_on_delete": False}
    ).changes


def test_import_adopts_every_live_setting(emulator, provider) -> None:
    result = provider.read("password_config", {})
    assert result.id == "password_config"
    defaults = {k: v for k, v in DEFAULT_PASSWORD_CONFIG.items() if k != "policy_enabled_at"}
    assert result.inputs == defaults
    assert provider.diff("password_config", result.outs, result.inputs).changes is False


def test_import_with_a_wrong_id_is_explained(provider) -> None:
    with pytest.raises(LookerError, match=r"id is always 'password_config'.*got 'pw'"):
        provider.read("pw", {})


def test_delete_leaves_the_policy_by_default(emulator, provider) -> None:
    olds = created_singleton(provider, min_length=14)
    emulator.control.clear_requests()
    provider.delete("password_config", olds)
    assert writes(emulator) == [("PATCH", "/api/4.0/user_attributes/8")]  # the mark, taken off
    assert emulator.control.state()["password_config"]["min_length"] == 14


def test_delete_restores_when_asked(emulator, provider) -> None:
    olds = created_singleton(
        provider, min_length=14, expiration_enabled=True, restore_on_delete=True
    )
    emulator.control.clear_requests()
    provider.delete("password_config", olds)
    assert patch_bodies(emulator) == [{"min_length": 10, "expiration_enabled": False}]
    live = emulator.control.state()["password_config"]
    assert (live["min_length"], live["expiration_enabled"]) == (10, False)


def test_profile_picks_another_instance(start_emulator) -> None:
    default, eu = start_emulator(), start_emulator()
    provider = PasswordConfigProvider()
    configure(provider, {**stack_config(default), **stack_config(eu, "looker-eu")})
    created_singleton(provider, min_length=30, profile="eu")
    assert eu.control.state()["password_config"]["min_length"] == 30
    assert default.control.requests() == []


def test_missing_settings_and_permissions_are_clear_errors(emulator, client) -> None:
    provider = PasswordConfigProvider()
    configure(provider, {"looker:baseUrl": emulator.url})
    with pytest.raises(SettingsError, match=r"client_id .*looker:clientId"):
        provider.create({"min_length": 12})
    key = client.create_credentials_api3("2")
    configure(
        provider,
        {
            "looker:baseUrl": emulator.url,
            "looker:clientId": key.client_id,
            "looker:clientSecret": key.client_secret,
        },
    )
    with pytest.raises(
        PermissionDeniedError, match=r"GET /api/4\.0/password_config failed with HTTP 403"
    ):
        provider.create({"min_length": 12})
    assert emulator.control.state()["password_config"]["min_length"] == 10


def test_force_password_reset_is_done_once_per_new_value(emulator, provider) -> None:
    """A trigger: each new value makes every user reset their password at next login, once."""
    reset = ("PUT", "/api/4.0/password_config/force_password_reset_at_next_login_for_all_users")
    outs = created_singleton(provider, min_length=10, force_password_reset="2026-11")
    assert emulator.control.state()["actions"] == {"force_password_reset": 1}
    same = {"min_length": 10, "force_password_reset": "2026-11", "restore_on_delete": False}
    assert provider.diff("password_config", outs, same).changes is False
    new = {**same, "force_password_reset": "2026-12"}
    assert provider.diff("password_config", outs, new).changes is True
    emulator.control.clear_requests()
    outs = provider.update("password_config", outs, new).outs
    assert writes(emulator) == [reset]
    assert outs["force_password_reset"] == "2026-12"
    emulator.control.clear_requests()
    provider.update("password_config", outs, {**new, "min_length": 11})
    assert writes(emulator) == [("PATCH", "/api/4.0/password_config")]  # the trigger stayed
    assert emulator.control.state()["actions"] == {"force_password_reset": 2}
    refused = provider.check({}, {"force_password_reset": 5})
    assert [f.property for f in refused.failures] == ["force_password_reset"]


def test_restore_on_delete_unset_is_false_and_turning_it_off_is_an_update(provider) -> None:
    """Left out when false (as a refresh reads it back, so a refreshing preview shows no
    difference); taking it away from a policy that had it true is an update, not nothing."""
    olds = {"min_length": 12, "restore_on_delete": True}
    assert provider.diff("password_config", olds, {"min_length": 12}).changes
    assert not provider.diff("password_config", {**olds, "restore_on_delete": False}, {}).changes
    assert provider.check({}, {"restore_on_delete": False}).inputs == {}
