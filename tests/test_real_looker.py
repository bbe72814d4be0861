"""Where real Looker differs from the emulator's default: older releases, Google Cloud core,
404 for "not allowed", URLs that are not Looker, and what Looker's SDK sends and accepts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pulumi_looker import models
from pulumi_looker.api_credential import ApiCredentialProvider
from pulumi_looker.client import LookerClient
from pulumi_looker.errors import (
    GoogleCloudCoreError,
    LoginError,
    NotLookerError,
    UnconfirmedGoneError,
    UnsupportedReleaseError,
)
from pulumi_looker.password_config import PasswordConfigProvider
from tests.support.clients import fast_retry, program_stack, provider_for, settings_for
from tests.support.looker import LOGIN, VERSIONS, keys_of_user, statuses, writes
from tests.support.web import QuietHandler, serving

OLD = "25.10.5"


@pytest.fixture
def old_looker(start_emulator):
    return start_emulator("--looker-version", OLD)


def test_the_release_is_asked_once_and_without_a_login(emulator) -> None:
    with LookerClient(settings_for(emulator), retry=fast_retry()) as client:
        assert client.release() == models.API_RELEASE
        assert client.release() == models.API_RELEASE
    assert statuses(emulator) == [(*VERSIONS, 200)]


def test_an_old_release_refuses_a_purpose_before_any_write(old_looker) -> None:
    provider = provider_for(ApiCredentialProvider, old_looker)
    with pytest.raises(UnsupportedReleaseError) as raised:
        provider.create({"user_id": "2", "purpose": "CI"})
    assert str(raised.value) == (
        f"this Looker instance runs release {OLD}, which has no CredentialsApi3 purpose "
        "(Looker 25.14): remove it from the inputs, or upgrade Looker. Nothing was changed."
    )
    assert writes(old_looker) == []
    assert keys_of_user(old_looker, "2") == []


def test_an_old_release_keeps_keys_without_purpose_working(old_looker) -> None:
    provider = provider_for(ApiCredentialProvider, old_looker)
    outs = provider.create({"user_id": "2"}).outs
    assert outs["purpose"] is None
    assert writes(old_looker) == [("POST", "/api/4.0/users/2/credentials_api3")]
    refreshed = provider.read(f"2/{outs['credentials_api3_id']}", outs)
    assert "purpose" not in refreshed.inputs
    assert provider.diff("x", refreshed.outs, {"user_id": "2"}).changes is False
    with pytest.raises(UnsupportedReleaseError, match="no CredentialsApi3 purpose"):
        provider.diff("x", refreshed.outs, {"user_id": "2", "purpose": "new"})  # at preview


def test_an_old_release_refuses_expiration_settings_before_any_write(old_looker) -> None:
    provider = provider_for(PasswordConfigProvider, old_looker)
    with pytest.raises(UnsupportedReleaseError) as raised:
        provider.create({"min_length": 12, "expiration_enabled": True, "restore_on_delete": False})
    assert "which has no PasswordConfig expiration_enabled (Looker 26.0)" in str(raised.value)
    assert writes(old_looker) == []
    outs = provider.create({"min_length": 12, "restore_on_delete": False}).outs
    assert outs["min_length"] == 12
    assert outs["expiration_enabled"] is None  # the release has no such field
    same = {"min_length": 12, "restore_on_delete": False}
    assert provider.diff("password_config", outs, same).changes is False
    with pytest.raises(UnsupportedReleaseError):
        provider.diff("password_config", outs, {**same, "expiration_duration_days": 90})


def test_google_cloud_core_refusal_is_named(start_emulator) -> None:
    looker = start_emulator("--google-cloud-core")
    provider = provider_for(PasswordConfigProvider, looker)
    with pytest.raises(GoogleCloudCoreError) as raised:
        provider.create({"min_length": 12, "restore_on_delete": False})
    message = str(raised.value)
    assert "Looker (Google Cloud core) does not allow this call" in message
    assert "(Unsupported in Looker (Google Cloud core))" in message
    assert "admin" not in message
    assert writes(looker) == []


@pytest.fixture
def non_admin_404(start_emulator):
    """A Looker that answers 404 to a caller without the permission, and a provider whose
    connection lost its admin role (it is user 2's key)."""
    looker = start_emulator("--permission-404")
    with LookerClient(settings_for(looker), retry=fast_retry()) as admin:
        made = provider_for(ApiCredentialProvider, looker)
        outs = made.create({"user_id": "3", "purpose": "made by the admin"}).outs
        key = admin.create_credentials_api3("2")
    provider = provider_for(ApiCredentialProvider, looker, key)
    LookerClient.close_shared()
    looker.control.clear_requests()
    return looker, provider, outs


def test_a_404_that_may_mean_not_allowed_does_not_drop_the_key(non_admin_404) -> None:
    looker, provider, outs = non_admin_404
    with pytest.raises(UnconfirmedGoneError) as raised:
        provider.read(f"3/{outs['credentials_api3_id']}", outs)
    message = str(raised.value)
    assert "the user may be gone, or this connection may lack the permission" in message
    assert "Pulumi keeps the key in its state" in message
    with pytest.raises(UnconfirmedGoneError):
        provider.delete("x", outs)
    assert writes(looker) == [
        ("DELETE", f"/api/4.0/users/3/credentials_api3/{outs['credentials_api3_id']}")
    ]
    assert [k["purpose"] for k in keys_of_user(looker, "3")] == [
        f"made by the admin [pulumi: {program_stack()}]"
    ]


class _NotLooker(QuietHandler):
    """A web server that is not Looker: HTML for everything; records the headers it got."""

    seen: list[dict[str, str]]

    def do_POST(self) -> None:
        self.seen.append(dict(self.headers))
        body = b"<html><body>Sign in</body></html>"
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def not_looker() -> Iterator[tuple[str, list[dict[str, str]]]]:
    seen: list[dict[str, str]] = []
    with serving(type("H", (_NotLooker,), {"seen": seen})) as url:
        yield url, seen


def test_a_url_that_is_not_looker_is_told_apart_from_a_wrong_secret(not_looker, emulator) -> None:
    url, _ = not_looker
    settings = settings_for(emulator, base_url=url)
    with (
        LookerClient(settings, retry=fast_retry()) as client,
        pytest.raises(NotLookerError) as raised,
    ):
        client.read_singleton(models.PASSWORD_CONFIG)
    message = str(raised.value)
    assert f"POST {url}/api/4.0/login answered HTTP 404 (text/html), not as Looker's API" in message
    assert "this is not a Looker API. Check looker:baseUrl" in message
    assert raised.value.attempts == 1
    wrong = settings_for(emulator, client_secret="wrong")
    with LookerClient(wrong, retry=fast_retry()) as client, pytest.raises(LoginError):
        client.read_singleton(models.PASSWORD_CONFIG)
    assert statuses(emulator) == [(*LOGIN, 404)]


def test_a_plain_web_server_answering_501_is_not_a_looker_api(emulator) -> None:
    """Python's own HTTP server has no POST: it answers 501 with an HTML page."""
    with (
        serving(QuietHandler) as url,
        LookerClient(settings_for(emulator, base_url=url), retry=fast_retry()) as client,
        pytest.raises(NotLookerError) as raised,
    ):
        client.read_singleton(models.PASSWORD_CONFIG)
    message = str(raised.value)
    assert f"POST {url}/api/4.0/login answered HTTP 501 (text/html)" in message
    assert "this is not a Looker API. Check looker:baseUrl" in message
    assert raised.value.attempts == 1


def test_calls_name_the_caller_as_lookers_sdks_do(not_looker, emulator) -> None:
    url, seen = not_looker
    with (
        LookerClient(settings_for(emulator, base_url=url), retry=fast_retry()) as client,
        pytest.raises(NotLookerError),
    ):
        client.read_singleton(models.PASSWORD_CONFIG)
    [headers] = seen
    lowered = {k.lower(): v for k, v in headers.items()}
    assert lowered["x-looker-appid"] == "pulumi-looker"
    assert lowered["user-agent"].startswith("pulumi-looker/0.")
