"""One request to Looker API 4.0 over httpx: TLS, authentication, no redirects, typed errors."""

from __future__ import annotations

import importlib.metadata
import logging
import ssl
import time
from collections.abc import Callable
from typing import Any

import httpx

from pulumi_looker.errors import LookerCallError, api_error, connection_error
from pulumi_looker.settings import ConnectionSettings

from .auth import LookerAuth

logger = logging.getLogger("pulumi_looker")

#: As Looker's SDKs do: ``x-looker-appid`` names the caller in Looker's System Activity.
HEADERS = {
    "User-Agent": f"pulumi-looker/{importlib.metadata.version('pulumi-looker')}",
    "x-looker-appid": "pulumi-looker",
    "Accept": "application/json",
}


class Transport:
    """Sends one request and decodes its answer; retries are the caller's business.

    Redirects are never followed (an access token must not go to another host), TLS is verified
    unless the settings turn it off, and every failure is a typed error.
    """

    def __init__(
        self, settings: ConnectionSettings, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.settings = settings
        self.auth = LookerAuth(
            f"{settings.api_url}/login",
            {"client_id": settings.client_id, "client_secret": settings.client_secret},
            headers=HEADERS,
            clock=clock,
        )
        self._http = httpx.Client(
            base_url=settings.api_url,
            auth=self.auth,
            verify=_tls_context(settings),
            timeout=settings.timeout,
            follow_redirects=False,
            headers=HEADERS,
        )

    def __repr__(self) -> str:
        return f"Transport(base_url={self.settings.base_url!r})"

    def close(self) -> None:
        self._http.close()

    def send(self, method: str, path: str, *, json: Any = None, authenticated: bool = True) -> Any:
        """Send ``method path`` (relative to the API root); return the decoded JSON answer.
        ``authenticated=False`` sends no token (and so needs no login)."""
        started = time.monotonic()
        try:
            if authenticated:
                response = self._http.request(method, path, json=json)
            else:
                response = self._http.request(method, path, json=json, auth=None)
        except httpx.TransportError as error:
            failure = connection_error(error, self.settings.base_url)
            failure.settings_sources = self.settings.describe_sources("base_url")
            raise failure from None
        except LookerCallError as error:  # the login failed
            error.settings_sources = self.settings.describe_sources(
                "base_url", "client_id", "client_secret"
            )
            raise
        logger.debug(
            "%s %s -> %d (%.0f ms)",
            method,
            response.request.url.path,
            response.status_code,
            (time.monotonic() - started) * 1000,
        )
        if not response.is_success:
            raise api_error(response)
        return response.json() if response.content else None


def _tls_context(settings: ConnectionSettings) -> ssl.SSLContext | bool:
    """Verification is on unless the user turned it off; a CA bundle replaces the system CAs."""
    if not settings.verify_ssl:
        return False
    return ssl.create_default_context(cafile=settings.ca_bundle)
