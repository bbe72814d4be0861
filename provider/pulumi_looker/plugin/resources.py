"""The resources and functions the plugin serves, and the package schema generated from the
kinds' declarations (``pulumi_looker.resources.KINDS``) and the models: one source for names,
types, ranges, read-only fields, secrets and releases."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_looker import models
from pulumi_looker.resources import KINDS, Kind
from pulumi_looker.resources.kind import camel_case

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
        spec["items"] = _items(rule.items)
    elif rule.kind is dict and rule.items not in (str, dict):
        spec = {"$ref": f"#/types/{_type_token(rule.items)}", "description": description}
    return spec


def _items(items: type) -> dict[str, Any]:
    """A list's items: strings, objects of strings, or objects of a model (its type)."""
    if items is str:
        return {"type": "string"}
    if items is dict:
        return {"type": "object", "additionalProperties": {"type": "string"}}
    return {"$ref": f"#/types/{_type_token(items)}"}


def _type_token(model: type) -> str:
    return f"{PACKAGE}:index:{model.__name__}"


def object_types() -> dict[str, Any]:
    """The schema's object types: each model that is a list's items or an object in some kind
    (a mapping of an identity provider's group, SAML's certificates), with its writable
    fields, named as Looker names them (nested names are not translated, see ``values``)."""
    models_used = {
        rule.items
        for kind in KINDS
        for rule in kind.inputs.values()
        if rule.kind in (list, dict) and rule.items not in (str, dict)
    }
    return {
        _type_token(model): {
            "type": "object",
            "description": " ".join((model.__doc__ or "").split("\n\n")[0].split()),
            "properties": {
                n: _property(r, n) for n, r in models.rules(model).items() if r.writable
            },
        }
        for model in sorted(models_used, key=lambda m: m.__name__)
    }


def resource_schema(kind: Kind) -> dict[str, Any]:
    """A kind's schema: its plugin inputs, and every property its state has."""

    def spec(fields: Mapping[str, models.FieldRule]) -> dict[str, Any]:
        return {
            camel_case(n): {
                **_property(r, n),
                **({"secret": True} if n in kind.secrets else {}),
                **({"replaceOnChanges": True} if n in kind.replace_on_changes else {}),
            }
            for n, r in fields.items()
        }

    inputs = kind.plugin_inputs
    schema = {
        "description": kind.description,
        "inputProperties": spec(inputs),
        "properties": spec({**inputs, **kind.outputs}),
    }
    if kind.required:
        schema["requiredInputs"] = [camel_case(n) for n in kind.required]
    return schema


#: The kinds the plugin serves, by type token.
RESOURCES: dict[str, Kind] = {kind.token: kind for kind in KINDS}

GET_USER = f"{PACKAGE}:index:getUser"
#: A function per collection kind that finds one of its objects by name: ``getPermissionSet``.
LOOKUPS: dict[str, Kind] = {
    f"{PACKAGE}:index:get{kind.name}": kind for kind in KINDS if kind.collection is not None
}


def lookup_schema(kind: Kind) -> dict[str, Any]:
    """A lookup's schema: ``name`` in; the object's id and fields out."""
    assert kind.collection is not None
    fields = {
        n: r for n, r in models.rules(kind.collection.model).items() if n not in ("can", "id")
    }
    return {
        "description": (
            f"A Looker {kind.collection.label} by name (case ignored), from the one listing of "
            f"{kind.collection.label}s a refresh reads too."
        ),
        "inputs": {"properties": {"name": {"type": "string"}}, "required": ["name"]},
        "outputs": {
            "properties": {
                camel_case(kind.collection.id_name): {"type": "string"},
                **{camel_case(n): _property(r, n) for n, r in fields.items()},
            },
            "required": [camel_case(kind.collection.id_name)],
        },
    }


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
        "types": object_types(),
        "resources": {token: resource_schema(kind) for token, kind in RESOURCES.items()},
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
            },
            **{token: lookup_schema(kind) for token, kind in LOOKUPS.items()},
        },
    }
