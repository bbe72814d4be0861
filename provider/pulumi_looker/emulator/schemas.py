"""The shapes of the objects Looker holds for sign-in (SAML, OIDC, LDAP) and database
connections, as Looker API 4.0's description has them (``tests/spec/looker-4.0.json``; a test
keeps each table equal to the description's schema), for the routes of ``sign_in.py`` and
``connections.py``.

One line a field: its name, its kind, then ``ro`` (``readOnly``: Looker sets it, a write's
value is ignored), ``null`` (``nullable``), ``wo`` (``x-looker-write-only``: kept, never
answered), ``secret`` (write-only, and kept only as its :func:`fingerprint`, as the emulator
keeps every secret), ``objects`` (a list of objects) and ``since=R`` (the first release whose
description has it: the history of looker-open-source/sdk-codegen's
``spec/Looker.4.0.oas.json``; none: older than any release this project supports). A ``$ref``
is an object (``dict``) that may be null; ``DBConnection.dialect`` is read-only here, as Looker
answers it from ``dialect_name``.
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
SAML_CONFIG = Schema.declared(
    "SamlConfig",
    """
    can dict ro
    enabled bool
    idp_cert str null
    idp_cert_multi dict null since=26.0
    multi_certs_supported bool null since=26.0
    idp_url str null
    idp_issuer str null
    idp_audience str null
    allowed_clock_drift int null
    user_attribute_map_email str null
    user_attribute_map_first_name str null
    user_attribute_map_last_name str null
    new_user_migration_types str null
    alternate_email_login_allowed bool
    test_slug str ro null
    modified_at str ro null
    modified_by str ro null
    default_new_user_roles list ro null objects
    default_new_user_groups list ro null objects
    default_new_user_role_ids list null wo
    default_new_user_group_ids list null wo
    set_roles_from_groups bool
    groups_attribute str null
    groups list ro null objects
    groups_with_role_ids list null objects
    auth_requires_role bool
    user_attributes list ro null objects
    user_attributes_with_ids list null objects
    groups_finder_type str null
    groups_member_value str null
    bypass_login_page bool
    allow_normal_group_membership bool
    allow_roles_from_normal_groups bool
    allow_direct_roles bool
    url str ro null
    """,
)
#: ``OIDCConfig`` (oidc_config, update_oidc_config, create_oidc_test_config).
OIDC_CONFIG = Schema.declared(
    "OIDCConfig",
    """
    can dict ro
    alternate_email_login_allowed bool
    audience str null
    auth_requires_role bool
    authorization_endpoint str null
    default_new_user_group_ids list null wo
    default_new_user_groups list ro null objects
    default_new_user_role_ids list null wo
    default_new_user_roles list ro null objects
    enabled bool
    groups list ro null objects
    groups_attribute str null
    groups_with_role_ids list null objects
    identifier str null
    issuer str null
    modified_at str ro null
    modified_by str ro null
    new_user_migration_types str null
    scopes list null
    secret str null secret
    set_roles_from_groups bool
    test_slug str ro null
    token_endpoint str null
    user_attribute_map_email str null
    user_attribute_map_first_name str null
    user_attribute_map_last_name str null
    user_attributes list ro null objects
    user_attributes_with_ids list null objects
    userinfo_endpoint str null
    allow_normal_group_membership bool
    allow_roles_from_normal_groups bool
    allow_direct_roles bool
    url str ro null
    """,
)
#: ``LDAPConfig`` (ldap_config, update_ldap_config, test_ldap_config_*).
LDAP_CONFIG = Schema.declared(
    "LDAPConfig",
    """
    can dict ro
    alternate_email_login_allowed bool
    auth_password str null secret
    auth_requires_role bool
    auth_username str null
    connection_host str null
    connection_port str null
    connection_tls bool
    connection_tls_no_verify bool
    default_new_user_group_ids list null wo
    default_new_user_groups list ro null objects
    default_new_user_role_ids list null wo
    default_new_user_roles list ro null objects
    enabled bool
    force_no_page bool
    groups list ro null objects
    groups_base_dn str null
    groups_finder_type str null
    groups_member_attribute str null
    groups_objectclasses str null
    groups_user_attribute str null
    groups_with_role_ids list null objects
    has_auth_password bool ro
    merge_new_users_by_email bool
    modified_at str ro null
    modified_by str ro null
    set_roles_from_groups bool
    test_ldap_password str null secret
    test_ldap_user str null wo
    user_attribute_map_email str null
    user_attribute_map_first_name str null
    user_attribute_map_last_name str null
    user_attribute_map_ldap_id str null
    user_attributes list ro null objects
    user_attributes_with_ids list null objects
    user_bind_base_dn str null
    user_custom_filter str null
    user_id_attribute_names str null
    user_objectclass str null
    allow_normal_group_membership bool
    allow_roles_from_normal_groups bool
    allow_direct_roles bool
    url str ro null
    """,
)
#: ``DBConnection`` (all_connections, create_connection, connection, update_connection,
#: test_connection, test_connection_config).
DB_CONNECTION = Schema.declared(
    "DBConnection",
    """
    can dict ro
    name str
    dialect dict ro null
    snippets list ro objects
    pdts_enabled bool ro
    named_driver_version_requested str null
    named_driver_version_actual str ro null
    host str null
    port str null
    username str null
    password str null secret
    has_password bool ro since=26.0
    uses_oauth bool ro
    uses_key_pair_auth bool
    uses_instance_oauth bool ro
    uses_service_auth bool ro since=25.14
    certificate str null secret
    file_type str null wo
    database str null
    db_timezone str null
    query_timezone str null
    schema str null
    max_connections int null
    max_queries int null
    max_queries_per_user int null
    max_billing_gigabytes str null
    ssl bool
    verify_ssl bool
    tmp_db_name str null
    tmp_db_host str null
    jdbc_additional_params str null
    pool_timeout int null
    dialect_name str null
    supports_data_studio_link bool ro
    created_at str ro null
    user_id str ro null
    example bool ro
    user_db_credentials bool null
    user_attribute_fields list null
    maintenance_cron str null
    last_regen_at str ro null
    last_reap_at str ro null
    sql_runner_precache_tables bool
    sql_writing_with_info_schema bool
    after_connect_statements str null
    pdt_context_override dict null
    managed bool ro
    custom_local_port int null
    tunnel_id str null
    uses_tns bool null
    pdt_concurrency int null
    disable_context_comment bool null
    oauth_application_id str null
    always_retry_failed_builds bool null
    uses_application_default_credentials bool null
    impersonated_service_account str null
    cost_estimate_enabled bool null
    pdt_api_control_enabled bool null
    connection_pooling bool
    default_bq_connection bool ro
    bq_storage_project_id str null
    bq_roles_verified bool null
    p4sa_name str ro null
    query_holding_disabled bool
    service_name str null since=26.4
    """,
)
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
GROUP_MAPPING = Schema.declared(
    "SamlGroupWrite",
    """
    id str null
    looker_group_id str ro null
    looker_group_name str null
    name str null
    role_ids list null
    """,
)

#: ``SamlUserAttributeWrite``, ``OIDCUserAttributeWrite``, ``LDAPUserAttributeWrite``
#: (``user_attributes_with_ids``: one identity-provider attribute mapped to user attributes).
ATTRIBUTE_MAPPING = Schema.declared(
    "SamlUserAttributeWrite",
    """
    name str null
    required bool
    user_attribute_ids list null
    """,
)

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
