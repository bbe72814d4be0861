"""Collections of Looker objects, declared once from a model of :mod:`pulumi_looker.models`.

A :class:`Collection` serves, as Looker's API description says for its kind: the listing
(``GET /things``: ``fields``; ``ids`` and ``limit``/``offset`` where the description has them),
the search (``GET /things/search``), one object (``GET /things/{id}``), create (``POST``),
change (``PATCH``: read-only fields ignored, an explicit ``null`` clears a nullable field) and
delete (``DELETE``: 204). What Looker does beyond the schema is the collection's
:class:`Rules`, written beside its declaration (``access.py``).

The search follows the description's text for every ``/search`` route: criteria combine with
AND (OR with ``filter_or=true``); strings match case-insensitively with SQL ``LIKE``'s ``%``
and ``_``; an id takes a comma-separated list of values, any of which matches; ``IS NULL`` and
``NOT NULL`` match a missing or present value; booleans take only ``true`` and ``false``; a
list (``permissions``, ``models``) matches when it holds every value given; ``sorts`` names
fields, each optionally followed by ``desc``.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

import attrs
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pulumi_looker import models

from .answers import (
    LookerHttpError,
    json_answer,
    not_found,
    object_body,
    page,
    validated,
    validation_detail,
    validation_failed,
)
from .state import Record, Store, User, copied, id_order

API = "/api/4.0"
Detail = dict[str, str]
#: A route's handler: given the request and its caller (an admin), the answer.
Handler = Callable[[Request, User], Awaitable[Response]]
#: What a collection's rules say of changes to a record (None: a create): the refusals.
Check = Callable[[Store, Record | None, Record], list[Detail]]
#: What a collection does for one method: given the collection, the request and its caller.
Operation = Callable[["Collection", Request, User], Awaitable[Response]]


def no_errors(store: Store, record: Record | None, changes: Record) -> list[Detail]:
    return []


def _no_refusal(record: Record, method: str) -> LookerHttpError | None:
    return None


def _nothing_more(api: Collections, record: Record, base: str, caller: User) -> Record:
    return {}


def _nothing_else(store: Store, object_id: str) -> None:
    return None


@attrs.frozen
class Rules:
    """What Looker does with one kind of object beyond its schema.

    ``check``: the validation details of ``changes`` to ``record`` (None: a create);
    ``refuse``: the error a ``PATCH`` or ``DELETE`` of ``record`` gets, or None;
    ``extra``: the fields an answer carries beyond the record's (given the collections, the
    API's base URL and the caller); ``deleted``: what else goes when the object with this id goes.
    """

    check: Check = no_errors
    refuse: Callable[[Record, str], LookerHttpError | None] = _no_refusal
    extra: Callable[[Collections, Record, str, User], Record] = _nothing_more
    deleted: Callable[[Store, str], None] = _nothing_else


@attrs.frozen
class Collection:
    """One kind of Looker object at ``path`` (``/groups``), held in the store under ``key``.

    ``required``: fields a create must give (and a change may not empty); ``unique``: a field
    no two objects share; ``defaults``: what a new object has where its create says nothing
    (and what Looker keeps beside the model, such as a group's roles); ``search``: the
    ``/search`` route's criteria, query parameter -> field (None: no such route); ``ids`` and
    ``paged``: the listing takes ``ids``, and ``limit``/``offset``.
    """

    model: type
    path: str
    label: str
    required: tuple[str, ...] = ("name",)
    unique: str | None = "name"
    defaults: Mapping[str, Any] = attrs.field(factory=dict)
    search: Mapping[str, str] | None = None
    ids: bool = False
    paged: bool = False
    rules: Rules = Rules()

    @property
    def key(self) -> str:
        return self.path.strip("/")

    def new_record(self, changes: Mapping[str, Any]) -> Record:
        """A new object's record, without its id: the model's fields, the defaults, then
        ``changes``."""
        blank: Record = {
            name: {} if rule.kind is dict else None
            for name, rule in models.rules(self.model).items()
            if name not in ("can", "id", "url")
        }
        return {**blank, **copied(dict(self.defaults)), **changes}


def base_url(request: Request) -> str:
    """The API's URL, as the object ``url`` s Looker answers begin."""
    return f"{str(request.base_url).rstrip('/')}{API}"


def _like(pattern: str, value: Any) -> bool:
    """SQL ``LIKE``, case-insensitively: ``%`` any run, ``_`` any one character."""
    if value is None:
        return False
    parts = ["." if c == "_" else ".*" if c == "%" else re.escape(c) for c in pattern]
    return re.fullmatch("".join(parts), str(value), re.IGNORECASE | re.DOTALL) is not None


class Collections:
    """Serves collections of one emulated instance: ``admin`` checks the caller of a request
    and returns it."""

    def __init__(self, store: Store, admin: Callable[[Request], User]) -> None:
        self.store = store
        self.admin = admin

    def routes(self, collection: Collection) -> list[Route]:
        """The collection's routes (search before the object's, whose id would match it)."""
        path = f"{API}{collection.path}"
        handlers = [(path, {"GET": self._list, "POST": self._create})]
        if collection.search is not None:
            handlers.append((f"{path}/search", {"GET": self._search}))
        one = {"GET": self._get, "PATCH": self._patch, "DELETE": self._delete}
        handlers.append((f"{path}/{{object_id}}", one))
        return [self._route(at, collection, by_method) for at, by_method in handlers]

    def _route(self, path: str, collection: Collection, handlers: Mapping[str, Operation]) -> Route:
        async def handler(request: Request, caller: User) -> Response:
            return await handlers[request.method](collection, request, caller)

        return self.route(path, handler, list(handlers))

    def route(self, path: str, handler: Handler, methods: list[str]) -> Route:
        """A route for ``methods``: the caller must be an admin, then ``handler`` answers."""

        async def endpoint(request: Request) -> Response:
            return await handler(request, self.admin(request))

        return Route(path, endpoint, methods=methods)

    # --- reading ---------------------------------------------------------------------------

    def records(self, collection: Collection) -> list[Record]:
        """Every object of the collection, in id order."""
        held = self.store.objects[collection.key].values()
        return sorted(held, key=lambda r: id_order(r["id"]))

    def record(self, collection: Collection, object_id: str) -> Record:
        record = self.store.objects[collection.key].get(object_id)
        if record is None:
            raise not_found()
        return record

    def served(self, collection: Collection, record: Record, base: str, caller: User) -> Record:
        """The object as Looker answers it: its model's fields, ``can``, ``url`` (under the
        API's ``base`` URL) and the collection's extra fields."""
        answer: Record = {}
        for name, rule in models.rules(collection.model).items():
            answer[name] = record.get(name, {} if rule.kind is dict else None)
        rules = collection.rules
        answer["can"] = {
            "show": True,
            "index": True,
            "update": rules.refuse(record, "PATCH") is None,
            "destroy": rules.refuse(record, "DELETE") is None,
        }
        if "url" in answer:
            answer["url"] = f"{base}{collection.path}/{record['id']}"
        answer.update(rules.extra(self, record, base, caller))
        return answer

    def serve(
        self, collection: Collection, records: Iterable[Record], request: Request, caller: User
    ) -> Response:
        answers = [self.served(collection, r, base_url(request), caller) for r in records]
        return json_answer(answers, request)

    async def _list(self, collection: Collection, request: Request, caller: User) -> Response:
        records = self.records(collection)
        query = request.query_params
        if collection.ids and query.get("ids"):
            wanted = {i.strip() for i in query["ids"].split(",")}
            records = [r for r in records if r["id"] in wanted]
        if collection.paged:
            records = page(records, query)
        return self.serve(collection, records, request, caller)

    async def _search(self, collection: Collection, request: Request, caller: User) -> Response:
        return self.serve(collection, self.found(collection, request), request, caller)

    def found(self, collection: Collection, request: Request) -> list[Record]:
        """The objects a ``/search`` request matches, sorted and paged as it asks."""
        assert collection.search is not None
        kinds = {name: rule.kind for name, rule in models.rules(collection.model).items()}
        return searched(self.records(collection), collection.search, kinds, request.query_params)

    async def _get(self, collection: Collection, request: Request, caller: User) -> Response:
        record = self.record(collection, request.path_params["object_id"])
        return json_answer(self.served(collection, record, base_url(request), caller), request)

    # --- writing ---------------------------------------------------------------------------

    def _checked(self, collection: Collection, record: Record | None, body: Record) -> Record:
        """The changes of ``body`` to ``record`` (None: a create), or a 422 naming each field
        that is missing, taken, or refused by the collection's rules."""
        changes = validated(collection.model, body)
        errors = [
            validation_detail(name, "missing_field", f"{name} is required")
            for name in collection.required
            if (record is None and not changes.get(name)) or (name in changes and not changes[name])
        ]
        # Looker compares names as its search does: case-insensitively.
        unique = collection.unique
        if unique and changes.get(unique) is not None:
            taken = [
                r
                for r in self.store.objects[collection.key].values()
                if str(r.get(unique) or "").lower() == str(changes[unique]).lower()
                and (record is None or r["id"] != record["id"])
            ]
            if taken:
                detail = f"a {collection.label} with {unique} {changes[unique]!r} already exists"
                errors.append(validation_detail(unique, "already_exists", detail))
        errors += collection.rules.check(self.store, record, changes)
        if errors:
            raise validation_failed(errors)
        return changes

    async def _create(self, collection: Collection, request: Request, caller: User) -> Response:
        changes = self._checked(collection, None, await object_body(request))
        record = self.store.add_object(collection.key, collection.new_record(changes))
        return json_answer(self.served(collection, record, base_url(request), caller), request)

    def _writable(self, collection: Collection, request: Request, method: str) -> Record:
        record = self.record(collection, request.path_params["object_id"])
        refusal = collection.rules.refuse(record, method)
        if refusal is not None:
            raise refusal
        return record

    async def _patch(self, collection: Collection, request: Request, caller: User) -> Response:
        record = self._writable(collection, request, "PATCH")
        changes = self._checked(collection, record, await object_body(request))
        self.store.update_object(collection.key, record["id"], changes)
        return json_answer(self.served(collection, record, base_url(request), caller), request)

    async def _delete(self, collection: Collection, request: Request, caller: User) -> Response:
        record = self._writable(collection, request, "DELETE")
        self.store.delete_object(collection.key, record["id"])
        collection.rules.deleted(self.store, record["id"])
        self.store.save()
        return Response(status_code=204)


def searched(
    records: Iterable[Record],
    criteria: Mapping[str, str],
    kinds: Mapping[str, type],
    query: Mapping[str, str],
) -> list[Record]:
    """The ``records`` a ``/search`` query matches (see the module's text), sorted and paged
    as it asks; ``criteria``: each query parameter's field, ``kinds``: each field's kind."""
    asked = [(param, field, query[param]) for param, field in criteria.items() if param in query]
    combine = any if query.get("filter_or") == "true" else all

    def meets(record: Record) -> bool:
        met = [_matches(p, kinds.get(f, bool), record.get(f), v) for p, f, v in asked]
        return combine(met) if met else True

    return sorted_and_paged([r for r in records if meets(r)], query)


def sorted_and_paged(records: list[Record], query: Mapping[str, str]) -> list[Record]:
    """``records`` in the order ``sorts`` names (fields, each optionally followed by
    ``desc``; the order they came in otherwise), then paged."""
    records = list(records)
    for sort in reversed([s.strip() for s in query.get("sorts", "").split(",") if s.strip()]):
        field, _, direction = sort.partition(" ")
        records.sort(key=_sort_key(field), reverse=direction.strip().lower() == "desc")
    return page(records, query)


def _sort_key(field: str) -> Callable[[Record], tuple[bool, tuple[int, str]]]:
    """Records by ``field``, case-insensitively and numbers by value, those without it last."""
    return lambda record: (record.get(field) is None, id_order(str(record.get(field)).lower()))


def _matches(param: str, kind: type, value: Any, wanted: str) -> bool:
    """Whether a record's ``value`` meets one search criterion (see the module's text)."""
    if wanted.upper() in ("IS NULL", "NOT NULL"):
        return (value is None or value == []) == (wanted.upper() == "IS NULL")
    if param == "id" or param.endswith("_ids"):
        return str(value) in {w.strip() for w in wanted.split(",")}
    if kind is bool:
        if wanted not in ("true", "false"):
            raise LookerHttpError(400, f"{param} must be true or false, got {wanted!r}")
        return bool(value) is (wanted == "true")
    if kind is list:
        return all(w.strip() in (value or []) for w in wanted.split(",") if w.strip())
    return _like(wanted, value)
