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
from pulumi_looker.stack_config import (
    CREDENTIALS,
    SERVICE_ACCOUNTS,
    SINGLETONS,
    camel_case,
    settings_of,
    singleton_key,
)

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
class Instance:
    """What a Looker instance has that a stack can declare."""

    #: Config key ("passwordPolicy") -> camelCase settings at their live values.
    singletons: dict[str, dict[str, Any]]
    keys: tuple[LiveKey, ...]
    accounts: tuple[models.ServiceAccount, ...] = ()
    #: Role id -> name, to write roles readably (ids where Looker did not say).
    role_names: dict[str, str] = attrs.field(factory=dict)
    notes: tuple[str, ...] = ()


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
    for singleton in models.SINGLETONS:
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
        singletons[singleton_key(singleton).config_key] = {
            camel_case(name): live[name]
            for name in settings_of(singleton)
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
    return Instance(
        singletons,
        tuple(sorted(keys, key=_order)),
        accounts,
        role_names,
        tuple(notes),
    )


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


def import_document(instance: Instance, held: Iterable[str]) -> dict[str, Any]:
    """What the instance has as a ``pulumi import --file`` document for a stack of the provider
    plugin (``looker:index:*``): the policies by their ids, the service accounts by
    ``service_account/<user_id>`` and the keys by ``<user_id>/<key id>`` (no id equals
    another's input, so the code Pulumi prints links nothing by mistake), but those the stack
    ``held`` already."""
    held = set(held)
    found = [
        {
            "type": f"looker:index:{key.type_name}",
            "name": key.resource_name,
            "id": key.singleton.id,
        }
        for key in SINGLETONS
        if key.config_key in instance.singletons and key.singleton.id not in held
    ]
    found += [
        {
            "type": "looker:index:ServiceAccount",
            "name": account_name(account),
            "id": models.service_account_import_id(account.id),
        }
        for account in instance.accounts
        if not {account.id, models.service_account_import_id(account.id)} & held
    ]
    found += [
        {
            "type": "looker:index:ApiCredential",
            "name": key_name(live),
            "id": f"{live.user_id}/{live.key.id}",
        }
        for live in instance.keys
        if f"{live.user_id}/{live.key.id}" not in held
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
    created: Iterable[str],
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
    accounts = _merge_accounts(config, namespace, instance, held, profile, added)
    entries_key = f"{namespace}:{CREDENTIALS}"
    had_entries = entries_key in config
    entries = config.get(entries_key) if had_entries else []
    declared = {str(e.get("credentialsApi3Id")) for e in entries if isinstance(e, dict)}
    names = {str(e.get("name")) for e in entries if isinstance(e, dict)}
    for live in instance.keys:
        if live.key.id in declared or f"{live.user_id}/{live.key.id}" in held:
            continue
        name = key_name(live)
        if name in names:  # a hand-written entry took the name: keep both readable
            name = f"adopted-{name}"
        entry: dict[str, Any] = {"name": name}
        if live.user_id in accounts:
            entry["serviceAccount"] = accounts[live.user_id]
        else:
            entry["userId"] = live.user_id
        entry["credentialsApi3Id"] = live.key.id
        if live.key.purpose:
            entry["purpose"] = live.key.purpose
        if profile:
            entry["profile"] = profile
        entries.append(entry)
        names.add(name)
        added.append(f"{entries_key} {name}")
    if entries and not had_entries:
        config[entries_key] = entries
    return added


def _merge_accounts(
    config: Any,
    namespace: str,
    instance: Instance,
    held: set[str],
    profile: str | None,
    added: list[str],
) -> dict[str, str]:
    """Add the service accounts the config does not declare (by ``userId``) and the stack did
    not create; returns the entry name of each service account the config adopts, by user id."""
    entries_key = f"{namespace}:{SERVICE_ACCOUNTS}"
    had_entries = entries_key in config
    entries = config.get(entries_key) if had_entries else []
    adopted = {
        str(e["userId"]): str(e.get("name"))
        for e in entries
        if isinstance(e, dict) and e.get("userId") is not None
    }
    names = {str(e.get("name")) for e in entries if isinstance(e, dict)}
    for account in instance.accounts:
        if account.id in adopted or account.id in held:
            continue
        name = account_name(account)
        if name in names:
            name = f"adopted-{name}"
        entry: dict[str, Any] = {
            "name": name,
            "userId": account.id,
            "serviceAccountName": account.service_account_name,
            "isDisabled": bool(account.is_disabled),
            "roles": [instance.role_names.get(r, r) for r in account.role_ids or []],
        }
        if profile:
            entry["profile"] = profile
        entries.append(entry)
        names.add(name)
        adopted[account.id] = name
        added.append(f"{entries_key} {name}")
    if entries and not had_entries:
        config[entries_key] = entries
    return adopted
