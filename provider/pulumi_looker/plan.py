"""The per-field change list of a ``pulumi preview --json``, for a pull-request comment or a tool.

Pulumi's dynamic-provider host sends no per-property diff, so the preview's ``detailedDiff`` is
null for these resources; the fields are compared here from each step's old and new state.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

#: Pulumi's mark of a secret value in state and JSON output.
_SECRET_SIG = "4dabf18193072939515e22adb298388d"
_ALWAYS_SECRET = frozenset({"client_secret"})
#: What Pulumi adds to every input map, and the state's bookkeeping: never a change of ours.
_BOOKKEEPING = frozenset({"__provider", "managed_fields", "initial_config", "original_purpose"})
_OPS = {
    "create": "create",
    "update": "update",
    "delete": "delete",
    "replace": "replace",
    "create-replacement": "replace",
    "refresh": "drift",
}


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
    found = []
    for step in preview.get("steps") or []:
        op = _OPS.get(step.get("op", ""))
        old_state, new_state = step.get("oldState") or {}, step.get("newState") or {}
        type_ = new_state.get("type") or old_state.get("type") or ""
        if op is None or "dynamic/looker:" not in type_:
            continue
        name = step["urn"].rsplit("::", 1)[-1]
        if op == "drift":  # Looker's values now against those the state held
            old, new = old_state.get("outputs") or {}, new_state.get("outputs") or {}
        else:  # the inputs asked for against what the state holds
            old = {} if op == "create" else old_state.get("outputs") or {}
            new = {} if op == "delete" else new_state.get("inputs") or {}
        fields = (set(new) if op != "delete" else set(old_state.get("inputs") or {})) - _BOOKKEEPING
        for field in sorted(fields):
            before, after = old.get(field), new.get(field)
            if before != after:
                found.append(
                    Change(
                        name,
                        type_.rsplit(":", 1)[-1],
                        op,
                        field,
                        _masked(field, before),
                        _masked(field, after),
                    )
                )
    return found


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    return f"`{json.dumps(value)}`".replace("|", "\\|")


def markdown(found: Iterable[Change]) -> str:
    rows = [
        f"| {c.resource} ({c.type}) | {c.op} | {c.field} | {_cell(c.old)} → {_cell(c.new)} |"
        for c in found
    ]
    if not rows:
        return "No change to Looker settings.\n"
    header = ["| resource | change | field | old → new |", "|---|---|---|---|"]
    return "\n".join(header + rows) + "\n"


def as_json(found: Iterable[Change]) -> str:
    return json.dumps([attrs.asdict(c) for c in found], indent=1) + "\n"
