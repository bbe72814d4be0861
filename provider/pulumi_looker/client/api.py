"""The calls pulumi-looker makes to Looker API 4.0, each with retries and typed answers.

:class:`LookerApi` knows nothing of the views a client keeps over it (the users, the owners of
the singletons): they call it, it never calls them."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlencode

from pulumi_looker import models
from pulumi_looker.errors import InvalidInputError, UnsupportedReleaseError
from pulumi_looker.settings import ConnectionSettings

from .kept import KeptListing
from .objects import Objects
from .retry import RetryPolicy
from .transport import Transport


class LookerApi:
    """Calls Looker API 4.0 over ``transport`` (one API key, logged in lazily on the first
    call, the token shared across threads: see :class:`~pulumi_looker.auth.LookerAuth`),
    retrying transient failures under ``retry``."""

    def __init__(
        self, settings: ConnectionSettings, retry: RetryPolicy, transport: Transport
    ) -> None:
        self.settings = settings
        self.retry = retry
        self.transport = transport
        self._release: str | None = None
        self._release_lock = threading.Lock()
        self._objects: dict[models.Collection, Objects[Any]] = {}
        self._objects_lock = threading.Lock()
        #: The listings kept for the client's life, each with the paths whose writes change it:
        #: any write to a path under one forgets it (whatever the answer: a failed write may
        #: have acted).
        self._kept: list[tuple[str, KeptListing[Any], tuple[str, ...]]] = []
        #: What a permission set may allow: it changes only with Looker's release.
        self._permissions = KeptListing(self._list_permissions)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.settings.base_url!r})"

    def close(self) -> None:
        """Close the connection pool (the token stays valid until it expires)."""
        self.transport.close()

    def request(
        self, method: str, path: str, *, json: Any = None, authenticated: bool = True
    ) -> Any:
        """Send one API call with retries; return the decoded JSON answer."""
        try:
            return self.retry.call(
                lambda: self.transport.send(method, path, json=json, authenticated=authenticated),
                method=method,
                path=f"/api/{self.settings.api_version}{path}",
                idempotent=method != "POST",
            )
        finally:
            if method != "GET":
                bare = path.partition("?")[0]
                with self._objects_lock:  # another thread may be registering a listing
                    listings = list(self._kept)
                for under, kept, spared in listings:
                    part = bare.removeprefix(f"{under}/").split("/")[1:2]  # /groups/7/users
                    if (bare == under or bare.startswith(f"{under}/")) and not (
                        part and part[0] in spared
                    ):
                        kept.forget()

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

    def test_unsaved(self, model: type, path: str, values: Mapping[str, Any]) -> Any:
        """``PUT`` a configuration to one of Looker's tests of it (``/ldap_config/test_auth``,
        ``/connections/test``): Looker tries it without saving it; its answer (``status``,
        ``message``..., or a list of them)."""
        return self.request("PUT", path, json=self._checked_body(model, values))

    def lookml_models(self) -> list[models.LookmlModel]:
        """``GET /lookml_models``: every model with the connections it may use."""
        fields = ",".join(models.rules(models.LookmlModel))
        answer = self.request("GET", f"/lookml_models?fields={fields}")
        return [models.from_api(models.LookmlModel, item) for item in answer]

    def act(self, path: str) -> None:
        """``PUT`` an action's path (``force_password_reset_at_next_login_for_all_users``)."""
        self.request("PUT", path)

    # --- permissions ----------------------------------------------------------------------

    def permissions(self) -> list[models.Permission]:
        """``GET /permissions``: what a permission set may allow, asked once per client."""
        return self._permissions.lookup()

    def _list_permissions(self) -> list[models.Permission]:
        return [models.from_api(models.Permission, p) for p in self.request("GET", "/permissions")]

    # --- user attributes ------------------------------------------------------------------

    def list_user_attributes(self) -> list[models.UserAttribute]:
        """Every user attribute, from the one listing of them a process reads (the
        ``UserAttribute`` resources' too)."""
        return list(self.objects(models.USER_ATTRIBUTES).listing().values())

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

    def user_attribute_group_values(
        self, attribute_id: str
    ) -> list[models.UserAttributeGroupValue]:
        """``GET /user_attributes/{user_attribute_id}/group_values``, in priority order."""
        data = self.request("GET", f"{_attribute_path(attribute_id)}/group_values")
        return [models.from_api(models.UserAttributeGroupValue, item) for item in data]

    def set_user_attribute_group_values(
        self, attribute_id: str, values: Sequence[Mapping[str, Any]]
    ) -> list[models.UserAttributeGroupValue]:
        """``POST /user_attributes/{user_attribute_id}/group_values``: the groups' values become
        exactly ``values`` (``group_id`` and ``value`` each), in priority order."""
        body = [{"group_id": v["group_id"], "value": v.get("value")} for v in values]
        data = self.request("POST", f"{_attribute_path(attribute_id)}/group_values", json=body)
        return [models.from_api(models.UserAttributeGroupValue, item) for item in data]

    def user_attribute_values(
        self, user_id: str, attribute_ids: Sequence[str]
    ) -> list[models.UserAttributeWithValue]:
        """``GET /users/{user_id}/attribute_values`` of ``attribute_ids``."""
        query = urlencode({"user_attribute_ids": ",".join(attribute_ids)})
        data = self.request("GET", f"/users/{_quoted(user_id)}/attribute_values?{query}")
        return [models.from_api(models.UserAttributeWithValue, item) for item in data]

    def set_user_attribute_user_value(
        self, user_id: str, attribute_id: str, value: str
    ) -> models.UserAttributeWithValue:
        """``PATCH /users/{user_id}/attribute_values/{user_attribute_id}``."""
        path = f"/users/{_quoted(user_id)}/attribute_values/{_quoted(attribute_id)}"
        data = self.request("PATCH", path, json={"value": value})
        return models.from_api(models.UserAttributeWithValue, data)

    def delete_user_attribute_user_value(self, user_id: str, attribute_id: str) -> None:
        """``DELETE /users/{user_id}/attribute_values/{user_attribute_id}``: the user gets its
        groups' value again, or the default."""
        path = f"/users/{_quoted(user_id)}/attribute_values/{_quoted(attribute_id)}"
        self.request("DELETE", path)

    # --- users ----------------------------------------------------------------------------

    def create_user(self, values: Mapping[str, Any]) -> models.User:
        """``POST /users``. Resources create users through ``client.users``."""
        body = self._checked_body(models.User, values)
        return models.from_api(models.User, self.request("POST", "/users", json=body))

    def update_user(self, user_id: str, values: Mapping[str, Any]) -> models.User:
        """``PATCH /users/{user_id}``."""
        body = self._checked_body(models.User, values)
        data = self.request("PATCH", f"/users/{_quoted(user_id)}", json=body)
        return models.from_api(models.User, data)

    def delete_user(self, user_id: str) -> None:
        """``DELETE /users/{user_id}``: cannot be undone (content to Trash)."""
        self.request("DELETE", f"/users/{_quoted(user_id)}")

    def set_credentials_email(
        self, user_id: str, email: str, *, create: bool
    ) -> models.CredentialsEmail:
        """``POST`` (``create``) or ``PATCH /users/{user_id}/credentials_email``: the address
        the user signs in with."""
        path = f"/users/{_quoted(user_id)}/credentials_email"
        data = self.request("POST" if create else "PATCH", path, json={"email": email})
        return models.from_api(models.CredentialsEmail, data)

    def send_setup_email(self, user_id: str) -> None:
        """``POST /users/{user_id}/credentials_email/send_password_reset``: Looker emails the
        user a link to set up the account (or reset its password)."""
        path = f"/users/{_quoted(user_id)}/credentials_email/send_password_reset?fields=user_id"
        self.request("POST", path)

    # --- service accounts and roles ------------------------------------------------------

    def create_service_account(self, values: Mapping[str, Any]) -> models.ServiceAccount:
        """``POST /users/service_accounts`` (alpha, Looker 25.18 and newer). Resources create
        accounts through ``client.users``, which never makes one twice."""
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

    def roles(self, wanted: Sequence[str] = ()) -> list[models.Role]:
        """Every role, from the listing of roles kept for the client's life (one ``GET
        /roles`` a process, shared with the ``Role`` resources' reads): asked again after a
        write to roles, and once when the roles in hand lack one of ``wanted`` (ids or names,
        see :func:`~pulumi_looker.models.find_role`): a role made since is found."""
        return self.objects(models.ROLES).kept.lookup(
            lambda known: all(models.find_role(known, w) is not None for w in wanted)
        )

    # --- collections (permission sets, model sets, roles, groups) -------------------------

    def objects(self, collection: models.Collection) -> Objects[Any]:
        """The objects of ``collection``: one listing a process, kept until a write under its
        path."""
        with self._objects_lock:
            found = self._objects.get(collection)
            if found is None:
                found = self._objects[collection] = Objects(
                    collection, self.request, self._checked_body
                )
                self._kept.append((collection.path, found.kept, ()))
            return found

    def keep(self, listing: KeptListing[Any], *paths: str, spared: tuple[str, ...] = ()) -> None:
        """Forget ``listing`` on every write under one of ``paths``, but those to an object's
        part named in ``spared`` (``users``: ``/groups/7/users`` changes no group's parents)."""
        with self._objects_lock:
            self._kept += [(path, listing, spared) for path in paths]

    def list_credentials_api3(self, user_id: str) -> list[models.CredentialsApi3]:
        """``GET /users/{user_id}/credentials_api3``."""
        data = self.request("GET", _credentials_path(user_id))
        return [models.from_api(models.CredentialsApi3, item) for item in data]

    def create_credentials_api3(self, user_id: str) -> models.CreateCredentialsApi3:
        """``POST /users/{user_id}/credentials_api3``: a new key, the only answer with its secret.

        Looker's create takes no body; set a purpose with :meth:`update_credentials_api3`.
        Resources create keys through ``client.users``, which never leaves one behind unseen.
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


def _quoted(segment: str) -> str:
    return quote(str(segment), safe="")


def _attribute_path(attribute_id: str) -> str:
    return f"/user_attributes/{_quoted(attribute_id)}"


def _service_account_path(user_id: str) -> str:
    return f"/users/service_accounts/{quote(str(user_id), safe='')}"


def _credentials_path(user_id: str, credentials_id: str | None = None) -> str:
    path = f"/users/{quote(str(user_id), safe='')}/credentials_api3"
    if credentials_id is not None:
        path += f"/{quote(str(credentials_id), safe='')}"
    return path
