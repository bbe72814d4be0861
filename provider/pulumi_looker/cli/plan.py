"""The per-field change list of a ``pulumi preview --json``, for a pull-request comment or a tool.

The plugin's resources (``looker:index:*``) carry a per-field ``detailedDiff``; for the
dynamic resources it is null, so their fields are compared from each step's old and new state.
Drift: a refreshing preview lists a ``refresh`` step with the state before the refresh, and the
resource's next step starts from the refreshed state; the fields that differ between the two
were changed in Looker.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from pulumi_looker.resources import KINDS
from pulumi_looker.stack_config import camel_case

#: Pulumi's mark of a secret value in state and JSON output.
_SECRET_SIG = "4dabf18193072939515e22adb298388d"
_ALWAYS_SECRET = frozenset({"client_secret", "clientSecret"})
#: What Pulumi adds to every input map, and the state's bookkeeping: never a change of ours.
_BOOKKEEPING = frozenset(
    {
        "__provider",
        *(
            f
            for name in ("managed_fields", "initial_config", "original_purpose")
            for f in (name, camel_case(name))
        ),
    }
)
_OPS = {
    "create": "create",
    "update": "update",
    "delete": "delete",
    "replace": "replace",
    "create-replacement": "replace",
    "refresh": "drift",
}
#: Resources whose create adopts the object Looker has: one per instance, always there.
_SINGLETONS = frozenset(kind.name for kind in KINDS if kind.singleton is not None)
#: The input by which a create adopts an existing object instead of making one.
_ADOPTED_BY = {kind.name: kind.adopted_by for kind in KINDS if kind.adopted_by}
#: What a replacement (or a rotation that keeps the previous key) makes anew: a rotated key
#: has a new id, client id and secret.
_NEW_ON_REPLACE = {kind.name: kind.new_on_replace for kind in KINDS if kind.new_on_replace}
_NEW_ON_REPLACE_PLUGIN = {k: tuple(camel_case(f) for f in v) for k, v in _NEW_ON_REPLACE.items()}
#: Stands for a value that Looker sets when the change is applied.
NEW = "(new)"
#: Stands for the value Looker has, which a singleton's create reads and keeps where it fits.
LIVE = "(Looker's value)"


@attrs.frozen
class Change:
    """One field of one resource that the preview changes (or found drifted, op ``drift``)."""

    resource: str
    type: str
    op: str
    field: str
    old: Any
    new: Any


def _masked(field: str, value: Any) -> Any:
    if field in _ALWAYS_SECRET or value == "[secret]":
        return "[secret]" if value not in (None, "") else value
    if isinstance(value, Mapping) and _SECRET_SIG in value:
        return "[secret]"
    return value


def changes(preview: Mapping[str, Any]) -> list[Change]:
    """The changes of every pulumi-looker resource in a ``pulumi preview --json`` document."""
    found: list[Change] = []
    before_refresh: dict[str, Mapping[str, Any]] = {}
    for step in preview.get("steps") or []:
        op = _OPS.get(step.get("op", ""))
        old_state, new_state = step.get("oldState") or {}, step.get("newState") or {}
        type_ = new_state.get("type") or old_state.get("type") or ""
        if op is None or not ("dynamic/looker:" in type_ or type_.startswith("looker:index:")):
            continue
        urn, kind = step["urn"], type_.rsplit(":", 1)[-1]
        name = urn.rsplit("::", 1)[-1]
        fields = set(old_state.get("inputs") or {}) - _BOOKKEEPING
        if op == "drift":
            if "outputs" in new_state:  # the refreshed values are in the step itself
                found += _rows(name, kind, op, fields, old_state["outputs"], new_state["outputs"])
            else:  # they are the state the resource's next step starts from
                before_refresh[urn] = old_state.get("outputs") or {}
            continue
        old = old_state.get("outputs") or {}
        if urn in before_refresh:
            found += _rows(name, kind, "drift", fields, before_refresh.pop(urn), old)
        if op == "delete":
            found += _rows(name, kind, op, fields, old, {})
            continue
        new = new_state.get("inputs") or {}
        fields = set(step.get("detailedDiff") or new) - _BOOKKEEPING
        plugin = type_.startswith("looker:")
        if op == "create" and kind in _SINGLETONS:
            found += [
                Change(name, kind, "adopt", f, LIVE, _masked(f, new[f])) for f in sorted(fields)
            ]
            continue
        if op == "create" and _given(new, _ADOPTED_BY.get(kind), plugin) is not None:
            found += _rows(name, kind, "adopt", fields, {}, new)
            continue
        found += _rows(name, kind, op, fields, {} if op == "create" else old, new)
        rotates = _rotates_in_place(op, old, new)
        if (op == "replace" and not old.get("adopted")) or rotates:
            found += [
                Change(name, kind, op, f, _masked(f, old.get(f)), NEW)
                for f in (_NEW_ON_REPLACE_PLUGIN if plugin else _NEW_ON_REPLACE).get(kind, ())
            ]
        found += _previous_key_rows(name, kind, op, old, new, plugin, rotates)
    return found


def _spelled(field: str, plugin: bool) -> str:
    """A snake_case field as the face spells it (the plugin's camelCase)."""
    return camel_case(field) if plugin else field


def _given(values: Mapping[str, Any], field: str | None, plugin: bool) -> Any:
    return None if field is None else values.get(_spelled(field, plugin))


def _previous_key_rows(
    name: str,
    kind: str,
    op: str,
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    plugin: bool,
    rotates: bool,
) -> list[Change]:
    """With ``keep_previous``, a rotation keeps the current key as the previous one and deletes
    the key that was previous; turning ``keep_previous`` off deletes the previous key."""
    if op != "update":
        return []
    previous = _spelled("previous_credentials_api3_id", plugin)
    oldest = old.get(previous)
    rows = []
    if oldest is not None and (rotates or not _given(new, "keep_previous", plugin)):
        key_id = _spelled("credentials_api3_id", plugin)
        rows.append(Change(name, kind, "delete", key_id, oldest, None))
    current = _given(old, "credentials_api3_id", plugin)
    if rotates and current is not None:
        rows.append(Change(name, kind, op, previous, oldest, current))
    return rows


def _rotates_in_place(op: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """An update of a key that keeps the previous one: its new rotation makes a new key too."""
    keeps = new.get("keep_previous", new.get("keepPrevious"))
    return op == "update" and bool(keeps) and new.get("rotation") != old.get("rotation")


def _rows(
    name: str,
    kind: str,
    op: str,
    fields: Iterable[str],
    old: Mapping[str, Any],
    new: Mapping[str, Any],
) -> list[Change]:
    return [
        Change(
            name, kind, op, field, _masked(field, old.get(field)), _masked(field, new.get(field))
        )
        for field in sorted(fields)
        if old.get(field) != new.get(field)
    ]


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if value in (NEW, LIVE):
        return str(value)
    return f"`{json.dumps(value)}`".replace("|", "\\|")


def markdown(found: Iterable[Change]) -> str:
    found = list(found)
    rows = [
        f"| {c.resource} ({c.type}) | {c.op} | {c.field} | {_cell(c.old)} → {_cell(c.new)} |"
        for c in found
    ]
    if not rows:
        return "No change to Looker settings.\n"
    header = [_summary(found), "", "| resource | change | field | old → new |", "|---|---|---|---|"]
    notes = [note for shows, note in _NOTES if any(shows(c) for c in found)]
    return "\n".join(header + rows) + "\n" + "".join(f"\n{note}\n" for note in notes)


def _summary(found: list[Change]) -> str:
    """How many resources each change touches, adoptions first (Pulumi's own summary counts an
    adoption as a create), and when nothing else changes, what the adoptions write."""
    # A resource counts once, by its first row (a two-key rotation's delete is part of its
    # update), and once more if it drifted.
    step_of: dict[str, str] = {}
    ops: dict[str, set[str]] = {}
    for change in found:
        if change.op != "drift":
            step_of.setdefault(change.resource, change.op)
        else:
            ops.setdefault("drift", set()).add(change.resource)
    for resource, op in step_of.items():
        ops.setdefault(op, set()).add(resource)
    counts = [
        f"{len(ops[op])} drifted" if op == "drift" else f"{len(ops[op])} to {op}"
        for op in ("adopt", "create", "update", "replace", "delete", "drift")
        if op in ops
    ]
    text = "Resources: " + ", ".join(counts) + "."
    if set(ops) == {"adopt"}:
        policies = {c.resource for c in found if c.type in _SINGLETONS}
        text += (
            " Writes to Looker: only the settings of "
            + ", ".join(sorted(policies))
            + " that differ from Looker's (none after `pulumi-looker adopt`)."
            if policies
            else " Writes to Looker: none."
        )
    return text


#: What a reader of the table needs to know about some kinds of change.
_NOTES: tuple[tuple[Callable[[Change], bool], str], ...] = (
    (
        lambda c: c.op == "drift",
        "drift: changed in Looker since the last `pulumi up` (found by the refresh); the "
        "update puts the stack's value back.",
    ),
    (
        lambda c: c.op == "adopt",
        f"adopt: the first `pulumi up` of a {' or '.join(sorted(_SINGLETONS))} reads what "
        "Looker has and writes only the settings that differ.",
    ),
    (
        lambda c: c.op == "adopt" and c.type not in _SINGLETONS,
        "adopt: a key given by its credentials_api3_id, or a service account by its user_id, "
        "is one Looker has: nothing is created (Pulumi's preview counts it as a create).",
    ),
    (
        lambda c: c.new == NEW and c.op == "replace",
        f"{NEW}: a rotated key is a new key, with a new id, client id and secret; the old key "
        "is deleted once the new one exists.",
    ),
    (
        lambda c: c.new == NEW and c.op == "update",
        f"{NEW}: a rotated key is a new key, with a new id, client id and secret; with "
        "keep_previous the old key stays as the previous key and works until the next "
        "rotation, and the key that was previous is deleted (its `delete` row).",
    ),
)


def as_json(found: Iterable[Change]) -> str:
    return json.dumps([attrs.asdict(c) for c in found], indent=1) + "\n"
