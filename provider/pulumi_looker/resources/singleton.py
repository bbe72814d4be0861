"""The logic of every Looker settings singleton (password policy, session policy).

A singleton resource manages the settings its inputs set and leaves the others as Looker has
them. What it needs to know about the object (fields, which are writable, their ranges) comes
from the :class:`~pulumi_looker.models.Singleton` declaration and the model's rules.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from pulumi_looker import models, ownership
from pulumi_looker.errors import (
    InvalidIdError,
    ManagedElsewhereError,
    SettingsError,
    SettingsNotAppliedError,
)

from .common import (
    Checked,
    Connections,
    Created,
    Diff,
    Failure,
    Found,
    check_kind,
    check_names,
    check_profile,
    is_unknown,
    set_inputs,
)
from .kind import (
    BOOL,
    OUT_LIST,
    OUT_MAP,
    PROFILE,
    STR,
    ConfigSection,
    Export,
    Kind,
    looker_fields,
)

if TYPE_CHECKING:
    from pulumi_looker.client import LookerClient

#: What a settings object checks beyond its fields' rules, at preview: the failures and warnings
#: for the inputs ``news`` (the last ones were ``olds``), asking Looker through the client the
#: first argument gives (None: no connection) only when what it tests changed.
Preflight = Callable[
    [Callable[[], "LookerClient | None"], Mapping[str, Any], Mapping[str, Any]],
    tuple[list[Failure], tuple[str, ...]],
]


@attrs.frozen
class SingletonState:
    """What a singleton resource keeps in Pulumi's state.

    ``live``: every field as Looker last answered (but ``can``); ``managed_fields``: the
    settings the inputs set; ``initial_config``: the settings as read at create, which
    ``restore_on_delete`` puts back; ``triggers``: the value each action's input last had.
    """

    live: Mapping[str, Any]
    managed_fields: tuple[str, ...]
    initial_config: Mapping[str, Any]
    restore_on_delete: bool = False
    profile: str | None = None
    triggers: Mapping[str, Any] = attrs.field(factory=dict)

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
            triggers={name: props.get(name) for name in singleton.actions},
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
            **self.triggers,
        }

    def inputs(self) -> dict[str, Any]:
        """The inputs that would give this state: the managed settings at their live values."""
        inputs = {n: self.live[n] for n in self.managed_fields if self.live.get(n) is not None}
        if self.restore_on_delete:  # False is the default, which check leaves out too
            inputs["restore_on_delete"] = True
        inputs |= {name: value for name, value in self.triggers.items() if value is not None}
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


class SingletonLogic:
    """CRUD for a singleton at ``singleton.path``, over the client that ``connections`` gives."""

    def __init__(
        self,
        singleton: models.Singleton,
        connections: Connections,
        preflight: Preflight | None = None,
        options: tuple[str, ...] = (),
    ) -> None:
        self.singleton = singleton
        self.connections = connections
        self.preflight = preflight
        #: Boolean inputs of the kind's own, read by its preflight (``allow_lockout``).
        self.options = options

    @property
    def _settings(self) -> tuple[str, ...]:
        return models.writable_fields(self.singleton.model)

    def check(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Checked:
        """Unknown names, values out of range and bad options fail, with no call; then the
        kind's preflight, if it has one (its failures and warnings, with the calls it needs:
        see ``sign_in``). A singleton new to the stack fails when another stack manages it
        (unless ``takeover``): one read of the marker per process (see
        ``pulumi_looker.ownership``). ``restore_on_delete`` false is left out, as :meth:`read`
        leaves it out: a refresh shows no difference between the two; so are the kind's
        options at false."""
        actions = tuple(self.singleton.actions)
        failures = check_names(news, (*self._settings, *actions, *self.options, *SINGLETON_OPTIONS))
        for name in self.options:
            failures += check_kind(name, news.get(name), bool)
        for name in actions:
            failures += check_kind(name, news.get(name), str)
        known = {k: v for k, v in news.items() if not is_unknown(v)}
        failures += models.check_values(self.singleton.model, known)
        failures += check_kind("restore_on_delete", news.get("restore_on_delete"), bool)
        failures += check_kind("takeover", news.get("takeover"), bool)
        failures += check_profile(news.get("profile"))
        warnings: tuple[str, ...] = ()
        if self.preflight is not None and not failures:
            failures, warnings = self.preflight(self._client_if_set(news), olds, news)
        if not olds and not failures:
            failures += self._owner_failure(news)
        inputs = set_inputs(news)
        for name in ("restore_on_delete", *self.options):
            if inputs.get(name) is False:  # the default: as a refresh reads it
                del inputs[name]
        return Checked(inputs, failures, warnings)

    def _client_if_set(self, news: Mapping[str, Any]) -> Callable[[], LookerClient | None]:
        """The client a preflight may call, made when it first asks; None when no connection
        is set (the call that needs one says what is missing) or the profile is unknown."""

        def client() -> LookerClient | None:
            if is_unknown(news.get("profile")):
                return None
            try:
                return self.connections.client(news.get("profile"))
            except SettingsError:
                return None

        return client

    def _owner_failure(self, news: Mapping[str, Any]) -> list[Failure]:
        """The failure when another stack manages the singleton and ``takeover`` is not set.
        Without a connection nothing is said here: the call that needs one says what is
        missing."""
        profile = news.get("profile")
        if news.get("takeover") or is_unknown(profile):
            return []
        try:
            client = self.connections.client(profile)
        except SettingsError:
            return []
        refusal = self._refusal(client)
        return [("takeover", refusal)] if refusal else []

    def _refusal(self, client: LookerClient) -> str | None:
        """Why this stack may not write the singleton: another stack's marker (None: it may)."""
        stack = self.connections.stack
        owner = client.owners.of(self.singleton.id)
        if owner is None or owner == stack:
            return None
        return ownership.singleton_refusal(self.singleton.label, owner, stack)

    def _claim(self, client: LookerClient, props: Mapping[str, Any]) -> None:
        """Before a write: refuse when another stack manages the singleton (unless
        ``takeover``), then mark this stack as its manager."""
        if not props.get("takeover"):
            refusal = self._refusal(client)
            if refusal:
                raise ManagedElsewhereError(refusal)
        stack = self.connections.stack
        if stack is not None:
            client.owners.claim(self.singleton.id, stack)

    def diff(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Diff:
        """A managed setting that differs from the live value is an update, and so is an
        action's trigger with a new value; another profile (another Looker instance) is a
        replacement. A changed setting newer than the instance's release fails here (asking the
        release once, without a login). A write while another stack manages the singleton
        fails (one read of the marker per process, only when something would be written), and
        ``takeover`` is an update while the marker names another stack."""
        rules = models.rules(self.singleton.model)
        changed = [
            name
            for name in (*self._settings, *self.singleton.actions)
            if news.get(name) is not None
            and (is_unknown(news[name]) or not _same(rules.get(name), news[name], olds.get(name)))
        ]
        if bool(news.get("restore_on_delete")) != bool(olds.get("restore_on_delete")):
            changed.append("restore_on_delete")  # unset is false
        changed += [n for n in self.options if is_unknown(news.get(n))]
        replaces = ("profile",) if news.get("profile") != olds.get("profile") else ()
        settings = [n for n in changed if n in self._settings and not is_unknown(news[n])]
        if settings and not replaces:
            # At preview already: an instance older than a setting refuses it.
            self.connections.client(news.get("profile")).require(self.singleton.model, settings)
        writes = [n for n in changed if n != "restore_on_delete"]
        takeover = news.get("takeover")
        if is_unknown(takeover):
            changed.append("takeover")
        elif not replaces and (writes or takeover is True):
            refusal = self._refusal(self.connections.client(news.get("profile")))
            if refusal and takeover is True:
                changed.append("takeover")
            elif refusal:
                raise ManagedElsewhereError(refusal)
        return Diff(updates=tuple(changed), replaces=replaces)

    def create(self, props: Mapping[str, Any]) -> Created:
        """Reads the live object, then PATCHes only the managed settings that differ (adopting
        what already matches writes nothing); each action whose trigger is set is done once.
        Before writing, the stack is marked as the singleton's manager (refused when another
        stack is, unless ``takeover``)."""
        client = self.connections.client(props.get("profile"))
        before = self._read(client, {})
        managed = self._managed(props)
        wanted = self._changes(managed, before)
        client.require(self.singleton.model, wanted)  # a refused setting writes nothing
        self._claim(client, props)
        after = self._apply(client, wanted, before) if wanted else before
        state = SingletonState(
            live=_without_can(after),
            managed_fields=tuple(managed),
            initial_config={name: before.get(name) for name in self._settings},
            restore_on_delete=bool(props.get("restore_on_delete")),
            profile=props.get("profile"),
            triggers=self._act(client, {}, props),
        )
        return Created(self.singleton.id, state.to_outs())

    def update(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
        """PATCHes the managed settings whose live value differs, and does each action whose
        trigger has a new value, once; an option alone calls nothing. Before a write, or
        with ``takeover``, the stack is marked as the singleton's manager."""
        old = SingletonState.from_props(self.singleton, olds)
        managed = self._managed(news)
        changes = self._changes(managed, old.live)
        live = old.live
        client = self.connections.client(news.get("profile"))
        acts = any(
            news.get(name) is not None and news.get(name) != old.triggers.get(name)
            for name in self.singleton.actions
        )
        client.require(self.singleton.model, changes)  # a refused setting writes nothing
        if changes or acts or news.get("takeover"):
            self._claim(client, news)
        if changes:
            live = _without_can(self._apply(client, changes, old.live))
        state = attrs.evolve(
            old,
            live=live,
            managed_fields=tuple(managed),
            restore_on_delete=bool(news.get("restore_on_delete")),
            profile=news.get("profile"),
            triggers=self._act(client, old.triggers, news),
        )
        return state.to_outs()

    def read(self, id_: str, props: Mapping[str, Any]) -> Found:
        """One GET. A refresh reports the live values of the managed settings (drift); an
        import adopts every live setting."""
        if id_ != self.singleton.id:
            name = self.singleton.model.__name__
            raise InvalidIdError(
                f"a {name}'s id is always {self.singleton.id!r} (there is one "
                f"{self.singleton.label} per Looker instance), got {id_!r}"
            )
        client = self.connections.client(props.get("profile"))
        kept = props if SingletonState.is_state(props) else {}
        live = _without_can(self._read(client, kept))
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
        return Found(id_, state.to_outs(), state.inputs())

    def delete(self, props: Mapping[str, Any]) -> None:
        """Leaves the live object as it is, unless ``restore_on_delete``: then PATCHes back the
        managed settings as they were at create. The stack's mark as its manager is removed
        (another stack's stays)."""
        state = SingletonState.from_props(self.singleton, props)
        restore = state.restore_values()
        client = self.connections.client(state.profile)
        if state.restore_on_delete and restore:
            client.update_singleton(self.singleton, restore)
        stack = self.connections.stack
        if stack is not None:
            client.owners.release(self.singleton.id, stack)

    def _act(
        self, client: LookerClient, done: Mapping[str, Any], props: Mapping[str, Any]
    ) -> dict[str, Any]:
        """``PUT`` each action whose trigger in ``props`` is set and differs from ``done``;
        the triggers as they now stand."""
        triggers = {}
        for name, path in self.singleton.actions.items():
            value = props.get(name)
            if value is not None and value != done.get(name):
                client.act(path)
            triggers[name] = value
        return triggers

    def _managed(self, props: Mapping[str, Any]) -> dict[str, Any]:
        """The settings the user set, as Looker takes them."""
        return models.writable_body(
            self.singleton.model,
            {n: props[n] for n in self._settings if props.get(n) is not None},
        )

    def _read(self, client: LookerClient, kept: Mapping[str, Any]) -> dict[str, Any]:
        """One ``GET``: the object as Looker answers it, its write-only fields as ``kept``
        (see :func:`~pulumi_looker.models.answered`)."""
        return models.answered(self.singleton.model, client.read_singleton(self.singleton), kept)

    def _changes(self, managed: Mapping[str, Any], live: Mapping[str, Any]) -> dict[str, Any]:
        """The managed settings whose live value is another setting."""
        rules = models.rules(self.singleton.model)
        return {k: v for k, v in managed.items() if not _same(rules[k], v, live.get(k))}

    def _apply(
        self, client: LookerClient, wanted: Mapping[str, Any], kept: Mapping[str, Any]
    ) -> dict[str, Any]:
        """PATCH ``wanted`` and make sure Looker took every value (a write-only one is taken as
        written: Looker never answers it)."""
        answer = client.update_singleton(self.singleton, wanted)
        live = models.answered(self.singleton.model, answer, {**kept, **wanted})
        rules = models.rules(self.singleton.model)
        refused = {
            k: (v, live.get(k)) for k, v in wanted.items() if not _same(rules[k], v, live.get(k))
        }
        if refused:
            raise SettingsNotAppliedError(self.singleton.label, refused)
        return live


def _without_can(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k != "can"}


def _same(rule: models.FieldRule | None, left: Any, right: Any) -> bool:
    return rule.same(left, right) if rule is not None else bool(left == right)


#: The inputs of every singleton besides its settings and actions.
SINGLETON_OPTIONS: dict[str, models.FieldRule] = {
    "restore_on_delete": BOOL,
    "takeover": BOOL,
    **PROFILE,
}

_SEMANTICS = """

Only the settings you give are managed; the others keep whatever value Looker has.
Each setting needs the Looker release that introduced it. The id is always ``{id}``:
declare at most one per Looker instance. On ``destroy`` the live object is left as it
is (weakening it is not a safe default); with ``restore_on_delete=True`` the values
read when the resource was created are put back. ``profile`` picks a second Looker
instance from the stack config namespace ``looker-<profile>``. One that another stack
manages (its mark in Looker, see ``pulumi_looker.ownership``) is refused at preview;
``takeover=True`` makes this stack its manager. Pulumi cannot import it on the Python
face (``import_`` is refused); declaring it adopts the live object."""


def singleton_kind(
    singleton: models.Singleton,
    *,
    name: str,
    module: str,
    description: str,
    doc: str,
    config_key: str,
    resource_name: str,
    exports: tuple[str, ...],
    preflight: Preflight | None = None,
    options: Mapping[str, models.FieldRule] | None = None,
) -> Kind:
    """The kind of a settings singleton: its writable fields are its settings, each action a
    trigger input, its secret fields secrets. ``exports``: outputs the stack exports, only
    settings that are never null (a null output reads as unknown in every preview).
    ``preflight``: its own checks at preview; ``options``: inputs of its own besides
    :data:`SINGLETON_OPTIONS`."""
    fields = models.rules(singleton.model)
    return Kind(
        name=name,
        description=description,
        doc=doc + _SEMANTICS.format(id=singleton.id),
        logic=functools.partial(
            SingletonLogic, singleton, preflight=preflight, options=tuple(options or ())
        ),
        inputs={
            **looker_fields(singleton.model, writable=True),
            **{action: STR for action in singleton.actions},
            **(options or {}),
            **SINGLETON_OPTIONS,
        },
        outputs={
            **looker_fields(singleton.model, writable=False),
            "managed_fields": OUT_LIST,
            "initial_config": OUT_MAP,
        },
        config=ConfigSection(config_key, resource_name, exports=(Export(config_key, exports),)),
        module=module,
        import_id=singleton.id,
        defaults={"restore_on_delete": False, **dict.fromkeys(options or {}, False)},
        singleton=singleton,
        secrets=tuple(n for n, rule in fields.items() if rule.secret),
    )


KINDS = (
    singleton_kind(
        models.PASSWORD_CONFIG,
        name="PasswordConfig",
        module="password_config",
        description="Looker's instance-wide password policy: only the settings given are managed.",
        doc="""Looker's instance-wide password policy (``/api/4.0/password_config``).

``force_password_reset`` is a trigger (any string, a date for instance): each new value makes
every user reset their password at their next login, once.""",
        config_key="passwordPolicy",
        resource_name="password-policy",
        exports=("min_length", "expiration_enabled"),
    ),
    singleton_kind(
        models.SESSION_CONFIG,
        name="SessionConfig",
        module="session_config",
        description="Looker's session policy: only the settings given are managed.",
        doc="""Looker's session policy (``/api/4.0/session_config``): how long users stay logged in,
whether they may stay logged in, on how many devices, and inactivity logout.""",
        config_key="sessionPolicy",
        resource_name="session-policy",
        exports=("allow_persistent_sessions", "unlimited_sessions_per_user"),
    ),
    singleton_kind(
        models.INSTANCE_SETTINGS,
        name="InstanceSettings",
        module="instance_settings",
        description=(
            "Looker's instance-wide settings (multi-factor authentication, email domains, time "
            "zones, extensions, certification...): only the settings given are managed."
        ),
        doc="""Looker's instance-wide settings (``/api/4.0/setting``). ``host_url`` is left out on
purpose: a wrong value locks every user out of the instance.""",
        config_key="instanceSettings",
        resource_name="instance-settings",
        exports=("automated_mfa_enabled",),
    ),
)
