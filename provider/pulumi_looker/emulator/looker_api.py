"""The routes of the emulated Looker API 4.0, shaped as the official OpenAPI description says."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

import attrs
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pulumi_looker import models

from .access import AccessApi
from .answers import (
    GOOGLE_CLOUD_CORE_REFUSAL,
    LookerHttpError,
    json_answer,
    not_found,
    object_body,
    validated,
    validation_detail,
    validation_failed,
)
from .attribute_values import AttributeValuesApi
from .collections import API, Collections, base_url
from .connections import ConnectionsApi
from .people import PeopleApi, email_credentials
from .sign_in import SignInApi
from .state import SETTINGS, ApiKey, Store, User

#: The logins a user gets by signing in through another system, which the emulator has not.
_SIGN_IN_CREDENTIALS = (
    "credentials_google",
    "credentials_ldap",
    "credentials_looker_openid",
    "credentials_oidc",
    "credentials_saml",
    "credentials_totp",
    "credentials_workforce",
)


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
    """Login, the settings singletons, service accounts and API3 keys of one emulated
    instance, and the routes of people (``people.py``), the access model (``access.py``),
    attribute values (``attribute_values.py``), sign-in (``sign_in.py``) and database
    connections (``connections.py``).

    ``token_ttl`` gives the lifetime of the tokens issued from now on.
    """

    def __init__(
        self, store: Store, token_ttl: Callable[[], float], deployment: Deployment | None = None
    ) -> None:
        self.store = store
        self.token_ttl = token_ttl
        self.deployment = deployment or Deployment()
        self.people = PeopleApi(
            Collections(store, self._admin),
            self._public_user,
            self._caller,
            google_cloud_core=self.deployment.google_cloud_core,
        )

    def routes(self) -> list[Route]:
        core = self.deployment.google_cloud_core
        singleton_routes = [
            Route(
                f"{API}{singleton.path}",
                self._singleton_endpoint(singleton),
                methods=["GET", "PATCH"],
            )
            for singleton in SETTINGS
        ]
        action_routes = [
            Route(f"{API}{path}", self._action_endpoint(singleton, name), methods=["PUT"])
            for singleton in SETTINGS
            for name, path in singleton.actions.items()
        ]
        # A key's PATCH arrived with its purpose.
        key_methods = ["GET", "DELETE"]
        if "purpose" in self.deployment.has(models.CredentialsApi3):
            key_methods.append("PATCH")
        return [
            Route(f"{API}/versions", self.versions, methods=["GET"]),
            Route(f"{API}/login", self.login, methods=["POST"]),
            Route(f"{API}/login/{{user_id}}", self.sudo, methods=["POST"]),
            Route(f"{API}/logout", self.logout, methods=["DELETE"]),
            # Looker's SDKs log out at the unversioned path (looker_sdk.rtl.auth_session).
            Route("/api/logout", self.logout, methods=["DELETE"]),
            *singleton_routes,
            *action_routes,
            Route(f"{API}/user", self.me, methods=["GET"]),
            *self._service_account_routes(),
            *self.people.routes(),
            *AccessApi(self.people, google_cloud_core=core).routes(),
            *AttributeValuesApi(self.people).routes(),
            *SignInApi(self.people.api, self.deployment.release, google_cloud_core=core).routes(),
            *ConnectionsApi(self.people.api, self.deployment.release).routes(),
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
        if not self.store.is_admin(user):
            if self.deployment.not_found_for_forbidden:
                raise not_found()
            raise LookerHttpError(403, "Forbidden: this call needs the admin role.")
        return user

    async def login(self, request: Request) -> Response:
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
        client_id = form.get("client_id") or request.query_params.get("client_id") or ""
        secret = form.get("client_secret") or request.query_params.get("client_secret") or ""
        ttl = self.token_ttl()
        token = self.store.login(client_id, secret, ttl)
        if token is None:
            raise not_found()
        return _access_token(token, ttl)

    async def sudo(self, request: Request) -> Response:
        """``POST /login/{user_id}``: an admin gets a token that acts as the user (no key
        needed, none made). Looker (Google Cloud core) lets a service account impersonate only
        embed users, which the emulator has none of: there it is denied (the API
        description's text)."""
        self._admin(request)
        if self.deployment.google_cloud_core:
            raise LookerHttpError(403, GOOGLE_CLOUD_CORE_REFUSAL)
        user = self.people.found(request.path_params["user_id"])
        ttl = self.token_ttl()
        return _access_token(self.store.open_session(user.id, ttl), ttl)

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
                changes = validated(singleton.model, await object_body(request), has)
                self.store.update_singleton(singleton, changes)
            answer = self.store.public_singleton(singleton)
            return json_answer({k: v for k, v in answer.items() if k in has}, request)

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
        """``User``: every field of the schema, the logins this emulator has no way to make
        (SAML, OIDC, LDAP, Google, embed...) empty, and the service account's fields from the
        release that has them."""
        base = base_url(request)
        named = user.first_name and user.last_name
        answer = {
            "can": {"show": True, "index": True, "edit": True},
            "avatar_url": None,
            "avatar_url_without_sizing": None,
            "credentials_api3": [
                self._public_key(k, request) for k in self.store.user_keys(user.id)
            ],
            "credentials_email": email_credentials(user, base),
            "credentials_embed": [],
            **dict.fromkeys(_SIGN_IN_CREDENTIALS),
            "display_name": f"{user.first_name} {user.last_name}" if named else None,
            "email": user.email,
            "embed_group_space_id": None,
            "first_name": user.first_name,
            "group_ids": self.store.group_ids_of(user),
            "home_folder_id": user.home_folder_id,
            "id": user.id,
            "is_disabled": user.is_disabled,
            "last_name": user.last_name,
            "locale": user.locale,
            "looker_versions": [],
            "models_dir_validated": user.models_dir_validated,
            "personal_folder_id": None,
            "presumed_looker_employee": False,
            "role_ids": list(user.role_ids),
            "sessions": [],
            "ui_state": user.ui_state,
            "verified_looker_employee": False,
            "roles_externally_managed": False,
            "allow_direct_roles": True,
            "allow_normal_group_membership": True,
            "allow_roles_from_normal_groups": True,
            "embed_group_folder_id": None,
            "is_iam_admin": False,
            "can_manage_api3_creds": user.can_manage_api3_creds,
            "url": f"{base}/users/{user.id}",
        }
        if "is_service_account" in self.deployment.has(models.ServiceAccount):
            answer["is_service_account"] = user.is_service_account
            answer["service_account_name"] = user.service_account_name
        return answer

    async def me(self, request: Request) -> Response:
        """``GET /user``: the caller's own user (looker-sdk's ``me()``); any user may ask."""
        return json_answer(self._public_user(self._caller(request), request), request)

    # --- service accounts --------------------------------------------------------------

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
            "group_ids": public["group_ids"],
            "created_at": user.created_at,
            "credentials_api3": public["credentials_api3"],
        }

    async def create_service_account(self, request: Request) -> Response:
        """``POST /users/service_accounts``: a new service account (admins only)."""
        self._admin(request)
        changes = validated(models.ServiceAccount, await object_body(request))
        if not changes.get("service_account_name"):
            detail = validation_detail(
                "service_account_name", "missing_field", "service_account_name is required"
            )
            raise validation_failed([detail])
        user = self.store.add_service_account(
            changes["service_account_name"], bool(changes.get("is_disabled", False))
        )
        return json_answer(self._public_service_account(user, request), request)

    async def service_account(self, request: Request) -> Response:
        """``PATCH``/``DELETE /users/service_accounts/{user_id}``: only a service account's
        id is found here; a service account cannot delete itself."""
        caller = self._admin(request)
        user = self.people.found(request.path_params["user_id"])
        if not user.is_service_account:
            raise not_found()
        if request.method == "DELETE":
            if caller.id == user.id:
                raise LookerHttpError(403, "The service account cannot delete itself.")
            self.store.delete_user(user.id)
            return Response(status_code=204)
        changes = validated(models.ServiceAccount, await object_body(request))
        self.store.update_user(user.id, changes)
        return json_answer(self._public_service_account(user, request), request)

    # --- API3 credentials ------------------------------------------------------------------

    def _public_key(self, key: ApiKey, request: Request) -> dict[str, Any]:
        base = base_url(request)
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
        user = self.people.found(request.path_params["user_id"])
        key = self.store.keys.get(request.path_params["credentials_api3_id"])
        if key is None or key.user_id != user.id:
            raise not_found()
        return key

    async def credentials(self, request: Request) -> Response:
        self._admin(request)
        user = self.people.found(request.path_params["user_id"])
        if request.method == "GET":
            keys = [self._public_key(k, request) for k in self.store.user_keys(user.id)]
            return json_answer(keys, request)
        key, secret = self.store.add_key(user.id)
        return json_answer({**self._public_key(key, request), "client_secret": secret}, request)

    async def credential(self, request: Request) -> Response:
        key = self._key(request)
        if request.method == "DELETE":
            self.store.delete_key(key.id)
            return Response(status_code=204)
        if request.method == "PATCH":
            changes = validated(
                models.CredentialsApi3,
                await object_body(request),
                self.deployment.has(models.CredentialsApi3),
            )
            self.store.update_key(key.id, changes)
        return json_answer(self._public_key(key, request), request)


def _access_token(token: str, ttl: float) -> JSONResponse:
    """The ``AccessToken`` answer of a login."""
    return JSONResponse(
        {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": int(ttl),
            "refresh_token": None,
        }
    )
