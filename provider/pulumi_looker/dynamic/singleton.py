"""The dynamic face of every settings singleton: one dynamic provider over
:class:`~pulumi_looker.resources.singleton.SingletonLogic`, and what a declaration checks."""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
import pulumi

from pulumi_looker import models
from pulumi_looker.resources.singleton import SingletonLogic

from .provider import (
    LookerProvider,
    refuse_import,
    refuse_unexpected,
)


class SingletonProvider(LookerProvider):
    """The dynamic provider of a singleton; subclasses only name the singleton. Each handler's
    contract is that of :class:`SingletonLogic`'s method of the same name."""

    singleton: ClassVar[models.Singleton]

    @property
    def logic(self) -> SingletonLogic:
        return SingletonLogic(self.singleton, self)


def declared_props(
    singleton: models.Singleton,
    resource_name: str,
    args: Any,
    unexpected: Mapping[str, Any],
    opts: pulumi.ResourceOptions | None,
) -> dict[str, Any]:
    """A resource's props at declaration: its inputs, and its read-only outputs as None.

    Refuses unknown keyword arguments, the ``import_`` option (see ``refuse_import``), and a
    second resource for the same singleton of the same Looker instance (profile) in one
    program: both would manage one object, and every refresh would show one of them a diff.
    """
    read_only = [n for n in models.read_only_fields(singleton.model) if n != "can"]
    name = singleton.model.__name__
    refuse_unexpected(name, unexpected, [f.name for f in attrs.fields(type(args))], read_only)
    refuse_import(name, resource_name, opts)
    profile = args.profile
    if profile is None or isinstance(profile, str):  # an Output's profile cannot be known yet
        run = pulumi.runtime.settings.get_monitor() or _NO_MONITOR
        claimed = _declared.setdefault(run, {})
        first = claimed.setdefault((singleton.id, profile), resource_name)
        if first != resource_name:
            instance = "the default Looker instance" if profile is None else f"profile {profile!r}"
            raise ValueError(
                f"{name} {resource_name!r}: {name} {first!r} already manages the "
                f"{singleton.label} of {instance}; a Looker instance has one, so declare one "
                f"{name} per instance (give the other a profile for another instance)"
            )
    props = {**attrs.asdict(args), **{n: None for n in read_only}}
    if props["restore_on_delete"] is False:  # the default, left out as a refresh reads it
        props["restore_on_delete"] = None
    return props


#: The singletons each program run (by its resource monitor) declared: (id, profile) -> name.
_declared: weakref.WeakKeyDictionary[Any, dict[tuple[str, str | None], str]] = (
    weakref.WeakKeyDictionary()
)


class _NoMonitor:
    """Stands for "no program run" (a plain object can be weakly referred to)."""


_NO_MONITOR = _NoMonitor()
