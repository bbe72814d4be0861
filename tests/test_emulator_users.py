"""The emulator's people over HTTP: users created, changed, searched and deleted, their email
credentials and the emails Looker sends, attribute values per user and per group, and seeds
of a whole organisation; every answer checked against the API description
(``tests/spec/looker-4.0.json``): its status among the operation's responses, its body of the
response's schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from pulumi_looker.emulator.process import EmulatorProcess
from tests import test_emulator
from tests.support.clients import ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET

from .spec import SCHEMAS, described

api = test_emulator.api  # the fixture: raw HTTP as the admin
login = test_emulator.login


def _errors(answer: httpx.Response) -> list[tuple[str, str]]:
    assert answer.status_code == 422, answer.text
    return [(e["field"], e["code"]) for e in answer.json()["errors"]]


def test_a_user_answers_every_field_of_the_schema(api: httpx.Client) -> None:
    user = described(api.get("/users/2"), "/users/{user_id}")
    assert set(user) == set(SCHEMAS["User"]["properties"])
    assert (user["display_name"], user["email"]) == ("Ada Lovelace", "ada.lovelace@example.com")
    assert user["credentials_email"]["email"] == user["email"]
    assert user["credentials_email"]["user_url"] == user["url"]
    for listed in described(api.get("/users"), "/users"):
        assert set(listed) == set(SCHEMAS["User"]["properties"])
    assert described(api.get("/users/99"), "/users/{user_id}") == {
        "message": "Not found",
        "documentation_url": "https://docs.cloud.google.com/looker/docs/r/api/support",
    }


def test_a_persons_life(api: httpx.Client, emulator: EmulatorProcess) -> None:
    """``create_user`` with email credentials (read-only fields ignored), ``update_user`` (an
    explicit null clears a field; a refused value is a 422 naming it), ``delete_user``."""
    created = api.post(
        "/users",
        json={
            "first_name": "Dana",
            "last_name": "Scully",
            "locale": "en_US",
            "credentials_email": {"email": "dana@fbi.gov", "type": "saml"},
            "id": "77",
            "email": "other@fbi.gov",
            "role_ids": ["2"],
        },
    )
    made = described(created, "/users")
    assert made["id"] == "6"
    assert (made["display_name"], made["email"], made["locale"]) == (
        "Dana Scully",
        "dana@fbi.gov",
        "en_US",
    )
    assert made["role_ids"] == ["1"]  # the role every new user gets (User), not the body's
    assert made["credentials_email"]["type"] == "email"
    assert made["credentials_email"]["account_setup_url_expired"] is True  # nothing sent yet

    changed = api.patch("/users/6", json={"locale": None, "first_name": "Fox", "is_disabled": True})
    assert (described(changed, "/users/{user_id}")["locale"], changed.json()["is_disabled"]) == (
        None,
        True,
    )
    assert changed.json()["display_name"] == "Fox Scully"
    refused = api.patch("/users/6", json={"is_disabled": None, "first_name": 3})
    described(refused, "/users/{user_id}")
    assert sorted(_errors(refused)) == [("first_name", "invalid"), ("is_disabled", "missing_field")]
    assert api.get("/users/6").json()["first_name"] == "Fox"  # nothing changed
    assert api.get("/users", params={"ids": "6", "fields": "id,email"}).json() == [
        {"id": "6", "email": "dana@fbi.gov"}
    ]

    taken = api.post("/users", json={"credentials_email": {"email": "DANA@fbi.gov"}})
    described(taken, "/users")
    assert _errors(taken) == [("email", "already_exists")]
    assert _errors(api.post("/users", json={"credentials_email": {"email": "nobody"}})) == [
        ("email", "invalid")
    ]
    assert len(api.get("/users").json()) == 6  # the refused creates made no user

    assert described(api.delete("/users/6"), "/users/{user_id}") is None
    assert api.get("/users/6").status_code == 404
    assert api.delete("/users/6").status_code == 404
    myself = api.delete("/users/1")
    assert described(myself, "/users/{user_id}")["message"] == "The user cannot delete themselves."
    again = described(api.post("/users", json={"first_name": "Walter"}), "/users")
    assert again["id"] == "7"  # Looker never gives an id twice
    assert (again["email"], again["credentials_email"], again["display_name"]) == (
        None,
        None,
        None,
    )
    assert [u["id"] for u in emulator.control.state()["users"]] == ["1", "2", "3", "4", "5", "7"]


def test_only_an_admin_changes_users_and_anyone_reads_themself(start_emulator) -> None:
    emulator = start_emulator("--user-key", "UserClientId00000001:UserSecret0000000000001")
    with httpx.Client(base_url=f"{emulator.url}/api/4.0") as http:
        token = login(http, "UserClientId00000001", "UserSecret0000000000001").json()
        http.headers["Authorization"] = f"Bearer {token['access_token']}"
        assert http.get("/users/2").json()["id"] == "2"
        assert http.get("/users/3").status_code == 403
        assert http.patch("/users/2", json={"first_name": "X"}).status_code == 403
        assert http.delete("/users/3").status_code == 403
        assert http.get("/users/search").status_code == 403
        assert http.post("/users", json={"first_name": "X"}).status_code == 403
    assert [u["first_name"] for u in emulator.control.state()["users"]][1] == "Ada"


def test_the_search_of_users(api: httpx.Client, emulator: EmulatorProcess) -> None:
    """``search_users`` matches as every ``/search`` route: LIKE patterns case-insensitively,
    ids as lists, booleans, AND or (``filter_or``) OR; ``sorts``, paging and ``fields``."""
    emulator.control.seed(
        {
            "groups": [{"name": "Finance"}],
            "users": [
                {"first_name": "Dana", "last_name": "Scully", "groups": ["Finance"]},
                {"first_name": "Danny", "last_name": "Ocean", "email": None},
            ],
        }
    )
    api.patch("/users/3", json={"is_disabled": True})

    def ids(**params: str) -> list[str]:
        answer = api.get("/users/search", params={**params, "fields": "id"})
        return [u["id"] for u in described(answer, "/users/search")]

    assert ids(first_name="dan%") == ["6", "7"]
    assert ids(first_name="D_n_") == ["6"]
    assert ids(full_name="dana scully") == ["6"]
    assert ids(email="%@example.com", last_name="S%") == ["6"]
    assert ids(email="IS NULL") == ["7"]
    assert ids(id="2,4,99") == ["2", "4"]
    assert ids(group_id="2") == ["6"]
    assert ids(is_disabled="true") == ["3"]
    assert ids(first_name="Ada", last_name="Ocean") == []
    assert ids(first_name="Ada", last_name="Ocean", filter_or="true") == ["2", "7"]
    assert ids(sorts="first_name desc", limit="2") == ["1", "3"]
    assert ids(sorts="id desc", per_page="2", page="2") == ["5", "4"]
    assert ids(is_service_account="false", embed_user="false", offset="5") == ["6", "7"]
    refused = api.get("/users/search", params={"is_disabled": "yes"})
    assert described(refused, "/users/search")["message"] == (
        "is_disabled must be true or false, got 'yes'"
    )
    listed = api.get("/users", params={"sorts": "last_name", "fields": "id,last_name"})
    assert [u["id"] for u in described(listed, "/users")] == ["1", "5", "3", "2", "7", "6", "4"]


def test_email_credentials_of_a_user(api: httpx.Client) -> None:
    """``create``, ``update``, ``delete`` and the read of a user's email credentials: 404
    without them, 409 to make them twice, a 422 on ``email`` for another user's."""
    template = "/users/{user_id}/credentials_email"
    walter = described(api.post("/users", json={"first_name": "Walter"}), "/users")["id"]
    path = f"/users/{walter}/credentials_email"
    assert described(api.get(path), template)["message"] == "Not found"
    assert api.patch(path, json={"email": "w@fbi.gov"}).status_code == 404
    assert api.delete(path).status_code == 404
    made = described(api.post(path, json={"email": "w@fbi.gov"}), template)
    assert set(made) == set(SCHEMAS["CredentialsEmail"]["properties"])
    assert (made["email"], made["user_id"], made["type"]) == ("w@fbi.gov", walter, "email")
    assert api.get(f"/users/{walter}").json()["email"] == "w@fbi.gov"
    twice = api.post(path, json={"email": "w2@fbi.gov"})
    assert described(twice, template)["message"] == f"User {walter} already has email credentials"
    assert twice.status_code == 409
    taken = api.patch(path, json={"email": "Ada.Lovelace@example.com"})
    described(taken, template)
    assert _errors(taken) == [("email", "already_exists")]
    assert _errors(api.patch(path, json={"email": None})) == [("email", "missing_field")]
    changed = described(api.patch(path, json={"email": "walter@fbi.gov"}), template)
    assert changed["email"] == "walter@fbi.gov"
    assert described(api.delete(path), template) is None
    assert api.get(path).status_code == 404
    assert api.get(f"/users/{walter}").json()["email"] is None
    assert _errors(api.post(path, json={})) == [("email", "missing_field")]


def test_the_emails_looker_sends(api: httpx.Client, emulator: EmulatorProcess) -> None:
    """``send_user_credentials_email_password_reset``: a setup email to a user who has not
    set up the account, a reset email to one who has, each in the store's ``emails``; the
    link is in the answer, and never in the state."""
    template = "/users/{user_id}/credentials_email/send_password_reset"
    new = api.post("/users", json={"credentials_email": {"email": "new@fbi.gov"}}).json()["id"]
    setup = described(api.post(f"/users/{new}/credentials_email/send_password_reset"), template)
    assert setup["account_setup_url"].startswith(f"{emulator.url}/account/setup/")
    assert (setup["account_setup_url_expired"], setup["password_reset_url"]) == (False, None)
    assert api.get(f"/users/{new}/credentials_email").json() == setup
    reset = described(api.post("/users/3/credentials_email/send_password_reset"), template)
    assert reset["password_reset_url"].startswith(f"{emulator.url}/password/reset/")
    assert (reset["password_reset_url_expired"], reset["account_setup_url"]) == (False, None)
    bare = api.post("/users", json={"first_name": "Walter"}).json()["id"]
    none = api.post(f"/users/{bare}/credentials_email/send_password_reset")
    assert described(none, template)["message"] == "Not found"
    state = emulator.control.state()
    assert state["emails"] == [
        {"user_id": new, "email": "new@fbi.gov", "kind": "account_setup"},
        {"user_id": "3", "email": "grace.hopper@example.com", "kind": "password_reset"},
    ]
    for link in (setup["account_setup_url"], reset["password_reset_url"]):
        assert link.rsplit("/", 1)[1] not in json.dumps(state)


#: A team with an attribute its groups give values to, a hidden one, and one its user sets.
TEAM: dict[str, Any] = {
    "groups": [
        {"name": "Finance"},
        {"name": "Controllers", "groups": ["Finance"]},
        {"name": "Sales"},
    ],
    "user_attributes": [
        {
            "name": "region",
            "label": "Region",
            "type": "string",
            "default_value": "EU",
            "group_values": [
                {"group": "Sales", "value": "US"},
                {"group": "Finance", "value": "APAC"},
            ],
        },
        {"name": "api_token", "label": "Token", "type": "string", "value_is_hidden": True},
        {"name": "team", "label": "Team", "type": "string"},
    ],
    "users": [
        {
            "first_name": "Dana",
            "last_name": "Scully",
            "groups": ["Controllers", "Sales"],
            "attributes": {"team": "X-Files", "api_token": "s3cret"},
        }
    ],
}


def _values(api: httpx.Client, user_id: str, **params: str) -> list[tuple[Any, ...]]:
    answer = api.get(f"/users/{user_id}/attribute_values", params=params)
    return [
        (v["name"], v["value"], v["source"], v["rank"])
        for v in described(answer, "/users/{user_id}/attribute_values")
    ]


def test_the_values_a_user_gets(api: httpx.Client, emulator: EmulatorProcess) -> None:
    """``user_attribute_user_values``: the user's own value, else its groups' (through the
    groups they are in; the lowest rank wins), else the default; ``all_values``,
    ``include_unset``, ``user_attribute_ids``; a hidden value is never answered."""
    emulator.control.seed(TEAM)
    assert _values(api, "6") == [
        ("region", "US", "group", 1),
        ("api_token", None, "user", None),
        ("team", "X-Files", "user", None),
    ]
    [hidden] = [v for v in api.get("/users/6/attribute_values").json() if v["name"] == "api_token"]
    assert hidden["value_is_hidden"] is True
    assert set(hidden) == set(SCHEMAS["UserAttributeWithValue"]["properties"])
    assert _values(api, "6", user_attribute_ids="8", all_values="true") == [
        ("region", "US", "group", 1),
        ("region", "APAC", "group", 2),
        ("region", "EU", "default", None),
    ]
    unset = _values(api, "2", user_attribute_ids="1,9,10", include_unset="true")
    assert unset == [
        ("email", None, None, None),
        ("api_token", None, None, None),
        ("team", None, None, None),
    ]
    assert _values(api, "2", user_attribute_ids="8,9,10") == [("region", "EU", "default", None)]
    assert "s3cret" not in api.get("/users/6/attribute_values", params={"all_values": "true"}).text


def test_values_set_and_unset_for_users_and_groups(
    api: httpx.Client, emulator: EmulatorProcess
) -> None:
    """``set_user_attribute_user_value`` and its delete, ``update_user_attribute_group_value``
    and its delete; a deleted group, attribute or user takes its values with it."""
    emulator.control.seed(TEAM)
    template = "/users/{user_id}/attribute_values/{user_attribute_id}"
    own = described(api.patch("/users/6/attribute_values/8", json={"value": "LATAM"}), template)
    assert (own["value"], own["source"], own["user_id"], own["user_attribute_id"]) == (
        "LATAM",
        "user",
        "6",
        "8",
    )
    assert _errors(api.patch("/users/6/attribute_values/8", json={"value": 7})) == [
        ("value", "invalid")
    ]
    assert api.patch("/users/6/attribute_values/99", json={"value": "x"}).status_code == 404
    assert api.patch("/users/99/attribute_values/8", json={"value": "x"}).status_code == 404
    assert described(api.delete("/users/6/attribute_values/8"), template) is None
    assert _values(api, "6", user_attribute_ids="8") == [("region", "US", "group", 1)]

    group_template = "/groups/{group_id}/attribute_values/{user_attribute_id}"
    sales = described(
        api.patch("/groups/4/attribute_values/8", json={"value": "CA"}), group_template
    )
    assert (sales["group_id"], sales["value"], sales["rank"]) == ("4", "CA", 1)
    controllers = api.patch("/groups/3/attribute_values/8", json={"value": "MX"}).json()
    assert controllers["rank"] == 3  # after the others
    assert _errors(api.patch("/groups/3/attribute_values/8", json={})) == [
        ("value", "missing_field")
    ]
    assert api.patch("/groups/99/attribute_values/8", json={"value": "x"}).status_code == 404
    assert described(api.delete("/groups/4/attribute_values/8"), group_template) is None
    assert _values(api, "6", user_attribute_ids="8") == [("region", "APAC", "group", 2)]
    listed = api.get("/user_attributes/8/group_values").json()
    assert [(v["group_id"], v["value"], v["rank"]) for v in listed] == [
        ("2", "APAC", 2),
        ("3", "MX", 3),
    ]
    hidden = api.patch("/groups/3/attribute_values/9", json={"value": "t0ken"})
    assert (described(hidden, group_template)["value"], hidden.json()["value_is_hidden"]) == (
        None,
        True,
    )

    assert api.delete("/groups/2").status_code == 204
    assert _values(api, "6", user_attribute_ids="8") == [("region", "MX", "group", 3)]
    assert api.delete("/user_attributes/10").status_code == 204
    [dana] = [u for u in emulator.control.state()["users"] if u["id"] == "6"]
    assert dana["attribute_values"] == {"9": "s3cret"}
    assert api.delete("/users/6").status_code == 204
    assert "6" not in [u["id"] for u in emulator.control.state()["users"]]


def test_a_seed_makes_an_organisation_in_one_call(
    api: httpx.Client, emulator: EmulatorProcess
) -> None:
    """300 users in 50 groups (1,000 memberships), 20 roles, 10 attributes with group values,
    each user with an email, roles by id and values of its own: one ``POST /_emulator/seed``."""
    groups = [f"Team {n}" for n in range(50)]
    seed = {
        "permission_sets": [
            {"name": f"Set {n}", "permissions": ["access_data"]} for n in range(20)
        ],
        "roles": [
            {"name": f"Role {n}", "permission_set": f"Set {n}", "model_set": "All"}
            for n in range(20)
        ],
        "groups": [{"name": name} for name in groups],
        "user_attributes": [
            {
                "name": f"attribute_{n}",
                "label": f"Attribute {n}",
                "type": "string",
                "group_values": [{"group": groups[n], "value": f"g{n}"}],
            }
            for n in range(10)
        ],
        "users": [
            {
                "first_name": "Person",
                "last_name": str(n),
                "email": f"person{n}@corp.example",
                "role_ids": ["4"],
                "groups": [groups[(n + k) % 50] for k in range(4 if n < 100 else 3)],
                "attributes": {"attribute_0": f"own {n}"},
            }
            for n in range(300)
        ],
    }
    emulator.control.seed(seed)
    users = api.get("/users", params={"fields": "id,email,group_ids,role_ids"}).json()
    people = users[5:]
    assert len(people) == 300
    assert sum(len(u["group_ids"]) - 1 for u in people) == 1000  # all but All Users
    assert (people[0]["email"], people[0]["role_ids"]) == ("person0@corp.example", ["4"])
    assert len(api.get("/groups", params={"fields": "id"}).json()) == 51
    own = _values(api, people[7]["id"], user_attribute_ids="8")
    assert own == [("attribute_0", "own 7", "user", None)]
    [found] = api.get("/users/search", params={"email": "person299@%"}).json()
    assert found["id"] == people[-1]["id"]


def test_email_credentials_on_google_cloud_core(start_emulator) -> None:
    """The description: calls to the ``credentials_email`` routes "may be denied by Looker
    (Google Cloud core)"."""
    emulator = start_emulator("--google-cloud-core")
    with httpx.Client(base_url=f"{emulator.url}/api/4.0") as http:
        token = login(http, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET).json()["access_token"]
        http.headers["Authorization"] = f"Bearer {token}"
        for method in ("GET", "POST", "PATCH", "DELETE"):
            answer = http.request(method, "/users/2/credentials_email", json={"email": "a@b.c"})
            assert answer.status_code == 403
        sent = http.post("/users/2/credentials_email/send_password_reset")
        assert sent.json()["message"] == "Unsupported in Looker (Google Cloud core)"
    assert emulator.control.state()["emails"] == []


def test_people_survive_a_restart(start_emulator, tmp_path: Path) -> None:
    """A state file keeps users' email credentials and values, never a reset link's token;
    one of an older emulator (no email credentials) keeps each person's email."""
    state = tmp_path / "state.json"
    emulator = start_emulator(state_file=state)
    emulator.control.seed(TEAM)
    with httpx.Client(base_url=f"{emulator.url}/api/4.0") as http:
        token = login(http, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET).json()["access_token"]
        http.headers["Authorization"] = f"Bearer {token}"
        link = http.post("/users/6/credentials_email/send_password_reset").json()
        http.patch("/users/6", json={"locale": "fr_FR"}).raise_for_status()
    held = emulator.control.state()["users"]
    emulator.stop()
    assert link["password_reset_url"].rsplit("/", 1)[1] not in state.read_text()
    emulator.start()
    assert emulator.control.state()["users"] == held
    emulator.stop()

    data = json.loads(state.read_text())
    for user in data["users"]:
        del user["credentials_email"]
    state.write_text(json.dumps(data))
    emulator.start()
    emails = {u["id"]: u["credentials_email"] for u in emulator.control.state()["users"]}
    assert emails["6"]["email"] == "dana.scully@example.com"
