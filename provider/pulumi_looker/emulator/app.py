"""The emulated Looker API 4.0, as an ASGI application (Starlette)."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any
from urllib.parse import parse_qsl

import attrs
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pulumi_looker import models

from .faults import Faults
from .state import ApiKey, Store, User

API = "/api/4.0"
CONTROL = "/_emulator"
DOCS = "https://docs.cloud.google.com/looker/docs/r/api/support"

_FAULT_MESSAGES = {
    403: "Forbidden",
    404: "Not found",
    409: "Conflict",
    422: "Validation Failed",
    503: "Service temporarily unavailable",
}


class LookerHttpError(Exception):
    """An error answer, in the shape of the spec's ``Error`` or ``ValidationError``."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.status = status
        self.body: dict[str, Any] = {"message": message, "documentation_url": DOCS}
        if errors is not None:
            self.body["errors"] = errors
        self.headers = headers
        super().__init__(message)


def _json(data: Any, request: Request, status: int = 200) -> JSONResponse:
    fields = request.query_params.get("fields")
    if fields:
        wanted = {f.strip() for f in fields.split(",") if f.strip()}

        def pick(item: dict[str, Any]) -> dict[str, Any]:
            return {k: v for k, v in item.items() if k in wanted}

        data = [pick(item) for item in data] if isinstance(data, list) else pick(data)
    return JSONResponse(data, status_code=status)


class Emulator:
    """One emulated Looker instance: its store, faults and request log."""

    def __init__(self, store: Store, faults: Faults | None = None) -> None:
        self.store = store
        self.faults = faults or Faults()
        self.request_log: list[dict[str, Any]] = []
        self.api_requests = 0
        routes = [
            Route(f"{API}/login", self.login, methods=["POST"]),
            Route(f"{API}/logout", self.logout, methods=["DELETE"]),
            Route("/api/logout", self.logout, methods=["DELETE"]),
            Route(f"{API}/user", self.me, methods=["GET"]),
            Route(f"{API}/users/{{user_id}}", self.user, methods=["GET"]),
            Route(f"{API}/password_config", self.password_config, methods=["GET", "PATCH"]),
            Route(
                f"{API}/users/{{user_id}}/credentials_api3",
                self.credentials,
                methods=["GET", "POST"],
            ),
            Route(
                f"{API}/users/{{user_id}}/credentials_api3/{{credentials_api3_id}}",
                self.credential,
                methods=["GET", "PATCH", "DELETE"],
            ),
            Route(f"{CONTROL}/health", self.health, methods=["GET"]),
            Route(f"{CONTROL}/requests", self.requests, methods=["GET", "DELETE"]),
            Route(f"{CONTROL}/faults", self.fault_settings, methods=["GET", "PATCH"]),
            Route(f"{CONTROL}/sessions", self.sessions, methods=["GET", "DELETE"]),
            Route(f"{CONTROL}/state", self.state, methods=["GET"]),
        ]
        self.app = Starlette(
            routes=routes,
            exception_handlers={
                LookerHttpError: self._error,
                HTTPException: self._http_error,
            },  # type: ignore[dict-item]
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        self.api_requests += 1
        fault = self.faults.for_request(self.api_requests)
        entry = {"method": scope["method"], "path": scope["path"], "status": 0, "time": time.time()}
        started = time.monotonic()
        if self.faults.latency_ms:
            await asyncio.sleep(self.faults.latency_ms / 1000)

        if scope["method"] == "PATCH":
            receive = _recording_body(receive, entry)

        async def send_logged(message: Message) -> None:
            if message["type"] == "http.response.start":
                entry["status"] = message["status"]
            await send(message)

        try:
            if fault == "drop":
                entry["status"] = "dropped"
                await _break_connection(send)
            if fault == "lose":
                # Do the work, then lose the answer: a create here leaves a key the client
                # never hears of.
                answered: list[Message] = []

                async def swallow(message: Message) -> None:
                    answered.append(message)

                await self.app(scope, receive, swallow)
                entry["status"] = f"lost {answered[0]['status']}" if answered else "lost"
                await _break_connection(send)
            if fault is not None:
                await self._fault_response(fault)(scope, receive, send_logged)
                return
            await self.app(scope, receive, send_logged)
        finally:
            entry["duration_ms"] = round((time.monotonic() - started) * 1000, 1)
            self.request_log.append(entry)

    def _fault_response(self, fault: str) -> ASGIApp:
        if fault == "rate_limit":
            return JSONResponse(
                {"message": "Too many requests", "documentation_url": DOCS},
                status_code=429,
                headers={"Retry-After": str(self.faults.retry_after)},
            )
        status = self.faults.error_status
        body: dict[str, Any] = {
            "message": _FAULT_MESSAGES.get(status, "Injected error"),
            "documentation_url": DOCS,
        }
        if status == 422:
            body["errors"] = [
                {
                    "field": "purpose",
                    "code": "invalid",
                    "message": "injected",
                    "documentation_url": DOCS,
                }
            ]
        return JSONResponse(body, status_code=status)

    async def _error(self, request: Request, error: LookerHttpError) -> Response:
        return JSONResponse(error.body, status_code=error.status, headers=error.headers)

    async def _http_error(self, request: Request, error: HTTPException) -> Response:
        """Unknown paths and methods answer in Looker's ``Error`` shape too."""
        message = "Not found" if error.status_code == 404 else error.detail
        return await self._error(request, LookerHttpError(error.status_code, message))

    # --- authentication ------------------------------------------------------------------

    def _caller(self, request: Request) -> User:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        user = None
        if scheme.lower() in ("bearer", "token") and token:
            user = self.store.session_user(token.strip())
        if user is None:
            raise LookerHttpError(401, "Requires authentication.")
        return user

    def _admin(self, request: Request) -> User:
        user = self._caller(request)
        if not user.is_admin:
            raise LookerHttpError(403, "Forbidden: this call needs the admin role.")
        return user

    def _user(self, user_id: str) -> User:
        user = self.store.users.get(user_id)
        if user is None:
            raise LookerHttpError(404, "Not found")
        return user

    # --- session ---------------------------------------------------------------------------

    async def login(self, request: Request) -> Response:
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
        client_id = form.get("client_id") or request.query_params.get("client_id") or ""
        secret = form.get("client_secret") or request.query_params.get("client_secret") or ""
        token = self.store.login(client_id, secret, self.faults.token_ttl)
        if token is None:
            raise LookerHttpError(404, "Not found")
        return JSONResponse(
            {
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": int(self.faults.token_ttl),
                "refresh_token": None,
            }
        )

    async def logout(self, request: Request) -> Response:
        self._caller(request)
        token = request.headers["authorization"].partition(" ")[2].strip()
        self.store.sessions.pop(token, None)
        return Response(status_code=204)

    # --- users -----------------------------------------------------------------------------

    def _public_user(self, user: User, request: Request) -> dict[str, Any]:
        return {
            "id": user.id,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "display_name": f"{user.first_name} {user.last_name}",
            "email": user.email,
            "is_disabled": False,
            "role_ids": ["2"] if user.is_admin else ["1"],
            "credentials_api3": [
                self._public_key(k, request) for k in self.store.user_keys(user.id)
            ],
            "can": {"show": True, "index": True, "edit": True},
            "url": f"{self._base(request)}/users/{user.id}",
        }

    async def me(self, request: Request) -> Response:
        return _json(self._public_user(self._caller(request), request), request)

    async def user(self, request: Request) -> Response:
        caller = self._caller(request)
        user = self._user(request.path_params["user_id"])
        if not caller.is_admin and caller.id != user.id:
            raise LookerHttpError(403, "Forbidden")
        return _json(self._public_user(user, request), request)

    # --- password config -------------------------------------------------------------------

    async def password_config(self, request: Request) -> Response:
        self._admin(request)
        if request.method == "PATCH":
            changes = _validated(models.PasswordConfig, await _body(request))
            self.store.update_password_config(changes)
        return _json(self.store.public_password_config(), request)

    # --- API3 credentials ------------------------------------------------------------------

    def _base(self, request: Request) -> str:
        return f"{str(request.base_url).rstrip('/')}{API}"

    def _public_key(self, key: ApiKey, request: Request) -> dict[str, Any]:
        return {
            "can": {"show": True, "update": True, "destroy": True},
            "id": key.id,
            "client_id": key.client_id,
            "created_at": key.created_at,
            "is_disabled": key.is_disabled,
            "type": "api3",
            "purpose": key.purpose,
            "url": f"{self._base(request)}/users/{key.user_id}/credentials_api3/{key.id}",
        }

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
            del self.store.keys[key.id]
            self.store.save()
            return Response(status_code=204)
        if request.method == "PATCH":
            changes = _validated(models.CredentialsApi3, await _body(request))
            for name, value in changes.items():
                setattr(key, name, value)
            self.store.save()
        return _json(self._public_key(key, request), request)

    # --- control endpoint (outside the API) ------------------------------------------------

    async def health(self, request: Request) -> Response:
        return JSONResponse({"ok": True})

    async def requests(self, request: Request) -> Response:
        if request.method == "DELETE":
            self.request_log.clear()
            return Response(status_code=204)
        return JSONResponse(self.request_log)

    async def fault_settings(self, request: Request) -> Response:
        if request.method == "PATCH":
            try:
                self.faults = self.faults.updated(await request.json())
            except (ValueError, TypeError) as error:
                return JSONResponse({"message": str(error)}, status_code=400)
            self.api_requests = 0
        return JSONResponse(attrs.asdict(self.faults))

    async def sessions(self, request: Request) -> Response:
        """The access tokens issued (for tests that look for leaks), or revoke them all."""
        if request.method == "DELETE":
            self.store.sessions.clear()
            return Response(status_code=204)
        return JSONResponse(sorted(self.store.issued_tokens))

    async def state(self, request: Request) -> Response:
        """Everything the instance holds but secrets, for tests to compare with."""
        keys = [
            attrs.asdict(k, filter=lambda a, _: a.name != "secret_hash")
            for k in self.store.keys.values()
        ]
        return JSONResponse(
            {
                "password_config": self.store.public_password_config(),
                "users": [attrs.asdict(u) for u in self.store.users.values()],
                "credentials_api3": keys,
                "sessions": len(self.store.sessions),
            }
        )


async def _break_connection(send: Send) -> None:
    """Start an answer, then break the connection: the client sees it dropped."""
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"64")]}
    )
    raise ConnectionAbortedError("connection broken by fault injection")


def _recording_body(receive: Receive, entry: dict[str, Any]) -> Receive:
    """Keep a PATCH's JSON body in the request log (PATCH bodies here carry no secret)."""
    chunks: list[bytes] = []

    async def wrapped() -> Message:
        message = await receive()
        if message["type"] == "http.request":
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                try:
                    entry["body"] = json.loads(b"".join(chunks) or b"null")
                except ValueError:
                    entry["body"] = None
        return message

    return wrapped


async def _body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        raise LookerHttpError(400, "Request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise LookerHttpError(400, "Request body must be a JSON object")
    return body


def _validated(model: type, body: dict[str, Any]) -> dict[str, Any]:
    """The writable fields of ``body``, checked by the shared rules; read-only and unknown
    fields are ignored, as Looker ignores them."""
    changes: dict[str, Any] = {}
    errors = []
    for name, rule in models.rules(model).items():
        if not rule.writable or name not in body:
            continue
        value = body[name]
        reason = None if value is None and rule.nullable else rule.reason(name, value)
        if reason:
            errors.append(
                {"field": name, "code": "invalid", "message": reason, "documentation_url": DOCS}
            )
        else:
            changes[name] = rule.normalize(value)
    if errors:
        raise LookerHttpError(422, "Validation Failed", errors=errors)
    return changes
