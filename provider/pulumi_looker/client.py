"""A thread-safe client for the parts of Looker API 4.0 that pulumi-looker manages."""

from __future__ import annotations

import logging
import ssl
import threading
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import attrs
import httpx

from . import models
from .errors import (
    InvalidInputError,
    LoginError,
    LookerApiError,
    LookerConnectionError,
    ValidationError,
    ValidationErrorDetail,
    error_class_for,
)
from .retry import RetryPolicy, parse_retry_after
from .settings import ConnectionSettings

logger = logging.getLogger("pulumi_looker")

#: Renew a token this many seconds before Looker says it expires (as Looker's SDKs do).
TOKEN_RENEWAL_MARGIN = 10.0


@attrs.frozen
class _Token:
    value: str = attrs.field(repr=False)
    renew_at: float


class LookerClient:
    """Calls Looker API 4.0 with one API key.

    Logs in lazily on the first call, shares the token across threads, renews it before it
    expires and once on a 401, and retries transient failures under ``retry``. Use
    :meth:`shared` to get the one client of a process for some settings.
    """

    _shared: dict[ConnectionSettings, LookerClient] = {}  # noqa: RUF012 - process-wide cache
    _shared_lock = threading.Lock()

    def __init__(
        self,
        settings: ConnectionSettings,
        *,
        retry: RetryPolicy | None = None,
        max_connections: int = 64,
    ) -> None:
        self.settings = settings
        self.retry = retry or RetryPolicy()
        self._http = httpx.Client(
            base_url=settings.api_url,
            verify=_tls_context(settings),
            timeout=settings.timeout,
            follow_redirects=False,
            limits=httpx.Limits(
                max_connections=max_connections, max_keepalive_connections=max_connections
            ),
            headers={"User-Agent": "pulumi-looker", "Accept": "application/json"},
        )
        self._token: _Token | None = None
        self._token_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"LookerClient(base_url={self.settings.base_url!r})"

    @classmethod
    def shared(cls, settings: ConnectionSettings) -> LookerClient:
        """The process-wide client for ``settings``: one login per instance and API key."""
        with cls._shared_lock:
            client = cls._shared.get(settings)
            if client is None:
                client = cls._shared[settings] = cls(settings)
            return client

    def close(self) -> None:
        """Close the connection pool (the token stays valid until it expires)."""
        self._http.close()

    def __enter__(self) -> LookerClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- password config -------------------------------------------------------------------

    def get_password_config(self) -> models.PasswordConfig:
        """``GET /password_config``."""
        return models.from_api(models.PasswordConfig, self.request("GET", "/password_config"))

    def update_password_config(self, values: Mapping[str, Any]) -> models.PasswordConfig:
        """``PATCH /password_config`` with the writable fields of ``values`` that are set."""
        body = _checked_body(models.PasswordConfig, values)
        data = self.request("PATCH", "/password_config", json=body)
        return models.from_api(models.PasswordConfig, data)

    # --- API3 credentials --------------------------------------------------------------------

    def list_credentials_api3(self, user_id: str) -> list[models.CredentialsApi3]:
        """``GET /users/{user_id}/credentials_api3``."""
        data = self.request("GET", _credentials_path(user_id))
        return [models.from_api(models.CredentialsApi3, item) for item in data]

    def get_credentials_api3(self, user_id: str, credentials_id: str) -> models.CredentialsApi3:
        """``GET /users/{user_id}/credentials_api3/{credentials_api3_id}``."""
        data = self.request("GET", _credentials_path(user_id, credentials_id))
        return models.from_api(models.CredentialsApi3, data)

    def create_credentials_api3(self, user_id: str) -> models.CreateCredentialsApi3:
        """``POST /users/{user_id}/credentials_api3``: a new key, the only answer with its secret.

        Looker's create takes no body; set a purpose with :meth:`update_credentials_api3`.
        """
        data = self.request("POST", _credentials_path(user_id))
        return models.from_api(models.CreateCredentialsApi3, data)

    def update_credentials_api3(
        self, user_id: str, credentials_id: str, values: Mapping[str, Any]
    ) -> models.CredentialsApi3:
        """``PATCH /users/{user_id}/credentials_api3/{credentials_api3_id}``."""
        body = _checked_body(models.CredentialsApi3, values)
        data = self.request("PATCH", _credentials_path(user_id, credentials_id), json=body)
        return models.from_api(models.CredentialsApi3, data)

    def delete_credentials_api3(self, user_id: str, credentials_id: str) -> None:
        """``DELETE /users/{user_id}/credentials_api3/{credentials_api3_id}``."""
        self.request("DELETE", _credentials_path(user_id, credentials_id))

    # --- users and session -------------------------------------------------------------------

    def get_user(self, user_id: str) -> dict[str, Any]:
        """``GET /users/{user_id}``."""
        return self.request("GET", f"/users/{quote(user_id, safe='')}")

    def me(self) -> dict[str, Any]:
        """``GET /user``: the user the API key belongs to."""
        return self.request("GET", "/user")

    def logout(self) -> None:
        """``DELETE /logout``: end the current token, if there is one."""
        with self._token_lock:
            token, self._token = self._token, None
        if token is not None:
            self._send_once("DELETE", "/logout", token=token)

    # --- transport ---------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, str] | None = None,
    ) -> Any:
        """Send one API call with authentication and retries; return the decoded JSON answer."""

        def attempt() -> Any:
            token = self._current_token()
            try:
                return self._send_once(method, path, token=token, json=json, params=params)
            except LookerApiError as error:
                if error.status != 401:
                    raise
            # Expired or revoked server-side: renew once, then try again.
            self._forget_token(token)
            return self._send_once(
                method, path, token=self._current_token(), json=json, params=params
            )

        return self.retry.call(
            attempt, method=method, path=self._full(path), idempotent=method != "POST"
        )

    def _current_token(self) -> _Token:
        with self._token_lock:
            if self._token is None or time.monotonic() >= self._token.renew_at:
                self._token = self._login()
            return self._token

    def _forget_token(self, token: _Token) -> None:
        with self._token_lock:
            if self._token is token:
                self._token = None

    def _login(self) -> _Token:
        started = time.monotonic()
        data = self._send_once(
            "POST",
            "/login",
            data={
                "client_id": self.settings.client_id,
                "client_secret": self.settings.client_secret,
            },
        )
        access = models.from_api(models.AccessToken, data)
        if not access.access_token:
            raise LookerApiError(
                status=200,
                method="POST",
                path=self._full("/login"),
                message="no access_token in answer",
            )
        lifetime = float(access.expires_in or 3600)
        margin = min(TOKEN_RENEWAL_MARGIN, lifetime / 4)
        logger.info("logged in to %s as client %s", self.settings.base_url, self.settings.client_id)
        return _Token(value=access.access_token, renew_at=started + lifetime - margin)

    def _send_once(
        self,
        method: str,
        path: str,
        *,
        token: _Token | None = None,
        json: Any = None,
        data: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
    ) -> Any:
        headers = {"Authorization": f"Bearer {token.value}"} if token else None
        full_path = self._full(path)
        started = time.monotonic()
        try:
            response = self._http.request(
                method, path, json=json, data=data, params=params, headers=headers
            )
        except httpx.TransportError as error:
            raise _connection_error(method, full_path, self.settings.base_url, error) from None
        logger.debug(
            "%s %s -> %d (%.0f ms)",
            method,
            full_path,
            response.status_code,
            (time.monotonic() - started) * 1000,
        )
        if response.is_success:
            return response.json() if response.content else None
        raise _api_error(method, full_path, response)

    def _full(self, path: str) -> str:
        return f"/api/{self.settings.api_version}{path}"


def _tls_context(settings: ConnectionSettings) -> ssl.SSLContext | bool:
    """Verification is on unless the user turned it off; a CA bundle replaces the system CAs."""
    if not settings.verify_ssl:
        return False
    return ssl.create_default_context(cafile=settings.ca_bundle)


def _credentials_path(user_id: str, credentials_id: str | None = None) -> str:
    path = f"/users/{quote(str(user_id), safe='')}/credentials_api3"
    if credentials_id is not None:
        path += f"/{quote(str(credentials_id), safe='')}"
    return path


def _checked_body(model: type, values: Mapping[str, Any]) -> dict[str, Any]:
    body = models.writable_body(model, values)
    failures = models.check_values(model, body)
    if failures:
        raise InvalidInputError(failures)
    return body


def _api_error(method: str, path: str, response: httpx.Response) -> LookerApiError:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        body = {"message": response.reason_phrase or None}
    common: dict[str, Any] = {
        "status": response.status_code,
        "method": method,
        "path": path,
        "message": body.get("message"),
        "documentation_url": body.get("documentation_url"),
    }
    if response.is_redirect:
        location = response.headers.get("location", "?")
        common["message"] = f"unexpected redirect to {location}, not followed"
        return LookerApiError(**common)
    if method == "POST" and path.endswith("/login") and response.status_code in (401, 403, 404):
        return LoginError(**common)
    cls = error_class_for(response.status_code)
    if cls is ValidationError:
        details = [
            ValidationErrorDetail(
                field=item.get("field"),
                code=item.get("code"),
                message=item.get("message"),
                documentation_url=item.get("documentation_url"),
            )
            for item in body.get("errors") or []
            if isinstance(item, dict)
        ]
        return ValidationError(details=details, **common)
    if response.status_code == 429 or response.status_code >= 500:
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        return cls(retry_after=retry_after, **common)  # type: ignore[call-arg]
    return cls(**common)


def _connection_error(
    method: str, path: str, base_url: str, error: httpx.TransportError
) -> LookerConnectionError:
    reason = str(error) or error.__class__.__name__
    if isinstance(error, httpx.ConnectError) and "CERTIFICATE_VERIFY_FAILED" in reason:
        return LookerConnectionError(
            method=method,
            path=path,
            reason=(
                f"TLS certificate verification failed for {base_url} ({reason}); trust the "
                "server's CA, or set looker:verifySsl to false for a test instance only"
            ),
            reached_server=False,
            retryable=False,
        )
    never_sent = isinstance(error, (httpx.ConnectError, httpx.ConnectTimeout))
    return LookerConnectionError(
        method=method,
        path=path,
        reason=f"{error.__class__.__name__}: {reason} (Looker at {base_url})",
        reached_server=not never_sent,
    )
