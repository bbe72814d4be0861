"""The objects of one Looker collection (permission sets, model sets, groups...) as one
client sees them: read with one listing per process, written one call per change.

Reading. A refresh reads every object in the state: one ``GET /permission_sets?fields=...``
answers them all, whatever their number, and every later read of the process is served from it.
A write forgets the listing (the next read asks Looker again), so a lookup always sees what the
same run made.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar
from urllib.parse import quote

from pulumi_looker import models

T = TypeVar("T")

#: Sends one call: ``(method, path, json)`` -> the decoded answer (``LookerClient.request``).
Send = Callable[..., Any]
#: A request body for a model's values, refused before sending when Looker would refuse it.
Body = Callable[[type, Mapping[str, Any]], dict[str, Any]]


class Objects(Generic[T]):
    """The objects of ``collection``, over the calls ``send`` makes and ``body`` checks."""

    def __init__(self, collection: models.Collection, send: Send, body: Body) -> None:
        self.collection = collection
        self._send = send
        self._body = body
        self._listing: dict[str, T] | None = None
        self._lock = threading.Lock()

    @property
    def _model(self) -> type[T]:
        model: type[T] = self.collection.model
        return model

    def listing(self) -> dict[str, T]:
        """Every object by id: one call per process, until a write."""
        with self._lock:
            if self._listing is None:
                fields = ",".join(n for n in models.rules(self._model) if n != "can")
                data = self._send("GET", f"{self.collection.path}?fields={fields}")
                found = [models.from_api(self._model, item) for item in data]
                self._listing = {str(getattr(item, "id")): item for item in found}  # noqa: B009
            return self._listing

    def get(self, object_id: str) -> T | None:
        """The object with ``object_id`` (None: Looker has none), from the listing."""
        return self.listing().get(str(object_id))

    def named(self, name: str) -> list[T]:
        """The objects named ``name`` (case ignored, as Looker's names are), from the listing."""
        return [o for o in self.listing().values() if _name(o) == name.lower()]

    def create(self, values: Mapping[str, Any]) -> T:
        """``POST`` the writable fields of ``values``; the object Looker made."""
        body = self._body(self._model, values)
        try:
            return models.from_api(self._model, self._send("POST", self.collection.path, json=body))
        finally:
            self.forget()

    def update(self, object_id: str, values: Mapping[str, Any]) -> T:
        """``PATCH`` the writable fields of ``values`` (an explicit None clears a field Looker
        lets be null); the object as Looker now has it."""
        body = self._body(self._model, values)
        try:
            answer = self._send("PATCH", self._path(object_id), json=body)
            return models.from_api(self._model, answer)
        finally:
            self.forget()

    def delete(self, object_id: str) -> None:
        try:
            self._send("DELETE", self._path(object_id))
        finally:
            self.forget()

    def forget(self) -> None:
        """The next read lists again: a write changed what Looker has."""
        with self._lock:
            self._listing = None

    def _path(self, object_id: str) -> str:
        return f"{self.collection.path}/{quote(str(object_id), safe='')}"


def _name(item: Any) -> str:
    return str(getattr(item, "name", "") or "").lower()
