"""Two-key rotation: an ApiCredential with ``keep_previous`` keeps the key a rotation replaced
until the next rotation, against the emulator."""

from __future__ import annotations

import pytest

from pulumi_looker.api_credential import ApiCredentialProvider
from pulumi_looker.client import LookerClient
from pulumi_looker.emulator.process import EmulatorProcess
from tests.support.clients import configure, program_stack, stack_config
from tests.support.looker import keys_of_user, keys_path, writes


@pytest.fixture
def provider(emulator: EmulatorProcess) -> ApiCredentialProvider:
    provider = ApiCredentialProvider()
    configure(provider, stack_config(emulator))
    return provider


def rotated(provider: ApiCredentialProvider, outs: dict, **changes: object) -> dict:
    """An update as the engine makes it: check, diff (an update, never a replacement), update."""
    news = provider.check(outs, {**outs_inputs(outs), **changes}).inputs
    diff = provider.diff("id", outs, news)
    assert diff.changes is True
    assert diff.replaces == []
    return provider.update("id", outs, news).outs


def outs_inputs(outs: dict) -> dict:
    return {
        k: outs[k]
        for k in ("user_id", "purpose", "rotation", "keep_previous")
        if outs.get(k) is not None
    }


def test_a_rotation_without_overlap_replaces_the_key(provider) -> None:
    news = {"user_id": "2", "rotation": "r1"}
    outs = provider.create(provider.check({}, news).inputs).outs
    diff = provider.diff("id", outs, {**news, "rotation": "r2"})
    assert diff.replaces == ["rotation"]


def test_rotations_with_overlap_keep_one_previous_key(emulator, provider) -> None:
    inputs = provider.check({}, {"user_id": "2", "purpose": "bot", "keep_previous": True}).inputs
    first = provider.create(inputs).outs
    assert first["previous_credentials_api3_id"] is None
    emulator.control.clear_requests()

    second = rotated(provider, first, rotation="r1")
    assert [m for m, _ in writes(emulator)] == ["POST", "PATCH"]  # the new key and its purpose
    assert second["previous_credentials_api3_id"] == first["credentials_api3_id"]
    assert second["previous_client_id"] == first["client_id"]
    assert second["previous_age_days"] == 0
    assert second["client_secret"] != first["client_secret"]
    assert {k["id"] for k in keys_of_user(emulator, "2")} == {
        first["credentials_api3_id"],
        second["credentials_api3_id"],
    }
    emulator.control.clear_requests()

    third = rotated(provider, second, rotation="r2")
    assert writes(emulator)[0] == ("DELETE", keys_path("2", first["credentials_api3_id"]))
    assert third["previous_credentials_api3_id"] == second["credentials_api3_id"]
    assert {k["id"] for k in keys_of_user(emulator, "2")} == {
        second["credentials_api3_id"],
        third["credentials_api3_id"],
    }
    assert all(
        k["purpose"] == f"bot [pulumi: {program_stack()}]" for k in keys_of_user(emulator, "2")
    )

    emulator.control.clear_requests()
    provider.delete("id", third)
    assert sorted(writes(emulator)) == sorted(
        ("DELETE", keys_path("2", third[k]))
        for k in ("credentials_api3_id", "previous_credentials_api3_id")
    )
    assert keys_of_user(emulator, "2") == []


def test_turning_overlap_off_deletes_the_previous_key(emulator, provider) -> None:
    inputs = provider.check({}, {"user_id": "2", "keep_previous": True}).inputs
    first = provider.create(inputs).outs
    second = rotated(provider, first, rotation="r1")
    emulator.control.clear_requests()
    news = {"user_id": "2", "rotation": "r1"}
    assert provider.diff("id", second, news).replaces == []
    third = provider.update("id", second, news).outs
    assert writes(emulator) == [("DELETE", keys_path("2", first["credentials_api3_id"]))]
    assert third["previous_credentials_api3_id"] is None
    assert third["credentials_api3_id"] == second["credentials_api3_id"]


def test_refresh_reads_the_current_key_and_drops_a_previous_one_deleted_outside(
    emulator, provider, client
) -> None:
    first = provider.create(provider.check({}, {"user_id": "2", "keep_previous": True}).inputs)
    second = rotated(provider, first.outs, rotation="r1")
    found = provider.read(first.id, second)  # the id stays the first key's
    assert found.outs["credentials_api3_id"] == second["credentials_api3_id"]
    assert found.outs["previous_credentials_api3_id"] == first.outs["credentials_api3_id"]
    client.delete_credentials_api3("2", first.outs["credentials_api3_id"])
    LookerClient.close_shared()
    found = provider.read(first.id, second)
    assert found.outs["credentials_api3_id"] == second["credentials_api3_id"]
    assert found.outs["previous_credentials_api3_id"] is None


def test_overlap_is_refused_for_an_adopted_key(emulator, provider) -> None:
    failed = provider.check({}, {"user_id": "2", "credentials_api3_id": "1", "keep_previous": True})
    assert [f.property for f in failed.failures] == ["keep_previous"]
    assert writes(emulator) == []
