"""One dynamic provider for every Looker settings singleton (password policy, session policy).

A singleton resource manages the settings its inputs set and leaves the others as Looker has
them. What it needs to know about the object (fields, which are writable, their ranges) comes
from the :class:`~pulumi_looker.models.Singleton` declaration and the model's rules.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import attrs
import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    UpdateResult,
)

from . import models
from ._provider import (
    LookerProvider,
    check_kind,
    check_names,
    check_profile,
    is_unknown,
    refuse_import,
    refuse_unexpected,
    set_inputs,
)
from .errors import InvalidIdError, SettingsNotAppliedError
from .stack_config import SINGLETON_OPTIONS, settings_of

if TYPE_CHECKING:
    from .client import LookerClient


@attrs.frozen
class SingletonState:
    """What a singleton resource keeps in Pulumi's state.

    ``live``: every field as Looker last answered (but ``can``); ``managed_fields``: the
    settings the inputs set; ``initial_config``: the settings as read at create, which
    ``restore_on_delete`` puts back.
    """

    live: Mapping[str, Any]
    managed_fields: tuple[str, ...]
    initial_config: Mapping[str, Any]
    restore_on_delete: bool = False
    profile: str | None = None

    @classmethod
    def from_props(cls, singleton: models.Singleton, props: Mapping[str, Any]) -> SingletonState:
        """The state stored in ``props`` (a resource's outputs)."""
        fields = models.rules(singleton.model)
        return cls(
            live={name: props.get(name) for name in fields if name != "can"},
            managed_fields=tuple(props.get("managed_fields") or ()),
            initial_config=dict(props.get("initial_config") or {}),
            restore_on_delete=bool(props.get("restore_on_delete")),
            profile=props.get("profile"),
        )

    @staticmethod
    def is_state(props: Mapping[str, Any]) -> bool:
        """Whether ``props`` hold a state; an import's read gets none."""
        return "managed_fields" in props

    def to_outs(self) -> dict[str, Any]:
        return {
            **self.live,
            "restore_on_delete": self.restore_on_delete,
            "profile": self.profile,
            "managed_fields": sorted(self.managed_fields),
            "initial_config": dict(self.initial_config),
        }

    def inputs(self) -> dict[str, Any]:
        """The inputs that would give this state: the managed settings at their live values."""
        inputs = {n: self.live[n] for n in self.managed_fields if self.live.get(n) is not None}
        inputs["restore_on_delete"] = self.restore_on_delete
        if self.profile is not None:
            inputs["profile"] = self.profile
        return inputs

    def restore_values(self) -> dict[str, Any]:
        """The managed settings as they were before the resource existed."""
        return {
            name: self.initial_config[name]
            for name in self.managed_fields
            if self.initial_config.get(name) is not None
        }


class SingletonProvider(LookerProvider):
    """CRUD for a singleton at ``singleton.path``; subclasses only name the singleton."""

    singleton: ClassVar[models.Singleton]

    @property
    def _settings(self) -> tuple[str, ...]:
        return settings_of(self.singleton)

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Unknown names, values out of range and bad options fail; nothing calls Looker."""
        failures = check_names(news, (*self._settings, *SINGLETON_OPTIONS))
        known = {k: v for k, v in news.items() if not is_unknown(v)}
        failures += [
            CheckFailure(f, r) for f, r in models.check_values(self.singleton.model, known)
        ]
        failures += check_kind("restore_on_delete", news.get("restore_on_delete"), bool)
        failures += check_profile(news.get("profile"))
        return CheckResult(set_inputs(news), failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """A managed setting that differs from the live value is an update; another profile
        (another Looker instance) is a replacement. A changed setting newer than the instance's
        release fails here (asking the release once, without a login)."""
        changed = [
            name
            for name in (*self._settings, "restore_on_delete")
            if name in news and news[name] != olds.get(name)
        ]
        replaces = ["profile"] if news.get("profile") != olds.get("profile") else []
        settings = [n for n in changed if n in self._settings and not is_unknown(news[n])]
        if settings and not replaces:
            # At preview already: an instance older than a setting refuses it.
            self.client(news.get("profile")).require(self.singleton.model, settings)
        return DiffResult(changes=bool(changed or replaces), replaces=replaces)

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Reads the live object, then PATCHes only the managed settings that differ (adopting
        what already matches writes nothing)."""
        client = self.client(props.get("profile"))
        before = models.to_dict(client.read_singleton(self.singleton))
        managed = self._managed(props)
        wanted = {k: v for k, v in managed.items() if before.get(k) != v}
        after = self._apply(client, wanted) if wanted else before
        state = SingletonState(
            live=_without_can(after),
            managed_fields=tuple(managed),
            initial_config={name: before.get(name) for name in self._settings},
            restore_on_delete=bool(props.get("restore_on_delete")),
            profile=props.get("profile"),
        )
        return CreateResult(self.singleton.id, state.to_outs())

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """PATCHes the managed settings whose live value differs; an option alone calls
        nothing."""
        old = SingletonState.from_props(self.singleton, olds)
        managed = self._managed(news)
        changes = {k: v for k, v in managed.items() if old.live.get(k) != v}
        live = old.live
        if changes:
            live = _without_can(self._apply(self.client(news.get("profile")), changes))
        state = attrs.evolve(
            old,
            live=live,
            managed_fields=tuple(managed),
            restore_on_delete=bool(news.get("restore_on_delete")),
            profile=news.get("profile"),
        )
        return UpdateResult(state.to_outs())

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """One GET. A refresh reports the live values of the managed settings (drift); an
        import adopts every live setting."""
        if id_ != self.singleton.id:
            name = self.singleton.model.__name__
            raise InvalidIdError(
                f"a {name}'s id is always {self.singleton.id!r} (there is one "
                f"{self.singleton.label} per Looker instance), got {id_!r}"
            )
        live = _without_can(
            models.to_dict(self.client(props.get("profile")).read_singleton(self.singleton))
        )
        if SingletonState.is_state(props):
            state = attrs.evolve(SingletonState.from_props(self.singleton, props), live=live)
        else:
            state = SingletonState(
                live=live,
                managed_fields=tuple(n for n in self._settings if live.get(n) is not None),
                initial_config={name: live.get(name) for name in self._settings},
                restore_on_delete=bool(props.get("restore_on_delete")),
                profile=props.get("profile"),
            )
        return ReadResult(id_, state.to_outs(), state.inputs())

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        """Leaves the live object as it is, unless ``restore_on_delete``: then PATCHes back the
        managed settings as they were at create."""
        state = SingletonState.from_props(self.singleton, props)
        restore = state.restore_values()
        if state.restore_on_delete and restore:
            self.client(state.profile).update_singleton(self.singleton, restore)

    def _managed(self, props: Mapping[str, Any]) -> dict[str, Any]:
        """The settings the user set, as Looker takes them."""
        return models.writable_body(
            self.singleton.model,
            {n: props[n] for n in self._settings if props.get(n) is not None},
        )

    def _apply(self, client: LookerClient, wanted: Mapping[str, Any]) -> dict[str, Any]:
        """PATCH ``wanted`` and make sure Looker took every value."""
        live = models.to_dict(client.update_singleton(self.singleton, wanted))
        refused = {k: (v, live.get(k)) for k, v in wanted.items() if live.get(k) != v}
        if refused:
            raise SettingsNotAppliedError(self.singleton.label, refused)
        return live


def _without_can(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k != "can"}


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
    return {**attrs.asdict(args), **{n: None for n in read_only}}


#: The singletons each program run (by its resource monitor) declared: (id, profile) -> name.
_declared: weakref.WeakKeyDictionary[Any, dict[tuple[str, str | None], str]] = (
    weakref.WeakKeyDictionary()
)


class _NoMonitor:
    """Stands for "no program run" (a plain object can be weakly referred to)."""


_NO_MONITOR = _NoMonitor()
