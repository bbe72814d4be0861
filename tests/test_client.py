"""The Looker client over real HTTP against the emulator: login, renewal, errors, retries."""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter

import httpx
import pytest

from pulumi_looker.client import LookerClient, _api_error
from pulumi_looker.emulator.process import EmulatorProcess
from pulumi_looker.errors import (
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InvalidInputError,
    LoginError,
    LookerApiError,
    LookerConnectionError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    ValidationError,
)
from pulumi_looker.retry import is_retryable

from .conftest import ADMIN_CLIENT_SECRET, FAST_RETRY, settings_for

LOGIN = ("POST", "/api/4.0/login")
CONFIG = ("GET", "/api/4.0/password_config")


def statuses(emulator: EmulatorProcess) -> list[tuple[str, str, int | str]]:
    return [(r["method"], r["path"], r["status"]) for r in emulator.control.requests()]


def test_no_call_until_needed(emulator: EmulatorProcess) -> None:
    LookerClient(settings_for(emulator)).close()
    assert emulator.control.requests() == []


def test_one_login_shared_by_threads(emulator: EmulatorProcess, client: LookerClient) -> None:
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(10):
                client.get_password_config()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert emulator.control.calls() == Counter({CONFIG: 80, LOGIN: 1})


def test_shared_client_is_one_per_settings(emulator: EmulatorProcess) -> None:
    settings = settings_for(emulator)
    assert LookerClient.shared(settings) is LookerClient.shared(settings_for(emulator))
    assert LookerClient.shared(settings) is not LookerClient.shared(
        settings_for(emulator, timeout=5)
    )


def test_token_renewed_before_expiry(start_emulator) -> None:
    emulator = start_emulator("--token-ttl", "2")
    with LookerClient(settings_for(emulator), retry=FAST_RETRY) as client:
        client.get_password_config()
        client.get_password_config()
        time.sleep(1.6)  # past the renewal point (a quarter of a 2 s lifetime before expiry)
        client.get_password_config()
    assert statuses(emulator) == [
        (*LOGIN, 200),
        (*CONFIG, 200),
        (*CONFIG, 200),
        (*LOGIN, 200),
        (*CONFIG, 200),
    ]


def test_token_renewed_once_on_401(emulator: EmulatorProcess, client: LookerClient) -> None:
    client.get_password_config()
    emulator.control.revoke_sessions()
    client.get_password_config()
    assert statuses(emulator) == [
        (*LOGIN, 200),
        (*CONFIG, 200),
        (*CONFIG, 401),
        (*LOGIN, 200),
        (*CONFIG, 200),
    ]


def test_bearer_and_token_schemes(emulator: EmulatorProcess) -> None:
    with httpx.Client(base_url=f"{emulator.url}/api/4.0") as http:
        token = http.post(
            "/login",
            data={"client_id": "AdminClientId0000001", "client_secret": ADMIN_CLIENT_SECRET},
        ).json()["access_token"]
        for scheme in ("Bearer", "token"):
            answer = http.get("/password_config", headers={"Authorization": f"{scheme} {token}"})
            assert answer.status_code == 200


def test_wrong_secret_is_a_login_error_without_the_secret(emulator: EmulatorProcess) -> None:
    with (
        LookerClient(
            settings_for(emulator, client_secret="Wrong-Secret-123"), retry=FAST_RETRY
        ) as client,
        pytest.raises(LoginError) as raised,
    ):
        client.get_password_config()
    message = str(raised.value)
    assert "login failed" in message
    assert "client id or client secret is wrong" in message
    assert "Wrong-Secret-123" not in message
    assert statuses(emulator) == [(*LOGIN, 404)]  # not retried: another try cannot help


def test_status_errors_carry_details(emulator: EmulatorProcess, client: LookerClient) -> None:
    with pytest.raises(NotFoundError) as not_found:
        client.get_credentials_api3("999", "1")
    assert not_found.value.status == 404
    assert not_found.value.path == "/api/4.0/users/999/credentials_api3/1"
    assert not_found.value.documentation_url

    with pytest.raises(ValidationError) as invalid:
        client.request(
            "PATCH", "/password_config", json={"min_length": 5, "expiration_duration_days": 400}
        )
    assert [(d.field, d.code) for d in invalid.value.details] == [
        ("min_length", "invalid"),
        ("expiration_duration_days", "invalid"),
    ]
    assert "min_length must be an integer from 7 to 100, got 5" in str(invalid.value)
    assert str(invalid.value).startswith("PATCH /api/4.0/password_config failed with HTTP 422")

    with pytest.raises(BadRequestError):
        client.request("PATCH", "/password_config", json=[1, 2])


def test_non_admin_gets_permission_denied(emulator: EmulatorProcess, client: LookerClient) -> None:
    key = client.create_credentials_api3("2")
    user = settings_for(emulator, client_id=key.client_id, client_secret=key.client_secret)
    with LookerClient(user, retry=FAST_RETRY) as as_user:
        assert as_user.me()["id"] == "2"
        with pytest.raises(PermissionDeniedError, match="HTTP 403"):
            as_user.get_password_config()


@pytest.mark.parametrize(
    ("status", "expected"),
    [(401, AuthenticationError), (409, ConflictError), (502, ServerError), (418, LookerApiError)],
)
def test_statuses_the_emulator_does_not_send_are_typed_too(status: int, expected: type) -> None:
    response = httpx.Response(status, json={"message": "m", "documentation_url": "https://d"})
    error = _api_error("POST", "/api/4.0/x", response)
    assert type(error) is expected
    assert str(error) == f"POST /api/4.0/x failed with HTTP {status}: m (see https://d)"


def test_retry_after_is_honoured(emulator: EmulatorProcess, client: LookerClient) -> None:
    client.get_password_config()  # logged in
    emulator.control.set_faults(rate_limit_every=1, retry_after=1)
    emulator.control.clear_requests()
    started = time.monotonic()
    thread = threading.Timer(0.5, lambda: emulator.control.set_faults(rate_limit_every=0))
    thread.start()
    client.get_password_config()
    elapsed = time.monotonic() - started
    thread.join()
    assert elapsed >= 1.0  # the policy's own waits are 50 ms at most: this is Retry-After
    assert statuses(emulator) == [(*CONFIG, 429), (*CONFIG, 200)]


def test_retries_stop_at_the_bound_and_say_so(
    emulator: EmulatorProcess, client: LookerClient
) -> None:
    client.get_password_config()
    emulator.control.set_faults(error_every=1, error_status=503)
    emulator.control.clear_requests()
    with pytest.raises(ServerError) as raised:
        client.get_password_config()
    assert raised.value.attempts == FAST_RETRY.max_attempts
    assert "failed with HTTP 503 after 4 attempts" in str(raised.value)
    assert statuses(emulator) == [(*CONFIG, 503)] * 4


def test_429_storm_during_login_is_retried_once_per_attempt(
    emulator: EmulatorProcess, client: LookerClient
) -> None:
    emulator.control.set_faults(rate_limit_every=1, retry_after=0)
    with pytest.raises(RateLimitError) as raised:
        client.get_password_config()
    assert raised.value.attempts == 4
    assert statuses(emulator) == [(*LOGIN, 429)] * 4


def test_create_not_retried_after_5xx_or_dropped_connection(
    emulator: EmulatorProcess, client: LookerClient
) -> None:
    client.get_password_config()
    create = ("POST", "/api/4.0/users/2/credentials_api3")
    emulator.control.set_faults(error_every=1, error_status=502)
    emulator.control.clear_requests()
    with pytest.raises(ServerError) as raised:
        client.create_credentials_api3("2")
    assert raised.value.attempts == 1
    emulator.control.set_faults(error_every=0, drop_every=1)
    with pytest.raises(LookerConnectionError) as dropped:
        client.create_credentials_api3("2")
    assert dropped.value.reached_server
    assert statuses(emulator) == [(*create, 502), (*create, "dropped")]


def test_create_retried_on_429(emulator: EmulatorProcess, client: LookerClient) -> None:
    client.get_password_config()
    emulator.control.set_faults(rate_limit_every=2, retry_after=0)
    emulator.control.clear_requests()
    client.create_credentials_api3("2")  # request 1 passes
    client.create_credentials_api3("2")  # request 2 is a 429, request 3 passes
    create = ("POST", "/api/4.0/users/2/credentials_api3")
    assert statuses(emulator) == [(*create, 200), (*create, 429), (*create, 200)]
    assert len(client.list_credentials_api3("2")) == 2


def test_reads_retried_after_dropped_connection(
    emulator: EmulatorProcess, client: LookerClient
) -> None:
    client.get_password_config()
    emulator.control.set_faults(drop_every=2)
    emulator.control.clear_requests()
    client.get_password_config()
    client.get_password_config()
    assert statuses(emulator) == [(*CONFIG, 200), (*CONFIG, "dropped"), (*CONFIG, 200)]


def test_connection_refused_is_retried_then_named(emulator: EmulatorProcess) -> None:
    url = emulator.url
    emulator.stop()
    client = LookerClient(settings_for(emulator, base_url=url), retry=FAST_RETRY)
    with client, pytest.raises(LookerConnectionError) as raised:
        client.create_credentials_api3("2")
    assert raised.value.attempts == 4
    assert not raised.value.reached_server
    assert f"Looker at {url}" in str(raised.value)


@pytest.mark.parametrize(
    ("error", "idempotent", "expected"),
    [
        (RateLimitError(status=429, method="POST", path="/p"), False, True),
        (ServerError(status=503, method="POST", path="/p"), False, False),
        (ServerError(status=503, method="GET", path="/p"), True, True),
        (ServerError(status=500, method="GET", path="/p"), True, False),
        (
            LookerConnectionError(method="POST", path="/p", reason="r", reached_server=False),
            False,
            True,
        ),
        (
            LookerConnectionError(method="POST", path="/p", reason="r", reached_server=True),
            False,
            False,
        ),
        (
            LookerConnectionError(method="GET", path="/p", reason="r", reached_server=True),
            True,
            True,
        ),
        (
            LookerConnectionError(
                method="GET", path="/p", reason="tls", reached_server=False, retryable=False
            ),
            True,
            False,
        ),
        (NotFoundError(status=404, method="GET", path="/p"), True, False),
    ],
)
def test_retry_rules(error: Exception, idempotent: bool, expected: bool) -> None:
    assert is_retryable(error, idempotent) is expected


def test_no_secret_or_token_in_logs_or_errors(
    emulator: EmulatorProcess, client: LookerClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client.get_password_config()
    token = client._token.value
    key = client.create_credentials_api3("2")
    messages = []
    for call in (
        lambda: client.request("PATCH", "/password_config", json={"min_length": 1}),
        lambda: client.get_credentials_api3("2", "999"),
    ):
        with pytest.raises((ValidationError, NotFoundError, InvalidInputError)) as raised:
            call()
        messages.append(str(raised.value))
    emulator.control.set_faults(error_every=1)
    with pytest.raises(ServerError) as raised:
        client.get_password_config()
    messages.append(str(raised.value))
    text = caplog.text + "\n".join(messages) + repr(client) + str(emulator.control.requests())
    for secret in (ADMIN_CLIENT_SECRET, token, key.client_secret):
        assert secret not in text


def test_logout_ends_the_token_and_the_next_call_logs_in_again(
    emulator: EmulatorProcess, client: LookerClient
) -> None:
    client.logout()  # not logged in yet: no call
    client.get_password_config()
    client.logout()
    client.get_password_config()
    assert statuses(emulator) == [
        (*LOGIN, 200),
        (*CONFIG, 200),
        ("DELETE", "/api/4.0/logout", 204),
        (*LOGIN, 200),
        (*CONFIG, 200),
    ]


def test_create_not_retried_after_a_timeout(emulator: EmulatorProcess) -> None:
    impatient = LookerClient(settings_for(emulator, timeout=0.5), retry=FAST_RETRY)
    impatient.get_password_config()  # logged in before Looker slows down
    emulator.control.set_faults(latency_ms=1500)
    emulator.control.clear_requests()
    with impatient, pytest.raises(LookerConnectionError) as raised:
        impatient.create_credentials_api3("2")
    assert "ReadTimeout" in str(raised.value)
    assert raised.value.attempts == 1
    assert raised.value.reached_server
    time.sleep(1.5)  # let the server finish: the create did happen
    posts = [
        r for r in emulator.control.requests() if r["method"] == "POST" and "login" not in r["path"]
    ]
    assert len(posts) == 1
