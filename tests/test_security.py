"""TLS verification and redirects: the client never trusts or follows what it should not."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from pulumi_looker import models
from pulumi_looker.client import LookerClient
from pulumi_looker.errors import LookerApiError, LookerConnectionError, SettingsError
from pulumi_looker.settings import ConnectionSettings
from tests.support.clients import ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, fast_retry, settings_for
from tests.support.web import QuietHandler, serving


@pytest.fixture
def https_emulator(start_emulator, tmp_path: Path):
    """An emulator serving HTTPS with a certificate from a CA the machine does not trust."""
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    cert.cert_chain_pems[0].write_to_path(tmp_path / "cert.pem")
    cert.private_key_pem.write_to_path(tmp_path / "key.pem")
    ca.cert_pem.write_to_path(tmp_path / "ca.pem")
    emulator = start_emulator(
        "--ssl-certfile", str(tmp_path / "cert.pem"), "--ssl-keyfile", str(tmp_path / "key.pem")
    )
    assert emulator.url.startswith("https://")
    return emulator, tmp_path / "ca.pem"


def test_untrusted_certificate_fails_clearly_and_is_not_retried(
    https_emulator, reliability
) -> None:
    row = reliability("security", "TLS: self-signed certificate, verification on (default)")
    emulator, _ = https_emulator
    with (
        LookerClient(settings_for(emulator), retry=fast_retry()) as client,
        pytest.raises(LookerConnectionError) as raised,
    ):
        client.read_singleton(models.PASSWORD_CONFIG)
    message = str(raised.value)
    row.runs, row.result = 1, f"refused after {raised.value.attempts} attempt(s): {message[:60]}…"
    assert f"TLS certificate verification failed for {emulator.url}" in message
    assert "looker:verifySsl to false for a test instance only" in message
    assert raised.value.attempts == 1
    assert emulator.control.requests() == []  # nothing got through, not even the login
    # The connection the client gave up on mid-handshake does not hold the emulator's stop
    # until it is killed: it stops as asked.
    assert emulator.stop() == -signal.SIGTERM


def test_ca_bundle_is_trusted(https_emulator) -> None:
    emulator, ca = https_emulator
    with LookerClient(settings_for(emulator, ca_bundle=str(ca)), retry=fast_retry()) as client:
        assert client.read_singleton(models.PASSWORD_CONFIG).min_length == 10


def test_verification_off_only_when_asked(https_emulator) -> None:
    emulator, _ = https_emulator
    settings = settings_for(emulator, verify_ssl="false")
    with LookerClient(settings, retry=fast_retry()) as client:
        assert client.read_singleton(models.PASSWORD_CONFIG).min_length == 10


def test_a_missing_ca_bundle_is_a_settings_error(emulator) -> None:
    with pytest.raises(SettingsError, match="ca_bundle must be a PEM file"):
        settings_for(emulator, ca_bundle="/no/such/ca.pem")


class _Recorder(QuietHandler):
    """Logs in anyone, then redirects every API call to ``target``."""

    target = ""
    seen: list[tuple[str, str, str | None]]

    def _answer(self) -> None:
        self.seen.append((self.command, self.path, self.headers.get("Authorization")))
        if self.path.endswith("/login"):
            body = json.dumps(
                {"access_token": "TokenNotForOthers", "token_type": "Bearer", "expires_in": 3600}
            )
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body.encode())
        elif self.target:
            self.send_response(302)
            self.send_header("Location", f"{self.target}{self.path}")
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

    do_GET = do_POST = do_PATCH = _answer


def _recorder(target: str, seen: list) -> type[_Recorder]:
    return type("Handler", (_Recorder,), {"target": target, "seen": seen})


@pytest.fixture
def redirecting() -> Iterator[tuple[str, list, list]]:
    looker_seen: list = []
    other_seen: list = []
    with (
        serving(_recorder("", other_seen)) as other_url,
        serving(_recorder(other_url, looker_seen)) as looker_url,
    ):
        yield looker_url, looker_seen, other_seen


def test_redirect_is_not_followed_with_the_token(redirecting, reliability) -> None:
    row = reliability("security", "redirect to another host")
    url, looker_seen, other_seen = redirecting
    settings = ConnectionSettings.resolve(
        base_url=url, client_id=ADMIN_CLIENT_ID, client_secret=ADMIN_CLIENT_SECRET
    )
    with (
        LookerClient(settings, retry=fast_retry()) as client,
        pytest.raises(LookerApiError) as raised,
    ):
        client.read_singleton(models.PASSWORD_CONFIG)
    row.runs = 1
    row.result = (
        f"HTTP {raised.value.status}, not followed; the other host saw {len(other_seen)} requests"
    )
    assert raised.value.status == 302
    assert "unexpected redirect to http://127.0.0.1:" in str(raised.value)
    assert "not followed" in str(raised.value)
    assert other_seen == []
    assert [(m, p) for m, p, _ in looker_seen] == [
        ("POST", "/api/4.0/login"),
        ("GET", "/api/4.0/password_config"),
    ]
