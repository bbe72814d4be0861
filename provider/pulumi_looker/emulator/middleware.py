"""ASGI middleware of the emulator: the request log, and fault injection."""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .answers import error_response, validation_detail
from .faults import Fault, FaultPlan
from .schemas import masked

#: Where the log entry of a request travels in its ASGI scope, for inner layers to annotate.
ENTRY = "pulumi_looker.emulator.entry"

_ERROR_MESSAGES = {
    403: "Forbidden",
    404: "Not found",
    409: "Conflict",
    422: "Validation Failed",
    503: "Service temporarily unavailable",
}


def _is_api(scope: Scope) -> bool:
    return scope["type"] == "http" and scope["path"].startswith("/api/")


class RequestLog:
    """Records every API request: method, path, status (or what a fault did), time, duration,
    and PATCH bodies (a secret field's value as its fingerprint: ``schemas.masked``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.entries: list[dict[str, Any]] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _is_api(scope):
            await self.app(scope, receive, send)
            return
        entry: dict[str, Any] = {
            "method": scope["method"],
            "path": scope["path"],
            "status": 0,
            "time": time.time(),
        }
        scope[ENTRY] = entry
        started = time.monotonic()
        if scope["method"] == "PATCH":
            receive = _recording_body(receive, entry)

        async def send_logged(message: Message) -> None:
            if message["type"] == "http.response.start" and not entry["status"]:
                entry["status"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_logged)
        finally:
            entry["duration_ms"] = round((time.monotonic() - started) * 1000, 1)
            self.entries.append(entry)


class FaultInjector:
    """Applies the fault plan to each API request; ``revoke_sessions`` ends every token."""

    def __init__(self, app: ASGIApp, plan: FaultPlan, revoke_sessions: Callable[[], None]) -> None:
        self.app = app
        self.plan = plan
        self.revoke_sessions = revoke_sessions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _is_api(scope):
            await self.app(scope, receive, send)
            return
        entry = scope.get(ENTRY, {})
        fault = self.plan.for_request(scope["method"], scope["path"])
        if self.plan.periodic.latency_ms:
            await asyncio.sleep(self.plan.periodic.latency_ms / 1000)
        if fault is None:
            await self.app(scope, receive, send)
        elif fault.kind == "latency":
            await asyncio.sleep(fault.latency_ms / 1000)
            await self.app(scope, receive, send)
        elif fault.kind == "rate_limit":
            response = error_response(
                429, "Too many requests", headers={"Retry-After": str(fault.retry_after)}
            )
            await response(scope, receive, send)
        elif fault.kind == "error":
            await _error_response(fault)(scope, receive, send)
        elif fault.kind == "drop":
            entry["status"] = "dropped"
            await _break_connection(send)
        elif fault.kind == "revoke":
            self.revoke_sessions()
            await self.app(scope, receive, send)
        elif fault.kind == "crash":
            os._exit(137)  # no clean-up, no answer: as a SIGKILL would
        elif fault.kind == "lose":
            answered: list[Message] = []

            async def swallow(message: Message) -> None:
                answered.append(message)

            await self.app(scope, receive, swallow)
            entry["status"] = f"lost {answered[0]['status']}" if answered else "lost"
            await _break_connection(send)


def _error_response(fault: Fault) -> ASGIApp:
    errors = [validation_detail("purpose", "invalid", "injected")] if fault.status == 422 else None
    message = _ERROR_MESSAGES.get(fault.status, "Injected error")
    return error_response(fault.status, message, errors=errors)


async def _break_connection(send: Send) -> None:
    """Start an answer, then break the connection: the client sees it dropped."""
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"64")]}
    )
    raise ConnectionAbortedError("connection broken by fault injection")


def _recording_body(receive: Receive, entry: dict[str, Any]) -> Receive:
    """Keep a PATCH's JSON body in the log entry, its secrets masked."""
    chunks: list[bytes] = []

    async def wrapped() -> Message:
        message = await receive()
        if message["type"] == "http.request":
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                try:
                    entry["body"] = masked(json.loads(b"".join(chunks) or b"null"))
                except ValueError:
                    entry["body"] = None
        return message

    return wrapped
