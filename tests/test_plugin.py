"""The plugin face's handlers against the emulator: the same logic as the dynamic face, with
per-field diffs, import through read, warnings, getUser and a schema made from the models."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine
from typing import Any, TypeVar

import pytest
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.provider import (
    CheckRequest,
    ConfigureRequest,
    CreateRequest,
    DeleteRequest,
    DiffRequest,
    GetSchemaRequest,
    InvokeRequest,
    PropertyDiffKind,
    ReadRequest,
    UpdateRequest,
)

from pulumi_looker import models
from pulumi_looker.emulator.process import EmulatorProcess
from pulumi_looker.plugin import resources
from pulumi_looker.plugin.provider import LookerPlugin
from pulumi_looker.plugin.values import to_plain
from pulumi_looker.resources import KINDS
from pulumi_looker.stack_config import camel_case
from tests.support.clients import ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET
from tests.support.looker import api_calls, keys_of_user, writes

T = TypeVar("T")
POLICY = "urn:pulumi:dev::p::looker:index:PasswordConfig::password-policy"
KEY = "urn:pulumi:dev::p::looker:index:ApiCredential::bot"


_LOOP = asyncio.new_event_loop()  # the plugin's own loop; Pulumi's mocks keep the default one


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return _LOOP.run_until_complete(coroutine)


def props(**values: Any) -> dict[str, PropertyValue]:
    return {
        k: PropertyValue(float(v) if isinstance(v, int) and not isinstance(v, bool) else v)
        for k, v in values.items()
    }


def plain(properties: dict[str, PropertyValue]) -> dict[str, Any]:
    return {k: to_plain(v) for k, v in properties.items()}


class Warnings(list[tuple[str, str]]):
    async def __call__(self, urn: str, message: str) -> None:
        self.append((urn, message))


@pytest.fixture
def warnings() -> Warnings:
    return Warnings()


@pytest.fixture
def plugin(emulator: EmulatorProcess, warnings: Warnings) -> LookerPlugin:
    plugin = LookerPlugin("0.2.0", warnings)
    config = {
        "baseUrl": PropertyValue(emulator.url),
        "clientId": PropertyValue(ADMIN_CLIENT_ID),
        "clientSecret": PropertyValue(ADMIN_CLIENT_SECRET, is_secret=True),
    }
    run(plugin.configure(ConfigureRequest({}, config, True, True)))
    return plugin


def test_the_schema_is_the_models() -> None:
    schema = resources.schema("0.2.0")
    policy = schema["resources"]["looker:index:PasswordConfig"]
    assert set(policy["inputProperties"]) == {
        *(camel_case(n) for n in models.writable_fields(models.PasswordConfig)),
        "forcePasswordReset",
        "restoreOnDelete",
        "takeover",
    }
    assert policy["inputProperties"]["minLength"]["type"] == "integer"
    assert policy["inputProperties"]["minLength"]["description"] == (
        "Min length: an integer from 7 to 100."
    )
    assert "Needs Looker 26.0" in policy["inputProperties"]["expirationEnabled"]["description"]
    assert "policyEnabledAt" in policy["properties"]
    key = schema["resources"]["looker:index:ApiCredential"]
    assert key["properties"]["clientSecret"]["secret"] is True
    assert key["inputProperties"]["userId"]["replaceOnChanges"] is True
    # Whether a rotation replaces the key is the diff's to say (keepPrevious updates in place).
    assert "replaceOnChanges" not in key["inputProperties"]["rotation"]
    account = schema["resources"]["looker:index:ServiceAccount"]
    assert account["inputProperties"]["roles"]["items"] == {"type": "string"}
    assert "Needs Looker 25.18" in account["inputProperties"]["serviceAccountName"]["description"]
    assert {"roleIds", "roleNames", "isServiceAccount"} <= set(account["properties"])
    assert "requiredInputs" not in key  # userId, or userEmail
    assert schema["config"]["variables"]["clientSecret"]["secret"] is True
    assert "looker:index:getUser" in schema["functions"]
    served = run(LookerPlugin("0.2.0").get_schema(GetSchemaRequest(0)))
    assert json.loads(served.schema or "") == schema


def test_check_names_camel_case_fields_and_calls_nothing(plugin, emulator) -> None:
    checked = run(plugin.check(CheckRequest(POLICY, {}, props(minLength=3, minLenght=12), b"")))
    failures = {f.property: f.reason for f in checked.failures or []}
    assert failures["minLength"] == "min_length must be an integer from 7 to 100, got 3"
    assert "did you mean 'min_length'?" in failures["minLenght"]
    assert emulator.control.requests() == []


def test_a_policy_lives_and_its_diff_names_each_field(plugin, emulator) -> None:
    created = run(plugin.create(CreateRequest(POLICY, props(minLength=14), 60, False)))
    assert created.resource_id == "password_config"
    assert emulator.control.state()["password_config"]["min_length"] == 14
    state = created.properties
    assert to_plain(state["minLength"]) == 14
    diff = run(plugin.diff(DiffRequest(POLICY, "password_config", state, props(minLength=16), [])))
    assert diff.changes is True
    assert {k: v.kind for k, v in diff.detailed_diff.items()} == {
        "minLength": PropertyDiffKind.UPDATE
    }
    same = run(plugin.diff(DiffRequest(POLICY, "password_config", state, props(minLength=14), [])))
    assert same.changes is False
    updated = run(
        plugin.update(
            UpdateRequest(POLICY, "password_config", state, props(minLength=16), 60, [], False)
        )
    )
    assert to_plain(updated.properties["minLength"]) == 16
    run(plugin.delete(DeleteRequest(POLICY, "password_config", updated.properties, 60)))
    assert emulator.control.state()["password_config"]["min_length"] == 16  # left as it is


def test_a_key_is_created_secret_and_rotated_by_replacement(plugin, emulator) -> None:
    created = run(plugin.create(CreateRequest(KEY, props(userId="2", purpose="bot"), 60, False)))
    assert created.properties["clientSecret"].is_secret
    [key] = keys_of_user(emulator, "2")
    assert (created.resource_id, key["purpose"]) == (f"2/{key['id']}", "bot [pulumi: p/dev]")
    diff = run(
        plugin.diff(
            DiffRequest(
                KEY, created.resource_id, created.properties, props(userId="2", rotation="r2"), []
            )
        )
    )
    assert diff.replaces == ["rotation"]
    assert diff.detailed_diff["rotation"].kind == PropertyDiffKind.UPDATE_REPLACE


def test_import_reads_what_looker_has_with_no_write(plugin, emulator, client) -> None:
    key = client.create_credentials_api3("3")
    client.users.set_purpose("3", key.id, "made by hand")
    emulator.control.clear_requests()
    found = run(plugin.read(ReadRequest(KEY, f"3/{key.id}", {}, {})))
    assert found.resource_id == f"3/{key.id}"
    assert plain(found.inputs) == {
        "userId": "3",
        "credentialsApi3Id": key.id,
        "purpose": "made by hand",
    }
    assert to_plain(found.properties["adopted"]) is True
    policy = run(plugin.read(ReadRequest(POLICY, "password_config", {}, {})))
    assert to_plain(policy.inputs["minLength"]) == 10  # Looker's default, adopted
    assert writes(emulator) == []


MEMBERS = "urn:pulumi:dev::p::looker:index:GroupMembership::analysts"


def test_a_refresh_that_finds_nothing_changed_answers_the_state_as_it_was(plugin, emulator) -> None:
    """The program lists a group's users in another order than the state (an ``up`` found no
    change, and recorded only the inputs): a refresh keeps both as they were, where Looker's
    listing order would make the engine write the resource at this refresh and the next up."""
    people = [{"first_name": "Dana", "last_name": "S"}, {"first_name": "Fox", "last_name": "M"}]
    emulator.control.seed({"groups": [{"name": "Analysts"}], "users": people})
    group = next(g["id"] for g in emulator.control.state()["groups"] if g["name"] == "Analysts")
    first, second = (u["id"] for u in emulator.control.state()["users"][-2:])
    state = props(groupId=group, userIds=[PropertyValue(first), PropertyValue(second)])
    created = run(plugin.create(CreateRequest(MEMBERS, state, 60, False)))
    program = props(groupId=group, userIds=[PropertyValue(second), PropertyValue(first)])
    emulator.control.clear_requests()
    found = run(plugin.read(ReadRequest(MEMBERS, group, created.properties, program)))
    assert plain(found.properties) == plain(created.properties)
    assert plain(found.inputs) == plain(program)
    assert writes(emulator) == []


def test_an_overdue_key_is_a_warning_not_an_error(plugin, emulator, warnings) -> None:
    created = run(plugin.create(CreateRequest(KEY, props(userId="2"), 60, False)))
    [key] = keys_of_user(emulator, "2")
    emulator.control.age_key(key["id"], 120)
    found = run(plugin.read(ReadRequest(KEY, created.resource_id, created.properties, {})))
    assert found.resource_id == created.resource_id
    [(urn, message)] = warnings
    assert urn == KEY
    assert f"API key {key['id']} of user 2 was created 120 days ago" in message
    assert "change its rotation to replace it" in message


ACCOUNT = "urn:pulumi:dev::p::looker:index:ServiceAccount::ci-bot"


def test_only_a_key_warns_of_its_age_not_a_service_account(plugin, emulator, warnings) -> None:
    """#27: a service account the stack made long ago has ``created_at`` and ``adopted`` false
    too; the age warning is the key's alone. A naive timestamp counts as UTC."""
    inputs = props(serviceAccountName="CI deploy bot")
    account = run(plugin.create(CreateRequest(ACCOUNT, inputs, 60, False)))
    assert to_plain(account.properties["adopted"]) is False
    old = {**account.properties, "createdAt": PropertyValue("2020-01-01T00:00:00.000+00:00")}
    run(plugin.diff(DiffRequest(ACCOUNT, account.resource_id, old, inputs, [])))
    run(plugin.read(ReadRequest(ACCOUNT, account.resource_id, account.properties, {})))
    assert warnings == []

    user_id = account.resource_id
    key = run(plugin.create(CreateRequest(KEY, props(userId=user_id), 60, False)))
    [made] = keys_of_user(emulator, user_id)
    state = {**key.properties, "createdAt": PropertyValue("2020-01-01T00:00:00")}
    run(plugin.diff(DiffRequest(KEY, key.resource_id, state, props(userId=user_id), [])))
    [(urn, message)] = warnings
    assert urn == KEY
    assert message.startswith(f"API key {made['id']} of user {user_id} was created ")


def test_get_user_by_email_costs_one_listing(plugin, emulator) -> None:
    emulator.control.clear_requests()
    found = run(
        plugin.invoke(
            InvokeRequest("looker:index:getUser", props(email="Grace.Hopper@example.com"))
        )
    )
    value = plain(found.return_value or {})
    assert value["id"] == "3"
    assert api_calls(emulator) == {("GET", "/api/4.0/users"): 1}
    by_id = run(plugin.invoke(InvokeRequest("looker:index:getUser", props(id="4"))))
    assert plain(by_id.return_value or {})["id"] == "4"
    assert api_calls(emulator) == {("GET", "/api/4.0/users"): 1}  # the listing in hand


@pytest.mark.parametrize(
    ("token", "name", "found"),
    [
        ("looker:index:getRole", "admin", ("roleId", "2")),
        ("looker:index:getGroup", "All Users", ("groupId", "1")),
        ("looker:index:getPermissionSet", "Admin", ("permissionSetId", "1")),
        ("looker:index:getModelSet", "all", ("modelSetId", "1")),
        ("looker:index:getUserAttribute", "Email", ("userAttributeId", "1")),
    ],
)
def test_each_lookup_finds_by_name_from_one_listing(plugin, emulator, token, name, found) -> None:
    kind = resources.LOOKUPS[token]
    assert kind.collection is not None
    emulator.control.clear_requests()
    value = plain(run(plugin.invoke(InvokeRequest(token, props(name=name)))).return_value or {})
    key, object_id = found
    assert value[key] == object_id
    assert api_calls(emulator) == {("GET", f"/api/4.0{kind.collection.path}"): 1}
    assert set(resources.LOOKUPS) == {
        f"looker:index:get{k.name}" for k in KINDS if k.collection is not None
    }
