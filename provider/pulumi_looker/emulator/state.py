"""What the emulated Looker instance holds, and how it survives a restart."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import secrets
import string
import time
from pathlib import Path
from typing import Any

import attrs

from pulumi_looker import models
from pulumi_looker.files import write_atomically

_ALPHABET = string.ascii_letters + string.digits

#: A fresh instance's password policy, as Looker documents its default.
DEFAULT_PASSWORD_CONFIG: dict[str, Any] = {
    "min_length": 10,
    "require_numeric": True,
    "require_upperlower": True,
    "require_special": True,
    "expiration_enabled": False,
    "expiration_duration_days": 90,
    "policy_enabled_at": None,
}

#: A fresh instance's session policy, as Looker documents its defaults (Admin settings -
#: Sessions): persistent sessions offered, 30-minute sessions, concurrent sessions allowed, no
#: inactivity logout, no location tracking.
DEFAULT_SESSION_CONFIG: dict[str, Any] = {
    "allow_persistent_sessions": True,
    "session_minutes": 30,
    "unlimited_sessions_per_user": True,
    "use_inactivity_based_logout": False,
    "track_session_location": False,
}

#: A fresh instance's settings, as Looker's admin pages document their defaults: extensions,
#: the marketplace and onboarding on, the instance in Looker's default time zone, users free to
#: pick theirs, no email domain allowlist, no refresh restriction, no certification, and
#: multi-factor authentication not enforced.
DEFAULT_SETTING: dict[str, Any] = {
    "extension_framework_enabled": True,
    "marketplace_enabled": True,
    "onboarding_enabled": True,
    "timezone": "America/Los_Angeles",
    "allow_user_timezones": True,
    "data_connector_default_enabled": True,
    "email_domain_allowlist": [],
    "dashboard_auto_refresh_restriction": False,
    "dashboard_auto_refresh_minimum_interval": None,
    "content_certification_documentation_link": None,
    "revoke_certification_on_edits": False,
    "is_content_certification_enabled": False,
    "auto_certify_lookml_content": False,
    "automated_mfa_enabled": False,
}

DEFAULTS = {
    models.PASSWORD_CONFIG.id: DEFAULT_PASSWORD_CONFIG,
    models.SESSION_CONFIG.id: DEFAULT_SESSION_CONFIG,
    models.INSTANCE_SETTINGS.id: DEFAULT_SETTING,
}
assert set(DEFAULTS) == {s.id for s in models.SINGLETONS}


#: A fresh instance's user attributes: the system ones Looker's docs list as every instance's
#: (Admin - User attributes), which cannot be deleted.
def user_attribute(**values: Any) -> dict[str, Any]:
    """A user attribute with the API description's defaults for what ``values`` lack."""
    return {
        "name": None,
        "label": None,
        "type": None,
        "default_value": None,
        "is_system": False,
        "is_permanent": False,
        "value_is_hidden": False,
        "user_can_view": True,
        "user_can_edit": False,
        "hidden_value_domain_whitelist": None,
        "needed_for_ci_run": False,
        "value_for_ci_run": None,
        **values,
    }


DEFAULT_USER_ATTRIBUTES: tuple[dict[str, Any], ...] = tuple(
    user_attribute(
        id=str(number),
        name=name,
        label=label,
        type="string",
        is_system=True,
        is_permanent=True,
    )
    for number, (name, label) in enumerate(
        (
            ("email", "Email"),
            ("first_name", "First Name"),
            ("last_name", "Last Name"),
            ("id", "ID"),
            ("name", "Name"),
            ("locale", "Locale"),
            ("number_format", "Number Format"),
        ),
        start=1,
    )
)

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


#: A fresh instance's roles, by id: Looker's default roles (Admin settings - Roles).
DEFAULT_ROLES = {"1": "User", "2": "Admin", "3": "Developer", "4": "Viewer"}
ADMIN_ROLE = "2"
USER_ROLE = "1"


@attrs.define
class User:
    """A user; a service account is one with no name or email of a person."""

    id: str
    first_name: str | None = None
    last_name: str | None = None
    role_ids: list[str] = attrs.field(factory=lambda: [USER_ROLE])
    is_disabled: bool = False
    is_service_account: bool = False
    service_account_name: str | None = None
    created_at: str | None = None

    @property
    def email(self) -> str | None:
        if self.is_service_account:
            return None
        return f"{self.first_name}.{self.last_name}@example.com".lower()

    @property
    def is_admin(self) -> bool:
        return ADMIN_ROLE in self.role_ids

    @is_admin.setter
    def is_admin(self, value: bool) -> None:
        others = [r for r in self.role_ids if r != ADMIN_ROLE]
        self.role_ids = [ADMIN_ROLE, *others] if value else others or [USER_ROLE]


def _user(data: dict[str, Any]) -> User:
    """A saved user; files of older emulators say ``is_admin`` instead of role ids."""
    data = dict(data)
    admin = data.pop("is_admin", None)
    user = User(**data)
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


@attrs.define
class Session:
    user_id: str
    expires_at: float


@attrs.define
class Store:
    """Users, API keys, the settings singletons and live sessions of one emulated instance."""

    #: Each singleton's values, by its id.
    singletons: dict[str, dict[str, Any]] = attrs.field(
        factory=lambda: {id_: dict(values) for id_, values in DEFAULTS.items()}
    )
    users: dict[str, User] = attrs.field(factory=dict)
    roles: dict[str, str] = attrs.field(factory=lambda: dict(DEFAULT_ROLES))
    keys: dict[str, ApiKey] = attrs.field(factory=dict)
    next_key_id: int = 1
    sessions: dict[str, Session] = attrs.field(factory=dict)
    #: How many times each singleton action was done (``force_password_reset``: 2).
    actions: dict[str, int] = attrs.field(factory=dict)
    #: User attributes by id, each as the API description's ``UserAttribute`` (but ``can``).
    user_attributes: dict[str, dict[str, Any]] = attrs.field(
        factory=lambda: {a["id"]: dict(a) for a in DEFAULT_USER_ATTRIBUTES}
    )
    #: Every token ever issued, so tests can look for one where it must not be.
    issued_tokens: set[str] = attrs.field(factory=set)
    path: Path | None = None

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
        store.users["1"] = User(
            id="1", first_name="Looker", last_name="Admin", role_ids=[ADMIN_ROLE]
        )
        for number in range(users):
            first, last = _SEED_USERS[number % len(_SEED_USERS)]
            user_id = str(number + 2)
            suffix = "" if number < len(_SEED_USERS) else str(number)
            store.users[user_id] = User(id=user_id, first_name=first, last_name=last + suffix)
        store.add_key("1", client_id=admin_client_id, client_secret=admin_client_secret)
        if user_key is not None:
            store.add_key("2", client_id=user_key[0], client_secret=user_key[1])
        return store

    def apply_seed(self, seed: dict[str, Any]) -> None:
        """Make a lived-in instance from a seed (``looker-emulator --seed FILE``)::

            password_config: {min_length: 14, expiration_enabled: true}
            session_config: {session_minutes: 720}
            users:
              - {first_name: Dana, last_name: Scully, is_admin: false,
                 keys: [{purpose: dbt cloud, age_days: 200}, {age_days: 3}]}
            service_accounts:
              - {service_account_name: ETL bot, is_disabled: false, roles: [Developer],
                 keys: [{purpose: ETL, age_days: 40}]}

        Singleton values must be valid for the model; users get the next free ids.
        """
        for singleton in models.SINGLETONS:
            values = seed.get(singleton.id) or {}
            errors = models.check_values(singleton.model, values)
            unknown = set(values) - set(models.writable_fields(singleton.model))
            if errors or unknown:
                detail = "; ".join([r for _, r in errors] + [f"unknown {n}" for n in unknown])
                raise ValueError(f"seed {singleton.id}: {detail}")
            self.update_singleton(singleton, dict(values))
        for entry in seed.get("users") or []:
            user_id = str(max((int(i) for i in self.users if i.isdigit()), default=0) + 1)
            user = self.users[user_id] = User(
                id=user_id,
                first_name=str(entry.get("first_name", "Seeded")),
                last_name=str(entry.get("last_name", f"User{user_id}")),
            )
            user.is_admin = bool(entry.get("is_admin", False))
            self._seed_keys(user_id, entry.get("keys") or [])
        role_ids = {name: id_ for id_, name in self.roles.items()}
        for entry in seed.get("service_accounts") or []:
            account = self.add_service_account(
                str(entry["service_account_name"]), bool(entry.get("is_disabled", False))
            )
            account.role_ids = [role_ids[name] for name in entry.get("roles") or []]
            self._seed_keys(account.id, entry.get("keys") or [])
        self.save()

    def _seed_keys(self, user_id: str, specs: list[dict[str, Any]]) -> None:
        for spec in specs:
            key, _ = self.add_key(user_id)
            self.age_key(key.id, float(spec.get("age_days", 0)))
            key.purpose = spec.get("purpose")

    @classmethod
    def open(cls, path: Path, **seed: Any) -> Store:
        """The state saved at ``path``, or a seeded one that will be saved there."""
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
            )
            if "user_attributes" in data:  # files of older emulators have none
                store.user_attributes = {a["id"]: a for a in data["user_attributes"]}
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
            "users": [attrs.asdict(u) for u in self.users.values()],
            "keys": [attrs.asdict(k) for k in self.keys.values()],
            "next_key_id": self.next_key_id,
            "user_attributes": list(self.user_attributes.values()),
        }
        write_atomically(self.path, json.dumps(data, indent=1))

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
                token = random_token(40)
                self.issued_tokens.add(token)
                self.sessions[token] = Session(
                    user_id=key.user_id, expires_at=time.monotonic() + ttl
                )
                return token
        return None

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

    def delete_user(self, user_id: str) -> None:
        """A user leaves, and its keys with it."""
        del self.users[user_id]
        for key in self.user_keys(user_id):
            del self.keys[key.id]
        self.save()

    def add_service_account(self, name: str, is_disabled: bool) -> User:
        """A new service account, with the role every new user gets."""
        user_id = str(max((int(i) for i in self.users if i.isdigit()), default=0) + 1)
        user = self.users[user_id] = User(
            id=user_id,
            is_service_account=True,
            service_account_name=name,
            is_disabled=is_disabled,
            created_at=now_iso(),
        )
        self.save()
        return user

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

    def add_user_attribute(self, values: dict[str, Any]) -> dict[str, Any]:
        """A new user attribute, with the API description's defaults for what ``values`` lack."""
        known = (int(i) for i in self.user_attributes if i.isdigit())
        attribute_id = str(max(known, default=0) + 1)
        attribute = user_attribute(**values, id=attribute_id)
        self.user_attributes[attribute_id] = attribute
        self.save()
        return attribute

    def update_user_attribute(self, attribute_id: str, changes: dict[str, Any]) -> None:
        self.user_attributes[attribute_id].update(changes)
        self.save()

    def delete_user_attribute(self, attribute_id: str) -> None:
        del self.user_attributes[attribute_id]
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

    def public_singleton(self, singleton: models.Singleton) -> dict[str, Any]:
        """A singleton as ``GET`` answers it: every field of its model."""
        values = self.singletons[singleton.id]
        answer = {name: values.get(name) for name in models.rules(singleton.model)}
        if "can" in answer:
            answer["can"] = {"show": True, "update": True}
        return answer

    def snapshot(self) -> dict[str, Any]:
        """Everything the instance holds but secrets."""
        return {
            **{s.id: self.public_singleton(s) for s in models.SINGLETONS},
            "users": [attrs.asdict(u) for u in self.users.values()],
            "credentials_api3": [
                attrs.asdict(k, filter=lambda a, _: a.name != "secret_hash")
                for k in self.keys.values()
            ],
            "user_attributes": [dict(a) for a in self.user_attributes.values()],
            "sessions": len(self.sessions),
            "actions": dict(self.actions),
        }
