"""The emulator's control routes (outside ``/api``): request log, faults, sessions, state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .answers import error_response
from .faults import FaultPlan
from .state import Servers, Store

CONTROL = "/_emulator"


class ControlApi:
    """Lets tests, benchmarks and the demo drive and inspect a running emulator."""

    def __init__(
        self,
        store: Store,
        plan: FaultPlan,
        log: list[dict[str, Any]],
        fresh: Callable[[], Store] | None = None,
    ) -> None:
        self.store = store
        self.plan = plan
        self.log = log
        #: The instance as the process started (None: it keeps a state file, not reset).
        self.fresh = fresh
        #: The periodic faults the process started with, which a reset puts back.
        self.started_faults = plan.periodic

    def routes(self) -> list[Route]:
        return [
            Route(f"{CONTROL}/health", self.health, methods=["GET"]),
            Route(f"{CONTROL}/reset", self.reset, methods=["POST"]),
            Route(f"{CONTROL}/requests", self.requests, methods=["GET", "DELETE"]),
            Route(f"{CONTROL}/faults", self.faults, methods=["GET", "PATCH", "DELETE"]),
            Route(f"{CONTROL}/faults/aimed", self.aim, methods=["POST"]),
            Route(f"{CONTROL}/sessions", self.sessions, methods=["GET", "DELETE"]),
            Route(f"{CONTROL}/state", self.state, methods=["GET"]),
            Route(f"{CONTROL}/seed", self.seed, methods=["POST"]),
            Route(f"{CONTROL}/servers", self.servers, methods=["GET", "PUT"]),
            Route(f"{CONTROL}/users/{{user_id}}", self.user, methods=["PATCH"]),
            Route(f"{CONTROL}/keys/{{key_id}}", self.key, methods=["PATCH"]),
        ]

    async def health(self, request: Request) -> Response:
        return JSONResponse({"ok": True})

    async def reset(self, request: Request) -> Response:
        """Make the instance as the process started it (its users, keys, settings, access
        model and periodic faults), with no session, no aimed fault and an empty request log:
        one process serves test after test. One with a state file keeps it, and answers 409."""
        if self.fresh is None:
            return error_response(409, "an emulator with a --state-file is not reset")
        self.store.replace_with(self.fresh())
        self.plan.clear()
        self.plan.periodic = self.started_faults
        self.log.clear()
        return Response(status_code=204)

    async def requests(self, request: Request) -> Response:
        """The request log, or (DELETE) clear it."""
        if request.method == "DELETE":
            self.log.clear()
            return Response(status_code=204)
        return JSONResponse(self.log)

    async def faults(self, request: Request) -> Response:
        """The periodic faults; PATCH changes some, DELETE ends every fault (aimed ones too)."""
        if request.method == "DELETE":
            self.plan.clear()
        elif request.method == "PATCH":
            try:
                self.plan.set_periodic(await request.json())
            except (ValueError, TypeError) as error:
                return error_response(400, str(error))
        return JSONResponse(attrs.asdict(self.plan.periodic))

    async def aim(self, request: Request) -> Response:
        """Add a fault aimed at a method and path (see :meth:`FaultPlan.aim`)."""
        try:
            aimed = self.plan.aim(await request.json())
        except (ValueError, TypeError) as error:
            return error_response(400, str(error))
        return JSONResponse(attrs.asdict(aimed), status_code=201)

    async def sessions(self, request: Request) -> Response:
        """The access tokens issued (for tests that look for leaks), or (DELETE) revoke all."""
        if request.method == "DELETE":
            self.store.sessions.clear()
            return Response(status_code=204)
        return JSONResponse(sorted(self.store.issued_tokens))

    async def user(self, request: Request) -> Response:
        """Give or take a user's admin role (``{"is_admin": false}``), or delete the user
        (``{"deleted": true}``, with its keys), as an admin in Looker's admin page would."""
        user = self.store.users.get(request.path_params["user_id"])
        if user is None:
            return error_response(404, "no such user")
        changes = await request.json()
        if changes.get("deleted"):
            self.store.delete_user(user.id)
            return Response(status_code=204)
        if "is_admin" in changes:
            user.is_admin = bool(changes["is_admin"])
            self.store.save()
        return JSONResponse(attrs.asdict(user))

    async def key(self, request: Request) -> Response:
        """Age a key (``{"age_days": 200}``): as if it had been created that long ago."""
        key = self.store.keys.get(request.path_params["key_id"])
        if key is None:
            return error_response(404, "no such key")
        self.store.age_key(key.id, float((await request.json())["age_days"]))
        return JSONResponse(attrs.asdict(key, filter=lambda a, _: a.name != "secret_hash"))

    async def seed(self, request: Request) -> Response:
        """Add what a seed holds (see :meth:`Store.apply_seed`): an instance managed by hand."""
        try:
            self.store.apply_seed(await request.json())
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            return error_response(400, f"seed: {error}")
        return JSONResponse(self.store.snapshot())

    async def servers(self, request: Request) -> Response:
        """The LDAP directories and databases Looker reaches (see :class:`Servers`); ``PUT``
        ``{"unreachable": ["db.gone"], "passwords": {"ldap.corp": "right"}}`` replaces them
        (a reset makes every host reachable again). Passwords are shown as fingerprints."""
        if request.method == "PUT":
            try:
                self.store.servers = Servers.given(await request.json())
            except (ValueError, TypeError, AttributeError) as error:
                return error_response(400, f"servers: {error}")
        return JSONResponse(self.store.servers.shown())

    async def state(self, request: Request) -> Response:
        """Everything the instance holds, secrets only as hashes, for tests to compare with."""
        return JSONResponse(self.store.snapshot())
