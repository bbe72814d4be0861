"""The calls pulumi-looker makes to Looker API 4.0, each with retries and typed answers."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, ClassVar
from urllib.parse import quote, urlencode

from pulumi_looker import models
from pulumi_looker.errors import InvalidInputError, UnsupportedReleaseError
from pulumi_looker.settings import ConnectionSettings

from .keys import ApiKeys
from .objects import Objects
from .owners import Owners
from .retry import RetryPolicy
from .transport import Transport

#: What the listing of users reads of each user: its keys, and what a service account is.
LISTED_FIELDS = (
    "id",
    "email",
    "credentials_api3",
    "is_service_account",
    "service_account_name",
    "is_disabled",
    "role_ids",
)


class LookerClient:
    """Calls Looker API 4.0 with one API key.

    Logs in lazily on the first call and shares the token across threads (see
    :class:`~pulumi_looker.auth.LookerAuth`); retries transient failures under ``retry``. Use
    :meth:`shared` to get the one client of a process for some settings.
    """

    _shared: dict[ConnectionSettings, LookerClient] = {}  # noqa: RUF012 - process-wide cache
    _shared_lock = threading.Lock()
    #: The retry policy of clients made without one (the shared ones among them).
    default_retry: ClassVar[RetryPolicy] = RetryPolicy()

    def __init__(
        self,
        settings: ConnectionSettings,
        *,
        retry: RetryPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.retry = retry or self.default_retry
        self.transport = Transport(settings, clock=clock)
        self._release: str | None = None
        self._release_lock = threading.Lock()
        self._roles: list[models.Role] | None = None
        self._roles_lock = threading.Lock()
        #: The instance's API keys through this client: every read and write of a resource.
        self.keys = ApiKeys(self)
        #: Which stack manages each singleton, read once per client.
        self.owners = Owners(self)
        self._objects: dict[models.Collection, Objects[Any]] = {}
        self._permissions: list[models.Permission] | None = None
        self._collections_lock = threading.Lock()

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

    @classmethod
    def close_shared(cls) -> None:
        """Close every process-wide client and forget it: the next :meth:`shared` makes a new
        one, which logs in again (as a new provider process would)."""
        with cls._shared_lock:
            clients = list(cls._shared.values())
            cls._shared.clear()
        for client in clients:
            client.close()

    def close(self) -> None:
        """Close the connection pool (the token stays valid until it expires)."""
        self.transport.close()

    def __enter__(self) -> LookerClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def request(
        self, method: str, path: str, *, json: Any = None, authenticated: bool = True
    ) -> Any:
        """Send one API call with retries; return the decoded JSON answer."""
        return self.retry.call(
            lambda: self.transport.send(method, path, json=json, authenticated=authenticated),
            method=method,
            path=f"/api/{self.settings.api_version}{path}",
            idempotent=method != "POST",
        )

    # --- the instance's release ----------------------------------------------------------

    def release(self) -> str:
        """The Looker release the instance runs (``GET /versions``, which needs no login),
        asked once per client."""
        with self._release_lock:
            if self._release is None:
                data = self.request("GET", "/versions", authenticated=False)
                self._release = str(data["looker_release_version"])
            return self._release

    def require(self, model: type, names: Iterable[str]) -> None:
        """Raise :class:`UnsupportedReleaseError` when the instance's release lacks a field of
        ``names``; ask the release only when one of them is newer than some release."""
        rules = models.rules(model)
        gated = [n for n in names if n in rules and rules[n].since]
        if not gated:
            return
        release = self.release()
        missing = models.unavailable_fields(model, gated, models.parse_release(release))
        if missing:
            raise UnsupportedReleaseError(model.__name__, missing, release)

    def _checked_body(self, model: type, values: Mapping[str, Any]) -> dict[str, Any]:
        """The request body for ``values``, refused before sending when Looker would refuse it
        or the instance's release lacks one of its fields."""
        body = models.writable_body(model, values)
        failures = models.check_values(model, body)
        if failures:
            raise InvalidInputError(failures)
        self.require(model, body)
        return body

    # --- singletons (the password policy, the session policy) ----------------------------

    def read_singleton(self, singleton: models.Singleton) -> Any:
        """``GET`` the instance's one object of ``singleton``."""
        return models.from_api(singleton.model, self.request("GET", singleton.path))

    def update_singleton(self, singleton: models.Singleton, values: Mapping[str, Any]) -> Any:
        """``PATCH`` the writable fields of ``values`` that are set; return Looker's answer."""
        body = self._checked_body(singleton.model, values)
        return models.from_api(singleton.model, self.request("PATCH", singleton.path, json=body))

    def act(self, path: str) -> None:
        """``PUT`` an action's path (``force_password_reset_at_next_login_for_all_users``)."""
        self.request("PUT", path)

    # --- collections (permission sets...) ---------------------------------------------------

    def objects(self, collection: models.Collection) -> Objects[Any]:
        """The objects of ``collection`` through this client: one listing per process."""
        with self._collections_lock:
            found = self._objects.get(collection)
            if found is None:
                found = self._objects[collection] = Objects(
                    collection, self.request, self._checked_body
                )
            return found

    def permissions(self) -> list[models.Permission]:
        """``GET /permissions``: what a permission set may allow, asked once per client (it
        changes only with Looker's release)."""
        with self._collections_lock:
            if self._permissions is None:
                data = self.request("GET", "/permissions")
                self._permissions = [models.from_api(models.Permission, p) for p in data]
            return self._permissions

    # --- user attributes ------------------------------------------------------------------

    def list_user_attributes(self) -> list[models.UserAttribute]:
        """``GET /user_attributes`` (ids, names and default values)."""
        data = self.request("GET", "/user_attributes?fields=id,name,default_value")
        return [models.from_api(models.UserAttribute, item) for item in data]

    def create_user_attribute(self, values: Mapping[str, Any]) -> models.UserAttribute:
        """``POST /user_attributes``."""
        body = self._checked_body(models.UserAttribute, values)
        data = self.request("POST", "/user_attributes", json=body)
        return models.from_api(models.UserAttribute, data)

    def update_user_attribute(
        self, attribute_id: str, values: Mapping[str, Any]
    ) -> models.UserAttribute:
        """``PATCH /user_attributes/{user_attribute_id}``."""
        body = self._checked_body(models.UserAttribute, values)
        path = f"/user_attributes/{quote(str(attribute_id), safe='')}"
        return models.from_api(models.UserAttribute, self.request("PATCH", path, json=body))

    # --- API3 credentials --------------------------------------------------------------------

    def list_users_keys(
        self, *, limit: int, offset: int, ids: Sequence[str] | None = None
    ) -> list[models.ListedUser]:
        """``GET /users`` with only the fields of :data:`LISTED_FIELDS`, one page in id order
        (of the users ``ids`` names, if given)."""
        params: dict[str, Any] = {"fields": ",".join(LISTED_FIELDS), "sorts": "id"}
        if ids is not None:
            params["ids"] = ",".join(ids)
        query = urlencode({**params, "limit": limit, "offset": offset})
        return [_listed_user(user) for user in self.request("GET", f"/users?{query}")]

    def listed_user(self, user_id: str) -> models.ListedUser:
        """``GET /users/{user_id}`` with the fields of the listing: one user it lacks."""
        query = urlencode({"fields": ",".join(LISTED_FIELDS)})
        return _listed_user(self.request("GET", f"/users/{quote(str(user_id), safe='')}?{query}"))

    # --- service accounts and roles ------------------------------------------------------

    def create_service_account(self, values: Mapping[str, Any]) -> models.ServiceAccount:
        """``POST /users/service_accounts`` (alpha, Looker 25.18 and newer)."""
        body = self._checked_body(models.ServiceAccount, values)
        data = self.request("POST", "/users/service_accounts", json=body)
        return models.from_api(models.ServiceAccount, data)

    def update_service_account(
        self, user_id: str, values: Mapping[str, Any]
    ) -> models.ServiceAccount:
        """``PATCH /users/service_accounts/{user_id}``."""
        body = self._checked_body(models.ServiceAccount, values)
        data = self.request("PATCH", _service_account_path(user_id), json=body)
        return models.from_api(models.ServiceAccount, data)

    def delete_service_account(self, user_id: str) -> None:
        """``DELETE /users/service_accounts/{user_id}``: cannot be undone (content to Trash)."""
        self.request("DELETE", _service_account_path(user_id))

    def set_user_roles(self, user_id: str, role_ids: Sequence[str]) -> list[models.Role]:
        """``PUT /users/{user_id}/roles``: the user's roles become exactly ``role_ids``."""
        path = f"/users/{quote(str(user_id), safe='')}/roles?fields=id,name"
        data = self.request("PUT", path, json=list(role_ids))
        return [models.from_api(models.Role, role) for role in data]

    def roles(self) -> list[models.Role]:
        """``GET /roles`` (ids and names), asked once per client."""
        with self._roles_lock:
            if self._roles is None:
                data = self.request("GET", "/roles?fields=id,name")
                self._roles = [models.from_api(models.Role, role) for role in data]
            return list(self._roles)

    def list_credentials_api3(self, user_id: str) -> list[models.CredentialsApi3]:
        """``GET /users/{user_id}/credentials_api3``."""
        data = self.request("GET", _credentials_path(user_id))
        return [models.from_api(models.CredentialsApi3, item) for item in data]

    def create_credentials_api3(self, user_id: str) -> models.CreateCredentialsApi3:
        """``POST /users/{user_id}/credentials_api3``: a new key, the only answer with its secret.

        Looker's create takes no body; set a purpose with :meth:`update_credentials_api3`.
        Resources create keys through :attr:`keys`, which never leaves one behind unseen.
        """
        data = self.request("POST", _credentials_path(user_id))
        return models.from_api(models.CreateCredentialsApi3, data)

    def update_credentials_api3(
        self, user_id: str, credentials_id: str, values: Mapping[str, Any]
    ) -> models.CredentialsApi3:
        """``PATCH /users/{user_id}/credentials_api3/{credentials_api3_id}``."""
        body = self._checked_body(models.CredentialsApi3, values)
        data = self.request("PATCH", _credentials_path(user_id, credentials_id), json=body)
        return models.from_api(models.CredentialsApi3, data)

    def delete_credentials_api3(self, user_id: str, credentials_id: str) -> None:
        """``DELETE /users/{user_id}/credentials_api3/{credentials_api3_id}``."""
        self.request("DELETE", _credentials_path(user_id, credentials_id))


def _listed_user(user: Mapping[str, Any]) -> models.ListedUser:
    return models.ListedUser(
        id=str(user["id"]),
        email=user.get("email"),
        keys=[
            models.from_api(models.CredentialsApi3, key)
            for key in user.get("credentials_api3") or []
        ],
        service_account=(
            models.from_api(models.ServiceAccount, {**user, "id": str(user["id"])})
            if user.get("is_service_account")
            else None
        ),
    )


def _service_account_path(user_id: str) -> str:
    return f"/users/service_accounts/{quote(str(user_id), safe='')}"


def _credentials_path(user_id: str, credentials_id: str | None = None) -> str:
    path = f"/users/{quote(str(user_id), safe='')}/credentials_api3"
    if credentials_id is not None:
        path += f"/{quote(str(credentials_id), safe='')}"
    return path
