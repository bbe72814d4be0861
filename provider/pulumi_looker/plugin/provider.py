"""``LookerPlugin``: the provider plugin's handlers, each a thin adapter over a resource's logic.

Each handler's contract is that of the logic's method of the same name (see
``pulumi_looker.resources``); what the plugin adds: per-field diffs, import through ``read``,
warnings in the engine's log, the ``getUser`` function, and its own configuration (the
connection, explicit provider instances for a second Looker).
"""

from __future__ import annotations

import asyncio
import datetime
import json
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.provider import (
    CheckFailure,
    CheckRequest,
    CheckResponse,
    ConfigureRequest,
    ConfigureResponse,
    CreateRequest,
    CreateResponse,
    DeleteRequest,
    DiffRequest,
    DiffResponse,
    GetSchemaRequest,
    GetSchemaResponse,
    InvokeRequest,
    InvokeResponse,
    PropertyDiff,
    PropertyDiffKind,
    Provider,
    ReadRequest,
    ReadResponse,
    UpdateRequest,
    UpdateResponse,
)

from pulumi_looker import models
from pulumi_looker.client import LookerClient
from pulumi_looker.errors import NotInLookerError, refreshing
from pulumi_looker.ownership import stack_of_urn
from pulumi_looker.resources import Kind
from pulumi_looker.settings import ConnectionSettings
from pulumi_looker.stack_config import camel_case

from . import resources
from .values import inputs_of, properties_of, to_plain

T = TypeVar("T")

#: Operations at once when the configuration does not say (the dynamic host runs 4). Each
#: waits on Looker most of its time, so threads are cheap; Looker's own limits come first.
DEFAULT_CONCURRENCY = 32
#: Age past which a warning names an API key the stack created.
DEFAULT_KEY_MAX_AGE_DAYS = 90

#: Where warnings go: ``(urn, message)``, sent to the engine's log by the server.
Warn = Callable[[str, str], Awaitable[None]]


class PluginConnections:
    """The logic's ``Connections`` in the plugin: one provider instance is one Looker."""

    def __init__(self, config: Mapping[str, Any], stack: str | None = None) -> None:
        self.config = {f"{resources.PACKAGE}:{k}": v for k, v in config.items()}
        #: The stack of the request being served (from its URN).
        self.stack = stack

    def for_urn(self, urn: str) -> PluginConnections:
        """These connections, for the stack that ``urn`` names."""
        serving = PluginConnections({})
        serving.config = self.config
        serving.stack = stack_of_urn(urn)
        return serving

    def _settings(self) -> ConnectionSettings:
        return ConnectionSettings.resolve(config=self.config)

    def client(self, profile: str | None) -> LookerClient:
        return LookerClient.shared(self._settings())


class LookerPlugin(Provider):
    """The ``looker`` provider plugin."""

    def __init__(self, version: str, warn: Warn | None = None) -> None:
        self.version = version
        self.connections = PluginConnections({})
        self.warn = warn
        self.key_max_age = datetime.timedelta(days=DEFAULT_KEY_MAX_AGE_DAYS)
        self._pool = ThreadPoolExecutor(max_workers=DEFAULT_CONCURRENCY)
        self._slots = asyncio.Semaphore(DEFAULT_CONCURRENCY)

    async def get_schema(self, request: GetSchemaRequest) -> GetSchemaResponse:
        return GetSchemaResponse(json.dumps(resources.schema(self.version)))

    async def configure(self, request: ConfigureRequest) -> ConfigureResponse:
        """The connection from the provider's configuration (``looker:baseUrl`` and so on, or
        an explicit provider's arguments), then ``LOOKERSDK_*`` and ``looker.ini`` as always."""
        config = {k: to_plain(v) for k, v in request.args.items()}
        for key, value in request.variables.items():  # older engines send only these
            config.setdefault(key.rpartition(":")[2], value)
        concurrency = int(float(config.pop("maxConcurrency", None) or DEFAULT_CONCURRENCY))
        max_age = config.pop("keyMaxAgeDays", None)
        if max_age is not None:
            self.key_max_age = datetime.timedelta(days=float(max_age))
        self._pool.shutdown(wait=False)
        self._pool = ThreadPoolExecutor(max_workers=concurrency)
        self._slots = asyncio.Semaphore(concurrency)
        self.connections = PluginConnections(config)
        return ConfigureResponse(accept_secrets=True, supports_preview=False)

    async def _run(self, work: Callable[[], T]) -> T:
        """Run blocking work (the logic and its HTTP calls) on the plugin's threads."""
        async with self._slots:
            return await asyncio.get_running_loop().run_in_executor(self._pool, work)

    def _logic(self, type_: str, urn: str) -> Any:
        return resources.RESOURCES[type_].logic(self.connections.for_urn(urn))

    async def check(self, request: CheckRequest) -> CheckResponse:
        logic = self._logic(request.type, request.urn)
        olds, news = inputs_of(request.old_inputs), inputs_of(request.new_inputs)
        checked = await self._run(lambda: logic.check(olds, news))
        if self.warn is not None:
            for warning in checked.warnings:
                await self.warn(request.urn, warning)
        return CheckResponse(
            inputs=properties_of(checked.inputs, resources.RESOURCES[request.type].secrets),
            failures=[CheckFailure(camel_case(f), reason) for f, reason in checked.failures],
        )

    async def diff(self, request: DiffRequest) -> DiffResponse:
        """As the logic's diff, with each changed field: ``preview --diff`` and ``--json``
        (``detailedDiff``) show it, drift found by a refresh included."""
        logic = self._logic(request.type, request.urn)
        olds, news = inputs_of(request.old_state), inputs_of(request.new_inputs)
        diff = await self._run(lambda: logic.diff(olds, news))
        await self._warn(request.type, request.urn, olds)
        detailed = {
            camel_case(n): PropertyDiff(PropertyDiffKind.UPDATE, True) for n in diff.updates
        }
        detailed |= {
            camel_case(n): PropertyDiff(PropertyDiffKind.UPDATE_REPLACE, True)
            for n in diff.replaces
        }
        return DiffResponse(
            changes=diff.changes,
            replaces=[camel_case(n) for n in diff.replaces],
            delete_before_replace=diff.delete_before_replace,
            diffs=list(detailed),
            detailed_diff=detailed,
        )

    async def create(self, request: CreateRequest) -> CreateResponse:
        logic = self._logic(request.type, request.urn)
        created = await self._run(lambda: logic.create(inputs_of(request.properties)))
        secrets = resources.RESOURCES[request.type].secrets
        return CreateResponse(created.id, properties_of(created.outs, secrets))

    async def read(self, request: ReadRequest) -> ReadResponse:
        """A refresh, or an import (no state: the object is adopted as Looker has it, every
        input it would take). A refresh's inputs are the last ones, each at Looker's value
        now: the inputs the program gives stay the only ones, and one whose field Looker has
        as the state has it stays as it was (a set in another order too), so a refresh that
        finds nothing changed leaves the state's inputs as they were (and the next ``up`` has
        nothing to record: the engine writes a step's state only when it changed)."""
        logic = self._logic(request.type, request.urn)
        state = inputs_of(request.properties)
        with refreshing():
            found = await self._run(lambda: logic.read(request.resource_id, state))
        if found.id is None:
            return ReadResponse(None, {}, {})
        await self._warn(request.type, request.urn, found.outs)
        secrets = resources.RESOURCES[request.type].secrets
        inputs = found.inputs
        if request.inputs:
            last = inputs_of(request.inputs)
            inputs = {
                k: v if k in state and found.outs.get(k) == state[k] else found.inputs.get(k, v)
                for k, v in last.items()
            }
        return ReadResponse(
            found.id, properties_of(found.outs, secrets), properties_of(inputs, secrets)
        )

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        logic = self._logic(request.type, request.urn)
        olds, news = inputs_of(request.olds), inputs_of(request.news)
        outs = await self._run(lambda: logic.update(olds, news))
        return UpdateResponse(properties_of(outs, resources.RESOURCES[request.type].secrets))

    async def delete(self, request: DeleteRequest) -> None:
        logic = self._logic(request.type, request.urn)
        await self._run(lambda: logic.delete(inputs_of(request.properties)))

    async def invoke(self, request: InvokeRequest) -> InvokeResponse:
        """``getUser``: a user by ``email`` or ``id``, from the one listing of users that a
        refresh reads too (no call when it is in hand)."""
        if request.tok in resources.LOOKUPS:
            return await self._lookup(resources.LOOKUPS[request.tok], inputs_of(request.args))
        if request.tok != resources.GET_USER:
            raise NotImplementedError(f"unknown function {request.tok}")
        args = inputs_of(request.args)
        email, given_id = args.get("email"), args.get("id")
        if bool(email) == bool(given_id):
            return InvokeResponse(failures=[CheckFailure("email", "give email or id, not both")])
        users = (await self._run(lambda: self.connections.client(None))).users
        found = str(given_id) if given_id else await self._run(lambda: users.user_id_of(str(email)))
        if found is None:
            raise NotInLookerError(f"getUser: Looker has no user with email {email!r}")
        user_id: str = found
        user_keys = await self._run(lambda: users.keys_of(user_id))
        return InvokeResponse(
            return_value={
                "id": PropertyValue(user_id),
                "email": PropertyValue(users.email_of(user_id)),
                "credentialsApi3Ids": PropertyValue([PropertyValue(k.id) for k in user_keys]),
            }
        )

    async def _lookup(self, kind: Kind, args: Mapping[str, Any]) -> InvokeResponse:
        """``get<Kind>``: the one object of the kind with that name, from the listing a refresh
        reads too; none, or two, fail naming the name."""
        collection = kind.collection
        assert collection is not None
        name = args.get("name")
        if not isinstance(name, str) or not name:
            return InvokeResponse(
                failures=[CheckFailure("name", "name must be a non-empty string")]
            )
        objects = (await self._run(lambda: self.connections.client(None))).objects(collection)
        found = await self._run(lambda: objects.named(name))
        if len(found) != 1:
            many = f"{len(found)} {collection.label}s are" if found else f"no {collection.label} is"
            raise NotInLookerError(f"get{kind.name}: {many} named {name!r} in Looker")
        live = {k: v for k, v in models.to_dict(found[0]).items() if k not in ("can", "id")}
        values = {collection.id_name: str(found[0].id), **live}
        return InvokeResponse(return_value=properties_of(values))

    async def _warn(self, type_: str, urn: str, state: Mapping[str, Any]) -> None:
        """What the resource's kind warns of in ``state`` (an overdue key), in the engine's log."""
        warning = resources.RESOURCES[type_].warning
        if self.warn is None or warning is None:
            return
        message = warning(state, self.key_max_age)
        if message:
            await self.warn(urn, message)
