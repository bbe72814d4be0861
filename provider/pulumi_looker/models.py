"""Looker API 4.0 objects, written from the official OpenAPI description.

This module is the single source of truth for field names, which fields are writable (not
``readOnly`` in the spec) and their valid ranges. The client, the resources' check and diff, and
the emulator all read these rules; nothing else restates them.
"""

from __future__ import annotations

import datetime
import difflib
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

import attrs

_RULE = "pulumi_looker.rule"

T = TypeVar("T")


Release = tuple[int, ...]

#: The Looker release whose API description these models follow (tests/spec/looker-4.0.json).
API_RELEASE = "26.12.3"


def parse_release(text: str) -> Release:
    """``"26.12.3"`` -> ``(26, 12, 3)``: Looker releases compare as tuples."""
    parts = []
    for part in str(text).split("."):
        digits = "".join(c for c in part if c.isdigit())
        if not digits:
            break
        parts.append(int(digits))
    if not parts:
        raise ValueError(f"not a Looker release: {text!r}")
    return tuple(parts)


@attrs.frozen
class FieldRule:
    """What Looker accepts for one field, and the Looker release that introduced it (None:
    older than any release this project supports)."""

    kind: type
    writable: bool = False
    nullable: bool = True
    minimum: int | None = None
    maximum: int | None = None
    since: str | None = None
    #: A list's items: strings, objects of string values (``dict``), or objects of a model's
    #: fields (a model class, such as :class:`GroupRoleMapping`); an object's model, if it has
    #: one (:class:`SamlIdpCertMulti`).
    items: type = str
    #: A secret (a password): a Pulumi secret from input to state.
    secret: bool = False
    #: Looker takes it and never answers it (``(Write-Only)`` in the API description).
    write_only: bool = False
    #: For a write-only list of ids: the read-only field of objects whose ids Looker answers
    #: instead (``default_new_user_group_ids`` is answered as ``default_new_user_groups``).
    answered_as: str | None = None
    #: For a write-only secret: the read-only flag that says whether Looker holds one
    #: (``has_auth_password``).
    held_as: str | None = None

    def describe(self) -> str:
        """The allowed values, in words."""
        if self.kind is bool:
            return "a boolean (true or false)"
        if self.kind is int:
            if self.minimum is not None and self.maximum is not None:
                return f"an integer from {self.minimum} to {self.maximum}"
            return "an integer"
        if self.kind is str:
            return "a string"
        if self.kind is list:
            if self.items is dict:
                return "a list of objects"
            if self.items is not str:
                return f"a list of objects with {', '.join(writable_fields(self.items))}"
            return "a list of strings"
        if self.kind is dict:
            if self.items not in (str, dict):
                return f"an object with {', '.join(writable_fields(self.items))}"
            return "an object"
        return f"a {self.kind.__name__}"

    def same(self, left: Any, right: Any) -> bool:
        """Whether two values are the same setting for Looker: a list of strings is a set (Looker
        keeps its own order), a list of objects a set of their writable fields (Looker adds
        read-only ones, such as a mapping's ``id``)."""
        if self.kind is list and isinstance(left, list) and isinstance(right, list):
            return _comparable(self.items, left) == _comparable(self.items, right)
        return bool(self.normalize(left) == self.normalize(right))

    def normalize(self, value: Any) -> Any:
        """``value`` as Looker wants it: Pulumi's wire format carries every number as a float,
        so a whole float becomes an int for an integer field. Anything else is left as it is."""
        if self.kind is int and isinstance(value, float) and value.is_integer():
            return int(value)
        return value

    def reason(self, name: str, value: Any) -> str | None:
        """Why ``value`` is not acceptable for field ``name``, or None when it is."""
        value = self.normalize(value)
        if not _is_kind(value, self.kind, self.items) or (
            self.kind is int
            and (
                (self.minimum is not None and value < self.minimum)
                or (self.maximum is not None and value > self.maximum)
            )
        ):
            return f"{name} must be {self.describe()}, got {value!r}"
        return None


def _is_kind(value: Any, kind: type, items: type = str) -> bool:
    if kind is int:
        # bool is an int in Python, but never a valid integer setting.
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is list:
        return isinstance(value, list) and all(_is_item(item, items) for item in value)
    if kind is dict and items not in (str, dict):
        return _is_item(value, items)
    return isinstance(value, kind)


def _is_item(item: Any, items: type) -> bool:
    """Whether ``item`` is one of a list's ``items``; an object of a model's fields sets only
    its writable fields, each of its kind."""
    if items in (str, dict) or not isinstance(item, dict):
        return isinstance(item, items)
    known = rules(items)
    return all(
        name in known
        and known[name].writable
        and (value is None or _is_kind(known[name].normalize(value), known[name].kind))
        for name, value in item.items()
    )


def _comparable(items: type, values: list[Any]) -> list[str]:
    """A list as a sorted list of keys: the strings, or each object's writable fields that are
    set (its lists sorted)."""
    if items in (str, dict):
        return sorted(map(repr, values))
    writable = writable_fields(items)
    return sorted(
        repr(
            sorted(
                (k, sorted(map(str, v)) if isinstance(v, list) else v)
                for k, v in item.items()
                if k in writable and v is not None
            )
        )
        for item in values
        if isinstance(item, dict)
    )


def _field(
    kind: type,
    *,
    writable: bool = False,
    nullable: bool = True,
    minimum: int | None = None,
    maximum: int | None = None,
    since: str | None = None,
    secret: bool = False,
    required: bool = False,
    items: type = str,
    write_only: bool = False,
    answered_as: str | None = None,
    held_as: str | None = None,
) -> Any:
    """A model field with its rule. Absent from an answer it is None, unless ``required`` (every
    answer of every release carries it), or its kind is ``dict`` (then it is empty). A
    ``write_only`` field is writable."""
    rule = FieldRule(
        kind=kind,
        writable=writable or write_only,
        nullable=nullable,
        minimum=minimum,
        maximum=maximum,
        since=since,
        items=items,
        secret=secret,
        write_only=write_only,
        answered_as=answered_as,
        held_as=held_as,
    )
    if required:
        return attrs.field(metadata={_RULE: rule}, repr=not secret)
    if kind is dict:
        return attrs.field(factory=dict, metadata={_RULE: rule}, repr=not secret)
    return attrs.field(default=None, metadata={_RULE: rule}, repr=not secret)


@attrs.frozen(kw_only=True)
class PasswordConfig:
    """``PasswordConfig``: the instance-wide password policy."""

    can: dict[str, bool] = _field(dict, nullable=False)
    min_length: int | None = _field(int, writable=True, minimum=7, maximum=100)
    require_numeric: bool | None = _field(bool, writable=True, nullable=False)
    require_upperlower: bool | None = _field(bool, writable=True, nullable=False)
    require_special: bool | None = _field(bool, writable=True, nullable=False)
    expiration_enabled: bool | None = _field(bool, writable=True, nullable=False, since="26.0")
    expiration_duration_days: int | None = _field(
        int, writable=True, minimum=30, maximum=365, since="26.0"
    )
    policy_enabled_at: str | None = _field(str, since="26.0")


@attrs.frozen(kw_only=True)
class SessionConfig:
    """``SessionConfig``: how long and where users stay logged in."""

    can: dict[str, bool] = _field(dict, nullable=False)
    allow_persistent_sessions: bool | None = _field(bool, writable=True, nullable=False)
    session_minutes: int | None = _field(int, writable=True, minimum=5, maximum=43200)
    unlimited_sessions_per_user: bool | None = _field(bool, writable=True, nullable=False)
    use_inactivity_based_logout: bool | None = _field(bool, writable=True, nullable=False)
    track_session_location: bool | None = _field(bool, writable=True, nullable=False)


@attrs.frozen
class Singleton:
    """A settings object of which a Looker instance has exactly one: ``GET`` reads it and
    ``PATCH`` changes it at ``path``. Its resource id is the path without the slash."""

    model: type
    path: str
    #: What the object is, in words, for messages ("password policy").
    label: str
    #: Triggers: an input whose every new value ``PUT`` s the path once (input -> path).
    actions: Mapping[str, str] = attrs.field(factory=dict, eq=False)

    @property
    def id(self) -> str:
        return self.path.strip("/")


@attrs.frozen
class Collection:
    """Objects of which an instance has many, by id: listed (``GET``), made (``POST``) and
    deleted at ``path``, read and changed (``PATCH``) at ``path/{id}``."""

    model: type
    path: str
    #: What one object is, in words, for messages ("permission set").
    label: str

    @property
    def id_name(self) -> str:
        """The input and output that hold an object's Looker id: ``permission_set_id``."""
        return f"{self.label.replace(' ', '_')}_id"

    def import_id(self, object_id: str) -> str:
        """The resource id an import gives object ``object_id``: ``permission_set/7`` (a bare
        id could equal another imported resource's input, and the code ``pulumi import``
        prints would then link the two)."""
        return f"{self.label.replace(' ', '_')}/{object_id}"


@attrs.frozen(kw_only=True)
class Setting:
    """``Setting``: the instance-wide settings platform teams govern (Admin > General, and
    more). ``since`` is the release whose API description first has the field (the history of
    looker-open-source/sdk-codegen's spec/Looker.4.0.oas.json). Left out: ``host_url`` (a wrong
    value locks every user out), the deprecated fields and the nested configurations."""

    extension_framework_enabled: bool | None = _field(bool, writable=True, since="21.14")
    marketplace_enabled: bool | None = _field(bool, writable=True, since="21.14")
    onboarding_enabled: bool | None = _field(bool, writable=True, since="22.0")
    timezone: str | None = _field(str, writable=True, since="22.18")
    allow_user_timezones: bool | None = _field(bool, writable=True, since="22.18")
    data_connector_default_enabled: bool | None = _field(bool, writable=True, since="22.20")
    email_domain_allowlist: list[str] | None = _field(list, writable=True, since="23.0")
    dashboard_auto_refresh_restriction: bool | None = _field(bool, writable=True, since="24.14")
    dashboard_auto_refresh_minimum_interval: str | None = _field(str, writable=True, since="24.14")
    content_certification_documentation_link: str | None = _field(str, writable=True, since="26.0")
    revoke_certification_on_edits: bool | None = _field(bool, writable=True, since="26.2")
    is_content_certification_enabled: bool | None = _field(bool, writable=True, since="26.4")
    auto_certify_lookml_content: bool | None = _field(bool, writable=True, since="26.6")
    automated_mfa_enabled: bool | None = _field(bool, writable=True, since="26.12")


PASSWORD_CONFIG = Singleton(
    PasswordConfig,
    "/password_config",
    "password policy",
    actions={
        "force_password_reset": "/password_config/force_password_reset_at_next_login_for_all_users"
    },
)
SESSION_CONFIG = Singleton(SessionConfig, "/session_config", "session policy")
INSTANCE_SETTINGS = Singleton(Setting, "/setting", "instance settings")


@attrs.frozen(kw_only=True)
class GroupRoleMapping:
    """``SamlGroupWrite``, ``OIDCGroupWrite``, ``LDAPGroupWrite``: an identity provider's group
    (``name``), the Looker group it is mirrored as (``looker_group_name``) and the roles its
    members get."""

    id: str | None = _field(str)
    name: str | None = _field(str, writable=True)
    looker_group_name: str | None = _field(str, writable=True)
    looker_group_id: str | None = _field(str)
    role_ids: list[str] | None = _field(list, writable=True)


@attrs.frozen(kw_only=True)
class AttributeMapping:
    """``SamlUserAttributeWrite``, ``OIDCUserAttributeWrite``, ``LDAPUserAttributeWrite``: an
    identity provider's attribute (``name``) and the Looker user attributes it sets."""

    name: str | None = _field(str, writable=True)
    required: bool | None = _field(bool, writable=True, nullable=False)
    user_attribute_ids: list[str] | None = _field(list, writable=True)


@attrs.frozen(kw_only=True)
class SamlIdpCertMulti:
    """``SamlIdpCertMulti``: the identity provider's signing certificates, when it has several
    (each without its ``BEGIN``/``END`` lines)."""

    signing: list[str] | None = _field(list, writable=True)


@attrs.frozen(kw_only=True)
class SignInConfig:
    """What SAML, OIDC and LDAP sign-in share: turning it on, email login beside it, the roles
    and groups new users get, how the identity provider's groups and attributes map to
    Looker's groups, roles and user attributes."""

    can: dict[str, bool] = _field(dict, nullable=False)
    enabled: bool | None = _field(bool, writable=True, nullable=False)
    alternate_email_login_allowed: bool | None = _field(bool, writable=True, nullable=False)
    auth_requires_role: bool | None = _field(bool, writable=True, nullable=False)
    default_new_user_role_ids: list[str] | None = _field(
        list, write_only=True, answered_as="default_new_user_roles"
    )
    default_new_user_group_ids: list[str] | None = _field(
        list, write_only=True, answered_as="default_new_user_groups"
    )
    default_new_user_roles: list[dict[str, Any]] | None = _field(list, items=dict)
    default_new_user_groups: list[dict[str, Any]] | None = _field(list, items=dict)
    groups: list[dict[str, Any]] | None = _field(list, items=dict)
    groups_with_role_ids: list[dict[str, Any]] | None = _field(
        list, writable=True, items=GroupRoleMapping
    )
    modified_at: str | None = _field(str)
    modified_by: str | None = _field(str)
    set_roles_from_groups: bool | None = _field(bool, writable=True, nullable=False)
    user_attribute_map_email: str | None = _field(str, writable=True)
    user_attribute_map_first_name: str | None = _field(str, writable=True)
    user_attribute_map_last_name: str | None = _field(str, writable=True)
    user_attributes: list[dict[str, Any]] | None = _field(list, items=dict)
    user_attributes_with_ids: list[dict[str, Any]] | None = _field(
        list, writable=True, items=AttributeMapping
    )
    allow_normal_group_membership: bool | None = _field(bool, writable=True, nullable=False)
    allow_roles_from_normal_groups: bool | None = _field(bool, writable=True, nullable=False)
    allow_direct_roles: bool | None = _field(bool, writable=True, nullable=False)
    url: str | None = _field(str)


@attrs.frozen(kw_only=True)
class SamlConfig(SignInConfig):
    """``SamlConfig``: sign-in through a SAML identity provider."""

    idp_cert: str | None = _field(str, writable=True)
    idp_cert_multi: dict[str, Any] = _field(
        dict, writable=True, since="26.0", items=SamlIdpCertMulti
    )
    multi_certs_supported: bool | None = _field(bool, writable=True, since="26.0")
    idp_url: str | None = _field(str, writable=True)
    idp_issuer: str | None = _field(str, writable=True)
    idp_audience: str | None = _field(str, writable=True)
    allowed_clock_drift: int | None = _field(int, writable=True)
    new_user_migration_types: str | None = _field(str, writable=True)
    test_slug: str | None = _field(str)
    groups_attribute: str | None = _field(str, writable=True)
    groups_finder_type: str | None = _field(str, writable=True)
    groups_member_value: str | None = _field(str, writable=True)
    bypass_login_page: bool | None = _field(bool, writable=True, nullable=False)


@attrs.frozen(kw_only=True)
class OIDCConfig(SignInConfig):
    """``OIDCConfig``: sign-in through an OpenID Connect provider; ``secret`` is write-only."""

    audience: str | None = _field(str, writable=True)
    authorization_endpoint: str | None = _field(str, writable=True)
    groups_attribute: str | None = _field(str, writable=True)
    identifier: str | None = _field(str, writable=True)
    issuer: str | None = _field(str, writable=True)
    new_user_migration_types: str | None = _field(str, writable=True)
    scopes: list[str] | None = _field(list, writable=True)
    secret: str | None = _field(str, write_only=True, secret=True)
    test_slug: str | None = _field(str)
    token_endpoint: str | None = _field(str, writable=True)
    userinfo_endpoint: str | None = _field(str, writable=True)


@attrs.frozen(kw_only=True)
class LDAPConfig(SignInConfig):
    """``LDAPConfig``: sign-in against an LDAP directory; ``auth_password`` (the bind password)
    and the test user's credentials are write-only, ``has_auth_password`` says one is set."""

    auth_password: str | None = _field(
        str, write_only=True, secret=True, held_as="has_auth_password"
    )
    auth_username: str | None = _field(str, writable=True)
    connection_host: str | None = _field(str, writable=True)
    connection_port: str | None = _field(str, writable=True)
    connection_tls: bool | None = _field(bool, writable=True, nullable=False)
    connection_tls_no_verify: bool | None = _field(bool, writable=True, nullable=False)
    force_no_page: bool | None = _field(bool, writable=True, nullable=False)
    groups_base_dn: str | None = _field(str, writable=True)
    groups_finder_type: str | None = _field(str, writable=True)
    groups_member_attribute: str | None = _field(str, writable=True)
    groups_objectclasses: str | None = _field(str, writable=True)
    groups_user_attribute: str | None = _field(str, writable=True)
    has_auth_password: bool | None = _field(bool, nullable=False)
    merge_new_users_by_email: bool | None = _field(bool, writable=True, nullable=False)
    test_ldap_password: str | None = _field(str, write_only=True, secret=True)
    test_ldap_user: str | None = _field(str, write_only=True)
    user_attribute_map_ldap_id: str | None = _field(str, writable=True)
    user_bind_base_dn: str | None = _field(str, writable=True)
    user_custom_filter: str | None = _field(str, writable=True)
    user_id_attribute_names: str | None = _field(str, writable=True)
    user_objectclass: str | None = _field(str, writable=True)


SAML_CONFIG = Singleton(SamlConfig, "/saml_config", "SAML sign-in")
OIDC_CONFIG = Singleton(OIDCConfig, "/oidc_config", "OpenID Connect sign-in")
LDAP_CONFIG = Singleton(LDAPConfig, "/ldap_config", "LDAP sign-in")


@attrs.frozen(kw_only=True)
class CredentialsApi3:
    """``CredentialsApi3``: a user's API key, as every call but create returns it."""

    can: dict[str, bool] = _field(dict, nullable=False)
    id: str = _field(str, nullable=False, required=True)
    client_id: str | None = _field(str)
    created_at: str | None = _field(str)
    is_disabled: bool | None = _field(bool, nullable=False)
    type: str | None = _field(str)
    #: Since 25.14, with the PATCH of a key: before it, a key cannot change after create.
    purpose: str | None = _field(str, writable=True, since="25.14")
    url: str | None = _field(str)


@attrs.frozen(kw_only=True)
class CreateCredentialsApi3(CredentialsApi3):
    """``CreateCredentialsApi3``: the answer to create, the only one that carries the secret."""

    client_secret: str | None = _field(str, secret=True)


@attrs.frozen(kw_only=True)
class ServiceAccount:
    """``ServiceAccount`` (alpha since 25.18): a user that is a bot, with no email and no
    password, named by ``service_account_name``; its roles are set as any user's."""

    can: dict[str, bool] = _field(dict, nullable=False)
    id: str = _field(str, nullable=False, required=True)
    service_account_name: str | None = _field(str, writable=True, nullable=False, since="25.18")
    is_service_account: bool | None = _field(bool, nullable=False, since="25.18")
    is_disabled: bool | None = _field(bool, writable=True, nullable=False, since="25.18")
    group_ids: list[str] | None = _field(list, since="25.18")
    role_ids: list[str] | None = _field(list, since="25.18")
    created_at: str | None = _field(str, since="25.18")
    url: str | None = _field(str)


@attrs.frozen(kw_only=True)
class Role:
    """``Role``: what a user may do (``Admin``, ``Developer``...): a permission set over a
    model set."""

    id: str = _field(str, nullable=False, required=True)
    can: dict[str, bool] = _field(dict, nullable=False)
    name: str | None = _field(str, writable=True)
    permission_set_id: str | None = _field(str, writable=True)
    model_set_id: str | None = _field(str, writable=True)
    internal: bool | None = _field(bool, nullable=False)
    url: str | None = _field(str)


ROLES = Collection(Role, "/roles", "role")


@attrs.frozen(kw_only=True)
class Permission:
    """``Permission``: one thing a permission set may allow (``GET /permissions``)."""

    can: dict[str, bool] = _field(dict, nullable=False)
    permission: str | None = _field(str)
    parent: str | None = _field(str)
    description: str | None = _field(str)


@attrs.frozen(kw_only=True)
class PermissionSet:
    """``PermissionSet``: a named set of permissions; Looker's own (``Admin``...) are
    ``built_in`` and cannot change."""

    can: dict[str, bool] = _field(dict, nullable=False)
    id: str = _field(str, nullable=False, required=True)
    name: str | None = _field(str, writable=True)
    permissions: list[str] | None = _field(list, writable=True)
    all_access: bool | None = _field(bool, nullable=False)
    built_in: bool | None = _field(bool, nullable=False)
    url: str | None = _field(str)


@attrs.frozen(kw_only=True)
class ModelSet:
    """``ModelSet``: a named set of LookML models; Looker's own (``All``) are ``built_in``."""

    can: dict[str, bool] = _field(dict, nullable=False)
    id: str = _field(str, nullable=False, required=True)
    name: str | None = _field(str, writable=True)
    models: list[str] | None = _field(list, writable=True)
    all_access: bool | None = _field(bool, nullable=False)
    built_in: bool | None = _field(bool, nullable=False)
    url: str | None = _field(str)


PERMISSION_SETS = Collection(PermissionSet, "/permission_sets", "permission set")
MODEL_SETS = Collection(ModelSet, "/model_sets", "model set")


@attrs.frozen(kw_only=True)
class Group:
    """``Group``: users (and groups) that share roles; one that SAML, OIDC or LDAP manages is
    ``externally_managed`` and refuses writes."""

    can: dict[str, bool] = _field(dict, nullable=False)
    id: str = _field(str, nullable=False, required=True)
    name: str | None = _field(str, writable=True)
    can_add_to_content_metadata: bool | None = _field(bool, writable=True, nullable=False)
    contains_current_user: bool | None = _field(bool, nullable=False)
    external_group_id: str | None = _field(str)
    externally_managed: bool | None = _field(bool, nullable=False)
    include_by_default: bool | None = _field(bool, nullable=False)
    user_count: int | None = _field(int)


GROUPS = Collection(Group, "/groups", "group")


@attrs.frozen(kw_only=True)
class GroupHierarchy:
    """``GroupHierarchy``: a group as ``GET /groups/search/with_hierarchy`` lists it, with the
    groups it is in and the roles it grants: what memberships and role assignments read."""

    id: str = _field(str, nullable=False, required=True)
    name: str | None = _field(str)
    externally_managed: bool | None = _field(bool, nullable=False)
    include_by_default: bool | None = _field(bool, nullable=False)
    parent_group_ids: list[str] | None = _field(list)
    role_ids: list[str] | None = _field(list)


@attrs.frozen(kw_only=True)
class User:
    """``User``: a person who signs in (``credentials_email`` holds the address they sign in
    with; ``email`` is Looker's read-only copy of it); ``role_ids`` are its own roles,
    ``group_ids`` the groups it is directly in."""

    id: str = _field(str, nullable=False, required=True)
    first_name: str | None = _field(str, writable=True)
    last_name: str | None = _field(str, writable=True)
    locale: str | None = _field(str, writable=True)
    is_disabled: bool | None = _field(bool, writable=True, nullable=False)
    display_name: str | None = _field(str)
    email: str | None = _field(str)
    group_ids: list[str] | None = _field(list)
    role_ids: list[str] | None = _field(list)
    is_service_account: bool | None = _field(bool, nullable=False)


@attrs.frozen(kw_only=True)
class CredentialsEmail:
    """``CredentialsEmail``: the email and password a user signs in with."""

    email: str | None = _field(str, writable=True)
    forced_password_reset_at_next_login: bool | None = _field(bool, writable=True)
    user_id: str | None = _field(str)
    password_reset_url: str | None = _field(str, secret=True)
    account_setup_url: str | None = _field(str, secret=True)


def role_labels(roles: Iterable[Role]) -> dict[str, str]:
    """Role id -> how inputs name it: its name, which ``roles`` takes (case ignored), or its id
    where the role has no name or shares it with another role."""
    roles = list(roles)
    counts = Counter((role.name or "").lower() for role in roles)
    return {
        role.id: role.name if role.name and counts[role.name.lower()] == 1 else role.id
        for role in roles
    }


def find_role(roles: Iterable[Role], wanted: str) -> Role | None:
    """The role ``wanted`` names, as ``roles`` takes it: by id, else by name (case and
    surrounding spaces ignored)."""
    roles = list(roles)
    by_name = {(role.name or "").lower(): role for role in roles}
    by_id = next((role for role in roles if role.id == wanted), None)
    return by_id or by_name.get(wanted.strip().lower())


#: How an imported ``ServiceAccount``'s resource id begins: ``service_account/42``. A bare
#: user id (what create gives) could equal another imported resource's input, a key's
#: ``credentialsApi3Id`` say, and the code ``pulumi import`` prints would then link the two.
SERVICE_ACCOUNT_ID_PREFIX = "service_account/"


def service_account_import_id(user_id: str) -> str:
    """The resource id an import gives the service account that is user ``user_id``."""
    return f"{SERVICE_ACCOUNT_ID_PREFIX}{user_id}"


@attrs.frozen(kw_only=True)
class UserAttribute:
    """``UserAttribute``: a named value every user has (its ``default_value`` unless set for a
    user or group); pulumi-looker keeps which stack manages each singleton in one."""

    can: dict[str, bool] = _field(dict, nullable=False)
    id: str = _field(str, nullable=False, required=True)
    name: str | None = _field(str, writable=True)
    label: str | None = _field(str, writable=True)
    type: str | None = _field(str, writable=True)
    default_value: str | None = _field(str, writable=True)
    is_system: bool | None = _field(bool, nullable=False)
    is_permanent: bool | None = _field(bool, nullable=False)
    value_is_hidden: bool | None = _field(bool, writable=True, nullable=False)
    user_can_view: bool | None = _field(bool, writable=True, nullable=False)
    user_can_edit: bool | None = _field(bool, writable=True, nullable=False)
    hidden_value_domain_whitelist: str | None = _field(str, writable=True)
    needed_for_ci_run: bool | None = _field(bool, writable=True, nullable=False)
    value_for_ci_run: str | None = _field(str, writable=True)


USER_ATTRIBUTES = Collection(UserAttribute, "/user_attributes", "user attribute")


@attrs.frozen(kw_only=True)
class DBConnection:
    """``DBConnection``: how Looker reaches a database; its ``name`` is its id. ``password``,
    ``certificate`` and ``file_type`` are write-only (``has_password`` says a password is set,
    since 26.0). Left out: ``pdt_context_override`` (the PDT connection's own credentials)."""

    can: dict[str, Any] = _field(dict, nullable=False)
    name: str = _field(str, writable=True, nullable=False, required=True)
    dialect: dict[str, Any] = _field(dict)
    snippets: list[dict[str, Any]] | None = _field(list, nullable=False, items=dict)
    pdts_enabled: bool | None = _field(bool, nullable=False)
    named_driver_version_requested: str | None = _field(str, writable=True, since="25.4")
    named_driver_version_actual: str | None = _field(str, since="25.4")
    host: str | None = _field(str, writable=True)
    port: str | None = _field(str, writable=True)
    username: str | None = _field(str, writable=True)
    password: str | None = _field(str, write_only=True, secret=True, held_as="has_password")
    has_password: bool | None = _field(bool, nullable=False, since="26.0")
    uses_oauth: bool | None = _field(bool, nullable=False)
    uses_key_pair_auth: bool | None = _field(bool, writable=True, nullable=False, since="25.6")
    uses_instance_oauth: bool | None = _field(bool, nullable=False, since="24.14")
    uses_service_auth: bool | None = _field(bool, nullable=False, since="25.14")
    certificate: str | None = _field(str, write_only=True, secret=True)
    file_type: str | None = _field(str, write_only=True)
    database: str | None = _field(str, writable=True)
    db_timezone: str | None = _field(str, writable=True)
    query_timezone: str | None = _field(str, writable=True)
    schema: str | None = _field(str, writable=True)
    max_connections: int | None = _field(int, writable=True)
    max_queries: int | None = _field(int, writable=True, since="24.14")
    max_queries_per_user: int | None = _field(int, writable=True, since="24.14")
    max_billing_gigabytes: str | None = _field(str, writable=True)
    ssl: bool | None = _field(bool, writable=True, nullable=False)
    verify_ssl: bool | None = _field(bool, writable=True, nullable=False)
    tmp_db_name: str | None = _field(str, writable=True)
    tmp_db_host: str | None = _field(str, writable=True, since="25.0")
    jdbc_additional_params: str | None = _field(str, writable=True)
    pool_timeout: int | None = _field(int, writable=True)
    dialect_name: str | None = _field(str, writable=True)
    supports_data_studio_link: bool | None = _field(bool, nullable=False, since="22.14")
    created_at: str | None = _field(str)
    user_id: str | None = _field(str)
    example: bool | None = _field(bool, nullable=False)
    user_db_credentials: bool | None = _field(bool, writable=True)
    user_attribute_fields: list[str] | None = _field(list, writable=True)
    maintenance_cron: str | None = _field(str, writable=True)
    last_regen_at: str | None = _field(str)
    last_reap_at: str | None = _field(str)
    sql_runner_precache_tables: bool | None = _field(bool, writable=True, nullable=False)
    sql_writing_with_info_schema: bool | None = _field(
        bool, writable=True, nullable=False, since="21.3"
    )
    after_connect_statements: str | None = _field(str, writable=True)
    managed: bool | None = _field(bool, nullable=False)
    custom_local_port: int | None = _field(int, writable=True, since="23.2")
    tunnel_id: str | None = _field(str, writable=True)
    uses_tns: bool | None = _field(bool, writable=True, since="23.2")
    pdt_concurrency: int | None = _field(int, writable=True)
    disable_context_comment: bool | None = _field(bool, writable=True)
    oauth_application_id: str | None = _field(str, writable=True)
    always_retry_failed_builds: bool | None = _field(bool, writable=True, since="21.16")
    uses_application_default_credentials: bool | None = _field(bool, writable=True, since="24.14")
    impersonated_service_account: str | None = _field(str, writable=True, since="24.14")
    cost_estimate_enabled: bool | None = _field(bool, writable=True, since="22.2")
    pdt_api_control_enabled: bool | None = _field(bool, writable=True, since="22.2")
    connection_pooling: bool | None = _field(bool, writable=True, nullable=False, since="24.8")
    default_bq_connection: bool | None = _field(bool, nullable=False, since="24.14")
    bq_storage_project_id: str | None = _field(str, writable=True, since="24.14")
    bq_roles_verified: bool | None = _field(bool, writable=True, since="24.14")
    p4sa_name: str | None = _field(str, since="24.18")
    query_holding_disabled: bool | None = _field(bool, writable=True, nullable=False, since="25.2")
    service_name: str | None = _field(str, writable=True, since="26.4")

    @property
    def id(self) -> str:
        """A connection's id is its name."""
        return self.name


CONNECTIONS = Collection(DBConnection, "/connections", "connection")


@attrs.frozen(kw_only=True)
class LookmlModel:
    """``LookmlModel``: a LookML model, and the connections it may use (pulumi-looker only
    reads it: deleting a connection that a model may use is refused)."""

    name: str = _field(str, writable=True, nullable=False, required=True)
    project_name: str | None = _field(str, writable=True)
    label: str | None = _field(str)
    allowed_db_connection_names: list[str] | None = _field(list, writable=True)
    unlimited_db_connections: bool | None = _field(bool, writable=True, nullable=False)


@attrs.frozen(kw_only=True)
class UserAttributeGroupValue:
    """``UserAttributeGroupValue``: the value a group gives a user attribute; where a user is in
    several groups, the one of lowest ``rank`` wins."""

    group_id: str = _field(str, nullable=False, required=True)
    value: str | None = _field(str)
    rank: int | None = _field(int)
    value_is_hidden: bool | None = _field(bool, nullable=False)


@attrs.frozen(kw_only=True)
class UserAttributeWithValue:
    """``UserAttributeWithValue``: a user attribute's value for one user, and where it comes
    from (``source``: the user's own, a group's or the default)."""

    user_attribute_id: str | None = _field(str)
    name: str | None = _field(str)
    value: str | None = _field(str, writable=True)
    source: str | None = _field(str)
    value_is_hidden: bool | None = _field(bool, nullable=False)


@attrs.frozen
class ListedUser:
    """A user as the listing of users shows it to pulumi-looker: id, email, API keys, the
    service account the user is, if it is one, and the ids of its groups and roles."""

    id: str
    email: str | None
    keys: list[CredentialsApi3]
    service_account: ServiceAccount | None = None
    group_ids: list[str] | None = None
    role_ids: list[str] | None = None
    #: The user as a person (names, locale, disabled), as the listing shows it.
    person: User | None = None
    #: Whether the user can sign in with an email and password (has ``credentials_email``).
    email_login: bool = False


@attrs.frozen(kw_only=True)
class AccessToken:
    """``AccessToken``: the answer to ``POST /login``."""

    access_token: str = _field(str, nullable=False, secret=True, required=True)
    token_type: str | None = _field(str, nullable=False)
    expires_in: int | None = _field(int, nullable=False)
    refresh_token: str | None = _field(str, secret=True)


def rules(model: type) -> dict[str, FieldRule]:
    """Every field of ``model`` with its rule, in the spec's order."""
    return {f.name: f.metadata[_RULE] for f in attrs.fields(model)}


def writable_fields(model: type) -> tuple[str, ...]:
    """The fields a client may send to Looker."""
    return tuple(name for name, rule in rules(model).items() if rule.writable)


def read_only_fields(model: type) -> tuple[str, ...]:
    """The fields Looker sets itself (``readOnly`` in the spec)."""
    return tuple(name for name, rule in rules(model).items() if not rule.writable)


def from_api(model: type[T], data: Mapping[str, Any]) -> T:
    """Build ``model`` from a JSON object Looker returned, ignoring fields it does not know."""
    known = rules(model)
    return model(**{k: v for k, v in data.items() if k in known})


def to_dict(instance: Any) -> dict[str, Any]:
    """Every field of a model instance, secrets included: for state, never for logs."""
    return attrs.asdict(instance, recurse=False)


def answered(model: type, live: Any, kept: Mapping[str, Any]) -> dict[str, Any]:
    """Every field of ``live`` (Looker's answer), with each write-only field, which Looker never
    answers, as well as can be known: a list of ids from the objects Looker answers instead
    (``default_new_user_groups``); otherwise the value last written, ``kept`` in the state, or
    None where Looker says it holds none (``has_auth_password`` false: drift a refresh shows)."""
    values = to_dict(live)
    for name, rule in rules(model).items():
        if not rule.write_only:
            continue
        if rule.answered_as is not None:
            objects = values.get(rule.answered_as)
            values[name] = None if objects is None else [str(o.get("id")) for o in objects]
        elif rule.held_as is not None and values.get(rule.held_as) is False:
            values[name] = None
        else:
            values[name] = kept.get(name)
    return values


def writable_body(model: type, values: Mapping[str, Any]) -> dict[str, Any]:
    """The request body for ``values``: only writable fields, and ``None`` only where the spec
    lets the field be null (it clears the value there)."""
    known = rules(model)
    return {
        k: known[k].normalize(v)
        for k, v in values.items()
        if k in known and known[k].writable and (v is not None or known[k].nullable)
    }


def check_values(model: type, values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(field, reason)`` for each writable field of ``values`` with a value Looker refuses.

    Whole floats count as integers (see :meth:`FieldRule.normalize`).

    ``None`` means "not set" and is always accepted; other fields are not looked at.
    """
    failures = []
    for name, rule in rules(model).items():
        value = values.get(name)
        if rule.writable and value is not None:
            reason = rule.reason(name, value)
            if reason:
                failures.append((name, reason))
    return failures


def fields_in(model: type, release: Release) -> tuple[str, ...]:
    """The fields of ``model`` that ``release`` has."""
    return tuple(
        name
        for name, rule in rules(model).items()
        if rule.since is None or parse_release(rule.since) <= release
    )


def unavailable_fields(
    model: type, names: Iterable[str], release: Release
) -> list[tuple[str, str]]:
    """``(field, release needed)`` for each of ``names`` that ``release`` does not have yet."""
    known = rules(model)
    needed = {name: known[name].since for name in names if name in known}
    return [
        (name, since)
        for name, since in needed.items()
        if since is not None and parse_release(since) > release
    ]


def unknown_name_reason(name: str, valid: Iterable[str]) -> str:
    """The failure for a property no one knows, with the nearest valid name."""
    valid = sorted(valid)
    close = difflib.get_close_matches(name, valid, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown property {name!r}{hint}; valid properties: {', '.join(valid)}"


def looker_time(text: str) -> datetime.datetime:
    """A Looker timestamp (ISO 8601, with ``Z`` or an offset) as an aware datetime; one
    without an offset is taken as UTC."""
    moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.timezone.utc)


def age_of(text: str) -> datetime.timedelta:
    """How long ago a Looker timestamp was."""
    return datetime.datetime.now(datetime.timezone.utc) - looker_time(text)


#: Every singleton and every collection declared above (each declared once, by its constant).
SINGLETONS = tuple(v for v in tuple(globals().values()) if isinstance(v, Singleton))
COLLECTIONS = tuple(v for v in tuple(globals().values()) if isinstance(v, Collection))
