"""The access model with the real CLI, on both faces: a team's permission set, model set,
roles and group in one `pulumi up` (the roles' set ids unknown at its preview), then nothing to
change; drift made in Looker found by the refresh and put right; bad permissions refused at
preview with nothing written; import with no write; destroy."""

from __future__ import annotations

import json

import pytest

from pulumi_looker.cli import plan
from tests.e2e.test_plugin import example_stack
from tests.support.clients import DEV_CLIENT_ID, admin_client
from tests.support.looker import PROJECT, writes

pytestmark = pytest.mark.e2e

API = "/api/4.0"
PERMISSION_SETS = f"{PROJECT}:permissionSets"
MODEL_SETS = f"{PROJECT}:modelSets"
ROLES = f"{PROJECT}:roles"
GROUPS = f"{PROJECT}:groups"
USERS = f"{PROJECT}:users"
MEMBERSHIPS = f"{PROJECT}:groupMemberships"
ASSIGNMENTS = f"{PROJECT}:roleAssignments"
ATTRIBUTES = f"{PROJECT}:userAttributes"
GROUP_VALUES = f"{PROJECT}:userAttributeGroupValues"
USER_VALUES = f"{PROJECT}:userAttributeUserValues"


def person(looker, email: str) -> dict:
    """The emulator's record of the user who signs in with ``email``."""
    return next(
        u
        for u in looker.control.state()["users"]
        if (u.get("credentials_email") or {}).get("email") == email
    )


def named(looker, key: str, name: str) -> dict:
    return next(o for o in looker.control.state()[key] if o["name"] == name)


def test_a_teams_access_model_from_stack_config(dev, looker) -> None:
    dev.set_config(
        {
            PERMISSION_SETS: [
                {
                    "name": "analysts",
                    "permissionSetName": "Marketing analysts",
                    "permissions": ["access_data", "see_looks", "explore"],
                }
            ],
            MODEL_SETS: [{"name": "marketing", "modelSetName": "Marketing", "models": ["thelook"]}],
            ROLES: [
                {
                    "name": "analyst",
                    "roleName": "Marketing analyst",
                    "permissionSet": "analysts",
                    "modelSet": "marketing",
                }
            ],
            GROUPS: [{"name": "marketing", "groupName": "Marketing"}],
            USERS: [
                {"name": "ana", "email": "ana@example.com", "firstName": "Ana", "lastName": "Lima"}
            ],
            MEMBERSHIPS: [{"name": "marketing-members", "group": "marketing", "users": ["ana"]}],
            ASSIGNMENTS: [{"name": "analysts", "role": "analyst", "groups": ["marketing"]}],
            ATTRIBUTES: [
                {
                    "name": "region",
                    "userAttributeName": "region",
                    "label": "Region",
                    "type": "string",
                    "defaultValue": "us",
                }
            ],
            GROUP_VALUES: [
                {
                    "name": "region-values",
                    "userAttribute": "region",
                    "values": [{"group_id": "1", "value": "eu"}],
                }
            ],
            USER_VALUES: [
                {"name": "ana-region", "userAttribute": "region", "user": "ana", "value": "apac"}
            ],
        }
    )
    preview = dev.preview().stdout  # the role's set ids come from sets not made yet
    assert "permission_set_id: [unknown]" in preview
    dev.up()
    ana = person(looker, "ana@example.com")
    group = named(looker, "groups", "Marketing")
    assert group["id"] in ana["group_ids"]
    assert named(looker, "roles", "Marketing analyst")["id"] in group["role_ids"]
    region = named(looker, "user_attributes", "region")
    assert region["group_values"][0]["value"] == "eu"
    assert ana["attribute_values"] == {region["id"]: "apac"}
    assert dev.outputs()["users"] == {"ana": ana["id"]}
    analysts = named(looker, "permission_sets", "Marketing analysts")
    marketing = named(looker, "model_sets", "Marketing")
    role = named(looker, "roles", "Marketing analyst")
    assert (role["permission_set_id"], role["model_set_id"]) == (analysts["id"], marketing["id"])
    assert named(looker, "groups", "Marketing")
    outputs = dev.outputs()
    assert outputs["roles"] == {"analyst": role["id"]}
    looker.control.clear_requests()
    dev.preview("--expect-no-changes")
    assert writes(looker) == []
    # A refresh of the four reads one listing of each kind, never one object at a time.
    calls = looker.control.calls()
    listed = {path.partition("?")[0] for (method, path), n in calls.items() if n == 1}
    assert {
        f"{API}/{key}"
        for key in ("permission_sets", "model_sets", "roles", "groups", "user_attributes", "users")
    } <= listed

    with admin_client(looker, DEV_CLIENT_ID) as admin:  # by hand, in Looker's admin page
        admin.request(
            "PATCH", f"/permission_sets/{analysts['id']}", json={"permissions": ["see_looks"]}
        )
    looker.control.clear_requests()
    dev.up()
    assert sorted(named(looker, "permission_sets", "Marketing analysts")["permissions"]) == [
        "access_data",
        "explore",
        "see_looks",
    ]
    assert writes(looker) == [("PATCH", f"{API}/permission_sets/{analysts['id']}")]

    looker.control.seed({"groups": [{"name": "SAML Finance", "externally_managed": True}]})
    saml = named(looker, "groups", "SAML Finance")["id"]
    members = dev.config[MEMBERSHIPS]
    for change in (
        {MEMBERSHIPS: [*members, {"name": "finance", "groupId": saml, "users": ["ana"]}]},
        {PERMISSION_SETS: [{**dev.config[PERMISSION_SETS][0], "permissions": ["acess_data"]}]},
    ):
        before = dev.config
        dev.set_config(change)
        looker.control.clear_requests()
        refused = dev.preview(ok=False)
        said = refused.stdout + refused.stderr
        assert refused.returncode != 0
        assert (
            "group 'SAML Finance' is managed by SAML, OIDC or LDAP (externally_managed)" in said
            if MEMBERSHIPS in change
            else "Looker has no permission 'acess_data' (did you mean 'access_data'?)" in said
        ), said
        assert writes(looker) == []
        dev.set_config({key: before[key] for key in change})

    dev.pulumi("destroy", "--yes", "--skip-preview")
    assert next(u for u in looker.control.state()["users"] if u["id"] == ana["id"])["is_disabled"]
    left = {o["name"] for o in looker.control.state()["permission_sets"]}
    assert "Marketing analysts" not in left
    assert "Admin" in left
    assert "Marketing analyst" not in {o["name"] for o in looker.control.state()["roles"]}


def _members(looker, group_id: str) -> list[str]:
    return sorted(u["id"] for u in looker.control.state()["users"] if group_id in u["group_ids"])


def test_the_access_model_in_yaml_then_imported_with_no_write(tmp_path, pulumi_home, looker):
    """examples/yaml-access: permission set, model set, roles, group, two users in it, the
    role on the group, an attribute with the group's value, in one up; then no change, import
    with no write, drift put right (authoritative membership) or left (additive role
    assignment), the stack's identity kept Admin at preview, destroy with users disabled."""
    stack = example_stack(tmp_path, pulumi_home, looker, "yaml-access")
    preview = json.loads(stack.pulumi("preview", "--json").stdout)
    creates = {(c.type, c.field) for c in plan.changes(preview) if c.op == "create"}
    assert ("Role", "permissionSetId") in creates  # unknown until the set is made
    assert ("GroupMembership", "userIds") in creates  # the users are not made yet either
    stack.up()
    role = named(looker, "roles", "Marketing analyst")
    auditor = named(looker, "roles", "Auditor")
    assert auditor["model_set_id"] == named(looker, "model_sets", "All")["id"]  # getModelSet
    assert stack.outputs()["analystRoleId"] == role["id"]
    group = named(looker, "groups", "Marketing")
    ana, bo = person(looker, "ana@example.com")["id"], person(looker, "bo@example.com")["id"]
    assert _members(looker, group["id"]) == sorted([ana, bo])
    assert role["id"] in named(looker, "groups", "Marketing")["role_ids"]
    region = named(looker, "user_attributes", "region")
    assert [(v["group_id"], v["value"]) for v in region["group_values"]] == [(group["id"], "eu")]
    looker.control.clear_requests()
    stack.preview("--expect-no-changes")
    assert writes(looker) == []

    # Import of each kind, with no write; the up after it writes nothing either.
    analysts = named(looker, "permission_sets", "Marketing analysts")
    marketing = named(looker, "model_sets", "Marketing")
    imported = {
        "analysts": ("PermissionSet", f"permission_set/{analysts['id']}"),
        "marketing": ("ModelSet", f"model_set/{marketing['id']}"),
        "analyst": ("Role", f"role/{role['id']}"),
        "auditor": ("Role", f"role/{auditor['id']}"),
        "marketing-team": ("Group", f"group/{group['id']}"),
        "bo": ("User", f"user/{bo}"),
        "marketing-members": ("GroupMembership", f"group_membership/{group['id']}"),
        "analyst-holders": ("RoleAssignment", f"role_assignment/{role['id']}"),
        "region": ("UserAttribute", f"user_attribute/{region['id']}"),
        "region-by-group": (
            "UserAttributeGroupValues",
            f"user_attribute_group_values/{region['id']}",
        ),
    }
    # Out of the state (Looker keeps them), in one stack import rather than a delete each.
    gone = {
        f"urn:pulumi:dev::looker-access::looker:index:{kind}::{name}"
        for name, (kind, _) in imported.items()
    }
    exported = stack.export()
    resources = exported["deployment"]["resources"]
    exported["deployment"]["resources"] = [r for r in resources if r["urn"] not in gone]
    (tmp_path / "state.json").write_text(json.dumps(exported))
    stack.pulumi("stack", "import", "--file", str(tmp_path / "state.json"))
    spec = tmp_path / "import.json"
    spec.write_text(
        json.dumps(
            {
                "resources": [
                    {"type": f"looker:index:{kind}", "name": name, "id": id_}
                    for name, (kind, id_) in imported.items()
                ]
            }
        )
    )
    looker.control.clear_requests()
    stack.pulumi(
        "import",
        "--file",
        str(spec),
        "--yes",
        "--protect=false",
        "--out",
        str(tmp_path / "code.yaml"),
    )
    assert writes(looker) == []
    stack.up()
    assert writes(looker) == []

    # Drift, by hand in Looker: a member added to the authoritative membership is removed at
    # the next up; a group given the role (the additive assignment) is left alone.
    with admin_client(looker, DEV_CLIENT_ID) as admin:
        admin.access.add_user(group["id"], "1")
        admin.access.set_role_groups(role["id"], [group["id"], "1"])
    looker.control.clear_requests()
    stack.up("--refresh")
    assert writes(looker) == [("DELETE", f"{API}/groups/{group['id']}/users/1")]
    assert _members(looker, group["id"]) == sorted([ana, bo])
    assert "1" in {g["id"] for g in looker.control.state()["groups"] if role["id"] in g["role_ids"]}

    # Taking the Admin role from the stack's own identity is refused at preview.
    program = stack.project / "Pulumi.yaml"
    text = program.read_text()
    program.write_text(
        text.replace(
            "outputs:",
            "  admins:\n    type: looker:index:RoleAssignment\n    properties:\n"
            '      roleId: "2"\n      userIds:\n        - ${ana.userId}\n'
            "      authoritative: true\n"
            "outputs:",
        )
    )
    looker.control.clear_requests()
    refused = stack.preview(ok=False)
    assert "it would take the Admin role (role 2) from user 1" in refused.stdout + refused.stderr
    assert writes(looker) == []
    program.write_text(text)

    stack.pulumi("destroy", "--yes", "--skip-preview")
    state = looker.control.state()
    assert "Marketing" not in {o["name"] for o in state["groups"]}
    assert "region" not in {o["name"] for o in state["user_attributes"]}
    kept = {u["id"]: u for u in state["users"]}
    assert kept[ana]["is_disabled"]  # disabled, not deleted
    assert kept[bo]["is_disabled"]
