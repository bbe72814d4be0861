"""The shapes of the objects Looker holds for sign-in (SAML, OIDC, LDAP) and database
connections, for the routes of ``sign_in.py`` and ``connections.py``: each from the model that
declares it (``pulumi_looker.models``: fields, writable or not, write-only and secret ones, the
release that introduced each), with what the models leave out from a table here
(``DBConnection.pdt_context_override`` and its ``DBConnectionOverride``). A test keeps each
equal to Looker API 4.0's description (``tests/spec/looker-4.0.json``).

A table has one line a field: its name, its kind, then ``ro`` (``readOnly``: Looker sets it, a
write's value is ignored), ``null`` (``nullable``), ``wo`` (``x-looker-write-only``: kept, never
answered), ``secret`` (write-only, and kept only as its :func:`fingerprint`, as the emulator
keeps every secret), ``objects`` (a list of objects) and ``since=R`` (the first release whose
description has it). A ``$ref`` is an object (``dict``) that may be null.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import attrs

from pulumi_looker import models
from pulumi_looker.models import FieldRule

_KINDS: dict[str, type] = {"str": str, "bool": bool, "int": int, "list": list, "dict": dict}


def fingerprint(secret: str) -> str:
    """What the emulator keeps of a secret: its SHA-256, so that a test can tell which value
    Looker holds without the state, the snapshot or the request log holding it."""
    return f"sha256:{hashlib.sha256(secret.encode()).hexdigest()}"


@attrs.frozen
class Schema:
    """One schema of the API description: each field's rule (``rules``), which fields are
    write-only (``write_only``) and which of those are secrets (``secrets``)."""

    name: str
    rules: Mapping[str, FieldRule]
    write_only: frozenset[str] = frozenset()
    secrets: frozenset[str] = frozenset()

    @classmethod
    def declared(cls, name: str, table: str) -> Schema:
        """The schema ``name`` from its table (see the module's text)."""
        rules: dict[str, FieldRule] = {}
        write_only, secrets = set(), set()
        for line in table.strip().splitlines():
            field, kind, *flags = line.split()
            since = next((f.removeprefix("since=") for f in flags if f.startswith("since=")), None)
            rules[field] = FieldRule(
                _KINDS[kind],
                writable="ro" not in flags,
                nullable="null" in flags,
                since=since,
                items=dict if "objects" in flags else str,
            )
            if "wo" in flags or "secret" in flags:
                write_only.add(field)
            if "secret" in flags:
                secrets.add(field)
        return cls(name, rules, frozenset(write_only), frozenset(secrets))

    @classmethod
    def of(cls, name: str, model: type, table: str = "") -> Schema:
        """The schema ``name`` from the model that declares it (``pulumi_looker.models``, the
        one home of its fields), and from ``table`` the fields the model leaves out or that
        Looker takes otherwise than the provider writes them. A list of objects of a model
        (a group mapping) is a list of objects here, an object of a model an object: Looker ignores
        what it does not take."""
        extra = cls.declared(name, table)
        rules = {
            n: attrs.evolve(r, items=dict if r.kind is list else str)
            if r.items not in (str, dict)
            else r
            for n, r in models.rules(model).items()
            if n not in extra.rules
        }
        write_only = {n for n, r in rules.items() if r.write_only} | extra.write_only
        secrets = {n for n, r in rules.items() if r.write_only and r.secret} | extra.secrets
        return cls(name, {**rules, **extra.rules}, frozenset(write_only), frozenset(secrets))

    def fields_in(self, release: str) -> tuple[str, ...]:
        """The fields release ``release`` has."""
        have = models.parse_release(release)
        return tuple(
            name
            for name, rule in self.rules.items()
            if rule.since is None or models.parse_release(rule.since) <= have
        )

    def answered(self, release: str) -> tuple[str, ...]:
        """The fields an answer of release ``release`` carries: all it has but write-only ones."""
        return tuple(name for name in self.fields_in(release) if name not in self.write_only)

    def blank(self) -> dict[str, Any]:
        """A record with every writable field empty: false, an empty list, or null."""
        empty: dict[type, Any] = {bool: False, list: []}
        return {
            name: None if rule.nullable and rule.kind is not list else empty.get(rule.kind)
            for name, rule in self.rules.items()
            if rule.writable
        }


#: ``SamlConfig`` (saml_config, update_saml_config, create_saml_test_config).
SAML_CONFIG = Schema.of("SamlConfig", models.SamlConfig)
#: ``OIDCConfig`` (oidc_config, update_oidc_config, create_oidc_test_config).
OIDC_CONFIG = Schema.of("OIDCConfig", models.OIDCConfig)
#: ``LDAPConfig`` (ldap_config, update_ldap_config, test_ldap_config_*).
LDAP_CONFIG = Schema.of("LDAPConfig", models.LDAPConfig)
#: ``DBConnection`` (all_connections, create_connection, connection, update_connection,
#: test_connection, test_connection_config).
DB_CONNECTION = Schema.of("DBConnection", models.DBConnection, "pdt_context_override dict null")
#: ``DBConnectionOverride`` (DBConnection.pdt_context_override).
DB_CONNECTION_OVERRIDE = Schema.declared(
    "DBConnectionOverride",
    """
    context str
    host str null
    pdt_host str null
    port str null
    pdt_port str null
    username str null
    pdt_username str null
    password str null secret
    pdt_password str null secret
    has_password bool ro
    certificate str null secret
    pdt_certificate str null secret
    file_type str null wo
    pdt_file_type str null wo
    database str null
    pdt_database str null
    schema str null
    pdt_schema str null
    jdbc_additional_params str null
    pdt_jdbc_additional_params str null
    after_connect_statements str null
    pdt_after_connect_statements str null
    pdt_service_name str null since=26.4
    """,
)

#: ``SamlGroupWrite``, ``OIDCGroupWrite``, ``LDAPGroupWrite`` (``groups_with_role_ids``: one
#: identity-provider group mapped to a Looker group and roles; SAML's and LDAP's add ``url``).
GROUP_MAPPING = Schema.of("SamlGroupWrite", models.GroupRoleMapping, "id str null")

#: ``SamlUserAttributeWrite``, ``OIDCUserAttributeWrite``, ``LDAPUserAttributeWrite``
#: (``user_attributes_with_ids``: one identity-provider attribute mapped to user attributes).
ATTRIBUTE_MAPPING = Schema.of("SamlUserAttributeWrite", models.AttributeMapping)

#: Every field any of these schemas keeps as a fingerprint.
SECRET_FIELDS: frozenset[str] = frozenset().union(
    *(
        s.secrets
        for s in (SAML_CONFIG, OIDC_CONFIG, LDAP_CONFIG, DB_CONNECTION, DB_CONNECTION_OVERRIDE)
    )
)


def masked(value: Any) -> Any:
    """``value`` (a request body, or changes) as the emulator keeps and logs it: the string of
    each secret field, however deep, as its :func:`fingerprint`."""
    if isinstance(value, dict):
        return {
            k: fingerprint(v) if k in SECRET_FIELDS and isinstance(v, str) else masked(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [masked(item) for item in value]
    return value


#: The sign-in configurations, by their singleton's id (its path without the slash).
SIGN_IN: dict[str, Schema] = {
    "saml_config": SAML_CONFIG,
    "oidc_config": OIDC_CONFIG,
    "ldap_config": LDAP_CONFIG,
}
