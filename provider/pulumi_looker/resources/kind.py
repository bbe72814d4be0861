"""A resource kind's one declaration: what both faces, the schema, stack config, ``adopt``,
``plan``, the policy pack and the specs derive from.

A kind is its inputs, its outputs and its logic (as in pulumi-go-provider's ``infer``). Each
module of ``pulumi_looker.resources`` that declares kinds lists them in its ``KINDS``; the
package collects every module's (``pulumi_looker.resources.KINDS``), so no list of kinds is
kept anywhere by hand.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from pulumi_looker import models

from .common import Connections, ResourceLogic

#: What a kind warns of in a resource's state, given ``keyMaxAgeDays``: a message, or None.
StateWarning = Callable[[Mapping[str, Any], datetime.timedelta], str | None]


def camel_case(name: str) -> str:
    """``min_length`` -> ``minLength``: how stack config and the plugin spell an input."""
    first, *rest = name.split("_")
    return first + "".join(part.title() for part in rest)


def snake_case(name: str) -> str:
    """``minLength`` -> ``min_length``: the input a camelCase property sets."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


@attrs.frozen
class Link:
    """A stack-config key of a list entry that names an entry of another kind's list (an API
    key's ``serviceAccount: ci-bot``): it sets ``input`` to that resource's output ``output``,
    instead of the inputs in ``instead_of``. A link of ``many`` names a list of entries
    (``users: [alice, bob]``), and sets ``input`` to the list of their outputs. A link
    ``within`` a list input is a key of its items (``values: [{group: finance, value: eu}]``),
    and sets ``input`` of the item it is in."""

    kind: str
    input: str
    output: str
    instead_of: tuple[str, ...] = ()
    many: bool = False
    within: str | None = None


@attrs.frozen
class Export:
    """What the stack program exports for a kind: ``key`` holds ``outputs`` of the singleton,
    or of each list entry the one output by entry name (``secret``: as a secret; entries that
    set the input ``unless`` are left out; ``when_empty``: exported when no entry is)."""

    key: str
    outputs: tuple[str, ...]
    secret: bool = False
    unless: str | None = None
    when_empty: bool = True


@attrs.frozen
class ConfigSection:
    """Where the stack program's config declares a kind: one object (a singleton, named
    ``resource_name``) or a list of entries each with its ``name``."""

    key: str
    resource_name: str | None = None
    exports: tuple[Export, ...] = ()
    links: Mapping[str, Link] = attrs.field(factory=dict)
    #: Inputs that stack config spells otherwise than in camelCase (an entry's ``name`` is the
    #: resource's, so Looker's ``name`` of a permission set is ``permissionSetName``).
    renames: Mapping[str, str] = attrs.field(factory=dict)

    @property
    def many(self) -> bool:
        return self.resource_name is None


@attrs.frozen
class Kind:
    """One kind of resource, declared once.

    ``inputs`` and ``outputs`` are snake_case names with their rules, in order (outputs are
    those that are not inputs; the state holds both). ``python_only`` inputs (``profile``)
    exist on the Python face alone: the plugin picks an instance by its provider.
    """

    #: The type name on both faces (``looker:index:<name>``, ``dynamic/looker:<name>``).
    name: str
    #: One line for the schema, the README's table and ``pulumi-looker`` messages.
    description: str
    #: The Python class's docstring: what a user reads in an IDE.
    doc: str
    #: The logic over a face's connections.
    logic: Callable[[Connections], ResourceLogic]
    inputs: Mapping[str, models.FieldRule]
    outputs: Mapping[str, models.FieldRule]
    config: ConfigSection
    #: The module of ``pulumi_looker.dynamic`` that holds its Python face (a stack's state names
    #: it: it never moves).
    module: str
    #: How ``pulumi import`` names one (documented in the README's table).
    import_id: str
    python_only: tuple[str, ...] = ("profile",)
    secrets: tuple[str, ...] = ()
    replace_on_changes: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    #: Python-face defaults that differ from None (``restore_on_delete=False``); check leaves
    #: such a default out of the inputs, as a refresh reads them.
    defaults: Mapping[str, Any] = attrs.field(factory=dict)
    #: The settings object of which an instance has one, for a singleton kind.
    singleton: models.Singleton | None = None
    #: The collection its objects are in, for a kind of which an instance has many.
    collection: models.Collection | None = None
    #: Why Looker keeps one of its objects as it is (``built_in``...), or None: it may change.
    locked: Callable[[Any], str | None] | None = None
    #: The input whose value makes create adopt an existing object instead of making one.
    adopted_by: str | None = None
    #: What a replacement makes anew (``plan`` shows them as new).
    new_on_replace: tuple[str, ...] = ()
    #: What a refresh or a diff of this kind warns of, if anything.
    warning: StateWarning | None = None
    #: The Looker release the kind needs (None: any supported release).
    since: str | None = None
    #: Inputs that make one (for the docs, and the specs that run every kind).
    example: Mapping[str, Any] = attrs.field(factory=dict)

    @property
    def token(self) -> str:
        return f"looker:index:{self.name}"

    @property
    def python_inputs(self) -> tuple[str, ...]:
        """Every input of the Python face, in order."""
        return tuple(self.inputs)

    @property
    def plugin_inputs(self) -> dict[str, models.FieldRule]:
        return {n: r for n, r in self.inputs.items() if n not in self.python_only}

    @property
    def config_keys(self) -> dict[str, str]:
        """Each stack-config spelling of an input and the input it sets."""
        return {self.config.renames.get(n, camel_case(n)): n for n in self.inputs}


def option(kind: type, *, writable: bool = True, items: type = str) -> models.FieldRule:
    """The rule of an input that is not a Looker field (an option such as ``keep_previous``)."""
    return models.FieldRule(kind, writable=writable, items=items)


#: Rules of options and outputs that are not Looker's fields.
BOOL = option(bool)
STR = option(str)
OUT_BOOL = option(bool, writable=False)
OUT_STR = option(str, writable=False)
OUT_INT = option(int, writable=False)
OUT_LIST = option(list, writable=False)
OUT_MAP = option(dict, writable=False)
#: The profile input: which Looker instance (stack config namespace ``looker-<profile>``).
PROFILE = {"profile": STR}


def looker_fields(model: type, *, writable: bool) -> dict[str, models.FieldRule]:
    """The model's fields that a client may write (``writable``) or that Looker sets, but
    ``can`` and ``id`` (a resource's id says it)."""
    return {
        n: r
        for n, r in models.rules(model).items()
        if r.writable == writable and n not in ("can", "id")
    }
