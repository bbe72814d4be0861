"""Typed exceptions raised by pulumi-looker.

Every message names what failed and why; none ever carries a client secret or an access token.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs


class LookerError(Exception):
    """Base class of every error raised by pulumi-looker."""


class SettingsError(LookerError):
    """A connection setting is missing or malformed."""


class InvalidInputError(LookerError):
    """Values given for a Looker object are not valid (checked before any call to Looker)."""

    def __init__(self, failures: Sequence[tuple[str, str]]) -> None:
        self.failures = tuple(failures)
        super().__init__("; ".join(reason for _, reason in self.failures))


@attrs.frozen
class ValidationErrorDetail:
    """One entry of a Looker ``ValidationError``'s ``errors`` list."""

    field: str | None
    code: str | None
    message: str | None
    documentation_url: str | None = None

    def __str__(self) -> str:
        return f"{self.field or '?'}: {self.message or self.code or 'invalid'}"


class LookerApiError(LookerError):
    """Looker answered a call with an error status."""

    def __init__(
        self,
        *,
        status: int,
        method: str,
        path: str,
        message: str | None = None,
        documentation_url: str | None = None,
        attempts: int = 1,
    ) -> None:
        self.status = status
        self.method = method
        self.path = path
        self.message = message
        self.documentation_url = documentation_url
        self.attempts = attempts
        super().__init__()

    def __str__(self) -> str:
        text = f"{self.method} {self.path} failed with HTTP {self.status}"
        if self.attempts > 1:
            text += f" after {self.attempts} attempts"
        text += f": {self.message or 'no message'}"
        text += self._detail_text()
        if self.documentation_url:
            text += f" (see {self.documentation_url})"
        return text

    def _detail_text(self) -> str:
        return ""


class BadRequestError(LookerApiError):
    """HTTP 400."""


class AuthenticationError(LookerApiError):
    """HTTP 401: the access token is missing, expired or revoked."""


class LoginError(LookerApiError):
    """``POST /login`` was refused: Looker answers 404 to a wrong client id or secret."""

    def __str__(self) -> str:
        return (
            f"Looker login failed ({self.method} {self.path}, HTTP {self.status}): "
            "the client id or client secret is wrong, or the API key is disabled"
        )


class PermissionDeniedError(LookerApiError):
    """HTTP 403: the caller lacks the permission (most settings need an admin)."""


class NotFoundError(LookerApiError):
    """HTTP 404."""


class ConflictError(LookerApiError):
    """HTTP 409."""


class ValidationError(LookerApiError):
    """HTTP 422, with Looker's per-field details."""

    def __init__(self, *, details: Sequence[ValidationErrorDetail] = (), **kwargs: Any) -> None:
        self.details = tuple(details)
        super().__init__(**kwargs)

    def _detail_text(self) -> str:
        return "".join(f"; {detail}" for detail in self.details)


class RateLimitError(LookerApiError):
    """HTTP 429."""

    def __init__(self, *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(**kwargs)


class ServerError(LookerApiError):
    """HTTP 5xx."""

    def __init__(self, *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(**kwargs)


class LookerConnectionError(LookerError):
    """The call got no HTTP answer: connection refused, dropped or timed out, or TLS failed.

    ``reached_server`` is False only when the request surely never left (the connection was not
    made); ``retryable`` is False for failures another try cannot mend, such as TLS verification.
    """

    def __init__(
        self,
        *,
        method: str,
        path: str,
        reason: str,
        reached_server: bool,
        retryable: bool = True,
        attempts: int = 1,
    ) -> None:
        self.method = method
        self.path = path
        self.reason = reason
        self.reached_server = reached_server
        self.retryable = retryable
        self.attempts = attempts
        super().__init__()

    def __str__(self) -> str:
        tries = f" after {self.attempts} attempts" if self.attempts > 1 else ""
        return f"{self.method} {self.path} failed{tries}: {self.reason}"


_ERRORS_BY_STATUS: Mapping[int, type[LookerApiError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: ValidationError,
    429: RateLimitError,
}


def error_class_for(status: int) -> type[LookerApiError]:
    """The exception class that stands for an HTTP error status."""
    if status >= 500:
        return ServerError
    return _ERRORS_BY_STATUS.get(status, LookerApiError)
