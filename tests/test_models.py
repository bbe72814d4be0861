"""The models are the one source of field rules; these tests pin them to the spec."""

from __future__ import annotations

import json
import re

import pytest

from pulumi_looker import models
from pulumi_looker.client.users import LISTED_FIELDS

from .spec import SPEC


@pytest.fixture(scope="module")
def spec() -> dict:
    return json.loads(SPEC.read_text())


@pytest.fixture(scope="module")
def spec_schemas(spec: dict) -> dict:
    return spec["components"]["schemas"]


@pytest.mark.parametrize(
    "model",
    [
        models.PasswordConfig,
        models.SessionConfig,
        models.CredentialsApi3,
        models.CreateCredentialsApi3,
        models.AccessToken,
        models.ServiceAccount,
        models.Permission,
        models.PermissionSet,
        models.ModelSet,
        models.Group,
        models.Role,
    ],
)
def test_fields_and_writability_match_the_spec(model: type, spec_schemas: dict) -> None:
    spec = spec_schemas[model.__name__]["properties"]
    # A service account's keys are ApiCredentials, read from the listing of users; a role's
    # sets are written and read by id (the nested objects repeat the sets' own resources).
    left_out = {
        models.ServiceAccount: {"credentials_api3"},
        models.Role: {"permission_set", "model_set", "users_url"},
    }.get(model, set())
    assert set(models.rules(model)) == set(spec) - left_out
    for name, rule in models.rules(model).items():
        assert rule.writable == (not spec[name].get("readOnly", False)), name
        assert rule.nullable == spec[name].get("nullable", True), name


def test_service_accounts_and_roles_are_at_the_paths_the_client_calls(
    spec: dict, spec_schemas: dict
) -> None:
    accounts = spec["paths"]["/users/service_accounts"]["post"]
    assert accounts["x-looker-status"] == "alpha"
    assert set(spec["paths"]["/users/service_accounts/{user_id}"]) >= {"patch", "delete"}
    roles = spec["paths"]["/users/{user_id}/roles"]["put"]["requestBody"]["content"]
    assert roles["application/json"]["schema"] == {"type": "array", "items": {"type": "string"}}
    assert "get" in spec["paths"]["/roles"]
    user = spec_schemas["User"]["properties"]
    assert set(LISTED_FIELDS) <= set(user)  # what the listing of users asks for exists


def test_the_spec_in_the_repository_is_the_api_this_project_targets(spec: dict) -> None:
    assert spec["info"]["version"] == "4.0.26.12"
    assert spec["info"]["x-looker-release-version"] == "26.12.3"


@pytest.mark.parametrize("singleton", models.SINGLETONS, ids=lambda s: s.id)
def test_singletons_are_read_and_patched_at_their_path(spec: dict, singleton) -> None:
    operations = spec["paths"][singleton.path]
    assert set(operations) == {"get", "patch"}
    for operation in operations.values():
        ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert ok == {"$ref": f"#/components/schemas/{singleton.model.__name__}"}


@pytest.mark.parametrize("model", [s.model for s in models.SINGLETONS])
def test_ranges_are_the_ones_the_spec_states(spec_schemas: dict, model: type) -> None:
    """The spec gives ranges in its descriptions only ("Must be between 7 and 100")."""
    properties = spec_schemas[model.__name__]["properties"]
    for name, rule in models.rules(model).items():
        if rule.minimum is not None or rule.maximum is not None:
            words = f"between {rule.minimum} and {rule.maximum}"
            assert words in properties[name]["description"], name
        else:
            description = properties[name].get("description") or ""
            assert not re.search(r"between -?\d+ and -?\d+", description), name


def test_only_purpose_is_writable_on_api_keys() -> None:
    assert models.writable_fields(models.CredentialsApi3) == ("purpose",)
    assert "client_secret" in models.read_only_fields(models.CreateCredentialsApi3)


@pytest.mark.parametrize(
    ("values", "failed"),
    [
        ({"min_length": 7, "expiration_duration_days": 365}, []),
        ({"min_length": 6}, ["min_length"]),
        ({"min_length": 101}, ["min_length"]),
        ({"min_length": True}, ["min_length"]),
        ({"min_length": "12"}, ["min_length"]),
        ({"expiration_duration_days": 29}, ["expiration_duration_days"]),
        ({"require_special": "yes"}, ["require_special"]),
        ({"require_special": None, "min_length": None}, []),
        ({"policy_enabled_at": 5}, []),  # read-only: not the check's business
    ],
)
def test_check_values(values: dict, failed: list[str]) -> None:
    assert [f for f, _ in models.check_values(models.PasswordConfig, values)] == failed


def test_failure_names_field_and_allowed_values() -> None:
    [(_, reason)] = models.check_values(models.PasswordConfig, {"min_length": 5})
    assert reason == "min_length must be an integer from 7 to 100, got 5"


def test_writable_body_drops_read_only_and_unset() -> None:
    body = models.writable_body(
        models.PasswordConfig, {"min_length": 9, "require_numeric": None, "policy_enabled_at": "x"}
    )
    assert body == {"min_length": 9}
    assert models.writable_body(models.CredentialsApi3, {"purpose": None, "id": "3"}) == {
        "purpose": None
    }


def test_secrets_are_not_in_repr() -> None:
    key = models.CreateCredentialsApi3(id="1", client_secret="s3cr3t")
    token = models.AccessToken(access_token="t0k3n")
    assert "s3cr3t" not in repr(key)
    assert "t0k3n" not in repr(token)


def test_unknown_name_suggests_the_nearest() -> None:
    reason = models.unknown_name_reason("min_lenght", ["min_length", "require_numeric"])
    assert "did you mean 'min_length'" in reason
    assert "valid properties: min_length, require_numeric" in reason


def test_whole_floats_from_pulumis_wire_count_as_integers() -> None:
    assert models.check_values(models.PasswordConfig, {"min_length": 12.0}) == []
    assert [f for f, _ in models.check_values(models.PasswordConfig, {"min_length": 12.5})] == [
        "min_length"
    ]
    body = models.writable_body(models.PasswordConfig, {"min_length": 12.0})
    assert body == {"min_length": 12}
    assert type(body["min_length"]) is int
