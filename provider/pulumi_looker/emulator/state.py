"""What the emulated Looker instance holds, and how it survives a restart."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import secrets
import string
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from pulumi_looker import models
from pulumi_looker.files import write_atomically
from pulumi_looker.models import FieldRule

from .defaults import (
    ADMIN_ROLE,
    DEFAULT_OBJECTS,
    DEFAULTS,
    GROUP_DEFAULTS,
    NEW_OBJECT_DEFAULTS,
    PERMISSION_NAMES,
    USER_ROLE,
)
from .defaults import DEFAULT_PASSWORD_CONFIG as DEFAULT_PASSWORD_CONFIG  # re-exported
from .defaults import DEFAULT_SESSION_CONFIG as DEFAULT_SESSION_CONFIG  # re-exported
from .schemas import DB_CONNECTION, SIGN_IN, fingerprint, masked

#: An object of a collection (``collections.py``): its fields, and what Looker keeps beside them.
Record = dict[str, Any]

_ALPHABET = string.ascii_letters + string.digits

#: The settings singletons, kept as their models say; the sign-in configurations, whichever
#: models declare them, are kept as ``schemas.SIGN_IN`` says.
SETTINGS = tuple(s for s in models.SINGLETONS if s.id not in SIGN_IN)

#: What a seed's user has beside ``WriteUser``'s fields (see :meth:`Store.apply_seed`).
_SEED_USER_EXTRA = (
    "email",
    "is_admin",
    "roles",
    "role_ids",
    "groups",
    "group_ids",
    "keys",
    "attributes",
)

#: What a seed's sign-in configuration has beside its schema's fields (see
#: :meth:`Store.apply_seed`).
_SEED_SIGN_IN_EXTRA = ("default_new_user_roles", "default_new_user_groups")

_SEED_USERS = (
    ("Ada", "Lovelace"),
    ("Grace", "Hopper"),
    ("Alan", "Turing"),
    ("Edsger", "Dijkstra"),
)


#: The emulated server's time zone: not UTC, so that clients must read the offset.
SERVER_ZONE = datetime.timezone(datetime.timedelta(hours=-7))


def now_iso() -> str:
    """A timestamp as Looker writes them, with the server's offset."""
    return datetime.datetime.now(SERVER_ZONE).isoformat(timespec="milliseconds")


def random_token(length: int) -> str:
    """Letters and digits, as Looker's client ids, secrets and tokens are."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@attrs.define
class EmailCredentials:
    """A user's email/password login (``CredentialsEmail``). ``is_set_up``: the user has set
    up the account (a seeded person has; one given credentials through the API has not, so
    the email Looker sends is a setup email); ``reset_token``: the one-time token of the last
    email sent (a secret: never in the snapshot), and ``reset_sent_at`` when."""

    email: str
    created_at: str | None = None
    forced_password_reset_at_next_login: bool = False
    is_set_up: bool = False
    reset_token: str | None = attrs.field(default=None, repr=False)
    reset_sent_at: str | None = None


@attrs.define
class User:
    """A user; a service account is one with no name or email of a person. Its writable
    fields are ``WriteUser``'s (:data:`WRITE_USER`); ``attribute_values``: the values set for
    the user, by user attribute id."""

    id: str
    first_name: str | None = None
    last_name: str | None = None
    role_ids: list[str] = attrs.field(factory=lambda: [USER_ROLE])
    #: The groups the user is directly in (``All Users`` and its like hold everyone).
    group_ids: list[str] = attrs.field(factory=list)
    is_disabled: bool = False
    is_service_account: bool = False
    service_account_name: str | None = None
    created_at: str | None = None
    locale: str | None = None
    home_folder_id: str | None = None
    models_dir_validated: bool | None = None
    ui_state: dict[str, Any] | None = None
    can_manage_api3_creds: bool = False
    credentials_email: EmailCredentials | None = None
    attribute_values: dict[str, str] = attrs.field(factory=dict)

    @property
    def email(self) -> str | None:
        """The email of the user's email credentials (Looker's ``User.email``)."""
        return None if self.credentials_email is None else self.credentials_email.email

    @property
    def is_admin(self) -> bool:
        return ADMIN_ROLE in self.role_ids

    @is_admin.setter
    def is_admin(self, value: bool) -> None:
        others = [r for r in self.role_ids if r != ADMIN_ROLE]
        self.role_ids = [ADMIN_ROLE, *others] if value else others or [USER_ROLE]


#: What a client may write of a user (``WriteUser``: the API description's ``User`` without its
#: ``readOnly`` fields, as looker-sdk's ``WriteUser`` has them; the logins of SAML, OIDC, LDAP,
#: Google... are made by signing in, not written).
WRITE_USER: dict[str, FieldRule] = {
    "credentials_email": FieldRule(dict, writable=True),
    "first_name": FieldRule(str, writable=True),
    "home_folder_id": FieldRule(str, writable=True),
    "is_disabled": FieldRule(bool, writable=True, nullable=False),
    "last_name": FieldRule(str, writable=True),
    "locale": FieldRule(str, writable=True),
    "models_dir_validated": FieldRule(bool, writable=True),
    "ui_state": FieldRule(dict, writable=True),
    "can_manage_api3_creds": FieldRule(bool, writable=True, nullable=False),
}

#: What a client may write of email credentials (``WriteCredentialsEmail``).
WRITE_CREDENTIALS_EMAIL: dict[str, FieldRule] = {
    "email": FieldRule(str, writable=True),
    "forced_password_reset_at_next_login": FieldRule(bool, writable=True, nullable=False),
}


def user_record(user: User) -> dict[str, Any]:
    """What the instance keeps of ``user``, for its state file and snapshot: all but the
    token of the last reset email (a secret)."""
    return attrs.asdict(user, filter=lambda a, _: a.name != "reset_token")


def id_order(object_id: str) -> tuple[int, str]:
    """Ids in Looker's order: numbers by value."""
    return (int(object_id), "") if object_id.isdigit() else (0, object_id)


def copied(values: Record) -> Record:
    """``values`` with its lists copied, so that no two records share one."""
    return {k: list(v) if isinstance(v, list) else v for k, v in values.items()}


def _records(records: Iterable[Record]) -> dict[str, Record]:
    """Records by id, each a copy."""
    return {r["id"]: copied(r) for r in records}


def _check_seed(
    what: str, model: type | Mapping[str, FieldRule], values: dict[str, Any], extra: tuple[str, ...]
) -> None:
    """A seed's values for ``model`` (or its fields' rules): writable fields with valid values,
    and ``extra``."""
    rules = model if isinstance(model, Mapping) else models.rules(model)
    writable = {name: rule for name, rule in rules.items() if rule.writable}
    errors = [
        reason
        for name, value in values.items()
        if name in writable and value is not None and (reason := writable[name].reason(name, value))
    ]
    unknown = set(values) - set(writable) - set(extra)
    if errors or unknown:
        detail = "; ".join(errors + [f"unknown {n}" for n in sorted(unknown)])
        raise ValueError(f"seed {what}: {detail}")


def seeded_email(first_name: str, last_name: str) -> str:
    """The email a seeded person has unless the seed says otherwise."""
    return f"{first_name}.{last_name}@example.com".lower()


def _person(user_id: str, first_name: str, last_name: str, email: str | None) -> User:
    """A person who has set up their account (a seeded one), with email credentials unless
    ``email`` is None."""
    user = User(id=user_id, first_name=first_name, last_name=last_name)
    if email is not None:
        user.credentials_email = EmailCredentials(email=email, is_set_up=True)
    return user


def _user(data: dict[str, Any]) -> User:
    """A saved user. Files of older emulators say ``is_admin`` instead of role ids, and have
    no email credentials: their people had the seeded email, which they keep."""
    data = dict(data)
    admin = data.pop("is_admin", None)
    older = "credentials_email" not in data
    credentials = data.pop("credentials_email", None)
    user = User(**data)
    if credentials is not None:
        user.credentials_email = EmailCredentials(**credentials)
    elif older and not user.is_service_account:
        email = seeded_email(str(user.first_name), str(user.last_name))
        user.credentials_email = EmailCredentials(email=email, is_set_up=True)
    if admin is not None:
        user.is_admin = bool(admin)
    return user


@attrs.define
class ApiKey:
    """An API3 credential; only a hash of its secret is kept, never the secret itself."""

    id: str
    user_id: str
    client_id: str
    secret_hash: str = attrs.field(repr=False)
    created_at: str
    purpose: str | None = None
    is_disabled: bool = False

    def accepts(self, client_secret: str) -> bool:
        return not self.is_disabled and hmac.compare_digest(
            self.secret_hash, _hash_secret(client_secret)
        )


@attrs.frozen
class Servers:
    """The servers outside Looker that it reaches, LDAP directories and databases, as a test
    sets them (``PUT /_emulator/servers``): every host answers and takes any password, but
    those ``unreachable``, and those with a password (``passwords``: host -> its fingerprint),
    which take only that one. Hosts compare case-insensitively."""

    unreachable: frozenset[str] = frozenset()
    passwords: Mapping[str, str] = attrs.field(factory=dict)

    @classmethod
    def given(cls, spec: Mapping[str, Any]) -> Servers:
        """From ``{"unreachable": [host...], "passwords": {host: password}}``."""
        unknown = set(spec) - {"unreachable", "passwords"}
        if unknown:
            raise ValueError(f"unknown: {', '.join(sorted(unknown))}")
        unreachable = spec.get("unreachable") or []
        passwords = spec.get("passwords") or {}
        if not all(isinstance(h, str) for h in unreachable) or not all(
            isinstance(h, str) and isinstance(p, str) for h, p in passwords.items()
        ):
            raise ValueError("unreachable: a list of hosts; passwords: host -> password")
        return cls(
            frozenset(h.lower() for h in unreachable),
            {h.lower(): fingerprint(p) for h, p in passwords.items()},
        )

    def shown(self) -> dict[str, Any]:
        return {"unreachable": sorted(self.unreachable), "passwords": dict(self.passwords)}

    def unreachable_reason(self, host: str, port: str | None) -> str | None:
        """Why ``host`` cannot be reached, or None when it can."""
        if host.lower() in self.unreachable:
            return f"Cannot connect to {host}:{port}: host unreachable"
        return None

    def sign_in_failure(self, host: str, port: str | None, password: str | None) -> str | None:
        """Why signing in to ``host`` with ``password`` (its fingerprint, or None) fails, or
        None when it works."""
        unreachable = self.unreachable_reason(host, port)
        expected = self.passwords.get(host.lower())
        if unreachable is None and expected is not None and password != expected:
            return f"Authentication failed on {host}: wrong password"
        return unreachable


@attrs.define
class Session:
    user_id: str
    expires_at: float


@attrs.define
class Store:
    """Users, API keys, the settings singletons and live sessions of one emulated instance."""

    #: Each singleton's values, by its id: the settings, and the sign-in configurations
    #: (``saml_config``...: their write-only fields too, secrets as fingerprints).
    singletons: dict[str, dict[str, Any]] = attrs.field(
        factory=lambda: {id_: copied(values) for id_, values in DEFAULTS.items()}
    )
    users: dict[str, User] = attrs.field(factory=dict)
    keys: dict[str, ApiKey] = attrs.field(factory=dict)
    next_key_id: int = 1
    sessions: dict[str, Session] = attrs.field(factory=dict)
    #: How many times each singleton action was done (``force_password_reset``: 2).
    actions: dict[str, int] = attrs.field(factory=dict)
    #: Each collection's objects (permission sets, roles, groups, user attributes...) by id,
    #: under the collection's key.
    objects: dict[str, dict[str, Record]] = attrs.field(
        factory=lambda: {key: _records(records) for key, records in DEFAULT_OBJECTS.items()}
    )
    #: The id each collection (and ``users``) gives its next object: Looker never gives an
    #: id twice.
    next_ids: dict[str, int] = attrs.field(factory=dict)
    #: Every token ever issued, so tests can look for one where it must not be.
    issued_tokens: set[str] = attrs.field(factory=set)
    #: Each email Looker would have sent (``send_password_reset``), oldest first: to whom
    #: (``user_id``, ``email``) and which (``account_setup`` or ``password_reset``).
    emails: list[dict[str, str]] = attrs.field(factory=list)
    #: The LDAP directories and databases Looker reaches (not Looker's state: not saved).
    servers: Servers = attrs.field(factory=Servers)
    path: Path | None = None

    def replace_with(self, fresh: Store) -> None:
        """Hold what ``fresh`` holds, in place: the routes keep this store, and some of them
        its dicts (a fault that revokes every token clears ``sessions``)."""
        for field in attrs.fields(Store):
            mine, theirs = getattr(self, field.name), getattr(fresh, field.name)
            if isinstance(mine, (dict, set, list)):
                mine.clear()
                if isinstance(mine, list):
                    mine.extend(theirs)
                else:
                    mine.update(theirs)
            else:
                setattr(self, field.name, theirs)

    @classmethod
    def seeded(
        cls,
        *,
        admin_client_id: str,
        admin_client_secret: str,
        users: int,
        user_key: tuple[str, str] | None = None,
    ) -> Store:
        """A fresh instance: one admin with the given API key, and ``users`` ordinary users;
        ``user_key`` (client id, secret) gives user 2 a key too."""
        store = cls()
        admin = store.users["1"] = _person("1", "Looker", "Admin", seeded_email("Looker", "Admin"))
        admin.role_ids = [ADMIN_ROLE]
        for number in range(users):
            first, last = _SEED_USERS[number % len(_SEED_USERS)]
            user_id = str(number + 2)
            last += "" if number < len(_SEED_USERS) else str(number)
            store.users[user_id] = _person(user_id, first, last, seeded_email(first, last))
        store.next_ids["users"] = users + 2
        store.add_key("1", client_id=admin_client_id, client_secret=admin_client_secret)
        if user_key is not None:
            store.add_key("2", client_id=user_key[0], client_secret=user_key[1])
        return store

    def apply_seed(self, seed: dict[str, Any]) -> None:
        """Make a lived-in instance from a seed (``looker-emulator --seed FILE``, or
        ``POST /_emulator/seed``); objects name one another by name::

            password_config: {min_length: 14, expiration_enabled: true}
            session_config: {session_minutes: 720}
            permission_sets: [{name: Analysts, permissions: [access_data, see_looks]}]
            model_sets: [{name: Marketing, models: [thelook]}]
            roles: [{name: Analyst, permission_set: Analysts, model_set: Marketing}]
            groups:
              - {name: Finance, roles: [Analyst]}
              - {name: SAML Finance, externally_managed: true, groups: [Finance]}
            user_attributes:
              - {name: region, label: Region, type: string, default_value: EU,
                 group_values: [{group: Finance, value: US}]}
            users:
              - {first_name: Dana, last_name: Scully, is_admin: false, roles: [Analyst],
                 groups: [Finance], keys: [{purpose: dbt cloud, age_days: 200}, {age_days: 3}],
                 email: dana@fbi.gov, locale: en_US, attributes: {region: APAC}}
              - {first_name: Fox, role_ids: ["4"], group_ids: ["2"], email: null}
            service_accounts:
              - {service_account_name: ETL bot, is_disabled: false, roles: [Developer],
                 keys: [{purpose: ETL, age_days: 40}]}
            connections:
              - {name: warehouse, dialect_name: postgres, host: db.corp, password: pw}
            oidc_config:
              issuer: https://idp.corp
              secret: client-secret
              default_new_user_roles: [Viewer]
              groups_with_role_ids:
                - {name: idp-finance, looker_group_name: Finance, roles: [Analyst]}

        Values must be valid for the model (permissions among Looker's); a group's
        ``groups`` are the groups it is in, as a user's are; an attribute's ``group_values``
        are in priority order. A user takes ``WriteUser``'s fields but its email credentials,
        which are ``email`` (its first and last names ``@example.com`` unless given; null:
        none); its roles and groups by name (``roles``, ``groups``) or by id (``role_ids``,
        ``group_ids``); ``attributes``, its own values by attribute name. Users get the next
        free ids; every seeded person has set up their account. A connection takes
        ``DBConnection``'s fields, a sign-in configuration (``saml_config``, ``oidc_config``,
        ``ldap_config``) its schema's, with roles, groups and user attributes by name or id
        (``default_new_user_roles`` or ``..._role_ids``, a mapping's ``roles`` or
        ``role_ids``...); their secrets are kept as fingerprints.
        """
        for singleton in SETTINGS:
            values = seed.get(singleton.id) or {}
            _check_seed(singleton.id, singleton.model, values, ())
            self.update_singleton(singleton, dict(values))
        for entry in seed.get("permission_sets") or []:
            _check_seed("permission_sets", models.PermissionSet, entry, ())
            unknown = set(entry.get("permissions") or ()) - set(PERMISSION_NAMES)
            if unknown:
                raise ValueError(f"seed permission_sets: unknown permissions {sorted(unknown)}")
            self._seed_object("permission_sets", entry)
        for entry in seed.get("model_sets") or []:
            _check_seed("model_sets", models.ModelSet, entry, ())
            self._seed_object("model_sets", entry)
        for entry in seed.get("roles") or []:
            _check_seed("roles", models.Role, entry, ("permission_set", "model_set"))
            self._seed_object(
                "roles",
                {
                    "name": entry["name"],
                    "permission_set_id": self._named("permission_sets", entry["permission_set"]),
                    "model_set_id": self._named("model_sets", entry["model_set"]),
                },
            )
        for entry in seed.get("groups") or []:
            extra = ("externally_managed", "external_group_id", "roles", "groups")
            _check_seed("groups", models.Group, entry, extra)
            values = {k: v for k, v in entry.items() if k not in ("roles", "groups")}
            group = self._seed_object("groups", values)
            group["role_ids"] = [self._named("roles", n) for n in entry.get("roles") or []]
            parents = entry.get("groups") or []
            group["parent_group_ids"] = [self._named("groups", n) for n in parents]
        for entry in seed.get("user_attributes") or []:
            _check_seed("user_attributes", models.UserAttribute, entry, ("group_values",))
            values = {k: v for k, v in entry.items() if k != "group_values"}
            attribute = self._seed_object("user_attributes", values)
            attribute["group_values"] = [
                {"group_id": self._named("groups", v["group"]), "value": str(v["value"]), "rank": n}
                for n, v in enumerate(entry.get("group_values") or [], start=1)
            ]
        person = {k: rule for k, rule in WRITE_USER.items() if k != "credentials_email"}
        for entry in seed.get("users") or []:
            _check_seed("users", person, entry, _SEED_USER_EXTRA)
            user_id = self.next_user_id()
            first = str(entry.get("first_name", "Seeded"))
            last = str(entry.get("last_name", f"User{user_id}"))
            email = entry.get("email", seeded_email(first, last))
            if email is not None and self.email_holder(email) is not None:
                raise ValueError(f"seed users: email {email!r} is another user's")
            user = self.users[user_id] = _person(user_id, first, last, email)
            for name in set(entry) & set(person):
                setattr(user, name, entry[name])
            self._seed_user(user, entry)
            user.is_admin = bool(entry.get("is_admin", False)) or user.is_admin
        for entry in seed.get("service_accounts") or []:
            account = self.add_service_account(
                str(entry["service_account_name"]), bool(entry.get("is_disabled", False))
            )
            account.role_ids = []
            self._seed_user(account, entry)
        for entry in seed.get("connections") or []:
            _check_seed("connections", DB_CONNECTION.rules, entry, ())
            self.add_connection(entry, None)
        for entry in seed.get("lookml_models") or []:
            _check_seed("lookml_models", models.LookmlModel, entry, ())
            name = str(entry["name"])
            self.objects["lookml_models"][name] = {
                **{f: None for f in models.rules(models.LookmlModel)},
                "unlimited_db_connections": False,
                **copied(entry),
                "id": name,
            }
        for config_id, schema in SIGN_IN.items():
            values = dict(seed.get(config_id) or {})
            _check_seed(config_id, schema.rules, values, _SEED_SIGN_IN_EXTRA)
            self.update_sign_in(config_id, self._seed_sign_in(values), None)
        self.save()

    def _seed_sign_in(self, values: dict[str, Any]) -> dict[str, Any]:
        """A seed's sign-in configuration with the roles, groups and user attributes it names
        by name (``default_new_user_roles``, ``default_new_user_groups``, a mapping's
        ``roles`` and ``user_attributes``) given by id."""
        by_name = {"default_new_user_roles": "roles", "default_new_user_groups": "groups"}
        for field, key in by_name.items():
            if field in values:
                values[f"{field[:-1]}_ids"] = [self._named(key, n) for n in values.pop(field)]
        values["groups_with_role_ids"] = [
            {
                **{k: v for k, v in m.items() if k != "roles"},
                "role_ids": self._ids("roles", m, "roles", "role_ids") or [],
            }
            for m in values.get("groups_with_role_ids") or []
        ]
        values["user_attributes_with_ids"] = [
            {
                **{k: v for k, v in m.items() if k != "user_attributes"},
                "user_attribute_ids": self._ids(
                    "user_attributes", m, "user_attributes", "user_attribute_ids"
                )
                or [],
            }
            for m in values.get("user_attributes_with_ids") or []
        ]
        return values

    def _named(self, key: str, name: str) -> str:
        """The id of the ``key`` object named ``name`` (a seed's reference)."""
        for record in self.objects[key].values():
            if record.get("name") == name:
                return str(record["id"])
        raise ValueError(f"seed: no {key} named {name!r}")

    def _seed_object(self, key: str, values: dict[str, Any]) -> Record:
        return self.add_object(key, copied({**NEW_OBJECT_DEFAULTS[key], **values}))

    def _ids(self, key: str, entry: dict[str, Any], by_name: str, by_id: str) -> list[str] | None:
        """The ids of the ``key`` objects a seed's entry names (``by_name``) or gives by id
        (``by_id``), or None when it does neither."""
        if entry.get(by_id) is not None:
            unknown = [i for i in entry[by_id] if i not in self.objects[key]]
            if unknown:
                raise ValueError(f"seed: no {key} with id {unknown[0]!r}")
            return [str(i) for i in entry[by_id]]
        if by_name in entry:
            return [self._named(key, name) for name in entry[by_name] or []]
        return None

    def _seed_user(self, user: User, entry: dict[str, Any]) -> None:
        role_ids = self._ids("roles", entry, "roles", "role_ids")
        if role_ids is not None:
            user.role_ids = role_ids
        user.group_ids = self._ids("groups", entry, "groups", "group_ids") or []
        for name, value in (entry.get("attributes") or {}).items():
            user.attribute_values[self._named("user_attributes", name)] = str(value)
        for spec in entry.get("keys") or []:
            key, _ = self.add_key(user.id)
            self.age_key(key.id, float(spec.get("age_days", 0)))
            key.purpose = spec.get("purpose")

    @classmethod
    def open(cls, path: Path, **seed: Any) -> Store:
        """The state saved at ``path``, or a seeded one that will be saved there. Files of
        older emulators lack collections (user attributes, then the access model) and the
        collections' next ids: a fresh instance's stand in."""
        if path.exists():
            data = json.loads(path.read_text(encoding="utf-8"))
            store = cls(
                singletons={
                    id_: {**defaults, **data["singletons"].get(id_, {})}
                    for id_, defaults in DEFAULTS.items()
                },
                users={u["id"]: _user(u) for u in data["users"]},
                keys={k["id"]: ApiKey(**k) for k in data["keys"]},
                next_key_id=data["next_key_id"],
                next_ids=data.get("next_ids", {}),
            )
            for key in store.objects:
                if key in data:
                    store.objects[key] = _records(data[key])
        else:
            store = cls.seeded(**seed)
        store.path = path
        store.save()
        return store

    def save(self) -> None:
        """Write the state atomically: a crash leaves the old file or the new one, never half."""
        if self.path is None:
            return
        data = {
            "singletons": self.singletons,
            "users": [user_record(u) for u in self.users.values()],
            "keys": [attrs.asdict(k) for k in self.keys.values()],
            "next_key_id": self.next_key_id,
            "next_ids": self.next_ids,
            **{key: list(records.values()) for key, records in self.objects.items()},
        }
        write_atomically(self.path, json.dumps(data, indent=1))

    # --- collections -------------------------------------------------------------------------

    def _next_id(self, key: str, held: Iterable[str]) -> str:
        """The id the next object of ``key`` gets: Looker never gives an id twice."""
        start = max((int(i) for i in held if i.isdigit()), default=0) + 1
        object_id = max(self.next_ids.get(key, start), start)
        self.next_ids[key] = object_id + 1
        return str(object_id)

    def next_user_id(self) -> str:
        return self._next_id("users", self.users)

    def add_object(self, key: str, record: Record) -> Record:
        """Add ``record`` to collection ``key`` under the next id, which it gets."""
        held = self.objects[key]
        object_id = self._next_id(key, held)
        record = held[object_id] = {**record, "id": object_id}
        self.save()
        return record

    def update_object(self, key: str, object_id: str, changes: Record) -> None:
        self.objects[key][object_id].update(changes)
        self.save()

    def delete_object(self, key: str, object_id: str) -> None:
        del self.objects[key][object_id]
        self.save()

    def email_holder(self, email: str) -> User | None:
        """The user whose email credentials have ``email``: one per user, compared
        case-insensitively, as Looker compares them."""
        wanted = email.lower()
        return next((u for u in self.users.values() if (u.email or "").lower() == wanted), None)

    def users_in_order(self) -> list[User]:
        """Every user, in id order (as Looker lists them)."""
        return sorted(self.users.values(), key=lambda u: id_order(u.id))

    def group_ids_of(self, user: User) -> list[str]:
        """The groups ``user`` is directly in: those that hold every user, then its own."""
        everyone = [g["id"] for g in self.objects["groups"].values() if g["include_by_default"]]
        return [*everyone, *(g for g in user.group_ids if g not in everyone)]

    def ancestors(self, group_ids: Iterable[str]) -> list[str]:
        """``group_ids`` and every group they are in, however deep."""
        groups = self.objects["groups"]
        seen: list[str] = []
        todo = list(group_ids)
        while todo:
            group_id = todo.pop(0)
            if group_id in seen or group_id not in groups:
                continue
            seen.append(group_id)
            todo += groups[group_id].get("parent_group_ids") or []
        return seen

    def role_ids_of(self, user: User, *, direct_only: bool = False) -> list[str]:
        """``user``'s roles: its own, then (unless ``direct_only``) its groups'."""
        roles = list(user.role_ids)
        if not direct_only:
            groups = self.objects["groups"]
            for group_id in self.ancestors(self.group_ids_of(user)):
                roles += [r for r in groups[group_id].get("role_ids") or [] if r not in roles]
        return roles

    def is_admin(self, user: User) -> bool:
        """Whether ``user`` has the Admin role, its own or a group's."""
        return ADMIN_ROLE in self.role_ids_of(user)

    def add_key(
        self, user_id: str, *, client_id: str | None = None, client_secret: str | None = None
    ) -> tuple[ApiKey, str]:
        """Create an API key for ``user_id``; returns it with its secret (shown only this once)."""
        secret = client_secret or random_token(24)
        key = ApiKey(
            id=str(self.next_key_id),
            user_id=user_id,
            client_id=client_id or random_token(20),
            secret_hash=_hash_secret(secret),
            created_at=now_iso(),
        )
        self.next_key_id += 1
        self.keys[key.id] = key
        self.save()
        return key, secret

    def login(self, client_id: str, client_secret: str, ttl: float) -> str | None:
        """A new access token for a valid, enabled key of an enabled user, or None."""
        for key in self.keys.values():
            user = self.users.get(key.user_id)
            if user is None or user.is_disabled:
                continue
            if key.client_id == client_id and key.accepts(client_secret):
                return self.open_session(key.user_id, ttl)
        return None

    def open_session(self, user_id: str, ttl: float) -> str:
        """A new access token that acts as ``user_id`` for ``ttl`` seconds."""
        token = random_token(40)
        self.issued_tokens.add(token)
        self.sessions[token] = Session(user_id=user_id, expires_at=time.monotonic() + ttl)
        return token

    def session_user(self, token: str) -> User | None:
        session = self.sessions.get(token)
        if session is None or time.monotonic() >= session.expires_at:
            self.sessions.pop(token, None)
            return None
        return self.users.get(session.user_id)

    def user_keys(self, user_id: str) -> list[ApiKey]:
        return [k for k in self.keys.values() if k.user_id == user_id]

    def update_key(self, key_id: str, changes: dict[str, Any]) -> None:
        key = self.keys[key_id]
        for name, value in changes.items():
            setattr(key, name, value)
        self.save()

    def age_key(self, key_id: str, days: float) -> None:
        """As if the key had been created ``days`` ago."""
        created = datetime.datetime.now(SERVER_ZONE) - datetime.timedelta(days=days)
        self.keys[key_id].created_at = created.isoformat(timespec="milliseconds")
        self.save()

    def add_user(self, user: User) -> User:
        """Add ``user``, under the next user id, which it gets."""
        user.id = self.next_user_id()
        user.created_at = now_iso()
        self.users[user.id] = user
        self.save()
        return user

    def delete_user(self, user_id: str) -> None:
        """A user leaves, and its keys, sessions and attribute values with it."""
        del self.users[user_id]
        for key in self.user_keys(user_id):
            del self.keys[key.id]
        for token in [t for t, s in self.sessions.items() if s.user_id == user_id]:
            del self.sessions[token]
        self.save()

    def add_service_account(self, name: str, is_disabled: bool) -> User:
        """A new service account, with the role every new user gets."""
        user = User(
            id="", is_service_account=True, service_account_name=name, is_disabled=is_disabled
        )
        return self.add_user(user)

    def update_user(self, user_id: str, changes: dict[str, Any]) -> None:
        """Change a user; a disabled user's sessions end (Looker logs them out)."""
        user = self.users[user_id]
        for name, value in changes.items():
            setattr(user, name, value)
        if user.is_disabled:
            for token in [t for t, s in self.sessions.items() if s.user_id == user_id]:
                del self.sessions[token]
        self.save()

    def delete_key(self, key_id: str) -> None:
        del self.keys[key_id]
        self.save()

    def count_action(self, name: str) -> None:
        self.actions[name] = self.actions.get(name, 0) + 1

    def update_singleton(self, singleton: models.Singleton, changes: dict[str, Any]) -> None:
        values = self.singletons[singleton.id]
        # Looker stamps the moment password expiration was switched on.
        if changes.get("expiration_enabled") and not values.get("expiration_enabled"):
            changes = {**changes, "policy_enabled_at": now_iso()}
        values.update(changes)
        self.save()

    def update_sign_in(self, config_id: str, changes: Record, user_id: str | None) -> None:
        """Change a sign-in configuration (secrets kept as fingerprints), stamped with when
        and by whom (None: by hand); each group mapping without an id gets the next one, and
        each names a Looker group that then exists: Looker makes the group it mirrors, marked
        ``externally_managed``, unless one of that name exists."""
        values = self.singletons[config_id]
        mappings = changes.get("groups_with_role_ids")
        if mappings is not None:
            held = [int(m["id"]) for m in mappings if str(m.get("id") or "").isdigit()]
            start = max(held, default=0) + 1
            changes = {**changes, "groups_with_role_ids": [dict(m) for m in mappings]}
            for mapping in changes["groups_with_role_ids"]:
                if not mapping.get("id"):
                    mapping["id"], start = str(start), start + 1
                self._mirror(mapping.get("looker_group_name") or mapping.get("name"))
        values.update(masked(changes))
        values.update(modified_at=now_iso(), modified_by=user_id)
        self.save()

    def _mirror(self, name: str | None) -> None:
        """The group ``name`` exists: Looker makes it, externally managed, when it does not."""
        if name and self.group_named(name) is None:
            group = {**GROUP_DEFAULTS, "name": name, "externally_managed": True}
            self.add_object("groups", copied(group))

    def group_named(self, name: str | None) -> Record | None:
        """The group called ``name`` (compared case-insensitively, as Looker compares names)."""
        if not name:
            return None
        wanted = name.lower()
        return next(
            (g for g in self.objects["groups"].values() if str(g["name"]).lower() == wanted), None
        )

    def add_connection(self, values: Record, user_id: str | None) -> Record:
        """A new database connection (its id is its name; secrets kept as fingerprints),
        made by ``user_id`` (None: by hand)."""
        name = str(values["name"])
        record = {
            **copied(DB_CONNECTION.blank()),
            **masked(dict(values)),
            "id": name,
            "created_at": now_iso(),
            "user_id": user_id,
        }
        self.objects["connections"][name] = record
        self.save()
        return record

    def public_singleton(self, singleton: models.Singleton) -> dict[str, Any]:
        """A singleton as ``GET`` answers it: every field of its model."""
        values = self.singletons[singleton.id]
        answer = {name: values.get(name) for name in models.rules(singleton.model)}
        if "can" in answer:
            answer["can"] = {"show": True, "update": True}
        return answer

    def snapshot(self) -> dict[str, Any]:
        """Everything the instance holds, secrets only as hashes: an API key's not at all, a
        write-only secret (a connection's password, OIDC's ``secret``...) as its
        :func:`~pulumi_looker.emulator.schemas.fingerprint`."""
        return {
            **{s.id: self.public_singleton(s) for s in SETTINGS},
            **{config_id: dict(self.singletons[config_id]) for config_id in SIGN_IN},
            "users": [user_record(u) for u in self.users.values()],
            "credentials_api3": [
                attrs.asdict(k, filter=lambda a, _: a.name != "secret_hash")
                for k in self.keys.values()
            ],
            **{key: list(records.values()) for key, records in self.objects.items()},
            "sessions": len(self.sessions),
            "actions": dict(self.actions),
            "emails": [dict(e) for e in self.emails],
        }
