"""The project's Pulumi program: Looker settings declared from a stack's config.

Stack config (namespace: the project's name)::

    passwordPolicy:            # optional; a PasswordConfig (settings in camelCase)
      minLength: 12
      requireSpecial: true
      restoreOnDelete: false
    sessionPolicy:             # optional; a SessionConfig, likewise
      sessionMinutes: 720
    instanceSettings:          # optional; an InstanceSettings, likewise
      automatedMfaEnabled: true
    serviceAccounts:           # optional; one ServiceAccount each (Looker 25.18+)
      - name: ci-bot           # the resource name, unique in the stack
        serviceAccountName: CI deploy bot
        roles: [Developer]     # role names or ids
        deleteOnDestroy: false # destroy disables the account (the default)
    apiCredentials:            # optional; one ApiCredential each
      - name: ci-bot-key       # the resource name, unique in the stack
        serviceAccount: ci-bot # the user: a service account above
        purpose: CI deploy bot
        rotation: "2026-11"    # change it to rotate the key
        keepPrevious: true     # the replaced key works until the next rotation
      - name: ci-deploy-bot
        userId: "42"
      - name: looker-bot
        userEmail: bot@example.com   # instead of userId: the user with this email
      - name: dbt-cloud
        userId: "7"
        credentialsApi3Id: "13"  # adopt an existing key

``import`` is refused with the reason (see ``provider.refuse_import``): declaring adopts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

from pulumi_looker.models import unknown_name_reason
from pulumi_looker.resources import Kind
from pulumi_looker.resources.kind import Link
from pulumi_looker.stack_config import SECTIONS, camel_case

from . import kinds
from .provider import IMPORT_ALTERNATIVES, IMPORT_REASON

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class StackConfigError(pulumi.RunError):
    """The stack's config cannot be declared; the message names the config key."""


def _inputs(
    where: str, values: Any, keys: Mapping[str, str], extra: Sequence[str]
) -> dict[str, Any]:
    if not isinstance(values, dict):
        raise StackConfigError(f"{where} must be an object of settings, got {values!r}")
    if "import" in values:
        raise StackConfigError(
            f"{where}.import: {IMPORT_REASON}. Remove it and {IMPORT_ALTERNATIVES}."
        )
    unknown = [k for k in values if k not in keys and k not in extra]
    if unknown:
        reason = unknown_name_reason(unknown[0], [*keys, *extra])
        raise StackConfigError(f"{where}: {reason}")
    return {keys[k]: v for k, v in values.items() if k in keys}


def declare(config: pulumi.Config) -> None:
    """Declare the stack's Looker resources, section by section (a section whose entries link
    to another's comes after it), and export what dependents need."""
    declared: dict[str, dict[str, pulumi.CustomResource]] = {}
    for key, kind in SECTIONS.items():
        resource = getattr(kinds, kind.name)
        if not kind.config.many:
            values = config.get_object(key)
            if values is not None:
                where = f"{config.name}:{key}"
                inputs = _inputs(where, values, kind.config_keys, [])
                _export(kind, resource(kind.config.resource_name, **inputs), inputs)
            continue
        made: dict[str, pulumi.CustomResource] = {}
        given = []
        for index, item in enumerate(_entries(config, key)):
            name, inputs = _entry(config, kind, index, item, made, declared)
            made[name] = resource(name, **inputs)
            given.append(inputs)
        declared[kind.name] = made
        _export_entries(kind, made, given)


def _entry(
    config: pulumi.Config,
    kind: Kind,
    index: int,
    item: Any,
    taken: Mapping[str, Any],
    declared: Mapping[str, Mapping[str, pulumi.CustomResource]],
) -> tuple[str, dict[str, Any]]:
    """One list entry's resource name and inputs, its links resolved to the resources they
    name."""
    where = f"{config.name}:{kind.config.key}[{index}]"
    links = kind.config.links
    outer = [key for key, link in links.items() if link.within is None]
    inputs = _inputs(where, item, kind.config_keys, ["name", *outer])
    name = _name(where, item, taken)
    for key, link in links.items():
        if link.within is None:
            _link(config, f"{where}.{key}", link, item.get(key, _ABSENT), inputs, declared)
            continue
        within = camel_case(link.within)
        items = inputs.get(link.within)
        if not isinstance(items, list):
            continue
        linked = []
        for number, part in enumerate(items):
            part = dict(part) if isinstance(part, dict) else part
            if isinstance(part, dict) and key in part:
                value = part.pop(key)
                _link(config, f"{where}.{within}[{number}].{key}", link, value, part, declared)
            linked.append(part)
        inputs[link.within] = linked
    return name, inputs


_ABSENT = object()


def _link(
    config: pulumi.Config,
    where: str,
    link: Link,
    value: Any,
    inputs: dict[str, Any],
    declared: Mapping[str, Mapping[str, pulumi.CustomResource]],
) -> None:
    """Set ``link.input`` of ``inputs`` to the output of the entry (or entries) ``value``
    names; nothing when the key is absent."""
    if value is _ABSENT:
        return
    others = declared.get(link.kind, {})
    named = value if link.many and isinstance(value, list) else [value]
    targets = [others.get(n) if isinstance(n, str) else None for n in named]
    if (
        (link.many and not isinstance(value, list))
        or None in targets
        or any(name in inputs for name in link.instead_of)
    ):
        section = next(k for k, v in SECTIONS.items() if v.name == link.kind)
        instead = " or ".join(camel_case(n) for n in link.instead_of)
        what = "a list of entries" if link.many else "one"
        raise StackConfigError(
            f"{where} must name {what} of {config.name}:{section} "
            f"({', '.join(sorted(others)) or 'none declared'})"
            f"{f', instead of {instead}' if instead else ''}; got {value!r}"
        )
    outputs = [getattr(t, link.output) for t in targets]
    inputs[link.input] = outputs if link.many else outputs[0]


def _export(kind: Kind, resource: pulumi.CustomResource, inputs: Mapping[str, Any]) -> None:
    for export in kind.config.exports:
        pulumi.export(
            export.key, {camel_case(name): getattr(resource, name) for name in export.outputs}
        )


def _export_entries(
    kind: Kind,
    made: Mapping[str, pulumi.CustomResource],
    inputs: Sequence[Mapping[str, Any]],
) -> None:
    """Each export of a list: the one output of each entry, by entry name."""
    for export in kind.config.exports:
        (output,) = export.outputs
        values = {
            name: getattr(resource, output)
            for (name, resource), given in zip(made.items(), inputs, strict=True)
            if export.unless is None or export.unless not in given
        }
        if export.secret:
            pulumi.export(export.key, pulumi.Output.secret(values))
        elif values or export.when_empty:
            pulumi.export(export.key, values)


def _entries(config: pulumi.Config, key: str) -> list[Any]:
    entries = config.get_object(key) or []
    if not isinstance(entries, list):
        raise StackConfigError(f"{config.name}:{key} must be a list, got {entries!r}")
    return entries


def _name(where: str, item: Mapping[str, Any], taken: Mapping[str, Any]) -> str:
    name = item.get("name")
    if not isinstance(name, str) or not _NAME.match(name) or name in taken:
        raise StackConfigError(
            f"{where}.name must be a unique name of letters, digits, '.', '-' and '_', got {name!r}"
        )
    return name
