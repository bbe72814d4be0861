"""The emulator's access model over HTTP: permission sets, model sets, roles, groups, their
memberships and user attributes, answered as Looker API 4.0's description says."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from pulumi_looker.emulator.process import EmulatorProcess
from tests import test_emulator
from tests.support.clients import ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET

from .spec import SPEC, departures

api = test_emulator.api  # the fixture: raw HTTP as the admin
login = test_emulator.login

SCHEMAS = json.loads(SPEC.read_text())["components"]["schemas"]

#: An instance managed by hand before the stack: a SAML group holds the Analyst role.
HAND_MADE: dict[str, Any] = {
    "permission_sets": [{"name": "Analysts", "permissions": ["access_data", "see_looks"]}],
    "model_sets": [{"name": "Marketing", "models": ["thelook"]}],
    "roles": [{"name": "Analyst", "permission_set": "Analysts", "model_set": "Marketing"}],
    "groups": [
        {"name": "Finance", "roles": ["Analyst"]},
        {"name": "SAML group A", "externally_managed": True, "roles": ["Analyst"]},
        {"name": "Controllers", "groups": ["Finance"]},
    ],
    "users": [{"first_name": "Dana", "last_name": "Scully", "groups": ["Controllers"]}],
}


def _errors(answer: httpx.Response) -> list[tuple[str, str]]:
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert set(body) == {"message", "errors", "documentation_url"}
    assert body["message"] == "Validation Failed"
    return [(e["field"], e["code"]) for e in body["errors"]]


def _named(api: httpx.Client, path: str, name: str) -> dict[str, Any]:
    [found] = api.get(f"{path}/search", params={"name": name}).json()
    return found


def test_answers_carry_the_spec_schemas_fields(api: httpx.Client) -> None:
    for path, schema in (
        ("/permissions", "Permission"),
        ("/permission_sets", "PermissionSet"),
        ("/model_sets", "ModelSet"),
        ("/roles", "Role"),
        ("/groups", "Group"),
        ("/user_attributes", "UserAttribute"),
        ("/groups/search/with_hierarchy", "GroupHierarchy"),
        ("/roles/2/users", "User"),
        ("/groups/1/users", "User"),
        ("/users", "User"),
        ("/users/search", "User"),
        ("/users/2/attribute_values?include_unset=true", "UserAttributeWithValue"),
    ):
        answer = api.get(path)
        assert answer.status_code == 200, path
        assert answer.json(), path
        for item in answer.json():
            assert set(item) <= set(SCHEMAS[schema]["properties"]), (path, set(item))
            assert departures(item, SCHEMAS[schema]) == [], path
    for path, schema in (
        ("/roles/2", "Role"),
        ("/groups/1", "Group"),
        ("/users/2", "User"),
        ("/users/2/credentials_email", "CredentialsEmail"),
    ):
        one = api.get(path).json()
        assert set(one) == set(SCHEMAS[schema]["properties"]), path
        assert departures(one, SCHEMAS[schema]) == [], path


def test_a_fresh_instance_has_lookers_defaults(api: httpx.Client) -> None:
    permissions = api.get("/permissions").json()
    names = [p["permission"] for p in permissions]
    assert {"access_data", "see_looks", "explore", "sudo", "administer"} <= set(names)
    parents = {p["permission"]: p["parent"] for p in permissions}
    assert (parents["explore"], parents["sudo"], parents["access_data"]) == (
        "see_looks",
        "see_users",
        None,
    )
    assert set(parents.values()) - {None} <= set(names)  # every parent is a permission
    admin_set = _named(api, "/permission_sets", "Admin")
    assert (admin_set["built_in"], admin_set["all_access"]) == (True, True)
    assert sorted(admin_set["permissions"]) == sorted(names)
    assert admin_set["can"] == {"show": True, "index": True, "update": False, "destroy": False}
    [all_models] = api.get("/model_sets").json()
    assert (all_models["name"], all_models["built_in"], all_models["all_access"]) == (
        "All",
        True,
        True,
    )
    roles = {r["name"]: r for r in api.get("/roles").json()}
    assert set(roles) == {"Admin", "Developer", "User", "Viewer"}
    assert roles["Admin"]["permission_set"]["name"] == "Admin"
    assert roles["Viewer"]["model_set"]["name"] == "All"
    [everyone] = api.get("/groups").json()
    assert (everyone["id"], everyone["name"], everyone["include_by_default"]) == (
        "1",
        "All Users",
        True,
    )
    assert everyone["user_count"] == 5
    assert everyone["contains_current_user"] is True
    users = api.get("/users", params={"fields": "id,group_ids,role_ids"}).json()
    assert [u["group_ids"] for u in users] == [["1"]] * 5
    assert users[0]["role_ids"] == ["2"]


def test_a_permission_sets_life(api: httpx.Client, emulator: EmulatorProcess) -> None:
    created = api.post(
        "/permission_sets",
        json={"name": "Analysts", "permissions": ["access_data"], "built_in": True, "id": "77"},
    )
    assert created.status_code == 200
    made = created.json()
    assert (made["name"], made["permissions"], made["built_in"]) == (
        "Analysts",
        ["access_data"],
        False,  # read-only fields are ignored, as Looker ignores them
    )
    assert made["id"] != "77"
    assert made["url"] == f"{emulator.url}/api/4.0/permission_sets/{made['id']}"
    assert api.get(f"/permission_sets/{made['id']}", params={"fields": "id,name"}).json() == {
        "id": made["id"],
        "name": "Analysts",
    }
    before = emulator.control.state()["permission_sets"]
    assert _errors(api.post("/permission_sets", json={"name": "analysts"})) == [
        ("name", "already_exists")  # names compare case-insensitively, as Looker's search
    ]
    unknown = api.post("/permission_sets", json={"name": "X", "permissions": ["see_everything"]})
    assert _errors(unknown) == [("permissions", "invalid")]
    assert "see_everything" in unknown.json()["errors"][0]["message"]
    assert _errors(api.post("/permission_sets", json={"permissions": []})) == [
        ("name", "missing_field")
    ]
    assert _errors(api.post("/permission_sets", json={"name": 3})) == [("name", "invalid")]
    assert emulator.control.state()["permission_sets"] == before  # nothing made by a refusal
    patched = api.patch(
        f"/permission_sets/{made['id']}", json={"permissions": ["access_data", "see_looks"]}
    ).json()
    assert (patched["name"], patched["permissions"]) == ("Analysts", ["access_data", "see_looks"])
    cleared = api.patch(f"/permission_sets/{made['id']}", json={"permissions": None}).json()
    assert cleared["permissions"] is None  # an explicit null clears a nullable field
    assert api.delete(f"/permission_sets/{made['id']}").status_code == 204
    gone = api.get(f"/permission_sets/{made['id']}")
    assert (gone.status_code, gone.json()["message"]) == (404, "Not found")
    assert set(gone.json()) == {"message", "documentation_url"}
    assert api.delete(f"/permission_sets/{made['id']}").status_code == 404
    again = api.post("/permission_sets", json={"name": "Analysts"}).json()
    assert int(again["id"]) > int(made["id"])  # Looker never gives an id twice


def test_lookers_own_sets_and_roles_refuse_changes(
    api: httpx.Client, emulator: EmulatorProcess
) -> None:
    before = emulator.control.state()
    for path in ("/permission_sets/1", "/model_sets/1", "/roles/2"):
        for method in ("PATCH", "DELETE"):
            answer = api.request(method, path, json={"name": "Mine"})
            assert answer.status_code == 405, (method, path)
            assert "built-in" in answer.json()["message"]
    after = emulator.control.state()
    for key in ("permission_sets", "model_sets", "roles"):
        assert after[key] == before[key]
    assert api.patch("/permission_sets/2", json={"name": "Dev"}).status_code == 200


def test_search_as_the_api_description_says(api: httpx.Client) -> None:
    for name in ("Ana Lysts", "analytics", "Finance"):
        assert api.post("/groups", json={"name": name}).status_code == 200

    def names(path: str, **params: Any) -> list[str]:
        answer = api.get(path, params=params)
        assert answer.status_code == 200, answer.text
        return [item["name"] for item in answer.json()]

    assert names("/groups/search", name="ana%") == ["Ana Lysts", "analytics"]
    assert names("/groups/search", name="ANA_LYSTS") == ["Ana Lysts"]  # _ is one character
    assert names("/groups/search", name="ana") == []  # no wildcard: the whole name
    assert names("/groups/search", id="1,4") == ["All Users", "Finance"]
    assert names("/groups/search", name="ana%", id="1", filter_or="true") == [
        "All Users",
        "Ana Lysts",
        "analytics",
    ]
    assert names("/groups/search", sorts="name desc") == [
        "Finance",
        "analytics",
        "Ana Lysts",
        "All Users",
    ]
    assert names("/groups/search", sorts="name", limit=2, offset=1) == ["Ana Lysts", "analytics"]
    assert names("/permission_sets/search", built_in="true") == ["Admin"]
    assert names("/permission_sets/search", permissions="develop,deploy") == ["Admin", "Developer"]
    assert names("/roles/search", permission_set_ids="1,4") == ["Admin", "Viewer"]
    assert names("/roles/search", built_in="false", name="%er") == ["User", "Developer", "Viewer"]
    assert names("/model_sets/search", name="NOT NULL") == ["All"]
    assert api.get("/groups/search", params={"fields": "id"}).json()[0] == {"id": "1"}
    assert api.get("/groups/search", params={"externally_managed": "yes"}).status_code == 400
    assert names("/roles", ids="4,2") == ["Admin", "Viewer"]
    assert names("/groups", limit=1, offset=1) == ["Ana Lysts"]


def test_roles_given_to_groups_and_users(api: httpx.Client) -> None:
    analysts = api.post("/permission_sets", json={"name": "Analysts", "permissions": ["explore"]})
    marketing = api.post("/model_sets", json={"name": "Marketing", "models": ["thelook"]})
    body = {
        "name": "Analyst",
        "permission_set_id": analysts.json()["id"],
        "model_set_id": marketing.json()["id"],
    }
    role = api.post("/roles", json=body).json()
    assert (role["permission_set"]["name"], role["model_set"]["models"]) == (
        "Analysts",
        ["thelook"],
    )
    bad = api.post("/roles", json={**body, "name": "Other", "permission_set_id": "99"})
    assert _errors(bad) == [("permission_set_id", "invalid")]
    group = api.post("/groups", json={"name": "Finance"}).json()
    set_to = api.put(f"/roles/{role['id']}/groups", json=[group["id"]])
    assert [g["name"] for g in set_to.json()] == ["Finance"]
    assert _errors(api.put(f"/roles/{role['id']}/groups", json=["99"])) == [("groups", "invalid")]
    assert api.post(f"/groups/{group['id']}/users", json={"user_id": "3"}).status_code == 200
    assert [r["name"] for r in api.get("/users/3/roles").json()] == ["User", "Analyst"]
    direct = api.get("/users/3/roles", params={"direct_association_only": "true"}).json()
    assert [r["name"] for r in direct] == ["User"]
    users = api.put(f"/roles/{role['id']}/users", json=["4"]).json()
    assert [u["id"] for u in users] == ["3", "4"]  # 3 through Finance, 4 directly
    direct_users = api.get(
        f"/roles/{role['id']}/users", params={"direct_association_only": "true", "fields": "id"}
    ).json()
    assert direct_users == [{"id": "4"}]
    [finance] = api.get("/groups/search/with_hierarchy", params={"name": "Finance"}).json()
    assert finance["role_ids"] == [role["id"]]
    assert api.delete(f"/roles/{role['id']}").status_code == 204
    assert api.get("/users/4", params={"fields": "role_ids"}).json() == {"role_ids": ["1"]}
    assert api.get(f"/roles/{role['id']}/groups").status_code == 404


def test_a_group_someone_else_manages_refuses_writes(
    api: httpx.Client, emulator: EmulatorProcess
) -> None:
    """devoteam #91: replacing a role's groups must not touch a SAML group's."""
    emulator.control.seed(HAND_MADE)
    role = _named(api, "/roles", "Analyst")
    saml = _named(api, "/groups", "SAML group A")
    finance = _named(api, "/groups", "Finance")
    before = emulator.control.state()
    replaced = api.put(f"/roles/{role['id']}/groups", json=[finance["id"]])
    assert _errors(replaced) == [("groups", "invalid")]
    assert replaced.json()["errors"][0]["message"] == "cannot modify roles for group 'SAML group A'"
    for method, path, body in (
        ("PATCH", f"/groups/{saml['id']}", {"name": "Mine"}),
        ("DELETE", f"/groups/{saml['id']}", None),
        ("POST", f"/groups/{saml['id']}/users", {"user_id": "2"}),
        ("DELETE", f"/groups/{saml['id']}/users/2", None),
        ("POST", f"/groups/{saml['id']}/groups", {"group_id": finance["id"]}),
        ("POST", "/groups/1/users", {"user_id": "2"}),  # All Users holds everyone already
        ("DELETE", "/groups/1", None),
    ):
        answer = api.request(method, path, json=body)
        assert answer.status_code == 403, (method, path)
        assert set(answer.json()) == {"message", "documentation_url"}
    assert emulator.control.state() == before
    kept = api.put(f"/roles/{role['id']}/groups", json=[saml["id"]])  # leaves SAML's alone
    assert [g["name"] for g in kept.json()] == ["SAML group A"]
    assert saml["can"]["update"] is False


def test_group_members_and_groups_in_groups(api: httpx.Client, emulator: EmulatorProcess) -> None:
    emulator.control.seed(HAND_MADE)
    finance = _named(api, "/groups", "Finance")
    controllers = _named(api, "/groups", "Controllers")
    [dana] = [u for u in emulator.control.state()["users"] if u["first_name"] == "Dana"]
    assert api.get(f"/users/{dana['id']}").json()["group_ids"] == ["1", controllers["id"]]
    # Dana has the Analyst role through Controllers, which is in Finance.
    assert "Analyst" in [r["name"] for r in api.get(f"/users/{dana['id']}/roles").json()]
    added = api.post(f"/groups/{finance['id']}/users", json={"user_id": "2"})
    assert added.json()["id"] == "2"
    members = api.get(f"/groups/{finance['id']}/users", params={"fields": "id"}).json()
    assert members == [{"id": "2"}]
    assert api.delete(f"/groups/{finance['id']}/users/2").status_code == 204
    assert api.get(f"/groups/{finance['id']}/users").json() == []
    assert api.post(f"/groups/{finance['id']}/users", json={"user_id": "99"}).status_code == 404
    assert _errors(api.post(f"/groups/{finance['id']}/users", json={})) == [
        ("user_id", "missing_field")
    ]
    inner = [g["name"] for g in api.get(f"/groups/{finance['id']}/groups").json()]
    assert inner == ["Controllers"]
    looped = api.post(f"/groups/{controllers['id']}/groups", json={"group_id": finance["id"]})
    assert _errors(looped) == [("group_id", "invalid")]  # Finance would be inside itself
    assert api.delete(f"/groups/{finance['id']}/groups/{controllers['id']}").status_code == 204
    [found] = api.get("/groups/search/with_hierarchy", params={"name": "Controllers"}).json()
    assert found["parent_group_ids"] == []
    assert api.delete(f"/groups/{controllers['id']}").status_code == 204
    assert api.get(f"/users/{dana['id']}").json()["group_ids"] == ["1"]


def test_user_attribute_group_values(api: httpx.Client, emulator: EmulatorProcess) -> None:
    emulator.control.seed(HAND_MADE)
    finance = _named(api, "/groups", "Finance")
    controllers = _named(api, "/groups", "Controllers")
    attribute = api.post(
        "/user_attributes", json={"name": "region", "label": "Region", "type": "string"}
    ).json()
    path = f"/user_attributes/{attribute['id']}/group_values"
    values = [
        {"group_id": finance["id"], "value": "EMEA", "rank": 2},
        {"group_id": controllers["id"], "value": "NA", "rank": 1},
    ]
    answer = api.post(path, json=values).json()
    assert [(v["group_id"], v["value"], v["rank"]) for v in answer] == [
        (controllers["id"], "NA", 1),
        (finance["id"], "EMEA", 2),
    ]
    for value in answer:
        assert set(value) == set(SCHEMAS["UserAttributeGroupValue"]["properties"])
    replaced = api.post(path, json=[{"group_id": finance["id"], "value": "APAC"}]).json()
    assert [(v["value"], v["rank"]) for v in replaced] == [("APAC", 1)]
    assert _errors(api.post(path, json=[{"group_id": "99", "value": "x"}])) == [
        ("group_id", "invalid")
    ]
    api.patch(f"/user_attributes/{attribute['id']}", json={"value_is_hidden": True})
    [hidden] = api.get(path).json()
    assert (hidden["value"], hidden["value_is_hidden"]) == (None, True)
    assert api.delete(f"/groups/{finance['id']}").status_code == 204
    assert api.get(path).json() == []


def test_user_attributes_on_the_collection(api: httpx.Client) -> None:
    made = api.post(
        "/user_attributes",
        json={"name": "team", "label": "Team", "type": "string", "default_value": "core"},
    ).json()
    assert (made["is_permanent"], made["user_can_view"], made["default_value"]) == (
        False,
        True,
        "core",
    )
    cleared = api.patch(f"/user_attributes/{made['id']}", json={"default_value": None})
    assert cleared.json()["default_value"] is None
    assert _errors(api.patch(f"/user_attributes/{made['id']}", json={"label": None})) == [
        ("label", "missing_field")
    ]
    assert _errors(api.patch(f"/user_attributes/{made['id']}", json={"name": "email"})) == [
        ("name", "already_exists")
    ]
    assert _errors(
        api.post("/user_attributes", json={"name": "Bad Name", "label": "x", "type": "colour"})
    ) == [("type", "invalid"), ("name", "invalid")]
    assert api.delete("/user_attributes/1").status_code == 400  # email: permanent


def test_a_seeded_access_model_survives_a_restart(start_emulator, tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"  # YAML is a superset of JSON
    seed.write_text(json.dumps(HAND_MADE))
    state = tmp_path / "state.json"
    emulator = start_emulator("--seed", str(seed), state_file=state)
    held = emulator.control.state()
    emulator.stop()
    emulator.start()
    after = emulator.control.state()
    for key in ("permission_sets", "model_sets", "roles", "groups", "user_attributes", "users"):
        assert after[key] == held[key], key
    saml = [g for g in after["groups"] if g["name"] == "SAML group A"]
    assert saml[0]["externally_managed"] is True


def test_a_state_file_of_an_older_emulator_still_loads(start_emulator, tmp_path: Path) -> None:
    """Files written before the access model have no collections but user attributes, no
    next ids, and users without groups."""
    state = tmp_path / "state.json"
    emulator = start_emulator(state_file=state)
    emulator.stop()
    data = json.loads(state.read_text())
    old = {k: data[k] for k in ("singletons", "users", "keys", "next_key_id", "user_attributes")}
    for user in old["users"]:
        del user["group_ids"]
    state.write_text(json.dumps(old))
    emulator.start()
    with httpx.Client(base_url=f"{emulator.url}/api/4.0") as http:
        token = login(http, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET).json()["access_token"]
        http.headers["Authorization"] = f"Bearer {token}"
        assert [r["name"] for r in http.get("/roles").json()] == [
            "User",
            "Admin",
            "Developer",
            "Viewer",
        ]
        assert http.get("/users/2").json()["group_ids"] == ["1"]
        assert http.post("/groups", json={"name": "New"}).json()["id"] == "2"


@pytest.mark.parametrize(
    ("seed", "message"),
    [
        ({"permission_sets": [{"name": "X", "permissions": ["fly"]}]}, "unknown permissions"),
        ({"roles": [{"name": "X", "permission_set": "Nope", "model_set": "All"}]}, "Nope"),
        ({"groups": [{"name": "X", "colour": "red"}]}, "unknown colour"),
        ({"users": [{"first_name": "X", "colour": "red"}]}, "unknown colour"),
        ({"users": [{"first_name": 3}]}, "first_name must be a string"),
        ({"users": [{"first_name": "X", "role_ids": ["77"]}]}, "no roles with id '77'"),
        ({"users": [{"first_name": "X", "attributes": {"nope": "1"}}]}, "no user_attributes"),
        ({"users": [{"email": "Ada.Lovelace@example.com"}]}, "is another user's"),
        ({"user_attributes": [{"name": "x", "colour": "red"}]}, "unknown colour"),
    ],
)
def test_a_bad_seed_says_what_is_wrong(
    emulator: EmulatorProcess, seed: dict[str, Any], message: str
) -> None:
    with httpx.Client(base_url=emulator.url) as http:
        answer = http.post("/_emulator/seed", json=seed)
    assert answer.status_code == 400
    assert message in answer.json()["message"]
