"""The resources and functions the plugin serves, and the package schema generated from the
models: one source for names, types, ranges, read-only fields, secrets and releases."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from pulumi_looker import models, stack_config
from pulumi_looker.resources.api_credential import ApiCredentialLogic
from pulumi_looker.resources.common import Connections
from pulumi_looker.resources.service_account import ServiceAccountLogic
from pulumi_looker.resources.singleton import SingletonLogic
from pulumi_looker.stack_config import (
    CREDENTIAL_INPUTS,
    SERVICE_ACCOUNT_INPUTS,
    SingletonKey,
    camel_case,
    settings_of,
)

PACKAGE = "looker"
#: The plugin's own settings, besides the connection's (``settings.ConnectionSettings``).
CONNECTION = {
    "baseUrl": ("string", "The instance's address, such as https://example.cloud.looker.com."),
    "clientId": ("string", "An admin's API client id."),
    "clientSecret": ("string", "Its client secret (or LOOKERSDK_CLIENT_SECRET)."),
    "verifySsl": ("boolean", "Verify TLS certificates (default true)."),
    "timeout": ("number", "Seconds a request may take (default 120)."),
    "caBundle": ("string", "A PEM file of CAs to trust instead of the system's."),
}
OPTIONS = {
    "maxConcurrency": (
        "integer",
        "Operations the plugin runs at once (default 32); each is one or two Looker calls.",
    ),
    "keyMaxAgeDays": (
        "integer",
        "A warning names each API key the stack created that is older (default 90 days).",
    ),
}
CONFIG_SECRETS = ("clientSecret",)

_TYPES = {bool: "boolean", int: "integer", str: "string", dict: "object", list: "array"}


def _property(rule: models.FieldRule, name: str) -> dict[str, Any]:
    """A property's schema: its type, and in words what Looker accepts and since when."""
    description = f"{name.replace('_', ' ').capitalize()}: {rule.describe()}."
    if rule.since:
        description += f" Needs Looker {rule.since} or newer."
    spec: dict[str, Any] = {"type": _TYPES[rule.kind], "description": description}
    if rule.kind is list:
        spec["items"] = {"type": "string"}
    return spec


#: What a kind warns of in a resource's state, given ``keyMaxAgeDays``: a message, or None.
StateWarning = Callable[[Mapping[str, Any], datetime.timedelta], str | None]


def overdue_key(state: Mapping[str, Any], max_age: datetime.timedelta) -> str | None:
    """A key the stack created that is older than ``keyMaxAgeDays``: say so, and how to rotate
    it. Not an error: the key works until someone rotates it."""
    created = state.get("created_at")
    if state.get("adopted") is not False or not isinstance(created, str):
        return None
    age = models.age_of(created)
    if age <= max_age:
        return None
    return (
        f"API key {state.get('credentials_api3_id')} of user {state.get('user_id')} was "
        f"created {age.days} days ago (looker:keyMaxAgeDays is {max_age.days}): change its "
        "rotation to replace it"
    )


@attrs.frozen
class PluginResource:
    """One resource the plugin serves, over its logic."""

    name: str
    description: str
    logic: Callable[[Connections], Any]
    #: snake_case inputs with their rules; outputs likewise (inputs are outputs too).
    inputs: dict[str, models.FieldRule]
    outputs: dict[str, models.FieldRule]
    secrets: tuple[str, ...] = ()
    replace_on_changes: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    #: What a refresh or a diff of this kind warns of, if anything.
    warning: StateWarning | None = None

    @property
    def token(self) -> str:
        return f"{PACKAGE}:index:{self.name}"

    def schema(self) -> dict[str, Any]:
        def spec(fields: dict[str, models.FieldRule]) -> dict[str, Any]:
            return {
                camel_case(n): {
                    **_property(r, n),
                    **({"secret": True} if n in self.secrets else {}),
                    **({"replaceOnChanges": True} if n in self.replace_on_changes else {}),
                }
                for n, r in fields.items()
            }

        schema = {
            "description": self.description,
            "inputProperties": spec(self.inputs),
            "properties": spec({**self.inputs, **self.outputs}),
        }
        if self.required:
            schema["requiredInputs"] = [camel_case(n) for n in self.required]
        return schema


_BOOL = models.FieldRule(bool, writable=True)
_STR = models.FieldRule(str, writable=True)
_LIST = models.FieldRule(list)
_MAP = models.FieldRule(dict)


def _singleton(key: SingletonKey, description: str) -> PluginResource:
    singleton = key.singleton
    rules = models.rules(singleton.model)
    settings = {n: rules[n] for n in settings_of(singleton)}
    read_only = {n: r for n, r in rules.items() if not r.writable and n != "can"}
    actions = {name: _STR for name in singleton.actions}
    return PluginResource(
        name=key.type_name,
        description=description,
        logic=lambda connections: SingletonLogic(singleton, connections),
        inputs={**settings, **actions, "restore_on_delete": _BOOL, "takeover": _BOOL},
        outputs={**read_only, "managed_fields": _LIST, "initial_config": _MAP},
    )


_KEY = models.rules(models.CreateCredentialsApi3)
_ACCOUNT = models.rules(models.ServiceAccount)
RESOURCES = {
    r.token: r
    for r in (
        _singleton(
            stack_config.PASSWORD_POLICY,
            "Looker's instance-wide password policy: only the settings given are managed.",
        ),
        _singleton(
            stack_config.SESSION_POLICY,
            "Looker's session policy: only the settings given are managed.",
        ),
        _singleton(
            stack_config.INSTANCE_SETTINGS,
            "Looker's instance-wide settings (multi-factor authentication, email domains, time "
            "zones, extensions, certification...): only the settings given are managed.",
        ),
        PluginResource(
            name="ApiCredential",
            description="A Looker user's API3 key: created (and rotated), or adopted by id.",
            logic=ApiCredentialLogic,
            inputs={
                "user_id": _STR,
                "user_email": _STR,
                "credentials_api3_id": _STR,
                "purpose": _KEY["purpose"],
                "rotation": _STR,
                "keep_previous": _BOOL,
            },
            outputs={
                **{n: r for n, r in _KEY.items() if not r.writable and n not in ("can", "id")},
                "adopted": models.FieldRule(bool),
                "original_purpose": models.FieldRule(str),
                "managed_fields": _LIST,
                "previous_credentials_api3_id": models.FieldRule(str),
                "previous_client_id": models.FieldRule(str),
                "previous_created_at": models.FieldRule(str),
                "previous_age_days": models.FieldRule(int),
            },
            secrets=("client_secret",),
            # A rotation replaces the key, unless keep_previous: the logic's diff says which.
            replace_on_changes=("user_id", "credentials_api3_id"),
            warning=overdue_key,
        ),
        PluginResource(
            name="ServiceAccount",
            description=(
                "A Looker service account (Looker 25.18 and newer) with its roles; destroy "
                "disables it unless deleteOnDestroy (deleting cannot be undone)."
            ),
            logic=ServiceAccountLogic,
            inputs={
                **{n: r for n, r in _ACCOUNT.items() if r.writable},
                "user_id": _STR,
                "roles": models.FieldRule(list, writable=True),
                "delete_on_destroy": _BOOL,
            },
            outputs={
                **{n: r for n, r in _ACCOUNT.items() if not r.writable and n not in ("can", "id")},
                "resolved_role_ids": _LIST,
                "role_names": _LIST,
                "adopted": models.FieldRule(bool),
            },
            replace_on_changes=("user_id",),
        ),
    )
}
assert set(RESOURCES["looker:index:ApiCredential"].inputs) == set(CREDENTIAL_INPUTS) - {"profile"}
assert set(RESOURCES["looker:index:ServiceAccount"].inputs) == set(SERVICE_ACCOUNT_INPUTS) - {
    "profile"
}

GET_USER = f"{PACKAGE}:index:getUser"


def schema(version: str) -> dict[str, Any]:
    """The package schema (``pulumi package get-schema``)."""
    variables = {
        name: {
            "type": kind,
            "description": text,
            **({"secret": True} if name in CONFIG_SECRETS else {}),
        }
        for name, (kind, text) in {**CONNECTION, **OPTIONS}.items()
    }
    return {
        "name": PACKAGE,
        "displayName": "Looker",
        "version": version,
        "description": "Looker (Google Cloud core) instance settings through Looker API 4.0.",
        "config": {"variables": variables},
        "provider": {"inputProperties": variables},
        "resources": {token: r.schema() for token, r in RESOURCES.items()},
        "functions": {
            GET_USER: {
                "description": "A Looker user by email or id, from one listing of users.",
                "inputs": {
                    "properties": {
                        "email": {"type": "string"},
                        "id": {"type": "string"},
                    }
                },
                "outputs": {
                    "properties": {
                        "id": {"type": "string"},
                        "email": {"type": "string"},
                        "credentialsApi3Ids": {"type": "array", "items": {"type": "string"}},
                    },
                    "required": ["id", "credentialsApi3Ids"],
                },
            }
        },
    }
