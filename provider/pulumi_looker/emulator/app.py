"""The emulated Looker, assembled: API and control routes behind the request log and faults."""

from __future__ import annotations

from collections.abc import Callable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from .answers import LookerHttpError
from .control_api import ControlApi
from .faults import FaultPlan, Faults
from .looker_api import Deployment, LookerApi
from .middleware import FaultInjector, RequestLog
from .state import Store


class Emulator:
    """One emulated Looker instance (an ASGI application): its store, faults and request log;
    ``fresh`` makes the store as it started, for ``POST /_emulator/reset``."""

    def __init__(
        self,
        store: Store,
        faults: Faults | None = None,
        deployment: Deployment | None = None,
        fresh: Callable[[], Store] | None = None,
    ) -> None:
        self.store = store
        self.plan = FaultPlan(periodic=faults or Faults())
        api = LookerApi(store, lambda: self.plan.periodic.token_ttl, deployment)
        app = Starlette(
            routes=api.routes(),
            exception_handlers={LookerHttpError: _looker_error, HTTPException: _http_error},
        )
        self._log = RequestLog(FaultInjector(app, self.plan, store.sessions.clear))
        control = ControlApi(store, self.plan, self._log.entries, fresh)
        self._app = Starlette(routes=control.routes())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/api/"):
            await self._log(scope, receive, send)
        else:
            await self._app(scope, receive, send)


async def _looker_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, LookerHttpError)  # Starlette calls it for that class only
    return error.response()


async def _http_error(request: Request, error: Exception) -> Response:
    """Unknown paths and methods answer in Looker's ``Error`` shape too."""
    assert isinstance(error, HTTPException)  # Starlette calls it for that class only
    message = "Not found" if error.status_code == 404 else str(error.detail)
    return LookerHttpError(error.status_code, message).response()
