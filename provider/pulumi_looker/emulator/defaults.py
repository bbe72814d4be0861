"""What a fresh Looker instance holds, as Looker documents its defaults: the settings
singletons, the system user attributes, and the access model (permissions, the default
permission sets, model set, roles and the ``All Users`` group). Each object is a record: its
model's fields (``can`` and ``url`` are computed when served) and, where noted, what Looker
keeps beside them."""

from __future__ import annotations

from typing import Any

from pulumi_looker import models

from .schemas import SIGN_IN

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

#: A fresh instance's sign-in configurations (SAML, OIDC, LDAP): each disabled, every other
#: field empty (false, an empty list or null: the API description documents no default), never
#: modified.
SIGN_IN_DEFAULTS: dict[str, dict[str, Any]] = {
    config_id: {**schema.blank(), "modified_at": None, "modified_by": None}
    for config_id, schema in SIGN_IN.items()
}

DEFAULTS = {
    models.PASSWORD_CONFIG.id: DEFAULT_PASSWORD_CONFIG,
    models.SESSION_CONFIG.id: DEFAULT_SESSION_CONFIG,
    models.INSTANCE_SETTINGS.id: DEFAULT_SETTING,
    **SIGN_IN_DEFAULTS,
}
assert set(DEFAULTS) == {s.id for s in models.SINGLETONS}


#: What a new user attribute has where its create says nothing (the API description's defaults).
USER_ATTRIBUTE_DEFAULTS: dict[str, Any] = {
    "is_system": False,
    "is_permanent": False,
    "value_is_hidden": False,
    "user_can_view": True,
    "user_can_edit": False,
    "needed_for_ci_run": False,
    #: Beside the model: the values groups give it, in priority order (``group_values``).
    "group_values": [],
}

#: A fresh instance's user attributes: the system ones Looker's docs list as every instance's
#: (Admin - User attributes), which cannot be deleted.
DEFAULT_USER_ATTRIBUTES: tuple[dict[str, Any], ...] = tuple(
    {
        **USER_ATTRIBUTE_DEFAULTS,
        "id": str(number),
        "name": name,
        "label": label,
        "type": "string",
        "is_system": True,
        "is_permanent": True,
    }
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

#: ``GET /permissions``: Looker's permissions with the one each depends on (``parent``), as
#: the docs' permission table lists them (Admin settings - Roles, "Permissions": "Depends on").
PERMISSIONS: tuple[tuple[str, str | None, str], ...] = (
    ("access_data", None, "Access data from the models of a role"),
    ("see_lookml_dashboards", "access_data", "See LookML dashboards"),
    ("see_looks", "access_data", "See saved Looks"),
    ("see_user_dashboards", "see_looks", "See user-defined dashboards"),
    ("explore", "see_looks", "Explore the models"),
    ("create_table_calculations", "explore", "Create table calculations"),
    ("create_custom_fields", "explore", "Create custom fields"),
    ("save_content", "see_looks", "Save and edit Looks and dashboards"),
    ("create_public_looks", "see_looks", "Make Looks public"),
    ("download_with_limit", "see_looks", "Download results with a row limit"),
    ("download_without_limit", "see_looks", "Download all results"),
    ("schedule_look_emails", "see_looks", "Schedule deliveries to email"),
    ("schedule_external_look_emails", "schedule_look_emails", "Deliver outside the domain"),
    ("create_alerts", "see_looks", "Create alerts"),
    ("follow_alerts", "see_looks", "Follow alerts"),
    ("send_to_s3", "see_looks", "Deliver to Amazon S3"),
    ("send_to_sftp", "see_looks", "Deliver to SFTP"),
    ("send_outgoing_webhook", "see_looks", "Deliver to webhooks"),
    ("send_to_integration", "see_looks", "Deliver to integrations"),
    ("see_sql", "see_looks", "See the SQL of queries"),
    ("see_lookml", "see_looks", "See LookML"),
    ("develop", "see_lookml", "Change LookML in development mode"),
    ("deploy", "develop", "Deploy LookML to production"),
    ("support_access_toggle", "develop", "Allow Looker support access"),
    ("use_sql_runner", "see_sql", "Use SQL Runner"),
    ("clear_cache_refresh", "access_data", "Clear the cache and refresh"),
    ("see_drill_overlay", "access_data", "Drill into results"),
    ("manage_spaces", None, "Manage folders"),
    ("manage_homepage", None, "Manage the homepage"),
    ("manage_models", None, "Manage LookML projects' models"),
    ("create_prefetches", None, "Create prefetches"),
    ("login_special_email", None, "Log in with email when SSO is on"),
    ("embed_browse_spaces", None, "Browse folders when embedded"),
    ("embed_save_shared_space", None, "Save to shared folders when embedded"),
    ("see_alerts", None, "See every alert"),
    ("see_queries", None, "See the queries page"),
    ("see_logs", None, "See the logs"),
    ("see_users", None, "See the users and groups"),
    ("sudo", "see_users", "Log in as another user"),
    ("see_schedules", None, "See every schedule"),
    ("see_pdts", None, "See persistent derived tables"),
    ("see_datagroups", None, "See datagroups"),
    ("update_datagroups", "see_datagroups", "Reset datagroups"),
    ("see_system_activity", None, "See System Activity"),
    ("mobile_app_access", None, "Use the mobile app"),
    ("administer", None, "Administer the instance (the Admin role's)"),
)
PERMISSION_NAMES = tuple(name for name, _, _ in PERMISSIONS)

_VIEWER = (
    "access_data",
    "see_lookml_dashboards",
    "see_looks",
    "see_user_dashboards",
    "download_with_limit",
    "schedule_look_emails",
    "see_drill_overlay",
    "mobile_app_access",
)
_USER = (
    *_VIEWER,
    "explore",
    "create_table_calculations",
    "create_custom_fields",
    "save_content",
    "create_public_looks",
    "download_without_limit",
    "schedule_external_look_emails",
    "create_alerts",
    "follow_alerts",
    "send_to_s3",
    "send_to_sftp",
    "send_outgoing_webhook",
    "send_to_integration",
    "clear_cache_refresh",
    "manage_spaces",
)
_DEVELOPER = (*_USER, "see_sql", "see_lookml", "develop", "deploy", "use_sql_runner")

#: A fresh instance's permission sets: ``Admin`` (every permission, ``built_in``: it cannot
#: change) and the sets of Looker's default roles (Admin settings - Roles: default roles).
DEFAULT_PERMISSION_SETS: tuple[dict[str, Any], ...] = (
    {
        "id": "1",
        "name": "Admin",
        "permissions": list(PERMISSION_NAMES),
        "all_access": True,
        "built_in": True,
    },
    {
        "id": "2",
        "name": "Developer",
        "permissions": list(_DEVELOPER),
        "all_access": False,
        "built_in": False,
    },
    {"id": "3", "name": "User", "permissions": list(_USER), "all_access": False, "built_in": False},
    {
        "id": "4",
        "name": "Viewer",
        "permissions": list(_VIEWER),
        "all_access": False,
        "built_in": False,
    },
)
ADMIN_PERMISSION_SET = "1"

#: A fresh instance's model set: ``All`` (every model, ``built_in``).
DEFAULT_MODEL_SETS: tuple[dict[str, Any], ...] = (
    {"id": "1", "name": "All", "models": [], "all_access": True, "built_in": True},
)
ALL_MODEL_SET = "1"

#: A fresh instance's roles, by id: Looker's default roles (Admin settings - Roles).
DEFAULT_ROLES = {"1": "User", "2": "Admin", "3": "Developer", "4": "Viewer"}
ADMIN_ROLE = "2"
USER_ROLE = "1"
_ROLE_SETS = {"User": "3", "Admin": ADMIN_PERMISSION_SET, "Developer": "2", "Viewer": "4"}
#: Beside the model, a role keeps ``built_in`` (``GET /roles/search`` matches it, ``Role``
#: does not carry it): the Admin role is Looker's own, as the Admin permission set is.
DEFAULT_ROLE_RECORDS: tuple[dict[str, Any], ...] = tuple(
    {
        "id": id_,
        "name": name,
        "permission_set_id": _ROLE_SETS[name],
        "model_set_id": ALL_MODEL_SET,
        "internal": False,
        "built_in": id_ == ADMIN_ROLE,
    }
    for id_, name in DEFAULT_ROLES.items()
)

#: What a new group has where its create says nothing; beside the model, its roles
#: (``role_ids``) and the groups it is in (``parent_group_ids``), as ``GroupHierarchy`` serves.
GROUP_DEFAULTS: dict[str, Any] = {
    "can_add_to_content_metadata": False,
    "externally_managed": False,
    "external_group_id": None,
    "include_by_default": False,
    "role_ids": [],
    "parent_group_ids": [],
}
#: A fresh instance's group: ``All Users``, every user's (``include_by_default``; Admin settings
#: - Groups: "All Users" holds every user and its membership cannot be edited).
ALL_USERS_GROUP = "1"
DEFAULT_GROUPS: tuple[dict[str, Any], ...] = (
    {
        **GROUP_DEFAULTS,
        "id": ALL_USERS_GROUP,
        "name": "All Users",
        "include_by_default": True,
        "can_add_to_content_metadata": True,
    },
)

#: What a new object of each collection has where its create says nothing, by the collection's
#: key; a role and a group also keep, beside the model, what the comments above say.
NEW_OBJECT_DEFAULTS: dict[str, dict[str, Any]] = {
    "permission_sets": {"all_access": False, "built_in": False},
    "model_sets": {"all_access": False, "built_in": False},
    "roles": {"internal": False, "built_in": False},
    "groups": GROUP_DEFAULTS,
    "user_attributes": USER_ATTRIBUTE_DEFAULTS,
}

#: Every collection's objects on a fresh instance, by the collection's key (its path).
DEFAULT_OBJECTS: dict[str, tuple[dict[str, Any], ...]] = {
    "permission_sets": DEFAULT_PERMISSION_SETS,
    "model_sets": DEFAULT_MODEL_SETS,
    "roles": DEFAULT_ROLE_RECORDS,
    "groups": DEFAULT_GROUPS,
    "user_attributes": DEFAULT_USER_ATTRIBUTES,
    #: Database connections, by name (their id), and the SAML and OIDC test configurations, by
    #: their ``test_slug``: a fresh instance has none.
    "connections": (),
    "saml_test_configs": (),
    "oidc_test_configs": (),
    #: LookML models, by name (their id): a fresh instance has none (its projects have no
    #: LookML yet).
    "lookml_models": (),
}
