"""Typed exceptions raised by pulumi-looker, and how Looker's answers become them.

Every message names what failed and why; none ever carries a client secret or an access token.
The tree::

    LookerError                      every error of pulumi-looker
    ├── SettingsError                a connection setting is missing or malformed
    ├── InvalidInputError            values for a Looker object are not valid (before any call)
    ├── InvalidIdError               a resource id is not of the resource's form
    ├── UnsupportedReleaseError      an input needs a newer Looker release (before any write)
    ├── NotInLookerError             a user or key the inputs name does not exist in Looker
    ├── BuiltInError                 a change to one of Looker's own objects (``built_in``)
    ├── LockoutError                 a change would take the Admin role from the stack's identity
    ├── InUseError                   a delete refused while LookML models use the connection
    ├── UnconfirmedGoneError         a 404 that nothing confirms: gone, or hidden from us
    ├── SettingsNotAppliedError      Looker answered a PATCH without every value asked for
    ├── KeyCreateError               a key's create failed where Looker may have acted
    ├── KeyNotDeletedError           Looker still lists a key its DELETE answered 404 to
    ├── ServiceAccountCreateError    a service account's create failed where Looker may have acted
    └── LookerCallError              a call to Looker failed (method, path, attempts)
        ├── NotLookerError           the base URL answers, but not as Looker's API does
        ├── LookerConnectionError    no HTTP answer: refused, dropped, timed out, TLS
        └── LookerApiError           Looker answered with an error status
            ├── BadRequestError          400
            ├── AuthenticationError      401
            ├── LoginError               the login was refused (wrong id or secret)
            ├── PermissionDeniedError    403
            │   └── GoogleCloudCoreError   that edition does not allow the call
            ├── NotFoundError            404
            ├── ConflictError            409
            ├── ValidationError          422, with Looker's per-field details
            ├── RateLimitError           429
            └── ServerError              5xx
"""

from __future__ import annotations

import contextlib
import email.utils
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    import httpx

#: Set to 1 (or true, yes) to see the Python traceback of a failing resource, in either face.
TRACEBACK_SWITCH = "PULUMI_LOOKER_TRACEBACK"


def tracebacks_wanted() -> bool:
    """Whether the user asked for whole tracebacks instead of one line per failure."""
    return os.environ.get(TRACEBACK_SWITCH, "").strip().lower() in ("1", "true", "yes")


#: Marks the requests of a login in ``httpx.Request.extensions``: their failures are login
#: failures, whatever call was being made.
LOGIN_EXTENSION = "pulumi_looker.login"


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


class UnsupportedReleaseError(LookerError):
    """An input needs a newer Looker release than the instance runs (checked before any write)."""

    def __init__(self, model: str, missing: Sequence[tuple[str, str]], release: str) -> None:
        self.missing = tuple(missing)
        self.release = release
        names = ", ".join(f"{name} (Looker {since})" for name, since in self.missing)
        super().__init__(
            f"this Looker instance runs release {release}, which has no {model} {names}: remove "
            f"{'it' if len(self.missing) == 1 else 'them'} from the inputs, or upgrade Looker. "
            "Nothing was changed."
        )


class InvalidIdError(LookerError):
    """A resource id (an import's, or the state's) is not of the resource's form."""


class NotInLookerError(LookerError):
    """A user or key that the inputs name does not exist in Looker (or this connection cannot
    see it, where Looker cannot tell the two apart)."""


class BuiltInError(LookerError):
    """A plan would change or delete one of Looker's own objects (a ``built_in`` permission
    set, model set or role), which Looker keeps as it is."""


class InUseError(LookerError):
    """A delete refused while something else in Looker needs the object (a connection that
    LookML models use); nothing was deleted."""


class LockoutError(LookerError):
    """A change would take the Admin role from the identity the stack signs in as (nothing was
    written)."""


class ManagedElsewhereError(LookerError):
    """Another stack manages the Looker object (its marker says so, see
    ``pulumi_looker.ownership``); nothing was written."""


class UnconfirmedGoneError(LookerError):
    """Looker answered 404 for a user's keys, and nothing confirms that the user is gone:
    Looker answers 404 too where the connection may not see the user."""

    def __init__(self, user_id: str, cause: Exception) -> None:
        super().__init__(
            f"Looker answered 404 for the API keys of user {user_id} ({cause}): the user may be "
            "gone, or this connection may lack the permission to see it (Looker answers 404 for "
            "both, and this connection cannot list users to tell). Pulumi keeps the key in its "
            "state: give the connection the Admin role, or, if the user is gone, remove the key "
            "with `pulumi state delete`."
        )


class SettingsNotAppliedError(LookerError):
    """Looker answered a PATCH without every value asked for: ``refused`` maps each such field to
    (the value asked for, the value Looker has)."""

    def __init__(self, label: str, refused: Mapping[str, tuple[Any, Any]]) -> None:
        self.refused = dict(refused)
        detail = ", ".join(f"{k} (asked {w!r}, Looker has {g!r})" for k, (w, g) in refused.items())
        super().__init__(f"Looker did not apply every {label} setting: {detail}")


class KeyCreateError(LookerError):
    """A key's create failed where Looker may have acted (a 5xx, a lost answer), and sending it
    again did not mend it. ``left_behind`` says which keys Pulumi's state lacks but Looker may
    hold, and what to do; None when Looker holds none of them."""

    def __init__(self, cause: LookerError, send: int, sends: int, left_behind: str | None) -> None:
        self.left_behind = left_behind
        reason = left_behind or "Looker has no key of those calls"
        super().__init__(f"{cause} (send {send} of {sends}). {reason}")


class KeyNotDeletedError(LookerError):
    """A key's DELETE was answered 404, yet Looker still lists the key: the connection may lack
    the permission to delete it. The key stays in Pulumi's state."""


class ServiceAccountCreateError(LookerError):
    """A new service account's create (or the set-up of its roles) failed where Looker may have
    made the account, and nothing could tell or undo it: the message names what may be left."""


class LookerCallError(LookerError):
    """A call to Looker failed: ``method`` and ``path`` of the failing request, whether it was
    the login the call needed (``during_login``: the call itself was never sent), and how many
    times the call was tried."""

    def __init__(
        self, *, method: str, path: str, during_login: bool = False, attempts: int = 1
    ) -> None:
        self.method = method
        self.path = path
        self.during_login = during_login
        self.attempts = attempts
        #: Where the connection settings involved came from (never their values).
        self.settings_sources: str | None = None
        super().__init__()

    def __str__(self) -> str:
        text = self._describe()
        if self.settings_sources:
            text += f" ({self.settings_sources})"
        return text

    def _describe(self) -> str:
        return f"{self.method} {self.path} failed{self._tries()}"

    def _tries(self) -> str:
        return f" after {self.attempts} attempts" if self.attempts > 1 else ""


class LookerApiError(LookerCallError):
    """Looker answered a call with an error status; ``retry_after`` is its ``Retry-After``, in
    seconds."""

    def __init__(
        self,
        *,
        status: int,
        message: str | None = None,
        documentation_url: str | None = None,
        retry_after: float | None = None,
        **call: Any,
    ) -> None:
        self.status = status
        self.message = message
        self.documentation_url = documentation_url
        self.retry_after = retry_after
        super().__init__(**call)

    def _describe(self) -> str:
        text = f"{self.method} {self.path} failed with HTTP {self.status}{self._tries()}"
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
    """``POST /login`` was refused: Looker answers 404 to a wrong client id or secret.

    ``repeated``: the login was refused earlier in this process with the same settings, and
    was not sent again (one error explains it). ``in_refresh``: a refresh's read needed it, so
    the refresh may have used the settings of the last ``pulumi up`` (see :func:`refreshing`).
    """

    def __init__(self, *, repeated: bool = False, **kwargs: Any) -> None:
        self.repeated = repeated
        self.in_refresh = False
        super().__init__(**kwargs)

    def again(self) -> LoginError:
        """This refusal, for a later call that does not send the login again."""
        return LoginError(
            status=self.status, method=self.method, path=self.path, during_login=True, repeated=True
        )

    def __str__(self) -> str:
        return self._describe() if self.repeated else super().__str__()

    def _describe(self) -> str:
        text = f"Looker login failed ({self.method} {self.path}, HTTP {self.status})"
        if self.repeated:
            return f"{text}: refused earlier in this run with the same settings, not tried again"
        text += ": the client id or secret is wrong, or the API key is disabled or deleted"
        if self.in_refresh and not program_runs():
            text += (
                " (rotated it? without PULUMI_RUN_PROGRAM=true a refresh uses the settings of "
                "the last `pulumi up`)"
            )
        return text


def program_runs() -> bool:
    """Whether a refresh runs the program first (``PULUMI_RUN_PROGRAM``, as Pulumi reads it),
    and so uses today's connection settings."""
    return os.environ.get("PULUMI_RUN_PROGRAM", "").strip().lower() in ("1", "true")


@contextlib.contextmanager
def refreshing() -> Iterator[None]:
    """Around a refresh's read: a refused login in it gets the hint about the settings of the
    last ``pulumi up``, unless the program runs first."""
    try:
        yield
    except LoginError as error:
        error.in_refresh = True
        raise


class PermissionDeniedError(LookerApiError):
    """HTTP 403: the caller lacks the permission (most settings need an admin)."""


class GoogleCloudCoreError(PermissionDeniedError):
    """HTTP 403 from Looker (Google Cloud core) for a call that edition does not allow."""

    def _describe(self) -> str:
        return (
            f"{self.method} {self.path}: Looker (Google Cloud core) does not allow this call "
            f"({self.message}); on that edition this setting is not managed through the API, "
            "so remove the resource from the stack"
        )


class NotFoundError(LookerApiError):
    """HTTP 404. Looker also answers 404 where the caller lacks the permission to see a thing."""


class NotLookerError(LookerCallError):
    """The base URL answers, but not as Looker's API 4.0 does."""

    def __init__(self, *, url: str, answer: str, **call: Any) -> None:
        self.url = url
        self.answer = answer
        super().__init__(**call)

    def _describe(self) -> str:
        return (
            f"{self.method} {self.url} answered {self.answer}, not as Looker's API does: this "
            "is not a Looker API. Check looker:baseUrl: it should be the instance's address, "
            "such as https://example.cloud.looker.com or, self-hosted, "
            "https://looker.example.com:19999, without /api/..."
        )


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


class ServerError(LookerApiError):
    """HTTP 5xx."""


class LookerConnectionError(LookerCallError):
    """The call got no HTTP answer: connection refused, dropped or timed out, or TLS failed.

    ``reached_server`` is False only when the request surely never left (the connection was not
    made); ``retryable`` is False for failures another try cannot mend, such as TLS verification.
    """

    def __init__(
        self, *, reason: str, reached_server: bool, retryable: bool = True, **call: Any
    ) -> None:
        self.reason = reason
        self.reached_server = reached_server
        self.retryable = retryable
        super().__init__(**call)

    def _describe(self) -> str:
        return f"{self.method} {self.path} failed{self._tries()}: {self.reason}"


_ERRORS_BY_STATUS: Mapping[int, type[LookerApiError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: ValidationError,
    429: RateLimitError,
}

#: What Looker answers to a login with a wrong client id or secret, or a disabled key.
_LOGIN_REFUSALS = frozenset({401, 403, 404})

#: Server statuses that a proxy or load balancer in front of Looker answers while it is busy or
#: restarting: another try may get through.
RETRYABLE_SERVER_STATUSES = frozenset({502, 503, 504})


def error_class_for(status: int) -> type[LookerApiError]:
    """The exception class that stands for an HTTP error status."""
    if status >= 500:
        return ServerError
    return _ERRORS_BY_STATUS.get(status, LookerApiError)


def api_error(response: httpx.Response) -> LookerCallError:
    """The typed error for an answer with an error status, from Looker's ``Error`` or
    ``ValidationError`` body when it has one; a login answered by something else than Looker's
    API is a :class:`NotLookerError`."""
    request = response.request
    during_login = bool(request.extensions.get(LOGIN_EXTENSION))
    try:
        body = response.json()
    except ValueError:
        body = None
    body_keys = set(body) if isinstance(body, dict) else set()
    if not isinstance(body, dict):
        body = {"message": response.reason_phrase or None}
    common: dict[str, Any] = {
        "status": response.status_code,
        "method": request.method,
        "path": request.url.path,
        "message": body.get("message"),
        "documentation_url": body.get("documentation_url"),
        "retry_after": parse_retry_after(response.headers.get("retry-after")),
        "during_login": during_login,
    }
    if response.is_redirect:
        location = response.headers.get("location", "?")
        common["message"] = f"unexpected redirect to {location}, not followed"
        return LookerApiError(**common)
    transient = response.status_code == 429 or response.status_code in RETRYABLE_SERVER_STATUSES
    if during_login and "message" not in body_keys and not transient:
        # Looker answers every error of its API, a wrong secret included, with a JSON body;
        # a 501 or an HTML page comes from some other web server.
        return not_looker(response)
    if during_login and response.status_code in _LOGIN_REFUSALS:
        return LoginError(**common)
    if response.status_code == 403 and "Google Cloud core" in (common["message"] or ""):
        return GoogleCloudCoreError(**common)
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
    return cls(**common)


_TLS_FAILURES = {
    "CERTIFICATE_VERIFY_FAILED": (
        "TLS certificate verification failed for {base_url} ({reason}); trust the server's CA, "
        "or set looker:verifySsl to false for a test instance only"
    ),
    "WRONG_VERSION_NUMBER": (
        "the server at {base_url} does not speak TLS ({reason}); if it serves plain HTTP, use "
        "an http:// base URL"
    ),
}


def not_looker(response: httpx.Response) -> NotLookerError:
    """The error for a login answered by something that is not Looker's API."""
    kind = response.headers.get("content-type", "no content type").split(";")[0]
    return NotLookerError(
        method=response.request.method,
        path=response.request.url.path,
        url=str(response.request.url),
        answer=f"HTTP {response.status_code} ({kind})",
        during_login=True,
    )


def connection_error(error: httpx.TransportError, base_url: str) -> LookerConnectionError:
    """The typed error for a request that got no HTTP answer."""
    import httpx  # the provider process has it loaded already; the program never gets here

    request = error.request
    common: dict[str, Any] = {
        "method": request.method,
        "path": request.url.path,
        "during_login": bool(request.extensions.get(LOGIN_EXTENSION)),
    }
    reason = str(error) or error.__class__.__name__
    if isinstance(error, httpx.ConnectError):
        # TLS failures: another try cannot mend them.
        for marker, explanation in _TLS_FAILURES.items():
            if marker in reason:
                return LookerConnectionError(
                    **common,
                    reason=explanation.format(base_url=base_url, reason=reason),
                    reached_server=False,
                    retryable=False,
                )
    never_sent = isinstance(error, (httpx.ConnectError, httpx.ConnectTimeout))
    return LookerConnectionError(
        **common,
        reason=f"{error.__class__.__name__}: {reason} (Looker at {base_url})",
        reached_server=not never_sent,
    )


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
