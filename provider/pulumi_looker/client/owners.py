"""Which stack manages each settings singleton of a Looker instance, as one client sees it.

The marker is the user attribute :data:`~pulumi_looker.ownership.OWNERS_ATTRIBUTE` (see
``pulumi_looker.ownership``). It is read with one ``GET /user_attributes`` the first time a
process asks, and kept: each write here updates what is in hand from Looker's answer, so a
process never reads it twice. Writes are serialized, each built on the value last in hand.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any, Protocol

from pulumi_looker import models, ownership


class OwnerCalls(Protocol):
    """The calls of Looker's API that :class:`Owners` makes (a ``LookerClient`` has them)."""

    def list_user_attributes(self) -> list[models.UserAttribute]: ...

    def create_user_attribute(self, values: Mapping[str, Any]) -> models.UserAttribute: ...

    def update_user_attribute(
        self, attribute_id: str, values: Mapping[str, Any]
    ) -> models.UserAttribute: ...


class Owners:
    """The stacks managing the singletons of one Looker instance, by singleton id."""

    def __init__(self, calls: OwnerCalls) -> None:
        self._calls = calls
        self._lock = threading.Lock()
        self._read = False
        self._attribute: models.UserAttribute | None = None

    def of(self, object_id: str) -> str | None:
        """The stack managing ``object_id`` (None: no stack says it does)."""
        with self._lock:
            return self._owners().get(object_id)

    def claim(self, object_id: str, stack: str) -> None:
        """Mark ``stack`` as the manager of ``object_id``; no call when it already is."""
        with self._lock:
            owners = self._owners()
            if owners.get(object_id) != stack:
                self._write({**owners, object_id: stack})

    def release(self, object_id: str, stack: str) -> None:
        """Unmark ``object_id`` if ``stack`` manages it (another stack's mark stays)."""
        with self._lock:
            owners = self._owners()
            if owners.get(object_id) == stack:
                self._write({k: v for k, v in owners.items() if k != object_id})

    def _owners(self) -> dict[str, str]:
        if not self._read:
            self._attribute = next(
                (
                    a
                    for a in self._calls.list_user_attributes()
                    if a.name == ownership.OWNERS_ATTRIBUTE
                ),
                None,
            )
            self._read = True
        return ownership.parse_owners(self._attribute.default_value if self._attribute else None)

    def _write(self, owners: Mapping[str, str]) -> None:
        value = ownership.format_owners(owners)
        if self._attribute is None:
            self._attribute = self._calls.create_user_attribute(
                {
                    "name": ownership.OWNERS_ATTRIBUTE,
                    "label": ownership.OWNERS_LABEL,
                    "type": "string",
                    "default_value": value,
                    "value_is_hidden": False,
                    "user_can_view": False,
                    "user_can_edit": False,
                }
            )
        else:
            self._attribute = self._calls.update_user_attribute(
                self._attribute.id, {"default_value": value}
            )
