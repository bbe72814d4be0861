"""``pulumi-resource-looker``: the plugin's gRPC server, as Pulumi's engine starts it.

Pulumi's Python server (``pulumi.provider.experimental``) answers a handler's exception with
its message and a Python stack. A user reads one line per failing resource instead: the
exception's own message (``PULUMI_LOOKER_TRACEBACK=1`` keeps the stack). Warnings go to the
engine's log, shown under the resource they concern.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.metadata
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
from pulumi.provider.experimental.server import ProviderServicer
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc, provider_pb2_grpc

from pulumi_looker.errors import tracebacks_wanted

from .provider import LookerPlugin

#: The handlers whose failures a user reads.
_HANDLERS = (
    "CheckConfig",
    "Configure",
    "Check",
    "Diff",
    "Create",
    "Read",
    "Update",
    "Delete",
    "Invoke",
    "GetSchema",
)


def _one_line(handler: Callable[..., Any]) -> Callable[..., Any]:
    async def serve(self: Any, request: Any, context: grpc.aio.ServicerContext) -> Any:
        try:
            return await handler(self, request, context)
        except NotImplementedError:
            raise
        except Exception as error:  # the SDK re-raised ours with a stack: show ours
            cause = error.__context__ if error.__context__ is not None else error
            message = str(error) if tracebacks_wanted() else str(cause)
            await context.abort(grpc.StatusCode.UNKNOWN, message)

    return serve


class LookerServicer(ProviderServicer):
    """Pulumi's provider servicer, with errors a person can read."""


for _name in _HANDLERS:
    setattr(LookerServicer, _name, _one_line(getattr(ProviderServicer, _name)))


def version() -> str:
    return importlib.metadata.version("pulumi-looker")


#: Makes the servicer of a plugin: given its arguments, the engine's address and how to warn.
MakeServicer = Callable[[list[str], str, Callable[[str, str], Awaitable[None]]], ProviderServicer]


def serve(make: MakeServicer) -> None:
    """Serve the servicer ``make`` gives on a free loopback port and print the port, as
    Pulumi's engine expects of a plugin; warnings go to the engine's log."""
    args = sys.argv[1:]
    engine_address = next((a for a in args if not a.startswith("-")), "")

    async def run() -> None:
        channel = grpc.aio.insecure_channel(engine_address) if engine_address else None
        engine = engine_pb2_grpc.EngineStub(channel) if channel is not None else None

        async def warn(urn: str, message: str) -> None:
            if engine is not None:
                await engine.Log(
                    engine_pb2.LogRequest(severity=engine_pb2.WARNING, message=message, urn=urn)
                )

        server = grpc.aio.server()
        provider_pb2_grpc.add_ResourceProviderServicer_to_server(
            make(args, engine_address, warn), server
        )
        port = server.add_insecure_port("127.0.0.1:0")
        await server.start()
        sys.stdout.write(f"{port}\n")
        sys.stdout.flush()
        await server.wait_for_termination()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())


def main() -> None:
    """``pulumi-resource-looker``."""
    serve(
        lambda args, engine, warn: LookerServicer(
            args, version(), LookerPlugin(version(), warn), engine_address=engine
        )
    )
