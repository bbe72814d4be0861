"""SessionConfig's provider handlers against the emulator: the singleton machinery, again."""

from __future__ import annotations

from collections import Counter

import pytest

from pulumi_looker import models
from pulumi_looker.emulator.state import DEFAULT_SESSION_CONFIG
from pulumi_looker.session_config import SessionConfigProvider
from tests.support.clients import created_singleton, provider_for
from tests.support.looker import NEW_OWNERS, OWNERS, api_calls, patch_bodies

GET = ("GET", "/api/4.0/session_config")
PATCH = ("PATCH", "/api/4.0/session_config")


@pytest.fixture
def provider(emulator) -> SessionConfigProvider:
    return provider_for(SessionConfigProvider, emulator)


def test_check_names_the_range_and_calls_nothing(emulator, provider) -> None:
    result = provider.check({}, {"session_minutes": 4, "track_session_locaton": True})
    assert {f.property: f.reason for f in result.failures} == {
        "session_minutes": "session_minutes must be an integer from 5 to 43200, got 4",
        "track_session_locaton": (
            "unknown property 'track_session_locaton' (did you mean 'track_session_location'?); "
            "valid properties: allow_persistent_sessions, profile, restore_on_delete, "
            "session_minutes, takeover, track_session_location, unlimited_sessions_per_user, "
            "use_inactivity_based_logout"
        ),
    }
    assert emulator.control.requests() == []


def test_create_writes_only_what_differs_and_keeps_the_rest(emulator, provider) -> None:
    outs = created_singleton(provider, session_minutes=30, unlimited_sessions_per_user=False)
    assert api_calls(emulator) == Counter({GET: 1, PATCH: 1, OWNERS: 1, NEW_OWNERS: 1})
    assert patch_bodies(emulator) == [{"unlimited_sessions_per_user": False}]  # 30 already
    assert outs["allow_persistent_sessions"] is True  # unmanaged: Looker's
    assert outs["managed_fields"] == ["session_minutes", "unlimited_sessions_per_user"]
    assert outs["initial_config"] == DEFAULT_SESSION_CONFIG


def test_refresh_sees_drift_and_import_adopts_all(emulator, provider, client) -> None:
    outs = created_singleton(provider, session_minutes=720)
    client.update_singleton(models.SESSION_CONFIG, {"session_minutes": 60})
    refreshed = provider.read("session_config", outs)
    assert refreshed.inputs == {"session_minutes": 60}  # restore_on_delete false: left out
    assert provider.diff("session_config", refreshed.outs, {"session_minutes": 720}).changes
    imported = provider.read("session_config", {})
    assert imported.inputs == {
        **{k: v for k, v in DEFAULT_SESSION_CONFIG.items() if k != "session_minutes"},
        "session_minutes": 60,
    }


@pytest.mark.parametrize(("restore", "expected"), [(False, 720), (True, 30)])
def test_destroy_leaves_or_restores(emulator, provider, restore: bool, expected: int) -> None:
    outs = created_singleton(provider, session_minutes=720, restore_on_delete=restore)
    provider.delete("session_config", outs)
    assert emulator.control.state()["session_config"]["session_minutes"] == expected
