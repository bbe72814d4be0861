"""What every dynamic provider shares: the connection, readable errors, the results of the
resources' logic as the dynamic-provider host wants them, and what a declaration refuses."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown

from pulumi_looker.errors import refreshing, tracebacks_wanted
from pulumi_looker.models import unknown_name_reason
from pulumi_looker.resources.common import UNKNOWN, Checked, Diff, Found, ResourceLogic
from pulumi_looker.settings import ConnectionSettings

if TYPE_CHECKING:
    from pulumi_looker.client import LookerClient

#: The module the dynamic-provider host runs as (``python -m pulumi.dynamic``).
_HOST_MODULE = "pulumi.dynamic.__main__"


class LookerProvider(ResourceProvider):
    """Base of the dynamic providers, and the ``Connections`` of the logic they adapt.

    Pulumi serializes the provider object into the state; it holds no setting and no client
    there. The connection is resolved in the provider process from the stack config that
    :meth:`configure` receives, and from the environment and looker.ini.
    """

    #: The provider carries no secret, so its serialized form need not be encrypted.
    serialize_as_secret_always = False

    def __init__(self) -> None:
        super().__init__()
        # Made in the program, which knows its stack; the serialized provider carries it to
        # the dynamic-provider host, which does not (it sees only PULUMI_PROJECT).
        self._stack = f"{pulumi.get_project()}/{pulumi.get_stack()}"

    @property
    def stack(self) -> str | None:
        """The stack of the program that declared the resource (None in a state written
        before the provider carried it)."""
        stack = self.__dict__.get("_stack")
        return stack if isinstance(stack, str) else None

    @property
    def logic(self) -> ResourceLogic:
        """The resource's logic, over this provider's connections (subclasses say which)."""
        raise NotImplementedError

    # Each handler's contract is that of the logic's method of the same name.

    # At preview the host gives an unknown input as a ``pulumi.output.Unknown`` (a new object
    # each time); the logic knows one sentinel, which the host sends back as unknown.

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return as_check_result(self.logic.check(with_sentinel(olds), with_sentinel(news)))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return as_diff_result(self.logic.diff(with_sentinel(olds), with_sentinel(news)))

    def create(self, props: dict[str, Any]) -> CreateResult:
        created = self.logic.create(props)
        return CreateResult(created.id, created.outs)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(self.logic.update(olds, news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with refreshing():
            return as_read_result(self.logic.read(id_, props))

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        self.logic.delete(props)

    def configure(self, req: ConfigureRequest) -> None:
        """Called once per provider in the dynamic-provider host, before any handler."""
        self._stack_config = req.config
        quiet_tracebacks()

    def client(self, profile: str | None) -> LookerClient:
        """The shared client for the Looker instance of ``profile`` (None: the default one)."""
        # Imported here: the program process declares resources and never needs HTTP.
        from pulumi_looker.client import LookerClient

        settings = ConnectionSettings.resolve(
            profile=profile, config=self.__dict__.get("_stack_config")
        )
        return LookerClient.shared(settings)

    def __getstate__(self) -> dict[str, Any]:
        # Whatever a process learnt at run time stays out of the serialized provider; the
        # program's stack is all it carries.
        return {"_stack": self.stack}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)


def with_sentinel(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` with each unknown, however deep, as the logic's sentinel ``UNKNOWN``."""

    def plain(value: Any) -> Any:
        if isinstance(value, Unknown):
            return UNKNOWN
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    return {k: plain(v) for k, v in values.items()}


def as_check_result(checked: Checked) -> CheckResult:
    return CheckResult(checked.inputs, [CheckFailure(f, r) for f, r in checked.failures])


def as_diff_result(diff: Diff) -> DiffResult:
    """The host's diff has no per-field detail: only whether, and what replaces."""
    return DiffResult(
        changes=diff.changes,
        replaces=list(diff.replaces),
        delete_before_replace=diff.delete_before_replace,
    )


def as_read_result(found: Found) -> ReadResult:
    if found.id is None:
        return ReadResult(None, {})
    return ReadResult(found.id, found.outs, found.inputs)


def quiet_tracebacks() -> None:
    """In the dynamic-provider host, a failing handler's error reads as one line.

    From Pulumi's Python SDK 3.260 on, the host answers a handler's exception with
    ``traceback.format_exc()``: our one-line message inside dozens of lines of httpx and gRPC
    frames. ``sys.tracebacklimit = 0`` keeps only the ``Type: message`` line. Set
    ``PULUMI_LOOKER_TRACEBACK=1`` to see the whole traceback. Nothing changes outside the host.
    """
    main = sys.modules.get("__main__")
    in_host = getattr(getattr(main, "__spec__", None), "name", None) == _HOST_MODULE
    if in_host and not tracebacks_wanted():
        sys.tracebacklimit = 0


#: What adopts existing Looker objects, since Pulumi's import cannot (see refuse_import).
IMPORT_ALTERNATIVES = (
    "declare it without import (its create adopts what Looker has and writes only what "
    "differs; an existing API key by its credentials_api3_id), or run `pulumi-looker adopt "
    "--stack STACK` to write the stack's config from the live instance"
)
#: Why Pulumi cannot import a dynamic resource, as measured.
IMPORT_REASON = (
    "Pulumi cannot import a dynamic resource: the engine sends an import's read neither "
    "inputs nor state, so the dynamic-provider host cannot find the provider (measured up to "
    "Pulumi CLI 3.276 with SDK 3.272)"
)


class ImportNotSupportedError(pulumi.RunError):
    """A resource was declared with ``import_``; Pulumi prints a RunError as its message alone."""


def refuse_import(resource: str, name: str, opts: pulumi.ResourceOptions | None) -> None:
    """Refuse the ``import_`` option at declaration, before the engine fails on it later."""
    if opts is not None and opts.import_ is not None:
        raise ImportNotSupportedError(
            f"{resource} {name!r}: import_={opts.import_!r} cannot work: {IMPORT_REASON}. "
            f"Instead, {IMPORT_ALTERNATIVES}."
        )


class UnexpectedArgumentError(pulumi.RunError, TypeError):
    """A resource was declared with a keyword argument it does not have; Pulumi prints a
    RunError as its message alone, with no traceback."""


def refuse_unexpected(
    resource: str, unexpected: Mapping[str, Any], inputs: Iterable[str], read_only: Iterable[str]
) -> None:
    """A resource constructor's unknown keyword arguments as one error that names the nearest
    valid input, or says the argument is a read-only output."""
    if not unexpected:
        return
    valid = sorted(inputs)
    reasons = []
    for name in unexpected:
        if name in read_only:
            reasons.append(
                f"{name} is read-only: Looker sets it, read it as an output "
                f"({resource}.{name}); valid inputs: {', '.join(valid)}"
            )
        else:
            reason = unknown_name_reason(name, valid)
            reasons.append(
                reason.replace("unknown property", "unknown argument").replace(
                    "valid properties", "valid arguments"
                )
            )
    raise UnexpectedArgumentError(f"{resource}: {'; '.join(reasons)}")
