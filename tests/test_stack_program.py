"""The project's program, with Pulumi's mocks: what each piece of stack config declares."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest

from pulumi_looker.dynamic.stack_program import StackConfigError, declare
from pulumi_looker.stack_config import camel_case
from tests.support.mocks import Mocks

PROJECT = "looker-settings"


def run(config: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> tuple[Mocks, dict[str, Any]]:
    """Declare the program for ``config`` (keys without the project's namespace); return the
    resources declared and the stack's exports, resolved."""
    mocks = Mocks()
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack="dev", preview=False)
    pulumi.runtime.set_all_config({f"{PROJECT}:{k}": json.dumps(v) for k, v in config.items()})
    exports: dict[str, Any] = {}
    monkeypatch.setattr(pulumi, "export", lambda name, value: exports.__setitem__(name, value))
    resolved: dict[str, Any] = {}

    @pulumi.runtime.test
    def program() -> pulumi.Output[Any]:
        declare(pulumi.Config())
        return pulumi.Output.from_input(exports).apply(resolved.update)

    program()
    return mocks, resolved


def declared(mocks: Mocks) -> dict[str, tuple[str, str | None, dict[str, Any]]]:
    """name -> (type, import id, inputs without the provider)."""
    return {
        r.name: (
            r.typ.rsplit(":", 1)[1],
            r.resource_id or None,
            {k: v for k, v in r.inputs.items() if k != "__provider"},
        )
        for r in mocks.resources
    }


def test_camel_case_is_how_stack_config_spells_inputs() -> None:
    assert camel_case("min_length") == "minLength"
    assert camel_case("require_upperlower") == "requireUpperlower"
    assert camel_case("profile") == "profile"


def test_an_empty_config_declares_nothing_and_exports_empty_maps(monkeypatch) -> None:
    mocks, exports = run({}, monkeypatch)
    assert mocks.resources == []
    assert exports == {"clientIds": {}, "clientSecrets": {}}


def test_each_section_declares_its_resource(monkeypatch) -> None:
    mocks, exports = run(
        {
            "passwordPolicy": {"minLength": 14, "restoreOnDelete": True},
            "sessionPolicy": {"sessionMinutes": 480, "profile": "eu"},
            "apiCredentials": [
                {"name": "bot", "userId": "2", "purpose": "CI", "rotation": "2026-11"},
                {"name": "dbt", "userId": "7", "credentialsApi3Id": "13"},
            ],
        },
        monkeypatch,
    )
    resources = declared(mocks)
    assert resources["password-policy"] == (
        "PasswordConfig",
        None,
        {"min_length": 14, "restore_on_delete": True},
    )
    assert resources["session-policy"] == (
        "SessionConfig",
        None,
        {"session_minutes": 480, "profile": "eu"},  # restore_on_delete false: left out
    )
    assert resources["bot"] == (
        "ApiCredential",
        None,
        {"user_id": "2", "purpose": "CI", "rotation": "2026-11"},
    )
    assert resources["dbt"] == (
        "ApiCredential",
        None,
        {"user_id": "7", "credentials_api3_id": "13"},
    )
    assert exports["passwordPolicy"] == {"minLength": 14, "expirationEnabled": None}
    assert set(exports["clientIds"]) == {"bot", "dbt"}
    assert set(exports["clientSecrets"]) == {"bot"}  # only keys the stack created have one


def test_a_key_of_a_service_account_takes_the_accounts_user_id(monkeypatch) -> None:
    mocks, exports = run(
        {
            "serviceAccounts": [
                {"name": "ci-bot", "serviceAccountName": "CI", "roles": ["Developer"]},
            ],
            "apiCredentials": [
                {"name": "ci-bot-key", "serviceAccount": "ci-bot", "keepPrevious": True},
            ],
        },
        monkeypatch,
    )
    resources = declared(mocks)
    assert resources["ci-bot"] == (
        "ServiceAccount",
        None,
        {"service_account_name": "CI", "roles": ["Developer"]},
    )
    assert resources["ci-bot-key"][2] == {"user_id": "ci-bot-id", "keep_previous": True}
    assert exports["serviceAccounts"] == {"ci-bot": "ci-bot-id"}


def test_a_group_value_names_its_group_entry(monkeypatch) -> None:
    """A link within a list: each of ``values`` may name a ``groups`` entry instead of an id."""
    mocks, _ = run(
        {
            "groups": [{"name": "finance", "groupId": "2"}],
            "userAttributeGroupValues": [
                {
                    "name": "region-by-group",
                    "userAttributeId": "8",
                    "values": [
                        {"group": "finance", "value": "US"},
                        {"group_id": "7", "value": "EU"},
                    ],
                }
            ],
        },
        monkeypatch,
    )
    _, _, inputs = declared(mocks)["region-by-group"]
    assert inputs["values"]["value"] == [  # a secret: its value
        {"group_id": "2", "value": "US"},
        {"group_id": "7", "value": "EU"},
    ]


@pytest.mark.parametrize(
    ("config", "where"),
    [
        ({"passwordPolicy": {"import": True}}, "looker-settings:passwordPolicy.import"),
        ({"sessionPolicy": {"import": False}}, "looker-settings:sessionPolicy.import"),
        (
            {"apiCredentials": [{"name": "d", "userId": "7", "import": 1}]},
            "looker-settings:apiCredentials[0].import",
        ),
    ],
)
def test_import_is_refused_with_what_works_instead(monkeypatch, config, where) -> None:
    with pytest.raises(StackConfigError) as raised:
        run(config, monkeypatch)
    [line] = str(raised.value).splitlines()
    assert line.startswith(f"{where}: Pulumi cannot import a dynamic resource")
    assert "`pulumi-looker adopt --stack STACK`" in line


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            {"passwordPolicy": {"minLenght": 12}},
            "looker-settings:passwordPolicy: unknown property 'minLenght' "
            "(did you mean 'minLength'?)",
        ),
        (
            {"sessionPolicy": {"session_minutes": 30}},
            "looker-settings:sessionPolicy: unknown property 'session_minutes' "
            "(did you mean 'sessionMinutes'?)",
        ),
        ({"passwordPolicy": [1]}, "looker-settings:passwordPolicy must be an object of settings"),
        ({"apiCredentials": {"name": "x"}}, "looker-settings:apiCredentials must be a list"),
        (
            {"apiCredentials": [{"userId": "2"}]},
            "looker-settings:apiCredentials[0].name must be a unique name",
        ),
        (
            {"apiCredentials": [{"name": "a", "userId": "2"}, {"name": "a", "userId": "3"}]},
            "looker-settings:apiCredentials[1].name must be a unique name",
        ),
        (
            {"apiCredentials": [{"name": "k", "serviceAccount": "nobody"}]},
            "looker-settings:apiCredentials[0].serviceAccount must name one of "
            "looker-settings:serviceAccounts (none declared), instead of userId or userEmail; "
            "got 'nobody'",
        ),
        (
            {
                "serviceAccounts": [{"name": "bot", "serviceAccountName": "b"}],
                "apiCredentials": [{"name": "k", "serviceAccount": "bot", "userId": "2"}],
            },
            "apiCredentials[0].serviceAccount must name one of looker-settings:serviceAccounts "
            "(bot), instead of userId",
        ),
        (
            {
                "userAttributeGroupValues": [
                    {"name": "v", "userAttributeId": "8", "values": [{"group": "eu"}]}
                ]
            },
            "looker-settings:userAttributeGroupValues[0].values[0].group must name one of "
            "looker-settings:groups (none declared), instead of groupId; got 'eu'",
        ),
        (
            {"userAttributeGroupValues": [{"name": "v", "userAttributeId": "8", "group": "eu"}]},
            "looker-settings:userAttributeGroupValues[0]: unknown property 'group'",
        ),
        (
            {"serviceAccounts": [{"name": "bot", "roles": "Admin", "rolez": []}]},
            "looker-settings:serviceAccounts[0]: unknown property 'rolez' (did you mean 'roles'?)",
        ),
        (
            {"apiCredentials": [{"name": "a b", "userId": "2"}]},
            "apiCredentials[0].name must be a unique name of letters, digits, '.', '-' and '_', "
            "got 'a b'",
        ),
    ],
)
def test_bad_config_names_the_key(monkeypatch, config: dict, message: str) -> None:
    with pytest.raises(StackConfigError) as raised:
        run(config, monkeypatch)
    assert message in str(raised.value)
