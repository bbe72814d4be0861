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
        }
    )
    preview = dev.preview().stdout  # the role's set ids come from sets not made yet
    assert "permission_set_id: [unknown]" in preview
    dev.up()
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
    assert all(
        calls[("GET", f"{API}/{key}")] == 1
        for key in ("permission_sets", "model_sets", "roles", "groups")
    )

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

    bad = dev.config[PERMISSION_SETS]
    bad[0]["permissions"] = ["acess_data"]
    dev.set_config({PERMISSION_SETS: bad})
    looker.control.clear_requests()
    refused = dev.preview(ok=False)
    assert refused.returncode != 0
    assert "Looker has no permission 'acess_data' (did you mean 'access_data'?)" in (
        refused.stdout + refused.stderr
    )
    assert writes(looker) == []

    dev.pulumi("destroy", "--yes", "--skip-preview")
    left = {o["name"] for o in looker.control.state()["permission_sets"]}
    assert "Marketing analysts" not in left
    assert "Admin" in left
    assert "Marketing analyst" not in {o["name"] for o in looker.control.state()["roles"]}


def test_the_access_model_in_yaml_then_imported_with_no_write(tmp_path, pulumi_home, looker):
    stack = example_stack(tmp_path, pulumi_home, looker, "yaml-access")
    preview = json.loads(stack.pulumi("preview", "--json").stdout)
    creates = {(c.type, c.field) for c in plan.changes(preview) if c.op == "create"}
    assert ("Role", "permissionSetId") in creates  # unknown until the set is made
    stack.up()
    role = named(looker, "roles", "Marketing analyst")
    auditor = named(looker, "roles", "Auditor")
    assert auditor["model_set_id"] == named(looker, "model_sets", "All")["id"]  # getModelSet
    assert stack.outputs()["analystRoleId"] == role["id"]
    looker.control.clear_requests()
    stack.preview("--expect-no-changes")
    assert writes(looker) == []

    group = named(looker, "groups", "Marketing")
    urn = "urn:pulumi:dev::looker-access::looker:index:Group::marketing-team"
    stack.pulumi("state", "delete", urn, "--yes")  # Looker keeps it
    looker.control.clear_requests()
    stack.pulumi(
        "import",
        "looker:index:Group",
        "marketing-team",
        f"group/{group['id']}",
        "--yes",
        "--protect=false",
    )
    assert writes(looker) == []
    stack.preview("--expect-no-changes")
    stack.pulumi("destroy", "--yes", "--skip-preview")
    assert "Marketing" not in {o["name"] for o in looker.control.state()["groups"]}
