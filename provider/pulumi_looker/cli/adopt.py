"""Reading a live Looker instance into stack config that declares exactly what it has.

After an adoption, ``pulumi up`` writes nothing to Looker: every singleton setting is declared at
its live value (create writes only what differs), every service account by its user id with its
name, state and roles, and every key by its id (adopt mode), with its purpose when it has one.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from pulumi_looker import models, ownership
from pulumi_looker.errors import GoogleCloudCoreError, LookerError, NotInLookerError
from pulumi_looker.resources import BY_NAME, KINDS, Kind
from pulumi_looker.resources.api_credential import API_CREDENTIAL
from pulumi_looker.resources.collection import ObjectState
from pulumi_looker.resources.group_membership import GROUP_MEMBERSHIP
from pulumi_looker.resources.role_assignment import ROLE_ASSIGNMENT
from pulumi_looker.resources.service_account import SERVICE_ACCOUNT
from pulumi_looker.resources.user import USER
from pulumi_looker.stack_config import camel_case

from .stack_file import Held, holds

if TYPE_CHECKING:
    from pulumi_looker.client import LookerClient


class Progress:
    """Says on stderr what is happening, once the work has taken more than a second."""

    def __init__(self, after: float = 1.0) -> None:
        self.started = time.monotonic()
        self.after = after

    def __call__(self, message: str) -> None:
        if time.monotonic() - self.started > self.after:
            print(f"pulumi-looker adopt: {message}", file=sys.stderr, flush=True)


@attrs.frozen
class LiveKey:
    user_id: str
    key: models.CredentialsApi3


@attrs.frozen
class Imported:
    """An object read as ``pulumi import`` reads it: its Looker id, the entry's name and the
    inputs that declare it as it is (snake_case)."""

    looker_id: str
    name: str
    import_id: str
    inputs: dict[str, Any]


@attrs.frozen
class Instance:
    """What a Looker instance has that a stack can declare."""

    #: Config key ("passwordPolicy") -> camelCase settings at their live values.
    singletons: dict[str, dict[str, Any]]
    keys: tuple[LiveKey, ...]
    accounts: tuple[models.ServiceAccount, ...] = ()
    #: Role id -> name, to write roles readably (ids where Looker did not say).
    role_names: dict[str, str] = attrs.field(factory=dict)
    notes: tuple[str, ...] = ()
    #: Kind name ("PermissionSet") -> the objects of its collection a stack can declare.
    objects: dict[str, tuple[ObjectState, ...]] = attrs.field(factory=dict)
    #: Kind name ("User", "GroupMembership") -> (Looker id, entry name, inputs) of each object
    #: read as an import reads it.
    imported: dict[str, tuple[Imported, ...]] = attrs.field(factory=dict)


def read_instance(
    client: LookerClient,
    users: Sequence[str] | None,
    progress: Progress,
    connection_client_id: str | None = None,
    stack: str | None = None,
) -> Instance:
    """The live singletons, and the keys of ``users`` (None: of every user) but the one whose
    client id is ``connection_client_id``: the key the stack logs in with is the connection's
    business, which rotating it changes, not a resource of the stack. What a stack manages
    (its marker, see ``pulumi_looker.ownership``) is left out: a singleton another stack than
    ``stack`` manages, and every key a stack manages, ``stack`` included (its program declares
    them already); one ``GET /user_attributes`` more says who manages the singletons."""
    singletons: dict[str, dict[str, Any]] = {}
    notes = []
    for kind in KINDS:
        singleton = kind.singleton
        if singleton is None:
            continue
        try:
            live = models.to_dict(client.read_singleton(singleton))
        except GoogleCloudCoreError:
            notes.append(
                f"{singleton.label}: Looker (Google Cloud core) does not allow it; left out"
            )
            continue
        owner = client.owners.of(singleton.id)
        if owner is not None and owner != stack:
            notes.append(f"{singleton.label}: stack {owner} manages it; left out")
            continue
        singletons[kind.config.key] = {
            camel_case(name): live[name]
            for name in models.writable_fields(singleton.model)
            if live.get(name) is not None
        }
    listed: list[models.ListedUser] = []
    if users is None:
        listed = client.users.every_user(lambda n: progress(f"read the keys of {n} users"))
    elif users:
        by_id = {user.id: user for user in client.users.users_named(users)}
        missing = [u for u in users if u not in by_id]
        if missing:
            raise NotInLookerError(
                f"--user {', '.join(missing)}: Looker has no such user, or this connection "
                "cannot see it"
            )
        listed = [by_id[u] for u in users]
    keys = []
    for user in listed:
        for key in user.keys:
            owner = ownership.split_purpose(key.purpose)[1]
            if owner is None:
                keys.append(LiveKey(user.id, key))
            else:
                who = (
                    "this stack manages it already"
                    if owner == stack
                    else f"stack {owner} manages it"
                )
                notes.append(f"left out key {key.id} of user {user.id}: {who}")
    accounts = tuple(user.service_account for user in listed if user.service_account)
    role_names = {}
    if accounts:
        try:
            role_names = models.role_labels(client.roles())
        except LookerError as error:
            notes.append(f"roles written by id: listing roles failed ({error})")
    own = [live for live in keys if live.key.client_id == connection_client_id]
    notes += [
        f"left out key {live.key.id} of user {live.user_id}: this connection logs in with it "
        "(--include-connection-key adopts it too)"
        for live in own
    ]
    keys = [live for live in keys if live not in own]
    objects = _read_collections(client, notes)
    people = [user.id for user in listed if user.service_account is None]
    return Instance(
        singletons,
        tuple(sorted(keys, key=_order)),
        accounts,
        role_names,
        tuple(notes),
        objects,
        _read_imported(client, people, notes),
    )


@attrs.frozen
class OneClient:
    """The logic's connections over adopt's one client."""

    one: LookerClient
    stack: str | None = None

    def client(self, profile: str | None) -> LookerClient:
        return self.one


def _read_imported(
    client: LookerClient, people: Sequence[str], notes: list[str]
) -> dict[str, tuple[Imported, ...]]:
    """The users read (people, not service accounts), and the members of every group that
    takes members and of every role, each as an import reads it: from the listing of users and
    of groups with their hierarchy a refresh reads too. An empty set of members is left out."""
    try:
        groups = sorted(client.access.groups().values(), key=lambda g: _by_id((g.id, g)))
        roles = [
            role for _, role in sorted(client.objects(models.ROLES).listing().items(), key=_by_id)
        ]
    except LookerError as error:
        notes.append(f"memberships and role assignments: listing groups failed ({error}); left out")
        groups, roles = [], []
    wanted = {
        USER.name: [
            (u, f"user/{u}", _slug(_person_name(client, u), "user") + f"-u{u}") for u in people
        ],
        GROUP_MEMBERSHIP.name: [
            (g.id, f"group_membership/{g.id}", _slug(g.name, "group") + f"-members-g{g.id}")
            for g in groups
            if not (g.externally_managed or g.include_by_default)
        ],
        ROLE_ASSIGNMENT.name: [
            (r.id, f"role_assignment/{r.id}", _slug(r.name, "role") + f"-holders-r{r.id}")
            for r in roles
        ],
    }
    found: dict[str, tuple[Imported, ...]] = {}
    for kind_name, objects in wanted.items():
        kind = BY_NAME[kind_name]
        logic = kind.logic(OneClient(client))
        read = []
        for looker_id, import_id, name in objects:
            inputs = dict(logic.read(import_id, {}).inputs)
            if kind.adopted_by is not None:
                inputs[kind.adopted_by] = looker_id  # adopted: destroy leaves it
            if kind.adopted_by is None:  # a set of members: the sets that have some
                inputs = {k: v for k, v in inputs.items() if v != []}
                if inputs.keys() <= {kind.required[0], "authoritative", "profile"}:
                    continue  # no member: nothing to declare
            read.append(Imported(looker_id, name, import_id, inputs))
        found[kind_name] = tuple(read)
    return found


def _person_name(client: LookerClient, user_id: str) -> str:
    user = client.users.user(user_id)
    person = user.person if user is not None else None
    return " ".join(n for n in (person.first_name, person.last_name) if n) if person else ""


def _slug(text: str | None, default: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", str(text or "").lower()).strip("-")[:40].strip("-")
    return slug or default


def _read_collections(client: LookerClient, notes: list[str]) -> dict[str, tuple[ObjectState, ...]]:
    """Each collection kind's objects, one listing each; Looker's own (``built_in``) are left
    out with a note (they cannot change: a program refers to them by id)."""
    found = {}
    for kind in KINDS:
        if kind.collection is None:
            continue
        try:
            listing = client.objects(kind.collection).listing()
        except LookerError as error:
            notes.append(f"{kind.collection.label}s: listing them failed ({error}); left out")
            continue
        states = [
            ObjectState(live, adopted=True) for _, live in sorted(listing.items(), key=_by_id)
        ]
        locked = kind.locked or (lambda live: None)
        kept = [s for s in states if not locked(s.live)]
        for state in states:
            reason = locked(state.live)
            if reason:
                name = getattr(state.live, "name", None) or state.id
                notes.append(f"{kind.collection.label} {name!r} {reason}; left out")
        found[kind.name] = tuple(kept)
    return found


def _by_id(item: tuple[str, Any]) -> tuple[int, str]:
    return (int(item[0]) if item[0].isdigit() else 0, item[0])


def object_name(kind: Kind, state: ObjectState) -> str:
    """A readable name that the id makes unique and stable: ``analysts-ps7``."""
    assert kind.collection is not None
    initials = "".join(word[0] for word in kind.collection.label.split())
    slug = re.sub(r"[^a-z0-9]+", "-", str(getattr(state.live, "name", "") or "").lower())
    name = slug.strip("-")[:40].strip("-") or kind.collection.label.replace(" ", "-")
    return f"{name}-{initials}{state.id}"


def object_entry(kind: Kind, state: ObjectState) -> dict[str, Any]:
    """The stack-config entry (without its name) that adopts ``state``'s object as it is."""
    assert kind.collection is not None
    spelling = {n: k for k, n in kind.config_keys.items()}
    return {spelling[n]: v for n, v in state.inputs(kind.collection).items()}


def _order(live: LiveKey) -> tuple[int, str, int, str]:
    def number(text: str) -> int:
        return int(text) if text.isdigit() else 0

    return number(live.user_id), live.user_id, number(live.key.id or ""), live.key.id or ""


def key_name(live: LiveKey) -> str:
    """A readable name that the ids make unique and stable: ``dbt-cloud-u7-k13``."""
    slug = re.sub(r"[^a-z0-9]+", "-", (live.key.purpose or "").lower()).strip("-")[:40]
    return f"{slug.strip('-') or 'key'}-u{live.user_id}-k{live.key.id}"


def account_name(account: models.ServiceAccount) -> str:
    """A readable name that the id makes unique and stable: ``ci-deploy-bot-u12``."""
    slug = re.sub(r"[^a-z0-9]+", "-", (account.service_account_name or "").lower())
    return f"{slug.strip('-')[:40].strip('-') or 'service-account'}-u{account.id}"


def import_document(instance: Instance, held: Iterable[Held]) -> dict[str, Any]:
    """What the instance has as a ``pulumi import --file`` document for a stack of the provider
    plugin (``looker:index:*``): the policies by their ids, the service accounts by
    ``service_account/<user_id>``, the keys by ``<user_id>/<key id>``, each collection's
    objects by ``<label>/<id>`` (no id equals another's input, so the code Pulumi prints links
    nothing by mistake), but those the stack ``held`` already."""
    held = set(held)
    found = [
        {"type": kind.token, "name": kind.config.resource_name, "id": kind.import_id}
        for kind in KINDS
        if kind.config.key in instance.singletons and (kind.name, kind.import_id) not in held
    ]
    found += [
        {
            "type": SERVICE_ACCOUNT.token,
            "name": account_name(account),
            "id": models.service_account_import_id(account.id),
        }
        for account in instance.accounts
        if not holds(
            held, SERVICE_ACCOUNT, account.id, models.service_account_import_id(account.id)
        )
    ]
    found += [
        {
            "type": API_CREDENTIAL.token,
            "name": key_name(live),
            "id": f"{live.user_id}/{live.key.id}",
        }
        for live in instance.keys
        if (API_CREDENTIAL.name, f"{live.user_id}/{live.key.id}") not in held
    ]
    found += [
        {
            "type": kind.token,
            "name": object_name(kind, state),
            "id": kind.collection.import_id(state.id),
        }
        for kind_name, states in instance.objects.items()
        if (kind := BY_NAME[kind_name]).collection is not None
        for state in states
        if not holds(held, kind, state.id, kind.collection.import_id(state.id))
    ]
    found += [
        {"type": BY_NAME[kind_name].token, "name": item.name, "id": item.import_id}
        for kind_name, items in instance.imported.items()
        for item in items
        if not holds(held, BY_NAME[kind_name], item.looker_id, item.import_id)
    ]
    return {"resources": found}


#: The provider's connection inputs, as stack config names them after ``looker:``.
CONNECTION_INPUTS = ("baseUrl", "clientId", "verifySsl", "timeout", "caBundle")


def stale_connection(recorded: Mapping[str, Any], config: Mapping[str, Any]) -> list[str]:
    """The connection settings that the state holds for the default provider (``recorded``)
    otherwise than the stack ``config`` has them now (secrets, encrypted there, aside).
    `pulumi import` runs no program, so the engine configures the provider from the state:
    after the connection's key is rotated it would log in with the old client id."""

    def text(value: Any) -> str | None:
        return None if value is None else str(value)

    return [
        f"looker:{name}"
        for name in CONNECTION_INPUTS
        if not isinstance(recorded.get(name), dict)
        and text(recorded.get(name)) != text(config.get(f"looker:{name}"))
    ]


def merge(
    config: Any,
    namespace: str,
    instance: Instance,
    created: Iterable[Held],
    profile: str | None,
) -> list[str]:
    """Add to ``config`` (a stack file's ``config`` map) what it does not declare yet; what it
    declares is left exactly as it is and nothing is removed. Returns what was added."""
    added = []
    for key, settings in instance.singletons.items():
        full = f"{namespace}:{key}"
        if full in config:
            continue
        config[full] = {**settings, **({"profile": profile} if profile else {})}
        added.append(full)
    held = set(created)
    accounts = _merge_entries(
        Entries(config, namespace, SERVICE_ACCOUNT, "userId", profile, added),
        [
            (
                account.id,
                account_name(account),
                {
                    "userId": account.id,
                    "serviceAccountName": account.service_account_name,
                    "isDisabled": bool(account.is_disabled),
                    "roles": [instance.role_names.get(r, r) for r in account.role_ids or []],
                },
            )
            for account in instance.accounts
            if (SERVICE_ACCOUNT.name, account.id) not in held
        ],
    )
    _merge_entries(
        Entries(config, namespace, API_CREDENTIAL, "credentialsApi3Id", profile, added),
        [
            (live.key.id, key_name(live), _key_entry(live, accounts))
            for live in instance.keys
            if (API_CREDENTIAL.name, f"{live.user_id}/{live.key.id}") not in held
        ],
    )
    for kind_name, states in instance.objects.items():
        kind = BY_NAME[kind_name]
        assert kind.collection is not None
        _merge_entries(
            Entries(config, namespace, kind, camel_case(kind.collection.id_name), profile, added),
            [
                (state.id, object_name(kind, state), object_entry(kind, state))
                for state in states
                if (kind.name, state.id) not in held
            ],
        )
    for kind_name, items in instance.imported.items():
        kind = BY_NAME[kind_name]
        spelling = {n: k for k, n in kind.config_keys.items()}
        identity = kind.adopted_by or kind.required[0]  # a user's id, or the group's, the role's
        _merge_entries(
            Entries(config, namespace, kind, spelling[identity], profile, added),
            [
                (item.looker_id, item.name, {spelling[n]: v for n, v in item.inputs.items()})
                for item in items
                if (kind.name, item.looker_id) not in held
            ],
        )
    return added


def _key_entry(live: LiveKey, accounts: Mapping[str, str]) -> dict[str, Any]:
    """A key's entry: its user (the service account entry it belongs to, if adopted with it),
    its id, and its purpose when it has one."""
    entry: dict[str, Any] = (
        {"serviceAccount": accounts[live.user_id]}
        if live.user_id in accounts
        else {"userId": live.user_id}
    )
    entry["credentialsApi3Id"] = live.key.id
    if live.key.purpose:
        entry["purpose"] = live.key.purpose
    return entry


@attrs.frozen
class Entries:
    """A list section of a stack file's ``config``, and what an adoption adds to it: entries
    are told apart by ``identity`` (the config key of the Looker id they declare)."""

    config: Any
    namespace: str
    kind: Kind
    identity: str
    profile: str | None
    added: list[str]


def _merge_entries(
    entries: Entries, found: Sequence[tuple[str, str, dict[str, Any]]]
) -> dict[str, str]:
    """Add each ``(looker id, name, entry)`` the section does not declare (by its identity); a
    name a hand-written entry took gets ``adopted-`` before it. Returns the entry name of each
    Looker id the section declares, by id."""
    key = f"{entries.namespace}:{entries.kind.config.key}"
    had = key in entries.config
    listed = entries.config.get(key) if had else []
    declared = {
        str(e[entries.identity]): str(e.get("name"))
        for e in listed
        if isinstance(e, dict) and e.get(entries.identity) is not None
    }
    names = {str(e.get("name")) for e in listed if isinstance(e, dict)}
    for looker_id, name, entry in found:
        if looker_id in declared:
            continue
        if name in names:  # a hand-written entry took the name: keep both readable
            name = f"adopted-{name}"
        profile = {"profile": entries.profile} if entries.profile else {}
        listed.append({"name": name, **entry, **profile})
        names.add(name)
        declared[looker_id] = name
        entries.added.append(f"{key} {name}")
    if listed and not had:
        entries.config[key] = listed
    return declared
