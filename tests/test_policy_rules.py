"""The policy pack's rules as functions: each violation says the value and the limit."""

from __future__ import annotations

import datetime
import importlib.util
from pathlib import Path

import pytest

_SPEC = importlib.util.spec_from_file_location(
    "looker_policy_rules", Path(__file__).resolve().parents[1] / "policy" / "rules.py"
)
assert _SPEC is not None
assert _SPEC.loader is not None
rules = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(rules)


@pytest.mark.parametrize(
    ("rule", "props", "config", "violations"),
    [
        ("password_min_length", {"min_length": 16.0}, {"minimum": 16.0}, []),
        (
            "password_min_length",
            {"min_length": 12.0},
            {"minimum": 16.0},
            ["min_length is 12; the floor is 16"],
        ),
        (
            "password_min_length",
            {},
            {"minimum": 16},
            ["min_length is not managed by the stack; the floor is 16"],
        ),
        (
            "password_character_classes",
            {"require_numeric": True, "require_special": False},
            {"required": ["numeric", "special", "upperlower"]},
            [
                "require_special is false; it must be true",
                "require_upperlower is not set; it must be true",
            ],
        ),
        (
            "password_expiration",
            {"expiration_enabled": True, "expiration_duration_days": 180.0},
            {"maxDays": 90.0},
            ["expiration_duration_days is 180; at most 90"],
        ),
        ("key_purpose", {"purpose": ""}, {}, ['purpose is ""; every API key needs one']),
        ("automated_mfa", {"automated_mfa_enabled": True}, {}, []),
        (
            "automated_mfa",
            {"automated_mfa_enabled": False},
            {},
            ["automated_mfa_enabled is false; it must be true"],
        ),
        ("email_domain_allowlist", {"email_domain_allowlist": ["example.com"]}, {}, []),
        (
            "email_domain_allowlist",
            {"email_domain_allowlist": []},
            {},
            [
                "email_domain_allowlist is []; scheduled content must be limited to the "
                "company's email domains"
            ],
        ),
        ("restore_on_delete", {"restore_on_delete": True}, {"allowed": True}, []),
        (
            "service_account_admin",
            {"service_account_name": "ci", "roles": ["admin"]},
            {"allowed": []},
            ['roles include Admin; service account "ci" may not have it (allowed: none)'],
        ),
        (
            "service_account_admin",
            {"service_account_name": "ci", "roles": ["2"], "role_names": ["Admin"]},
            {"allowed": ["looker-admin-bot"]},
            [
                'roles include Admin; service account "ci" may not have it (allowed: '
                "looker-admin-bot)"
            ],
        ),
        (
            "service_account_admin",
            {"service_account_name": "looker-admin-bot", "roles": ["Admin"]},
            {"allowed": ["looker-admin-bot"]},
            [],
        ),
        ("service_account_admin", {"service_account_name": "ci", "roles": ["Developer"]}, {}, []),
        (
            "permission_set_powers",
            {"name": "Ops", "permissions": ["access_data", "sudo", "administer"]},
            {"allowed": ["Platform"]},
            [
                'permissions include administer, sudo; permission set "Ops" may not grant '
                "them (allowed: Platform)"
            ],
        ),
        (
            "permission_set_powers",
            {"name": "Platform", "permissions": ["administer"]},
            {"allowed": ["Platform"]},
            [],
        ),
        ("permission_set_powers", {"name": "Analysts", "permissions": ["see_looks"]}, {}, []),
        (
            "session_max_minutes",
            {"session_minutes": 1440.0},
            {"maximum": 720},
            ["session_minutes is 1440; at most 720"],
        ),
        (
            "session_concurrency",
            {},
            {"allowUnlimited": False},
            ["unlimited_sessions_per_user is not set; it must be false"],
        ),
        (
            "connection_tls",
            {"name": "warehouse", "ssl": True},
            {},
            [
                'verify_ssl is not set; connection "warehouse" must use TLS and verify the '
                "database's certificate"
            ],
        ),
        ("connection_tls", {"name": "warehouse", "ssl": True, "verify_ssl": True}, {}, []),
        (
            "sign_in_email_fallback",
            {"enabled": True, "alternate_email_login_allowed": False},
            {},
            [
                "alternate_email_login_allowed is false; a sign-in method that is on must keep "
                "email login for admins"
            ],
        ),
        ("sign_in_email_fallback", {"enabled": False}, {}, []),
        (
            "sign_in_email_fallback",
            {"enabled": True, "alternate_email_login_allowed": True},
            {},
            [],
        ),
    ],
)
def test_resource_rules(rule: str, props: dict, config: dict, violations: list[str]) -> None:
    assert getattr(rules, rule)(props, config) == violations


def test_only_created_keys_must_be_rotated() -> None:
    now = datetime.datetime(2026, 11, 23, tzinfo=datetime.timezone.utc)
    old = "2026-07-01T10:00:00.000-07:00"
    found = rules.key_age(
        [
            ("made", {"created_at": old, "adopted": False}),
            ("adopted", {"created_at": old, "adopted": True}),
            ("new", {"created_at": "2026-11-20T10:00:00.000-07:00", "adopted": False}),
            ("not yet", {}),
        ],
        {"maxDays": 90.0},
        now,
    )
    assert found == [f"made: created_at is {old} (144 days ago); rotate it (at most 90 days)"]


def test_one_singleton_per_instance() -> None:
    found = rules.singletons_per_instance(
        [
            (rules.PASSWORD, "a", None),
            (rules.PASSWORD, "b", "eu"),
            (rules.SESSION, "c", None),
            (rules.PASSWORD, "d", None),
        ]
    )
    assert found == ["PasswordConfig 'd' and 'a' both manage the default instance"]


def test_keys_of_disabled_service_accounts_are_flagged() -> None:
    found = rules.keys_of_disabled_accounts(
        [("old-key", {"user_id": "12"}), ("live-key", {"user_id": "13"}), ("human", {})],
        [("retired-bot", {"user_id": "12", "is_disabled": True}), ("bot", {"user_id": "13"})],
    )
    assert found == [
        "old-key: its user is service account 'retired-bot', which is disabled; delete the key "
        "or enable the account"
    ]


def test_both_faces_are_read_alike() -> None:
    dynamic = "pulumi-python:dynamic/looker:ServiceAccount"
    plugin = "looker:index:ServiceAccount"
    assert rules.kind_of(dynamic) == rules.kind_of(plugin) == rules.ACCOUNT
    assert rules.kind_of("aws:s3/bucket:Bucket") is None
    camel = {"serviceAccountName": "ci", "roles": ["Admin"], "isDisabled": False}
    assert rules.props_of(plugin, camel) == {
        "service_account_name": "ci",
        "roles": ["Admin"],
        "is_disabled": False,
    }
    assert rules.props_of(dynamic, {"role_names": ["Admin"]}) == {"role_names": ["Admin"]}
    found = rules.singletons_per_instance(
        [(rules.PASSWORD, "a", None), (rules.PASSWORD, "b", "provider 'eu'")]
    )
    assert found == []


def test_the_packs_kind_names_are_the_kinds_pulumi_looker_declares() -> None:
    """The pack runs without the package (its own environment): its names are kept equal to
    the declarations here."""
    from pulumi_looker.resources import BY_NAME, KINDS

    named = {v for k, v in vars(rules).items() if k.isupper() and isinstance(v, str)}
    assert {rules.PASSWORD, rules.SESSION, rules.SETTINGS, rules.KEY, rules.ACCOUNT} <= set(BY_NAME)
    assert rules.PERMISSION_SET in BY_NAME
    assert set(rules.SINGLETONS) == {k.name for k in KINDS if k.singleton is not None}
    assert named & set(BY_NAME) == {
        rules.PASSWORD,
        rules.SESSION,
        rules.SETTINGS,
        rules.SAML,
        rules.OIDC,
        rules.LDAP,
        rules.CONNECTION,
        rules.KEY,
        rules.ACCOUNT,
        rules.PERMISSION_SET,
        rules.ROLE_ASSIGNMENT,
        rules.USER,
        rules.GROUP,
        rules.ATTRIBUTE,
    }


def test_a_naive_timestamp_is_utc_for_the_key_age_rule() -> None:
    now = datetime.datetime(2026, 12, 1, tzinfo=datetime.timezone.utc)
    found = rules.key_age(
        [("k", {"created_at": "2026-01-01T00:00:00", "adopted": False})], {"maxDays": 90}, now
    )
    assert found == [
        "k: created_at is 2026-01-01T00:00:00 (334 days ago); rotate it (at most 90 days)"
    ]


def test_only_the_allowed_hold_the_admin_role() -> None:
    config = {"adminRoleIds": ["2"], "allowed": ["ops@example.com", "Platform admins", "42"]}
    stack = [
        (rules.USER, "ops", {"user_id": "7", "email": "ops@example.com", "role_ids": ["2"]}),
        (rules.USER, "ana", {"user_id": "8", "email": "ana@example.com", "role_ids": ["2", "3"]}),
        (rules.USER, "bo", {"user_id": "9", "email": "bo@example.com", "role_ids": ["3"]}),
        (rules.GROUP, "admins", {"group_id": "5", "name": "Platform admins"}),
        (rules.GROUP, "analysts", {"group_id": "6", "name": "Analysts"}),
        (
            rules.ROLE_ASSIGNMENT,
            "admin-holders",
            {"role_id": "2", "user_ids": ["7", "42", "9", None], "group_ids": ["5", "6"]},
        ),
        (rules.ROLE_ASSIGNMENT, "viewers", {"role_id": "4", "user_ids": ["9"]}),
    ]
    assert rules.admin_role_holders(stack, config) == [
        "ana: user 'ana@example.com' would hold the Admin role (allowed: ops@example.com, "
        "Platform admins, 42)",
        "admin-holders: user 'bo@example.com' (9) would hold the Admin role (allowed: "
        "ops@example.com, Platform admins, 42)",
        "admin-holders: group 'Analysts' (6) would hold the Admin role (allowed: "
        "ops@example.com, Platform admins, 42)",
    ]


@pytest.mark.parametrize(
    ("props", "violations"),
    [
        ({"name": "snowflake_password", "label": "Snowflake"}, 1),
        ({"name": "warehouse", "label": "Warehouse API token"}, 1),
        ({"name": "snowflake_password", "value_is_hidden": True}, 0),
        ({"name": "region", "label": "Region"}, 0),
    ],
)
def test_attributes_that_hold_secrets_are_hidden(props, violations) -> None:
    found = rules.secret_attributes_hidden(props, {})
    assert len(found) == violations
    if found:
        assert found[0].startswith("value_is_hidden is not set; user attribute ")
