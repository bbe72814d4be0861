"""The rules of the pulumi-looker policy pack, as plain functions of a resource's properties and
the rule's config: each returns the violations in words (resource and rule are added by
CrossGuard). Kept apart from the pack so that they can be tested without an engine."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

#: The resources, by kind: the same rules hold for both faces' type tokens.
PASSWORD = "PasswordConfig"
SESSION = "SessionConfig"
SETTINGS = "InstanceSettings"
KEY = "ApiCredential"
ACCOUNT = "ServiceAccount"
PERMISSION_SET = "PermissionSet"
ROLE_ASSIGNMENT = "RoleAssignment"
USER = "User"
GROUP = "Group"
ATTRIBUTE = "UserAttribute"
#: The kinds of which a Looker instance has one (tests/test_policy_rules.py keeps these equal to
#: the kinds pulumi-looker declares: the pack runs without the package).
SAML, OIDC, LDAP = "SamlConfig", "OidcConfig", "LdapConfig"
CONNECTION = "Connection"
SINGLETONS = (PASSWORD, SESSION, SETTINGS, SAML, OIDC, LDAP)
#: The type token prefix of the dynamic resources, and of the provider plugin's.
DYNAMIC, PLUGIN = "pulumi-python:dynamic/looker:", "looker:index:"


def kind_of(resource_type: str) -> str | None:
    """``PasswordConfig`` for either face's token; None for anything else."""
    for prefix in (DYNAMIC, PLUGIN):
        if resource_type.startswith(prefix):
            return resource_type[len(prefix) :]
    return None


def props_of(resource_type: str, props: Mapping[str, Any]) -> dict[str, Any]:
    """A resource's properties as the rules read them: snake_case (the plugin's are camelCase)."""
    if not resource_type.startswith(PLUGIN):
        return dict(props)
    return {"".join(f"_{c.lower()}" if c.isupper() else c for c in k): v for k, v in props.items()}


#: The name of Looker's built-in role that may do everything.
ADMIN_ROLE = "Admin"

CLASSES = {
    "numeric": "require_numeric",
    "upperlower": "require_upperlower",
    "special": "require_special",
}


def _number(value: Any) -> Any:
    """Pulumi's wire carries every number as a float: 16.0 reads as 16."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _shown(value: Any) -> str:
    """A property as a stack's config writes it: ``not set``, ``true``, ``16``, ``""``."""
    if value is None:
        return "not set"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(_number(value))


def password_min_length(props: Mapping[str, Any], config: Mapping[str, Any]) -> list[str]:
    floor = _number(config["minimum"])
    value = props.get("min_length")
    if value is None:
        return [f"min_length is not managed by the stack; the floor is {floor}"]
    if value < floor:
        return [f"min_length is {_number(value)}; the floor is {floor}"]
    return []


def password_character_classes(props: Mapping[str, Any], config: Mapping[str, Any]) -> list[str]:
    return [
        f"{CLASSES[name]} is {_shown(props.get(CLASSES[name]))}; it must be true"
        for name in config["required"]
        if props.get(CLASSES[name]) is not True
    ]


def password_expiration(props: Mapping[str, Any], config: Mapping[str, Any]) -> list[str]:
    limit = _number(config["maxDays"])
    if props.get("expiration_enabled") is not True:
        return [f"expiration_enabled is {_shown(props.get('expiration_enabled'))}; it must be true"]
    days = _number(props.get("expiration_duration_days"))
    if days is None or days > limit:
        return [f"expiration_duration_days is {_shown(days)}; at most {limit}"]
    return []


def key_purpose(props: Mapping[str, Any], config: Mapping[str, Any]) -> list[str]:
    if not props.get("purpose"):
        return [f"purpose is {_shown(props.get('purpose'))}; every API key needs one"]
    return []


def restore_on_delete(props: Mapping[str, Any], config: Mapping[str, Any]) -> list[str]:
    if props.get("restore_on_delete") and not config["allowed"]:
        return ["restore_on_delete is true; destroying must not weaken this environment"]
    return []


def session_max_minutes(props: Mapping[str, Any], config: Mapping[str, Any]) -> list[str]:
    limit = _number(config["maximum"])
    value = _number(props.get("session_minutes"))
    if value is None or value > limit:
        return [f"session_minutes is {_shown(value)}; at most {limit}"]
    return []


def session_concurrency(props: Mapping[str, Any], config: Mapping[str, Any]) -> list[str]:
    if not config["allowUnlimited"] and props.get("unlimited_sessions_per_user") is not False:
        value = props.get("unlimited_sessions_per_user")
        return [f"unlimited_sessions_per_user is {_shown(value)}; it must be false"]
    return []


def automated_mfa(props: Mapping[str, Any], config: Mapping[str, Any]) -> list[str]:
    if props.get("automated_mfa_enabled") is not True:
        value = _shown(props.get("automated_mfa_enabled"))
        return [f"automated_mfa_enabled is {value}; it must be true"]
    return []


def email_domain_allowlist(props: Mapping[str, Any], config: Mapping[str, Any]) -> list[str]:
    if not props.get("email_domain_allowlist"):
        return [
            f"email_domain_allowlist is {_shown(props.get('email_domain_allowlist'))}; scheduled "
            "content must be limited to the company's email domains"
        ]
    return []


def service_account_admin(props: Mapping[str, Any], config: Mapping[str, Any]) -> list[str]:
    """A service account whose roles (as given, or as Looker named them) include Admin, unless
    its name is one this environment allows."""
    named = [*(props.get("roles") or []), *(props.get("role_names") or [])]
    if not any(str(role).lower() == ADMIN_ROLE.lower() for role in named):
        return []
    name = props.get("service_account_name")
    if name in (config.get("allowed") or []):
        return []
    return [
        f"roles include {ADMIN_ROLE}; service account {_shown(name)} may not have it (allowed: "
        f"{', '.join(config.get('allowed') or []) or 'none'})"
    ]


#: Permissions that make whoever holds them an administrator of the instance.
POWERS = ("administer", "sudo")


def permission_set_powers(props: Mapping[str, Any], config: Mapping[str, Any]) -> list[str]:
    """A permission set that grants ``administer`` or ``sudo``, unless its name is one this
    environment allows."""
    granted = [p for p in POWERS if p in (props.get("permissions") or [])]
    name = props.get("name")
    if not granted or name in (config.get("allowed") or []):
        return []
    return [
        f"permissions include {', '.join(granted)}; permission set {_shown(name)} may not grant "
        f"them (allowed: {', '.join(config.get('allowed') or []) or 'none'})"
    ]


def admin_role_holders(
    resources: Iterable[tuple[str, str, Mapping[str, Any]]], config: Mapping[str, Any]
) -> list[str]:
    """(kind, name, properties) of the stack's resources: each user and group that a
    RoleAssignment or a User gives one of the admin roles (``adminRoleIds``) must be allowed
    by name (a declared user's email, a declared group's name) or by id. An id not known yet
    (a resource made in the same run, at preview) is checked when it is."""
    admin = {str(r) for r in config.get("adminRoleIds") or ()}
    allowed = {str(a).lower() for a in config.get("allowed") or ()}
    resources = list(resources)
    emails = {
        str(p["user_id"]): p.get("email") for k, _, p in resources if k == USER and p.get("user_id")
    }
    groups = {
        str(p["group_id"]): p.get("name")
        for k, _, p in resources
        if k == GROUP and p.get("group_id")
    }

    def refused(kind: str, some_id: Any, names: Mapping[str, Any]) -> str | None:
        if not isinstance(some_id, str) or not some_id:
            return None  # unknown at preview
        label = names.get(some_id)
        if some_id.lower() in allowed or (label and str(label).lower() in allowed):
            return None
        return f"{kind} {label!r} ({some_id})" if label else f"{kind} {some_id}"

    found = []
    for kind, name, props in resources:
        if kind == ROLE_ASSIGNMENT and str(props.get("role_id")) in admin:
            holders = [
                *(refused("user", u, emails) for u in props.get("user_ids") or ()),
                *(refused("group", g, groups) for g in props.get("group_ids") or ()),
            ]
        elif kind == USER and admin & {str(r) for r in props.get("role_ids") or ()}:
            email = props.get("email")
            ok = isinstance(email, str) and email.lower() in allowed
            holders = [] if ok or not email else [f"user {email!r}"]
        else:
            continue
        for holder in (h for h in holders if h):
            found.append(
                f"{name}: {holder} would hold the Admin role (allowed: "
                f"{', '.join(config.get('allowed') or []) or 'none'})"
            )
    return found


#: Words in a user attribute's name or label that say it holds a secret.
SECRET_WORDS = ("password", "secret", "token", "api_key", "apikey", "credential", "private_key")


def secret_attributes_hidden(props: Mapping[str, Any], config: Mapping[str, Any]) -> list[str]:
    """A user attribute whose name or label says it holds a secret is hidden
    (``value_is_hidden``), so that no user and no API answer shows its value."""
    words = [str(w).lower() for w in config.get("words") or SECRET_WORDS]
    text = f"{props.get('name') or ''} {props.get('label') or ''}".lower().replace(" ", "_")
    said = next((w for w in words if w in text), None)
    if said is None or props.get("value_is_hidden") is True:
        return []
    return [
        f"value_is_hidden is {_shown(props.get('value_is_hidden'))}; user attribute "
        f"{_shown(props.get('name'))} holds a secret ({said!r} in its name or label), so it "
        "must be hidden"
    ]


def connection_tls(props: Mapping[str, Any], config: Mapping[str, Any]) -> list[str]:
    """A database connection talks TLS (``ssl``) and checks the server's certificate
    (``verify_ssl``): a password sent in the clear, or to whoever answers, is a leak."""
    return [
        f"{name} is {_shown(props.get(name))}; connection {_shown(props.get('name'))} must "
        "use TLS and verify the database's certificate"
        for name in ("ssl", "verify_ssl")
        if props.get(name) is not True
    ]


def sign_in_email_fallback(props: Mapping[str, Any], config: Mapping[str, Any]) -> list[str]:
    """A single sign-on method that is on keeps email login for admins
    (``alternate_email_login_allowed``): with it off, an identity provider that fails locks
    everyone out."""
    if props.get("enabled") is not True or props.get("alternate_email_login_allowed") is True:
        return []
    return [
        f"alternate_email_login_allowed is {_shown(props.get('alternate_email_login_allowed'))}; "
        "a sign-in method that is on must keep email login for admins"
    ]


def keys_of_disabled_accounts(
    keys: Iterable[tuple[str, Mapping[str, Any]]],
    accounts: Iterable[tuple[str, Mapping[str, Any]]],
) -> list[str]:
    """Keys the stack declares for a service account the stack disables: the key cannot log in,
    and whoever holds it should not think it can."""
    disabled = {
        props.get("user_id"): name for name, props in accounts if props.get("is_disabled") is True
    }
    return [
        f"{name}: its user is service account {disabled[props.get('user_id')]!r}, which is "
        "disabled; delete the key or enable the account"
        for name, props in keys
        if props.get("user_id") in disabled
    ]


def key_age(
    resources: Iterable[tuple[str, Mapping[str, Any]]],
    config: Mapping[str, Any],
    now: datetime.datetime,
) -> list[str]:
    """Keys the stack created (not adopted) whose ``created_at`` is more than maxDays ago."""
    limit = datetime.timedelta(days=_number(config["maxDays"]))
    found = []
    for name, props in resources:
        created = props.get("created_at")
        if not isinstance(created, str) or props.get("adopted"):
            continue
        moment = datetime.datetime.fromisoformat(created.replace("Z", "+00:00"))
        if moment.tzinfo is None:  # Looker's timestamps without an offset are UTC
            moment = moment.replace(tzinfo=datetime.timezone.utc)
        age = now - moment
        if age > limit:
            found.append(
                f"{name}: created_at is {created} ({age.days} days ago); rotate it (at most "
                f"{_number(config['maxDays'])} days)"
            )
    return found


def singletons_per_instance(resources: Iterable[tuple[str, str, Any]]) -> list[str]:
    """(kind, name, instance) of each singleton: at most one per kind and instance (a profile,
    or the plugin's explicit provider; None: the default one)."""
    seen: dict[tuple[str, Any], str] = {}
    found = []
    for kind, name, profile in resources:
        first = seen.setdefault((kind, profile), name)
        if first != name:
            where = "the default instance" if profile is None else str(profile)
            found.append(f"{kind} {name!r} and {first!r} both manage {where}")
    return found
