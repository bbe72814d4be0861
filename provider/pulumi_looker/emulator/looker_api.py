"""The routes of the emulated Looker API 4.0, shaped as the official OpenAPI description says."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

import attrs
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pulumi_looker import models

from .answers import error_response, validation_detail
from .state import ApiKey, Store, User

API = "/api/4.0"


class LookerHttpError(Exception):
    """An error answer, in the shape of the spec's ``Error`` or ``ValidationError``."""

    def __init__(
        self, status: int, message: str, *, errors: list[dict[str, str]] | None = None
    ) -> None:
        self.status = status
        self.message = message
        self.errors = errors
        super().__init__(message)

    def response(self) -> Response:
        return error_response(self.status, self.message, errors=self.errors)


GOOGLE_CLOUD_CORE_REFUSAL = "Unsupported in Looker (Google Cloud core)"
#: The types of a user attribute, as the API description's ``UserAttribute.type`` lists them.
USER_ATTRIBUTE_TYPES = (
    "string",
    "number",
    "datetime",
    "yesno",
    "zipcode",
    "advanced_filter_string",
    "advanced_filter_number",
)
_ATTRIBUTE_NAME = re.compile(r"^[a-z0-9_]+$")


@attrs.frozen
class Deployment:
    """Which Looker the emulator plays.

    ``release``: fields and endpoints newer than it are absent (from the models' ``since``);
    ``google_cloud_core``: the calls the API description says that edition may deny answer 403
    ``Unsupported in Looker (Google Cloud core)``; ``not_found_for_forbidden``: a caller without
    the permission gets 404, as Looker answers in places, instead of 403.
    """

    release: str = models.API_RELEASE
    google_cloud_core: bool = False
    not_found_for_forbidden: bool = False

    def has(self, model: type) -> tuple[str, ...]:
        return models.fields_in(model, models.parse_release(self.release))


class LookerApi:
    """Login, the settings singletons, users and API3 keys of one emulated instance.

    ``token_ttl`` gives the lifetime of the tokens issued from now on.
    """

    def __init__(
        self, store: Store, token_ttl: Callable[[], float], deployment: Deployment | None = None
    ) -> None:
        self.store = store
        self.token_ttl = token_ttl
        self.deployment = deployment or Deployment()

    def routes(self) -> list[Route]:
        singleton_routes = [
            Route(
                f"{API}{singleton.path}",
                self._singleton_endpoint(singleton),
                methods=["GET", "PATCH"],
            )
            for singleton in models.SINGLETONS
        ]
        action_routes = [
            Route(f"{API}{path}", self._action_endpoint(singleton, name), methods=["PUT"])
            for singleton in models.SINGLETONS
            for name, path in singleton.actions.items()
        ]
        # A key's PATCH arrived with its purpose.
        key_methods = ["GET", "DELETE"]
        if "purpose" in self.deployment.has(models.CredentialsApi3):
            key_methods.append("PATCH")
        return [
            Route(f"{API}/versions", self.versions, methods=["GET"]),
            Route(f"{API}/login", self.login, methods=["POST"]),
            Route(f"{API}/logout", self.logout, methods=["DELETE"]),
            # Looker's SDKs log out at the unversioned path (looker_sdk.rtl.auth_session).
            Route("/api/logout", self.logout, methods=["DELETE"]),
            *singleton_routes,
            *action_routes,
            Route(f"{API}/user", self.me, methods=["GET"]),
            Route(f"{API}/users", self.users, methods=["GET"]),
            *self._service_account_routes(),
            Route(f"{API}/users/{{user_id}}", self.user, methods=["GET"]),
            Route(f"{API}/users/{{user_id}}/roles", self.user_roles, methods=["GET", "PUT"]),
            Route(f"{API}/roles", self.roles, methods=["GET"]),
            Route(f"{API}/user_attributes", self.user_attributes, methods=["GET", "POST"]),
            Route(
                f"{API}/user_attributes/{{user_attribute_id}}",
                self.user_attribute,
                methods=["GET", "PATCH", "DELETE"],
            ),
            Route(
                f"{API}/users/{{user_id}}/credentials_api3",
                self.credentials,
                methods=["GET", "POST"],
            ),
            Route(
                f"{API}/users/{{user_id}}/credentials_api3/{{credentials_api3_id}}",
                self.credential,
                methods=key_methods,
            ),
        ]

    async def versions(self, request: Request) -> Response:
        """``GET /versions``: no login needed."""
        base = str(request.base_url).rstrip("/")
        current = {
            "version": "4.0",
            "full_version": f"4.0.{self.deployment.release}",
            "status": "current",
            "swagger_url": f"{base}/api/4.0/swagger.json",
        }
        return JSONResponse(
            {
                "looker_release_version": self.deployment.release,
                "current_version": current,
                "supported_versions": [current],
                "api_server_url": base,
                "web_server_url": base,
            }
        )

    # --- authentication ------------------------------------------------------------------

    @staticmethod
    def _token(request: Request) -> str | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        return token.strip() if scheme.lower() in ("bearer", "token") and token else None

    def _caller(self, request: Request) -> User:
        token = self._token(request)
        user = self.store.session_user(token) if token else None
        if user is None:
            raise LookerHttpError(401, "Requires authentication.")
        return user

    def _admin(self, request: Request) -> User:
        user = self._caller(request)
        if not user.is_admin:
            if self.deployment.not_found_for_forbidden:
                raise LookerHttpError(404, "Not found")
            raise LookerHttpError(403, "Forbidden: this call needs the admin role.")
        return user

    def _user(self, user_id: str) -> User:
        user = self.store.users.get(user_id)
        if user is None:
            raise LookerHttpError(404, "Not found")
        return user

    async def login(self, request: Request) -> Response:
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
        client_id = form.get("client_id") or request.query_params.get("client_id") or ""
        secret = form.get("client_secret") or request.query_params.get("client_secret") or ""
        ttl = self.token_ttl()
        token = self.store.login(client_id, secret, ttl)
        if token is None:
            raise LookerHttpError(404, "Not found")
        return JSONResponse(
            {
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": int(ttl),
                "refresh_token": None,
            }
        )

    async def logout(self, request: Request) -> Response:
        """``DELETE /logout``: the caller's token is revoked."""
        self._caller(request)
        self.store.sessions.pop(self._token(request) or "", None)
        return Response(status_code=204)

    # --- settings singletons ---------------------------------------------------------------

    def _singleton_endpoint(self, singleton: models.Singleton) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            self._admin(request)
            if self.deployment.google_cloud_core and singleton is models.PASSWORD_CONFIG:
                raise LookerHttpError(403, GOOGLE_CLOUD_CORE_REFUSAL)
            has = self.deployment.has(singleton.model)
            if request.method == "PATCH":
                changes = validated(singleton.model, await _body(request), has)
                self.store.update_singleton(singleton, changes)
            answer = self.store.public_singleton(singleton)
            return _json({k: v for k, v in answer.items() if k in has}, request)

        return endpoint

    def _action_endpoint(self, singleton: models.Singleton, name: str) -> Callable[[Request], Any]:
        """An action's ``PUT``: done and counted (``force_password_reset_at_next_login_for_all_
        users`` answers a string, as the API description says)."""

        async def endpoint(request: Request) -> Response:
            self._admin(request)
            if self.deployment.google_cloud_core and singleton is models.PASSWORD_CONFIG:
                raise LookerHttpError(403, GOOGLE_CLOUD_CORE_REFUSAL)
            self.store.count_action(name)
            return JSONResponse("done")

        return endpoint

    # --- users -------------------------------------------------------------------------------

    def _public_user(self, user: User, request: Request) -> dict[str, Any]:
        base = f"{str(request.base_url).rstrip('/')}{API}"
        person = not user.is_service_account
        answer = {
            "can": {"show": True, "index": True, "edit": True},
            "id": user.id,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "display_name": f"{user.first_name} {user.last_name}" if person else None,
            "email": user.email,
            "is_disabled": user.is_disabled,
            "role_ids": list(user.role_ids),
            "credentials_api3": [
                self._public_key(k, request) for k in self.store.user_keys(user.id)
            ],
            "url": f"{base}/users/{user.id}",
        }
        if "is_service_account" in self.deployment.has(models.ServiceAccount):
            answer["is_service_account"] = user.is_service_account
            answer["service_account_name"] = user.service_account_name
        return answer

    async def me(self, request: Request) -> Response:
        """``GET /user``: the caller's own user (looker-sdk's ``me()``); any user may ask."""
        return _json(self._public_user(self._caller(request), request), request)

    async def user(self, request: Request) -> Response:
        """``GET /users/{user_id}``: an admin sees anyone, a user only themself."""
        user_id = request.path_params["user_id"]
        if self._caller(request).id != user_id:
            self._admin(request)
        return _json(self._public_user(self._user(user_id), request), request)

    async def users(self, request: Request) -> Response:
        """``GET /users``: in id order (``sorts`` is taken as that), ``ids`` picks users,
        ``limit``/``offset`` page, and the deprecated ``page``/``per_page`` too unless
        ``limit`` is given."""
        self._admin(request)
        query = request.query_params
        users = sorted(self.store.users.values(), key=lambda u: _id_order(u.id))
        if query.get("ids"):
            wanted = {i.strip() for i in query["ids"].split(",")}
            users = [u for u in users if u.id in wanted]
        limit, offset = _int_param(query, "limit"), _int_param(query, "offset") or 0
        per_page, page = _int_param(query, "per_page"), _int_param(query, "page")
        if limit is None and per_page is not None:
            limit, offset = per_page, ((page or 1) - 1) * per_page
        users = users[offset:] if limit is None else users[offset : offset + limit]
        return _json([self._public_user(u, request) for u in users], request)

    # --- service accounts and roles --------------------------------------------------------

    def _service_account_routes(self) -> list[Route]:
        """The service-account endpoints, from the release that introduced them (25.18)."""
        if "service_account_name" not in self.deployment.has(models.ServiceAccount):
            return []
        return [
            Route(f"{API}/users/service_accounts", self.create_service_account, methods=["POST"]),
            Route(
                f"{API}/users/service_accounts/{{user_id}}",
                self.service_account,
                methods=["PATCH", "DELETE"],
            ),
        ]

    def _public_service_account(self, user: User, request: Request) -> dict[str, Any]:
        public = self._public_user(user, request)
        return {
            **{name: public.get(name) for name in models.rules(models.ServiceAccount)},
            "group_ids": [],
            "created_at": user.created_at,
            "credentials_api3": public["credentials_api3"],
        }

    async def create_service_account(self, request: Request) -> Response:
        """``POST /users/service_accounts``: a new service account (admins only)."""
        self._admin(request)
        changes = validated(models.ServiceAccount, await _body(request))
        if not changes.get("service_account_name"):
            detail = validation_detail(
                "service_account_name", "missing_field", "service_account_name is required"
            )
            raise LookerHttpError(422, "Validation Failed", errors=[detail])
        user = self.store.add_service_account(
            changes["service_account_name"], bool(changes.get("is_disabled", False))
        )
        return _json(self._public_service_account(user, request), request)

    async def service_account(self, request: Request) -> Response:
        """``PATCH``/``DELETE /users/service_accounts/{user_id}``: only a service account's
        id is found here; a service account cannot delete itself."""
        caller = self._admin(request)
        user = self._user(request.path_params["user_id"])
        if not user.is_service_account:
            raise LookerHttpError(404, "Not found")
        if request.method == "DELETE":
            if caller.id == user.id:
                raise LookerHttpError(403, "The service account cannot delete itself.")
            self.store.delete_user(user.id)
            return Response(status_code=204)
        changes = validated(models.ServiceAccount, await _body(request))
        self.store.update_user(user.id, changes)
        return _json(self._public_service_account(user, request), request)

    def _public_role(self, role_id: str, request: Request) -> dict[str, Any]:
        base = f"{str(request.base_url).rstrip('/')}{API}"
        return {
            "can": {"show": True, "index": True},
            "id": role_id,
            "name": self.store.roles[role_id],
            "internal": False,
            "url": f"{base}/roles/{role_id}",
            "users_url": f"{base}/roles/{role_id}/users",
        }

    async def roles(self, request: Request) -> Response:
        """``GET /roles``: every role (``ids`` picks some)."""
        self._admin(request)
        wanted = request.query_params.get("ids")
        ids = [i for i in self.store.roles if not wanted or i in wanted.split(",")]
        return _json([self._public_role(i, request) for i in ids], request)

    async def user_roles(self, request: Request) -> Response:
        """``GET``/``PUT /users/{user_id}/roles``: a user's roles; a PUT gives exactly the
        roles of its body (an array of role ids)."""
        self._admin(request)
        user = self._user(request.path_params["user_id"])
        if request.method == "PUT":
            try:
                body = json.loads(await request.body() or b"null")
            except ValueError:
                raise LookerHttpError(400, "Request body is not valid JSON") from None
            if not isinstance(body, list) or not all(isinstance(i, str) for i in body):
                raise LookerHttpError(400, "Request body must be an array of role ids")
            unknown = [i for i in body if i not in self.store.roles]
            if unknown:
                detail = validation_detail("role_ids", "invalid", f"no role {unknown[0]}")
                raise LookerHttpError(422, "Validation Failed", errors=[detail])
            self.store.update_user(user.id, {"role_ids": list(dict.fromkeys(body))})
        return _json([self._public_role(i, request) for i in user.role_ids], request)

    # --- user attributes -------------------------------------------------------------------

    def _public_attribute(self, attribute: dict[str, Any]) -> dict[str, Any]:
        permanent = bool(attribute.get("is_permanent"))
        can = {"show": True, "index": True, "update": True, "destroy": not permanent}
        return {"can": can, **attribute}

    def _attribute_changes(self, body: dict[str, Any], *, new: bool) -> dict[str, Any]:
        """The writable fields of ``body``; a create lacking ``name``, ``label`` or ``type``
        (required in the API description), a type it does not list, or a name that is not
        lowercase letters, digits and ``_`` (as Looker's admin page asks) is a 422."""
        changes = validated(models.UserAttribute, body)
        errors = [
            validation_detail(name, "missing_field", f"{name} is required")
            for name in ("name", "label", "type")
            if (new and not changes.get(name)) or (name in changes and not changes[name])
        ]
        if changes.get("type") and changes["type"] not in USER_ATTRIBUTE_TYPES:
            message = f"type must be one of {', '.join(USER_ATTRIBUTE_TYPES)}"
            errors.append(validation_detail("type", "invalid", message))
        if changes.get("name") and not _ATTRIBUTE_NAME.match(changes["name"]):
            message = "name may contain only lowercase letters, digits and underscores"
            errors.append(validation_detail("name", "invalid", message))
        if errors:
            raise LookerHttpError(422, "Validation Failed", errors=errors)
        return changes

    def _named(self, name: str | None) -> dict[str, Any] | None:
        return next((a for a in self.store.user_attributes.values() if a["name"] == name), None)

    async def user_attributes(self, request: Request) -> Response:
        """``GET /user_attributes`` (in id order) and ``POST /user_attributes``: a name
        another attribute has is a 409, as the API description's create answers."""
        self._admin(request)
        if request.method == "GET":
            attributes = sorted(self.store.user_attributes.values(), key=lambda a: int(a["id"]))
            return _json([self._public_attribute(a) for a in attributes], request)
        changes = self._attribute_changes(await _body(request), new=True)
        if self._named(changes["name"]) is not None:
            raise LookerHttpError(409, f"A user attribute named {changes['name']} already exists")
        return _json(self._public_attribute(self.store.add_user_attribute(changes)), request)

    async def user_attribute(self, request: Request) -> Response:
        """``GET``, ``PATCH`` and ``DELETE /user_attributes/{user_attribute_id}``: an unknown
        id is a 404; a PATCH to a name another attribute has is a 422 (the update's answers
        have no 409); a permanent (system) attribute cannot be deleted: 400."""
        self._admin(request)
        attribute_id = request.path_params["user_attribute_id"]
        attribute = self.store.user_attributes.get(attribute_id)
        if attribute is None:
            raise LookerHttpError(404, "Not found")
        if request.method == "DELETE":
            if attribute.get("is_permanent"):
                raise LookerHttpError(400, f"User attribute {attribute['name']} is permanent")
            self.store.delete_user_attribute(attribute_id)
            return Response(status_code=204)
        if request.method == "PATCH":
            changes = self._attribute_changes(await _body(request), new=False)
            other = self._named(changes.get("name"))
            if other is not None and other["id"] != attribute_id:
                detail = validation_detail("name", "already_exists", "name is already taken")
                raise LookerHttpError(422, "Validation Failed", errors=[detail])
            self.store.update_user_attribute(attribute_id, changes)
        return _json(self._public_attribute(attribute), request)

    # --- API3 credentials ------------------------------------------------------------------

    def _public_key(self, key: ApiKey, request: Request) -> dict[str, Any]:
        base = f"{str(request.base_url).rstrip('/')}{API}"
        has = self.deployment.has(models.CreateCredentialsApi3)
        answer = {
            "can": {"show": True, "update": True, "destroy": True},
            "id": key.id,
            "client_id": key.client_id,
            "created_at": key.created_at,
            "is_disabled": key.is_disabled,
            "type": "api3",
            "purpose": key.purpose,
            "url": f"{base}/users/{key.user_id}/credentials_api3/{key.id}",
        }
        return {k: v for k, v in answer.items() if k in has}

    def _key(self, request: Request) -> ApiKey:
        self._admin(request)
        user = self._user(request.path_params["user_id"])
        key = self.store.keys.get(request.path_params["credentials_api3_id"])
        if key is None or key.user_id != user.id:
            raise LookerHttpError(404, "Not found")
        return key

    async def credentials(self, request: Request) -> Response:
        self._admin(request)
        user = self._user(request.path_params["user_id"])
        if request.method == "GET":
            keys = [self._public_key(k, request) for k in self.store.user_keys(user.id)]
            return _json(keys, request)
        key, secret = self.store.add_key(user.id)
        return _json({**self._public_key(key, request), "client_secret": secret}, request)

    async def credential(self, request: Request) -> Response:
        key = self._key(request)
        if request.method == "DELETE":
            self.store.delete_key(key.id)
            return Response(status_code=204)
        if request.method == "PATCH":
            changes = validated(
                models.CredentialsApi3,
                await _body(request),
                self.deployment.has(models.CredentialsApi3),
            )
            self.store.update_key(key.id, changes)
        return _json(self._public_key(key, request), request)


def _id_order(user_id: str) -> tuple[int, str]:
    return (int(user_id), "") if user_id.isdigit() else (0, user_id)


def _int_param(query: Any, name: str) -> int | None:
    value = query.get(name)
    if value is None:
        return None
    if not value.isdigit():
        raise LookerHttpError(400, f"{name} must be a whole number, got {value!r}")
    return int(value)


def _json(data: Any, request: Request, status: int = 200) -> JSONResponse:
    """``data``, restricted to the ``fields`` the request names, if it names any."""
    fields = request.query_params.get("fields")
    if fields:
        wanted = {f.strip() for f in fields.split(",") if f.strip()}

        def pick(item: dict[str, Any]) -> dict[str, Any]:
            return {k: v for k, v in item.items() if k in wanted}

        data = [pick(item) for item in data] if isinstance(data, list) else pick(data)
    return JSONResponse(data, status_code=status)


async def _body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        raise LookerHttpError(400, "Request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise LookerHttpError(400, "Request body must be a JSON object")
    return body


def validated(
    model: type, body: dict[str, Any], fields: tuple[str, ...] | None = None
) -> dict[str, Any]:
    """The writable fields of ``body`` (among ``fields``, the release's, if given), checked by
    the shared rules; read-only and unknown fields are ignored, as Looker ignores them. A null
    where the field cannot be null is ``missing_field``; any other refusal, ``invalid``."""
    changes: dict[str, Any] = {}
    errors = []
    for name, rule in models.rules(model).items():
        if not rule.writable or name not in body or (fields is not None and name not in fields):
            continue
        value = body[name]
        reason = None if value is None and rule.nullable else rule.reason(name, value)
        if reason:
            code = "missing_field" if value is None else "invalid"
            errors.append(validation_detail(name, code, reason))
        else:
            changes[name] = rule.normalize(value)
    if errors:
        raise LookerHttpError(422, "Validation Failed", errors=errors)
    return changes
