"""The Looker client over real HTTP against the emulator: login, renewal, errors, retries."""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter

import httpx
import pytest

from pulumi_looker import models
from pulumi_looker.client import LookerClient
from pulumi_looker.client.retry import is_retryable
from pulumi_looker.emulator.process import EmulatorProcess
from pulumi_looker.errors import (
    LOGIN_EXTENSION,
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
    api_error,
    refreshing,
)
from tests.support.clients import ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, fast_retry, settings_for
from tests.support.looker import LOGIN, keys_path, statuses

CONFIG = ("GET", "/api/4.0/password_config")
CREATE = ("POST", keys_path("2"))
PASSWORD = models.PASSWORD_CONFIG


class Clock:
    """A monotonic clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_no_call_until_needed(emulator: EmulatorProcess) -> None:
    LookerClient(settings_for(emulator)).close()
    assert emulator.control.requests() == []


def test_one_login_shared_by_threads(emulator: EmulatorProcess, client: LookerClient) -> None:
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(10):
                client.read_singleton(PASSWORD)
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


def test_token_renewed_ten_seconds_before_expiry(start_emulator) -> None:
    emulator = start_emulator("--token-ttl", "60")
    clock = Clock()
    with LookerClient(settings_for(emulator), retry=fast_retry(), clock=clock) as client:
        client.read_singleton(PASSWORD)
        clock.now += 49.9  # the token has 60 s; it is renewed 10 s early
        client.read_singleton(PASSWORD)
        clock.now += 0.1
        client.read_singleton(PASSWORD)
    assert statuses(emulator) == [
        (*LOGIN, 200),
        (*CONFIG, 200),
        (*CONFIG, 200),
        (*LOGIN, 200),
        (*CONFIG, 200),
    ]


def test_token_renewed_once_on_401(emulator: EmulatorProcess, client: LookerClient) -> None:
    client.read_singleton(PASSWORD)
    emulator.control.revoke_sessions()
    client.read_singleton(PASSWORD)
    assert statuses(emulator) == [
        (*LOGIN, 200),
        (*CONFIG, 200),
        (*CONFIG, 401),
        (*LOGIN, 200),
        (*CONFIG, 200),
    ]


def test_a_second_401_is_an_error_not_a_loop(
    emulator: EmulatorProcess, client: LookerClient
) -> None:
    client.read_singleton(PASSWORD)
    emulator.control.revoke_sessions()
    emulator.control.aim("error", "POST", LOGIN[1], status=404)
    with pytest.raises(LoginError):
        client.read_singleton(PASSWORD)
    assert statuses(emulator)[-2:] == [(*CONFIG, 401), (*LOGIN, 404)]


def test_bearer_and_token_schemes(emulator: EmulatorProcess) -> None:
    with httpx.Client(base_url=f"{emulator.url}/api/4.0") as http:
        token = http.post(
            "/login",
            data={"client_id": ADMIN_CLIENT_ID, "client_secret": ADMIN_CLIENT_SECRET},
        ).json()["access_token"]
        for scheme in ("Bearer", "token"):
            answer = http.get("/password_config", headers={"Authorization": f"{scheme} {token}"})
            assert answer.status_code == 200


def test_wrong_secret_is_a_login_error_without_the_secret(emulator: EmulatorProcess) -> None:
    with (
        LookerClient(
            settings_for(emulator, client_secret="Wrong-Secret-123"), retry=fast_retry()
        ) as client,
        pytest.raises(LoginError) as raised,
    ):
        client.read_singleton(PASSWORD)
    message = str(raised.value)
    assert "login failed" in message
    assert "the client id or secret is wrong" in message
    assert "Wrong-Secret-123" not in message
    assert raised.value.during_login
    assert statuses(emulator) == [(*LOGIN, 404)]  # not retried: another try cannot help


def test_a_refused_login_is_sent_once_and_explained_once(
    emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    """#31 item 4: later calls get the refusal in a short line, with no login of their own; the
    hint about the last `pulumi up`'s settings only in a refresh that does not run the program."""
    monkeypatch.delenv("PULUMI_RUN_PROGRAM", raising=False)
    settings = settings_for(emulator, client_secret="Wrong-Secret-123")
    with LookerClient(settings, retry=fast_retry()) as client:
        with pytest.raises(LoginError) as first:
            client.read_singleton(PASSWORD)
        assert "PULUMI_RUN_PROGRAM" not in str(first.value)  # not in a refresh
        with pytest.raises(LoginError) as again, refreshing():
            client.read_singleton(PASSWORD)
    assert str(again.value) == (
        "Looker login failed (POST /api/4.0/login, HTTP 404): refused earlier in this run with "
        "the same settings, not tried again"
    )
    assert statuses(emulator) == [(*LOGIN, 404)]
    with LookerClient(settings, retry=fast_retry()) as client:
        with pytest.raises(LoginError) as in_refresh, refreshing():
            client.read_singleton(PASSWORD)
        assert "without PULUMI_RUN_PROGRAM=true a refresh uses the settings" in str(
            in_refresh.value
        )
        monkeypatch.setenv("PULUMI_RUN_PROGRAM", "true")
        assert "PULUMI_RUN_PROGRAM" not in str(in_refresh.value)


def test_status_errors_carry_details(emulator: EmulatorProcess, client: LookerClient) -> None:
    with pytest.raises(NotFoundError) as not_found:
        client.list_credentials_api3("999")
    assert not_found.value.status == 404
    assert not_found.value.path == "/api/4.0/users/999/credentials_api3"
    assert not_found.value.documentation_url
    assert not not_found.value.during_login

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
    with (
        LookerClient(user, retry=fast_retry()) as as_user,
        pytest.raises(PermissionDeniedError, match="HTTP 403"),
    ):
        as_user.read_singleton(PASSWORD)
    assert statuses(emulator)[-2:] == [(*LOGIN, 200), (*CONFIG, 403)]


@pytest.mark.parametrize(
    ("status", "expected"),
    [(401, AuthenticationError), (409, ConflictError), (502, ServerError), (418, LookerApiError)],
)
def test_statuses_the_emulator_does_not_send_are_typed_too(status: int, expected: type) -> None:
    request = httpx.Request("POST", "https://looker.example.com/api/4.0/x")
    response = httpx.Response(
        status, json={"message": "m", "documentation_url": "https://d"}, request=request
    )
    error = api_error(response)
    assert type(error) is expected
    assert str(error) == f"POST /api/4.0/x failed with HTTP {status}: m (see https://d)"


def test_a_refused_login_is_a_login_error_by_its_mark_not_its_path() -> None:
    marked = httpx.Request("POST", "https://l/api/4.0/x", extensions={LOGIN_EXTENSION: True})
    unmarked = httpx.Request("POST", "https://l/api/4.0/login")
    looker_404 = {"message": "Not found", "documentation_url": "https://d"}
    assert type(api_error(httpx.Response(404, json=looker_404, request=marked))) is LoginError
    assert type(api_error(httpx.Response(404, json=looker_404, request=unmarked))) is NotFoundError


def test_retry_after_is_honoured(emulator: EmulatorProcess) -> None:
    retry = fast_retry()
    emulator.control.aim("rate_limit", "GET", CONFIG[1], retry_after=7)
    with LookerClient(settings_for(emulator), retry=retry) as client:
        client.read_singleton(PASSWORD)
    assert retry.sleep == [7.0]  # the server's word, not the policy's backoff
    assert statuses(emulator) == [(*LOGIN, 200), (*CONFIG, 429), (*CONFIG, 200)]


def test_retries_stop_at_the_bound_and_say_so(emulator: EmulatorProcess) -> None:
    retry = fast_retry()
    emulator.control.aim("error", "GET", CONFIG[1], times=10, status=503)
    with (
        LookerClient(settings_for(emulator), retry=retry) as client,
        pytest.raises(ServerError) as raised,
    ):
        client.read_singleton(PASSWORD)
    assert raised.value.attempts == 4
    assert "failed with HTTP 503 after 4 attempts" in str(raised.value)
    assert statuses(emulator) == [(*LOGIN, 200)] + [(*CONFIG, 503)] * 4
    assert len(retry.sleep) == 3
    assert all(0 <= wait <= retry.max_wait for wait in retry.sleep)


def test_429_storm_during_login_is_retried_once_per_attempt(emulator: EmulatorProcess) -> None:
    emulator.control.aim("rate_limit", "POST", LOGIN[1], times=10, retry_after=0)
    with (
        LookerClient(settings_for(emulator), retry=fast_retry()) as client,
        pytest.raises(RateLimitError) as raised,
    ):
        client.read_singleton(PASSWORD)
    assert raised.value.attempts == 4
    assert raised.value.during_login
    assert statuses(emulator) == [(*LOGIN, 429)] * 4


def test_a_create_is_sent_again_when_its_login_failed(emulator: EmulatorProcess) -> None:
    emulator.control.aim("error", "POST", LOGIN[1], status=503)
    with LookerClient(settings_for(emulator), retry=fast_retry()) as client:
        client.create_credentials_api3("2")
    assert statuses(emulator) == [(*LOGIN, 503), (*LOGIN, 200), (*CREATE, 200)]


def test_create_not_retried_after_5xx_or_dropped_connection(
    emulator: EmulatorProcess, client: LookerClient
) -> None:
    emulator.control.aim("error", *CREATE, status=502)
    with pytest.raises(ServerError) as raised:
        client.create_credentials_api3("2")
    assert raised.value.attempts == 1
    emulator.control.aim("drop", *CREATE)
    with pytest.raises(LookerConnectionError) as dropped:
        client.create_credentials_api3("2")
    assert dropped.value.reached_server
    assert statuses(emulator) == [(*LOGIN, 200), (*CREATE, 502), (*CREATE, "dropped")]


def test_create_retried_on_429(emulator: EmulatorProcess, client: LookerClient) -> None:
    emulator.control.aim("rate_limit", *CREATE, skip=1, retry_after=0)
    client.create_credentials_api3("2")
    client.create_credentials_api3("2")
    assert statuses(emulator) == [(*LOGIN, 200), (*CREATE, 200), (*CREATE, 429), (*CREATE, 200)]
    assert len(client.list_credentials_api3("2")) == 2


def test_reads_retried_after_dropped_connection(
    emulator: EmulatorProcess, client: LookerClient
) -> None:
    emulator.control.aim("drop", *CONFIG, skip=1)
    client.read_singleton(PASSWORD)
    client.read_singleton(PASSWORD)
    assert statuses(emulator) == [
        (*LOGIN, 200),
        (*CONFIG, 200),
        (*CONFIG, "dropped"),
        (*CONFIG, 200),
    ]


def test_connection_refused_is_retried_then_named(emulator: EmulatorProcess) -> None:
    url = emulator.url
    emulator.stop()
    client = LookerClient(settings_for(emulator, base_url=url), retry=fast_retry())
    with client, pytest.raises(LookerConnectionError) as raised:
        client.create_credentials_api3("2")
    assert raised.value.attempts == 4
    assert not raised.value.reached_server
    assert raised.value.during_login  # the login came first
    assert f"Looker at {url}" in str(raised.value)


def test_plain_http_server_with_https_url_fails_at_once(emulator: EmulatorProcess) -> None:
    url = emulator.url.replace("http://", "https://")
    client = LookerClient(settings_for(emulator, base_url=url), retry=fast_retry())
    with client, pytest.raises(LookerConnectionError) as raised:
        client.read_singleton(PASSWORD)
    assert raised.value.attempts == 1
    assert f"the server at {url} does not speak TLS" in str(raised.value)
    assert "use an http:// base URL" in str(raised.value)


def _api(cls: type, status: int, method: str, **flags: bool) -> LookerApiError:
    return cls(status=status, method=method, path="/p", **flags)


def _connection(method: str, **flags: bool) -> LookerConnectionError:
    return LookerConnectionError(method=method, path="/p", reason="r", **flags)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("error", "idempotent", "expected"),
    [
        (_api(RateLimitError, 429, "POST"), False, True),
        (_api(ServerError, 503, "POST"), False, False),
        (_api(ServerError, 503, "POST", during_login=True), False, True),
        (_api(ServerError, 503, "GET"), True, True),
        (_api(ServerError, 500, "GET"), True, False),
        (_connection("POST", reached_server=False), False, True),
        (_connection("POST", reached_server=True), False, False),
        (_connection("POST", reached_server=True, during_login=True), False, True),
        (_connection("GET", reached_server=True), True, True),
        (_connection("GET", reached_server=False, retryable=False), True, False),
        (_api(NotFoundError, 404, "GET"), True, False),
        (_api(LoginError, 404, "POST", during_login=True), True, False),
    ],
)
def test_retry_rules(error: Exception, idempotent: bool, expected: bool) -> None:
    assert is_retryable(error, idempotent) is expected


def test_no_secret_or_token_in_logs_or_errors(
    emulator: EmulatorProcess, client: LookerClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client.read_singleton(PASSWORD)
    token = client.transport.auth.token.value
    key = client.create_credentials_api3("2")
    messages = []
    for call in (
        lambda: client.request("PATCH", "/password_config", json={"min_length": 1}),
        lambda: client.list_credentials_api3("999"),
        lambda: client.update_singleton(PASSWORD, {"min_length": 1}),
    ):
        with pytest.raises((ValidationError, NotFoundError, InvalidInputError)) as raised:
            call()
        messages.append(str(raised.value))
    emulator.control.aim("error", *CONFIG, times=10)
    with pytest.raises(ServerError) as raised:
        client.read_singleton(PASSWORD)
    messages.append(str(raised.value))
    text = caplog.text + "\n".join(messages) + repr(client) + str(emulator.control.requests())
    for secret in (ADMIN_CLIENT_SECRET, token, key.client_secret):
        assert secret not in text
    assert "logged in to" in caplog.text  # the log was on


def test_create_not_retried_after_a_timeout(emulator: EmulatorProcess) -> None:
    impatient = LookerClient(settings_for(emulator, timeout=0.5), retry=fast_retry())
    emulator.control.aim("latency", *CREATE, latency_ms=1500)
    with impatient, pytest.raises(LookerConnectionError) as raised:
        impatient.create_credentials_api3("2")
    assert "ReadTimeout" in str(raised.value)
    assert raised.value.attempts == 1
    assert raised.value.reached_server
    # The server goes on with the create after the client gave up: wait until it is done.
    deadline = time.monotonic() + 30
    while not any(r[:2] == CREATE for r in statuses(emulator)):
        assert time.monotonic() < deadline, "the emulator never finished the create"
        time.sleep(0.05)
    assert [r for r in statuses(emulator) if r[:2] == CREATE] == [(*CREATE, 200)]
