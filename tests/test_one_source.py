"""Each resource restates its fields for its users (typed arguments, Args classes, outputs):
every copy must equal what the models say."""

from __future__ import annotations

import inspect

import attrs
import pytest

from pulumi_looker import (
    ApiCredential,
    ApiCredentialArgs,
    InstanceSettings,
    InstanceSettingsArgs,
    PasswordConfig,
    PasswordConfigArgs,
    ServiceAccount,
    ServiceAccountArgs,
    SessionConfig,
    SessionConfigArgs,
    models,
    stack_config,
)
from pulumi_looker.plugin import resources as plugin_resources
from pulumi_looker.resources import api_credential

#: What a resource constructor takes besides its inputs.
NOT_INPUTS = {"self", "resource_name", "args", "opts", "unexpected"}


def keyword_arguments(resource: type) -> set[str]:
    return set(inspect.signature(resource.__init__).parameters) - NOT_INPUTS


def outputs(resource: type) -> set[str]:
    return set(resource.__annotations__)


@pytest.mark.parametrize(
    ("resource", "args", "singleton"),
    [
        (PasswordConfig, PasswordConfigArgs, models.PASSWORD_CONFIG),
        (SessionConfig, SessionConfigArgs, models.SESSION_CONFIG),
        (InstanceSettings, InstanceSettingsArgs, models.INSTANCE_SETTINGS),
    ],
)
def test_a_singleton_restates_exactly_its_models_fields(resource, args, singleton) -> None:
    inputs = {
        *stack_config.settings_of(singleton),
        *singleton.actions,
        *stack_config.SINGLETON_OPTIONS,
    }
    read_only = set(models.read_only_fields(singleton.model)) - {"can"}
    assert {f.name for f in attrs.fields(args)} == inputs
    assert keyword_arguments(resource) == inputs
    assert outputs(resource) == inputs | read_only
    assert set(stack_config.singleton_key(singleton).keys.values()) == inputs


def test_an_api_credential_restates_exactly_its_models_fields() -> None:
    inputs = set(stack_config.CREDENTIAL_INPUTS)
    writable = set(models.writable_fields(models.CreateCredentialsApi3))
    # The key's id is an input (to adopt a key by it) named as Looker's path names it.
    read_only = set(models.read_only_fields(models.CreateCredentialsApi3)) - {"can", "id"}
    assert writable <= inputs
    assert {f.name for f in attrs.fields(ApiCredentialArgs)} == inputs
    assert keyword_arguments(ApiCredential) == inputs
    assert outputs(ApiCredential) == inputs | read_only | set(api_credential.PREVIOUS_OUTPUTS)
    assert set(stack_config.CREDENTIAL_KEYS.values()) == inputs


def test_a_service_account_restates_exactly_its_models_fields() -> None:
    inputs = set(stack_config.SERVICE_ACCOUNT_INPUTS)
    writable = set(models.writable_fields(models.ServiceAccount))
    # The account's id is an input (to adopt an account by it) named as Looker's path names it.
    read_only = set(models.read_only_fields(models.ServiceAccount)) - {"can", "id"}
    assert writable <= inputs
    assert {f.name for f in attrs.fields(ServiceAccountArgs)} == inputs
    assert keyword_arguments(ServiceAccount) == inputs
    assert outputs(ServiceAccount) == inputs | read_only | {
        "resolved_role_ids",
        "role_names",
        "adopted",
    }
    assert set(stack_config.SERVICE_ACCOUNT_KEYS.values()) == inputs


@pytest.mark.parametrize(
    ("resource", "token"),
    [
        (PasswordConfig, "looker:index:PasswordConfig"),
        (SessionConfig, "looker:index:SessionConfig"),
        (InstanceSettings, "looker:index:InstanceSettings"),
        (ApiCredential, "looker:index:ApiCredential"),
        (ServiceAccount, "looker:index:ServiceAccount"),
    ],
)
def test_the_plugins_schema_has_the_same_fields_as_the_python_face(resource, token) -> None:
    """The plugin's schema (made from the models) and the dynamic resource name the same
    inputs and outputs, in camelCase; ``profile`` is the Python face's only (the plugin has
    explicit providers)."""
    schema = plugin_resources.schema("0.2.0")["resources"][token]
    python_inputs = keyword_arguments(resource) - {"profile"}
    python_outputs = outputs(resource) - {"profile"}
    assert set(schema["inputProperties"]) == {stack_config.camel_case(n) for n in python_inputs}
    assert {stack_config.camel_case(n) for n in python_outputs} <= set(schema["properties"])
