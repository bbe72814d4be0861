"""What every resource's logic shares: its results, the connections it is given, and the
checks of common inputs.

A face turns a request into plain Python values (an unknown value is ``UNKNOWN``), calls the
logic, and turns its result into the face's answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from pulumi_looker.models import FieldRule, unknown_name_reason

if TYPE_CHECKING:
    from pulumi_looker.client import LookerClient

#: An input not known yet: the Pulumi SDK's sentinel (``pulumi.runtime.rpc.UNKNOWN``), kept
#: here so that the logic, and what imports it without Pulumi's runtime (the emulator, the
#: command line), does not load the SDK: a third of a second at each start.
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

#: Inputs the Pulumi SDK adds itself; never the user's.
SDK_KEYS = frozenset({"__provider"})

#: A Looker id: letters, digits, - and _.
ID = re.compile(r"^[A-Za-z0-9_-]+$")
_PROFILE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")

#: ``(field, reason)``: why an input is refused.
Failure = tuple[str, str]


def is_unknown(value: Any) -> bool:
    """Whether a value is not known yet (during preview, an output of another resource)."""
    return bool(value == UNKNOWN)


class Connections(Protocol):
    """Where a resource's logic gets its Looker client (the face knows the configuration)."""

    def client(self, profile: str | None) -> LookerClient:
        """The shared client for the Looker instance of ``profile`` (None: the default one)."""

    @property
    def stack(self) -> str | None:
        """The stack being deployed, ``<project>/<stack>`` (see ``pulumi_looker.ownership``);
        None when the face cannot say."""


@attrs.frozen
class Checked:
    """The inputs as the resource takes them, why any of them is refused, and what the user
    should know before applying them (a certificate about to expire)."""

    inputs: dict[str, Any]
    failures: list[Failure]
    warnings: tuple[str, ...] = ()


@attrs.frozen
class Diff:
    """What an update would change: ``updates`` changes in place, ``replaces`` makes anew."""

    updates: tuple[str, ...] = ()
    replaces: tuple[str, ...] = ()
    delete_before_replace: bool = False

    @property
    def changes(self) -> bool:
        return bool(self.updates or self.replaces)


@attrs.frozen
class Created:
    id: str
    outs: dict[str, Any]


@attrs.frozen
class Found:
    """A read: the object's id and state, and the inputs that would give it; ``id`` is None when
    Looker confirms the object is gone."""

    id: str | None
    outs: dict[str, Any] = attrs.field(factory=dict)
    inputs: dict[str, Any] = attrs.field(factory=dict)


class ResourceLogic(Protocol):
    """What each resource's logic does; a face adapts each method to its own requests."""

    def check(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Checked:
        """The inputs ``news`` (the last ones were ``olds``) as the resource takes them, and
        each refused one."""

    def diff(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Diff:
        """What an update from the state ``olds`` to the inputs ``news`` would change."""

    def create(self, props: Mapping[str, Any]) -> Created:
        """Make (or adopt) the object; its id and state."""

    def read(self, id_: str, props: Mapping[str, Any]) -> Found:
        """The object as Looker has it now (a refresh), or as an import adopts it."""

    def update(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
        """Write what changed; the new state."""

    def delete(self, props: Mapping[str, Any]) -> None:
        """Remove the object, or leave it as the resource's options say."""


def as_id(value: Any) -> Any:
    """An id as Looker writes it: numbers (floats on Pulumi's wire) become strings."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def check_id(name: str, value: Any, *, required: bool) -> list[Failure]:
    value = as_id(value)
    if value is None:
        return [(name, f"{name} is required (a Looker id such as '42')")] if required else []
    if is_unknown(value):
        return []
    if not isinstance(value, str) or not ID.match(value):
        return [
            (
                name,
                f"{name} must be a Looker id of letters and digits such as '42', got {value!r}",
            )
        ]
    return []


def check_names(news: Mapping[str, Any], allowed: Iterable[str]) -> list[Failure]:
    """A failure for each input no one knows that is set, naming the nearest valid one."""
    allowed = set(allowed)
    return [
        (name, unknown_name_reason(name, allowed))
        for name, value in news.items()
        if name not in allowed and name not in SDK_KEYS and value is not None
    ]


def check_kind(name: str, value: Any, kind: type) -> list[Failure]:
    """A failure when a set, known value is not of ``kind`` (by the models' rules)."""
    if value is None or is_unknown(value):
        return []
    reason = FieldRule(kind).reason(name, value)
    return [(name, reason)] if reason else []


def check_profile(value: Any) -> list[Failure]:
    """The profile picks the connection settings; it is a plain name, never a credential."""
    if value is None or is_unknown(value):
        return []
    if not isinstance(value, str) or not _PROFILE.match(value):
        return [
            (
                "profile",
                "profile must be a name of letters, digits, '-' and '_' "
                f"(the stack config namespace looker-<profile>), got {value!r}",
            )
        ]
    return []


def set_inputs(news: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs the user set: ``None`` means "not managed" and is dropped."""
    return {k: v for k, v in news.items() if v is not None and k not in SDK_KEYS}
