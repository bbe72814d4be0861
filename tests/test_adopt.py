"""`pulumi-looker adopt` without the CLI: the calls it makes, the names it writes, the merge."""

from __future__ import annotations

import pytest

from pulumi_looker import models
from pulumi_looker.cli import adopt
from pulumi_looker.client import LookerClient, paging
from pulumi_looker.resources import KINDS
from tests.support.clients import fast_retry, settings_for
from tests.support.looker import writes


def test_every_user_is_read_in_pages_with_progress(start_emulator, monkeypatch, capsys) -> None:
    looker = start_emulator("--users", "7")  # 8 users: pages of 3, 3 and 2
    monkeypatch.setattr(paging, "PAGE_SIZE", 3)
    with LookerClient(settings_for(looker), retry=fast_retry()) as client:
        client.create_credentials_api3("5")
        looker.control.clear_requests()
        instance = adopt.read_instance(client, None, adopt.Progress(after=0))
    calls = looker.control.calls()
    assert calls[("GET", "/api/4.0/users")] == 3
    # The singletons, the pages (logged in before), one listing of each collection kind
    # (permission sets, model sets, roles, groups, user attributes: who manages the singletons
    # is read from the last), and the groups with their hierarchy (memberships: their users
    # come from the pages).
    collections = [k.collection for k in KINDS if k.collection is not None]
    assert all(calls[("GET", f"/api/4.0{c.path}")] == 1 for c in collections)
    assert calls[("GET", "/api/4.0/groups/search/with_hierarchy")] == 1
    assert all(calls[("GET", f"/api/4.0{s.path}")] == 1 for s in models.SINGLETONS)
    assert sum(calls.values()) == len(models.SINGLETONS) + 3 + len(collections) + 1
    assert [(k.user_id, k.key.id) for k in instance.keys] == [("1", "1"), ("5", "2")]
    assert "read the keys of 8 users" in capsys.readouterr().err


def test_names_are_readable_and_unique() -> None:
    def live(user: str, key: str, purpose: str | None) -> adopt.LiveKey:
        return adopt.LiveKey(user, models.CredentialsApi3(id=key, purpose=purpose))

    assert adopt.key_name(live("7", "13", "dbt Cloud (prod)!")) == "dbt-cloud-prod-u7-k13"
    assert adopt.key_name(live("7", "14", None)) == "key-u7-k14"
    assert adopt.key_name(live("7", "15", "###")) == "key-u7-k15"


@pytest.mark.parametrize("declared", [None, []])
def test_merge_adds_only_what_is_missing(declared) -> None:
    instance = adopt.Instance(
        {"passwordPolicy": {"minLength": 12}},
        (
            adopt.LiveKey("2", models.CredentialsApi3(id="3", purpose="a")),
            adopt.LiveKey("2", models.CredentialsApi3(id="4", purpose=None)),
            adopt.LiveKey("2", models.CredentialsApi3(id="5", purpose=None)),
        ),
    )
    config: dict = {"p:passwordPolicy": {"minLength": 30}}
    if declared is not None:
        config["p:apiCredentials"] = declared
    added = adopt.merge(config, "p", instance, created={("ApiCredential", "2/5")}, profile=None)
    assert config["p:passwordPolicy"] == {"minLength": 30}
    assert config["p:apiCredentials"] == [
        {"name": "a-u2-k3", "userId": "2", "credentialsApi3Id": "3", "purpose": "a"},
        {"name": "key-u2-k4", "userId": "2", "credentialsApi3Id": "4"},
    ]  # key 5 is the stack's own
    assert added == ["p:apiCredentials a-u2-k3", "p:apiCredentials key-u2-k4"]
    assert (
        adopt.merge(config, "p", instance, created={("ApiCredential", "2/5")}, profile=None) == []
    )


def test_service_accounts_are_read_from_the_same_listing_with_one_roles_call(emulator) -> None:
    with LookerClient(settings_for(emulator), retry=fast_retry()) as client:
        account = client.create_service_account({"service_account_name": "CI deploy bot"})
        client.set_user_roles(account.id, ["3", "4"])
        key = client.create_credentials_api3(account.id)
        emulator.control.clear_requests()
        instance = adopt.read_instance(client, None, adopt.Progress())
    calls = emulator.control.calls()
    assert (calls[("GET", "/api/4.0/users")], calls[("GET", "/api/4.0/roles")]) == (1, 1)
    [found] = instance.accounts
    assert (found.id, found.service_account_name, found.role_ids) == (
        account.id,
        "CI deploy bot",
        ["3", "4"],
    )
    config: dict = {}
    adopt.merge(config, "p", instance, created=set(), profile=None)
    name = f"ci-deploy-bot-u{account.id}"
    assert config["p:serviceAccounts"] == [
        {
            "name": name,
            "userId": account.id,
            "serviceAccountName": "CI deploy bot",
            "isDisabled": False,
            "roles": ["Developer", "Viewer"],
        }
    ]
    assert {"name": f"key-u{account.id}-k{key.id}", "serviceAccount": name} in [
        {k: e[k] for k in ("name", "serviceAccount") if k in e} for e in config["p:apiCredentials"]
    ]
    again: dict = {}
    adopt.merge(again, "p", instance, created={("ServiceAccount", account.id)}, profile=None)
    assert "p:serviceAccounts" not in again  # the stack made it: not adopted again
    # A group of the same id is another object: the account is still adopted.
    other: dict = {}
    adopt.merge(other, "p", instance, created={("Group", account.id)}, profile=None)
    assert [e["userId"] for e in other["p:serviceAccounts"]] == [account.id]
    document = adopt.import_document(instance, held=set())
    assert {
        "type": "looker:index:ServiceAccount",
        "name": name,
        "id": f"service_account/{account.id}",
    } in document["resources"]
    held = {("ServiceAccount", f"service_account/{account.id}")}
    ids = [r["id"] for r in adopt.import_document(instance, held)["resources"]]
    assert f"service_account/{account.id}" not in ids  # the stack holds it already
    ids = [r["id"] for r in adopt.import_document(instance, {("User", account.id)})["resources"]]
    assert f"service_account/{account.id}" in ids  # a user of that id is not the account


def test_people_memberships_and_role_holders_are_adopted_as_looker_has_them(emulator) -> None:
    emulator.control.seed(
        {
            "groups": [
                {"name": "Analysts", "roles": ["Viewer"]},
                {"name": "SAML", "externally_managed": True},
            ],
            "users": [
                {
                    "first_name": "Dana",
                    "last_name": "Scully",
                    "email": "dana@example.com",
                    "groups": ["Analysts"],
                }
            ],
        }
    )
    state = emulator.control.state()
    analysts = next(g["id"] for g in state["groups"] if g["name"] == "Analysts")
    dana = next(u["id"] for u in state["users"] if u.get("first_name") == "Dana")
    with LookerClient(settings_for(emulator), retry=fast_retry()) as client:
        emulator.control.clear_requests()
        instance = adopt.read_instance(client, None, adopt.Progress())
    calls = emulator.control.calls()
    assert calls[("GET", "/api/4.0/groups/search/with_hierarchy")] == 1
    assert calls[("GET", "/api/4.0/users")] == 1  # the keys' listing: memberships read it too
    assert writes(emulator) == []
    config: dict = {}
    adopt.merge(config, "p", instance, created=set(), profile=None)
    users = {e["userId"]: e for e in config["p:users"]}
    assert users[dana] == {
        "name": f"dana-scully-u{dana}",
        "userId": dana,
        "firstName": "Dana",
        "lastName": "Scully",
        "isDisabled": False,
        "email": "dana@example.com",
        "roleIds": ["1"],
        "groupIds": [analysts],
    }
    memberships = config["p:groupMemberships"]
    assert memberships == [
        {
            "name": f"analysts-members-g{analysts}",
            "groupId": analysts,
            "userIds": [dana],
        }
    ]  # All Users and the SAML group take no members: left out
    holders = {e["roleId"]: e for e in config["p:roleAssignments"]}
    assert holders["4"]["groupIds"] == [analysts]  # Viewer, through the group
    assert "1" in holders["2"]["userIds"]  # Admin: the connection's user holds it itself
    document = adopt.import_document(instance, held=set())
    assert {
        "type": "looker:index:GroupMembership",
        "name": f"analysts-members-g{analysts}",
        "id": f"group_membership/{analysts}",
    } in document["resources"]
