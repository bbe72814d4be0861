"""Looker's API key login as an ``httpx.Auth`` flow: one token per key, shared across threads."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Generator, Mapping

import attrs
import httpx

from pulumi_looker import models
from pulumi_looker.errors import LOGIN_EXTENSION, LoginError, api_error, not_looker

logger = logging.getLogger("pulumi_looker")

#: Renew a token this many seconds before Looker says it expires (as Looker's SDKs do).
TOKEN_RENEWAL_MARGIN = 10.0


@attrs.frozen
class Token:
    """An access token and when to stop using it (on the auth's clock)."""

    value: str = attrs.field(repr=False)
    renew_at: float


class LookerAuth(httpx.Auth):
    """Logs in with ``POST /login`` when there is no token or it is about to expire, under a
    lock so that concurrent calls share one login; on a 401 it logs in again and sends the
    request once more. Failed logins raise errors marked ``during_login``; once Looker refuses
    the login (a wrong id or secret), later calls get that refusal without sending it again.
    """

    def __init__(
        self,
        login_url: str,
        credentials: Mapping[str, str],
        *,
        headers: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._login_url = login_url
        self._credentials = dict(credentials)
        self._headers = dict(headers or {})
        self._clock = clock
        self._lock = threading.Lock()
        self._token: Token | None = None
        self._refused: LoginError | None = None

    def __repr__(self) -> str:
        return f"LookerAuth({self._login_url!r})"

    @property
    def token(self) -> Token | None:
        """The current token, if logged in."""
        return self._token

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        with self._lock:
            if self._refused is not None:
                raise self._refused.again()
            if self._token is None or self._clock() >= self._token.renew_at:
                self._token = yield from self._login()
            token = self._token
        request.headers["Authorization"] = f"Bearer {token.value}"
        response = yield request
        if response.status_code != 401:
            return
        # Expired or revoked on Looker's side: log in again (unless another thread already
        # has), then send once more.
        with self._lock:
            if self._token is token:
                self._token = yield from self._login()
            token = self._token
        request.headers["Authorization"] = f"Bearer {token.value}"
        yield request

    def _login(self) -> Generator[httpx.Request, httpx.Response, Token]:
        started = self._clock()
        response = yield httpx.Request(
            "POST",
            self._login_url,
            data=self._credentials,
            headers=self._headers,
            extensions={LOGIN_EXTENSION: True},
        )
        response.read()
        if not response.is_success:
            error = api_error(response)
            if isinstance(error, LoginError):
                self._refused = error
            raise error
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict) or not data.get("access_token"):
            raise not_looker(response)
        access = models.from_api(models.AccessToken, data)
        lifetime = float(access.expires_in or 3600)
        margin = min(TOKEN_RENEWAL_MARGIN, lifetime / 4)
        logger.info(
            "logged in to %s as client %s",
            self._login_url.rsplit("/api/", 1)[0],
            self._credentials.get("client_id"),
        )
        return Token(value=access.access_token, renew_at=started + lifetime - margin)
