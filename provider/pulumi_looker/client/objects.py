"""The objects of one Looker collection (permission sets, model sets, roles, groups) as one
client sees them: read with one listing per process, written one call per change.

Reading. A refresh reads every object in the state: one ``GET /permission_sets?fields=...``
answers them all, whatever their number, and every later read of the process is served from it.
The listing is kept (``kept.KeptListing``): a write under the collection's path, through any
call, forgets it, and a lookup that misses reads it again once, so a lookup sees what the same
run made.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar
from urllib.parse import quote

from pulumi_looker import models

from .kept import KeptListing

T = TypeVar("T")

#: Sends one call: ``(method, path, json=...)`` -> the decoded answer (``LookerApi.request``).
Send = Callable[..., Any]
#: A request body for a model's values, refused before sending when Looker would refuse it.
Body = Callable[[type, Mapping[str, Any]], dict[str, Any]]


class Objects(Generic[T]):
    """The objects of ``collection``, over the calls ``send`` makes and ``body`` checks."""

    def __init__(self, collection: models.Collection, send: Send, body: Body) -> None:
        self.collection = collection
        self._send = send
        self._body = body
        #: The listing, kept until a write under the collection's path (see ``LookerApi``).
        self.kept: KeptListing[T] = KeptListing(self._read)

    @property
    def _model(self) -> type[T]:
        model: type[T] = self.collection.model
        return model

    def _read(self) -> list[T]:
        fields = ",".join(n for n in models.rules(self._model) if n != "can")
        data = self._send("GET", f"{self.collection.path}?fields={fields}")
        return [models.from_api(self._model, item) for item in data]

    def listing(self) -> dict[str, T]:
        """Every object by id: one call per process, until a write."""
        return {_id(item): item for item in self.kept.lookup()}

    def get(self, object_id: str) -> T | None:
        """The object with ``object_id`` (None: Looker has none), from the listing (read again
        once when the one in hand lacks it)."""
        wanted = str(object_id)
        found = self.kept.lookup(lambda items: any(_id(i) == wanted for i in items))
        return next((item for item in found if _id(item) == wanted), None)

    def named(self, name: str) -> list[T]:
        """The objects named ``name`` (case ignored, as Looker's names are), from the listing."""
        wanted = name.strip().lower()
        found = self.kept.lookup(lambda items: any(_name(i) == wanted for i in items))
        return [item for item in found if _name(item) == wanted]

    def create(self, values: Mapping[str, Any]) -> T:
        """``POST`` the writable fields of ``values``; the object Looker made."""
        body = self._body(self._model, values)
        return models.from_api(self._model, self._send("POST", self.collection.path, json=body))

    def update(self, object_id: str, values: Mapping[str, Any]) -> T:
        """``PATCH`` the writable fields of ``values`` (an explicit None clears a field Looker
        lets be null); the object as Looker now has it."""
        body = self._body(self._model, values)
        return models.from_api(self._model, self._send("PATCH", self._path(object_id), json=body))

    def delete(self, object_id: str) -> None:
        self._send("DELETE", self._path(object_id))

    def _path(self, object_id: str) -> str:
        return f"{self.collection.path}/{quote(str(object_id), safe='')}"


def _id(item: Any) -> str:
    return str(item.id)


def _name(item: Any) -> str:
    return str(getattr(item, "name", "") or "").strip().lower()
