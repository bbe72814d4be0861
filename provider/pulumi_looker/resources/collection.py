"""The logic of an object of a Looker collection (a permission set, and next model sets, groups
and roles): made, adopted by its id, or imported; its typed state; its calls.

Reading costs one listing per kind per process (``client.objects``), shared by every resource of
the kind: a refresh of N permission sets is one call. Check and diff work on the inputs as they
come (any of them may be unknown at preview); create, read, update and delete on the typed state
(:class:`ObjectState`), decoded once from the resource's properties.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from pulumi_looker import models
from pulumi_looker.errors import (
    BuiltInError,
    InUseError,
    InvalidIdError,
    NotFoundError,
    NotInLookerError,
    SettingsError,
)

from .common import (
    Checked,
    Connections,
    Created,
    Diff,
    Failure,
    Found,
    as_id,
    check_id,
    check_kind,
    check_names,
    check_profile,
    is_unknown,
    set_inputs,
)
from .kind import (
    BOOL,
    OUT_BOOL,
    PROFILE,
    STR,
    ConfigSection,
    Export,
    Kind,
    Link,
    camel_case,
    looker_fields,
)

if TYPE_CHECKING:
    from pulumi_looker.client import LookerClient

#: Failures Looker would answer for the known inputs ``news`` (the last ones were ``olds``),
#: found with the calls a check may make.
Validate = Callable[["LookerClient", Mapping[str, Any], Mapping[str, Any]], list[Failure]]
#: Why Looker keeps an object as it is (None: it may change): the object as Looker has it.
Locked = Callable[[Any], "str | None"]


def built_in(live: Any) -> str | None:
    """Looker's own objects (``built_in``) never change."""
    return (
        "is Looker's own (built_in): Looker keeps it as it is"
        if getattr(live, "built_in", False)
        else None
    )


@attrs.frozen
class DeleteGuard:
    """What refuses to delete an object while something else needs it (LookML models use a
    connection), unless the resource's boolean input ``option`` says to delete it anyway."""

    option: str
    #: Why the object may not go now (one call at most), or None: it may.
    refusal: Callable[[LookerClient, Any], str | None]


#: The option that says the write-only inputs given are what the adopted object has in Looker
#: already (a Terraform state holds what Terraform last wrote): the create that adopts it
#: writes them not, and later changes are compared with them.
SECRETS_IN_LOOKER = "secrets_in_looker"


@attrs.frozen
class Rules:
    """What one collection's objects need beyond their fields, written once beside them."""

    collection: models.Collection
    #: Fields a new object must have (an adopted one keeps Looker's).
    required: tuple[str, ...] = ("name",)
    #: Checks that ask Looker (one call per process at most), at check.
    validate: Validate | None = None
    #: Objects that refuse every change and are never deleted.
    locked: Locked = built_in
    #: Fields Looker does not let change once set: a new value replaces the object.
    replaced_by: tuple[str, ...] = ()
    #: What refuses a delete, if anything.
    guard: DeleteGuard | None = None

    @property
    def options(self) -> tuple[str, ...]:
        """The inputs besides Looker's fields that the state keeps: the guard's option, and
        ``secrets_in_looker`` for a model with write-only fields (see :data:`SECRETS_IN_LOOKER`)."""
        guard = (self.guard.option,) if self.guard else ()
        return (*guard, SECRETS_IN_LOOKER) if self.write_only else guard

    @property
    def write_only(self) -> tuple[str, ...]:
        """The writable fields Looker never answers (a connection's ``password``)."""
        rules = models.rules(self.collection.model)
        return tuple(n for n in self.writable if rules[n].write_only)

    @property
    def writable(self) -> tuple[str, ...]:
        return models.writable_fields(self.collection.model)


@attrs.frozen
class ObjectState:
    """What a collection object's resource keeps in Pulumi's state: the object as Looker last
    answered (``live``), whether it existed before the resource (``adopted``: destroy leaves
    it), and the Looker instance (``profile``)."""

    live: Any
    adopted: bool = False
    profile: str | None = None

    @classmethod
    def from_props(cls, collection: models.Collection, props: Mapping[str, Any]) -> ObjectState:
        live: Any = models.from_api(collection.model, {**props, "id": props[collection.id_name]})
        return cls(live, bool(props.get("adopted")), props.get("profile"))

    @property
    def id(self) -> str:
        return str(self.live.id)

    def to_outs(self, collection: models.Collection) -> dict[str, Any]:
        live = {k: v for k, v in models.to_dict(self.live).items() if k not in ("can", "id")}
        return {
            collection.id_name: self.id,
            **live,
            "adopted": self.adopted,
            "profile": self.profile,
        }

    def inputs(self, collection: models.Collection) -> dict[str, Any]:
        """The inputs that would give this state: every writable field Looker has set, the id
        when adopted, the profile."""
        live = models.to_dict(self.live)
        inputs = {
            n: live[n] for n in models.writable_fields(collection.model) if live[n] is not None
        }
        if self.adopted:
            inputs[collection.id_name] = self.id
        if self.profile is not None:
            inputs["profile"] = self.profile
        return inputs


def _same(left: Any, right: Any) -> bool:
    """Whether two values are the same for Looker: a list is a set (Looker keeps its order)."""
    if isinstance(left, list) and isinstance(right, list):
        return sorted(map(str, left)) == sorted(map(str, right))
    return bool(left == right)


class CollectionLogic:
    """CRUD for one object of ``rules.collection``, over the client ``connections`` gives."""

    def __init__(self, rules: Rules, connections: Connections) -> None:
        self.rules = rules
        self.collection = rules.collection
        self.connections = connections

    @property
    def _inputs(self) -> tuple[str, ...]:
        return (*self.rules.writable, self.collection.id_name, *self.rules.options, "profile")

    def _outs(self, state: ObjectState, props: Mapping[str, Any]) -> dict[str, Any]:
        """The state's outputs, with the options ``props`` set (delete reads them there)."""
        return {
            **state.to_outs(self.collection),
            **{n: props[n] for n in self.rules.options if props.get(n) is not None},
        }

    @property
    def _outputs(self) -> tuple[str, ...]:
        return (*looker_fields(self.collection.model, writable=False), "adopted")

    def _client(self, profile: str | None) -> LookerClient:
        return self.connections.client(profile)

    def check(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Checked:
        """Unknown names, outputs given as inputs, values of the wrong type and a missing
        required field fail with no call; then the collection's own checks (a permission set's
        permissions, from one ``GET /permissions`` per process), when a connection is set."""
        given_outputs = [n for n in self._outputs if news.get(n) is not None]
        failures: list[Failure] = [
            (n, f"{n} is read-only: Looker sets it, read it as an output") for n in given_outputs
        ]
        inputs_given = {k: v for k, v in news.items() if k not in self._outputs}
        failures += check_names(inputs_given, self._inputs)
        id_name = self.collection.id_name
        failures += check_id(id_name, news.get(id_name), required=False)
        known = {k: v for k, v in news.items() if not is_unknown(v)}
        failures += models.check_values(self.collection.model, known)
        if news.get(id_name) is None:
            failures += [
                (
                    name,
                    f"{name} is required for a new {self.collection.label} (or {id_name} to "
                    f"adopt one Looker has)",
                )
                for name in self.rules.required
                if news.get(name) is None
            ]
        failures += check_profile(news.get("profile"))
        for name in self.rules.options:
            failures += check_kind(name, news.get(name), bool)
        if not failures and self.rules.validate is not None and not is_unknown(news.get("profile")):
            try:
                client = self._client(news.get("profile"))
            except SettingsError:
                client = None  # the call that needs a connection says what is missing
            if client is not None:
                failures += self.rules.validate(client, olds, known)
        inputs = set_inputs(news)
        if id_name in inputs:
            inputs[id_name] = as_id(inputs[id_name])
        for name in self.rules.options:
            if inputs.get(name) is False:  # the default: as a refresh reads it
                del inputs[name]
        return Checked(inputs, failures)

    def diff(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Diff:
        """A set field whose value differs from the state is an update; another id to adopt
        (or a new object instead of an adopted one) and another profile replace. A change to
        one of Looker's own objects (``built_in``) fails here, at preview."""
        id_name = self.collection.id_name
        wanted, had = as_id(news.get(id_name)), as_id(olds.get(id_name))
        replaces = []
        if is_unknown(wanted) or (wanted != had and (wanted is not None or olds.get("adopted"))):
            replaces.append(id_name)
        if news.get("profile") != olds.get("profile"):
            replaces.append("profile")
        changed = [
            n
            for n in self.rules.writable
            if news.get(n) is not None and (is_unknown(news[n]) or not _same(news[n], olds.get(n)))
        ]
        replaces += [n for n in changed if n in self.rules.replaced_by and olds.get(n) is not None]
        changed += [  # an option is kept in the state, which an update rewrites (unset: false)
            n
            for n in self.rules.options
            if is_unknown(news.get(n)) or bool(news.get(n)) != bool(olds.get(n))
        ]
        updates = tuple(n for n in changed if n not in replaces)
        if updates and not replaces and olds.get(id_name) is not None:
            live: Any = models.from_api(self.collection.model, {**olds, "id": olds[id_name]})
            reason = self.rules.locked(live)
            if reason:
                raise self._locked(live, reason, updates)
        # A replacement's object takes the old one's name: the old one goes first.
        first = any(n in self.rules.replaced_by for n in replaces)
        return Diff(updates=updates, replaces=tuple(replaces), delete_before_replace=first)

    def create(self, props: Mapping[str, Any]) -> Created:
        """``POST`` a new object with the fields set; or, given its id, adopt the object
        Looker has and ``PATCH`` only the fields that differ (none: no write)."""
        profile = props.get("profile")
        objects = self._client(profile).objects(self.collection)
        wanted = self._wanted(props)
        object_id = as_id(props.get(self.collection.id_name))
        if object_id is None:
            state = ObjectState(self._answered(objects.create(wanted), wanted), False, profile)
        else:
            live = objects.get(object_id)
            if live is None:
                raise NotInLookerError(f"Looker has no {self.collection.label} {object_id}")
            kept = (
                {n: wanted[n] for n in self.rules.write_only if n in wanted}
                if props.get(SECRETS_IN_LOOKER)
                else {}
            )
            state = self._write(ObjectState(self._answered(live, kept), True, profile), wanted)
        return Created(state.id, self._outs(state, props))

    def read(self, id_: str, props: Mapping[str, Any]) -> Found:
        """The object from the kind's one listing of the process. A refresh of an object
        Looker no longer has answers it gone; an import of one fails, naming it."""
        object_id = self._object_id(id_)
        profile = props.get("profile")
        live = self._client(profile).objects(self.collection).get(object_id)
        importing = self.collection.id_name not in props
        if live is None:
            if importing:
                raise NotInLookerError(f"Looker has no {self.collection.label} {object_id}")
            return Found(None)
        if importing:
            state = ObjectState(self._answered(live, {}), False, profile)
        else:
            state = attrs.evolve(
                ObjectState.from_props(self.collection, props), live=self._answered(live, props)
            )
        options = {n: props[n] for n in self.rules.options if props.get(n)}
        return Found(id_, self._outs(state, props), {**state.inputs(self.collection), **options})

    def update(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
        """``PATCH`` the set fields that differ from the state (one call, or none)."""
        state = ObjectState.from_props(self.collection, olds)
        return self._outs(self._write(state, self._wanted(news)), news)

    def delete(self, props: Mapping[str, Any]) -> None:
        """``DELETE`` the object, unless it was adopted or is Looker's own: then it stays as
        it is. One that is gone already is fine. The kind's guard refuses, with nothing
        deleted, while something needs the object (unless its option says to go ahead)."""
        state = ObjectState.from_props(self.collection, props)
        if state.adopted or self.rules.locked(state.live):
            return
        client = self._client(state.profile)
        guard = self.rules.guard
        if guard is not None and not props.get(guard.option):
            refusal = guard.refusal(client, state.live)
            if refusal:
                raise InUseError(
                    f"{self.collection.label} {state.id!r} {refusal}; set {guard.option} to "
                    "delete it anyway"
                )
        objects = client.objects(self.collection)
        try:
            objects.delete(state.id)
        except NotFoundError:
            if objects.get(state.id) is not None:
                raise

    def _write(self, state: ObjectState, wanted: Mapping[str, Any]) -> ObjectState:
        live = models.to_dict(state.live)
        changes = {k: v for k, v in wanted.items() if not _same(v, live.get(k))}
        if not changes:
            return state
        reason = self.rules.locked(state.live)
        if reason:
            raise self._locked(state.live, reason, tuple(changes))
        objects = self._client(state.profile).objects(self.collection)
        answer = objects.update(state.id, changes)
        return attrs.evolve(state, live=self._answered(answer, {**live, **changes}))

    def _answered(self, live: Any, kept: Mapping[str, Any]) -> Any:
        """``live`` with its write-only fields (Looker never answers them) as written, ``kept``
        in the state (see :func:`~pulumi_looker.models.answered`)."""
        model = self.collection.model
        if not any(rule.write_only for rule in models.rules(model).values()):
            return live
        return models.from_api(model, models.answered(model, live, kept))

    def _wanted(self, props: Mapping[str, Any]) -> dict[str, Any]:
        return {n: props[n] for n in self.rules.writable if props.get(n) is not None}

    def _object_id(self, id_: str) -> str:
        """The Looker id in a resource id: ``7``, or ``permission_set/7`` as an import has it."""
        prefix = self.collection.import_id("")
        object_id = id_[len(prefix) :] if id_.startswith(prefix) else id_
        if not object_id or "/" in object_id:
            raise InvalidIdError(
                f"a {self.collection.label}'s id is its Looker id, such as "
                f"{self.collection.import_id('7')!r} or '7', got {id_!r}"
            )
        return object_id

    def _locked(self, live: Any, reason: str, fields: tuple[str, ...]) -> BuiltInError:
        name = getattr(live, "name", None) or live.id
        return BuiltInError(
            f"{self.collection.label} {name!r} {reason}, so {', '.join(fields)} cannot change; "
            f"leave them out of the program, or declare a {self.collection.label} of your own"
        )


def collection_kind(
    rules: Rules,
    *,
    name: str,
    description: str,
    doc: str,
    config_key: str,
    example: Mapping[str, Any],
    links: Mapping[str, Link] | None = None,
    secrets: tuple[str, ...] = (),
) -> Kind:
    """The kind of a collection's objects: Looker's writable fields, the id to adopt by, the
    profile. Stack config spells Looker's ``name`` ``<label>Name`` (an entry's ``name`` is the
    resource's) and exports each entry's Looker id."""
    collection = rules.collection
    id_name = collection.id_name
    label = camel_case(collection.label.replace(" ", "_"))
    return Kind(
        name=name,
        description=description,
        doc=doc
        + f"""

``{id_name}`` adopts an object Looker has (destroy then leaves it as it is; only the fields
given are written). Its id is its Looker id (``{collection.import_id("ID")}`` when imported).
Looker's own objects (``built_in``) refuse every change at preview and are never deleted.""",
        logic=functools.partial(CollectionLogic, rules),
        inputs={
            **looker_fields(collection.model, writable=True),
            id_name: STR,
            **dict.fromkeys(rules.options, BOOL),
            **PROFILE,
        },
        outputs={**looker_fields(collection.model, writable=False), "adopted": OUT_BOOL},
        config=ConfigSection(
            config_key,
            exports=(Export(config_key, (id_name,), when_empty=False),),
            links=dict(links or {}),
            renames={"name": f"{label}Name"},
        ),
        module=collection.label.replace(" ", "_"),
        import_id=collection.import_id("ID"),
        required=(),
        adopted_by=id_name,
        collection=collection,
        locked=rules.locked,
        replace_on_changes=rules.replaced_by,
        defaults=dict.fromkeys(rules.options, False),
        secrets=secrets,
        example=example,
    )
