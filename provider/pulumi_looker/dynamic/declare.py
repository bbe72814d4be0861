"""What every generated resource of the Python face shares: its dynamic provider over the
kind's logic, and what a declaration checks before Pulumi sees it.

The classes themselves (``ApiCredential``, ``ApiCredentialArgs``, ``ApiCredentialProvider``...)
are written from each kind's declaration by ``pulumi_looker.dynamic.codegen`` (typed
constructors for IDEs and mypy); nothing here or there restates a field.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
import pulumi

from pulumi_looker.resources import Kind
from pulumi_looker.resources.common import ResourceLogic

from .provider import LookerProvider, refuse_import, refuse_unexpected


class KindProvider(LookerProvider):
    """The dynamic provider of one kind; a generated subclass names it. Each handler's contract
    is that of the kind's logic's method of the same name."""

    kind: ClassVar[Kind]

    @property
    def logic(self) -> ResourceLogic:
        return self.kind.logic(self)


def declare(
    kind: Kind,
    resource_name: str,
    args: Any,
    unexpected: Mapping[str, Any],
    opts: pulumi.ResourceOptions | None,
) -> tuple[dict[str, Any], pulumi.ResourceOptions | None]:
    """A resource's props at declaration (its inputs, and its outputs as None) and options.

    Refuses unknown keyword arguments (naming the nearest input, or saying it is an output), the
    ``import_`` option (see ``refuse_import``), and for a singleton a second resource for the
    same object of the same Looker instance (profile) in one program: both would manage one
    object, and every refresh would show one of them a diff. A default that differs from None
    is left out of the inputs, as a refresh reads it. Secrets are secret outputs.
    """
    refuse_unexpected(kind.name, unexpected, kind.python_inputs, kind.outputs)
    refuse_import(kind.name, resource_name, opts)
    if kind.singleton is not None:
        _claim(kind, resource_name, args.profile)
    props = {**dict.fromkeys(kind.outputs), **attrs.asdict(args)}
    for name, default in kind.defaults.items():
        if props.get(name) == default:
            props[name] = None
    for name in kind.secrets:
        if name in kind.inputs and props.get(name) is not None:
            props[name] = pulumi.Output.secret(props[name])
    if kind.secrets:
        opts = pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(additional_secret_outputs=list(kind.secrets))
        )
    return props, opts


def _claim(kind: Kind, resource_name: str, profile: Any) -> None:
    """Refuse a second declaration of the singleton for one instance in this program run."""
    assert kind.singleton is not None
    if profile is not None and not isinstance(profile, str):
        return  # an Output's profile cannot be known yet
    run = pulumi.runtime.settings.get_monitor() or _NO_MONITOR
    claimed = _declared.setdefault(run, {})
    first = claimed.setdefault((kind.singleton.id, profile), resource_name)
    if first != resource_name:
        instance = "the default Looker instance" if profile is None else f"profile {profile!r}"
        raise ValueError(
            f"{kind.name} {resource_name!r}: {kind.name} {first!r} already manages the "
            f"{kind.singleton.label} of {instance}; a Looker instance has one, so declare one "
            f"{kind.name} per instance (give the other a profile for another instance)"
        )


#: The singletons each program run (by its resource monitor) declared: (id, profile) -> name.
_declared: weakref.WeakKeyDictionary[Any, dict[tuple[str, str | None], str]] = (
    weakref.WeakKeyDictionary()
)


class _NoMonitor:
    """Stands for "no program run" (a plain object can be weakly referred to)."""


_NO_MONITOR = _NoMonitor()
