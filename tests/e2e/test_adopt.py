"""`pulumi-looker adopt` brings a lived-in Looker under Pulumi: one command, then a no-op up."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from pulumi_looker import models
from pulumi_looker.resources import KINDS
from tests.support.clients import DEV_CLIENT_ID
from tests.support.looker import ACCOUNTS, CREDENTIALS, LOGIN, POLICY, PROJECT, SESSION, writes
from tests.support.stack import ROOT, Stack, replace_connection_key

pytestmark = pytest.mark.e2e

SEED = ROOT / "examples" / "lived-in-looker.yaml"
HEADER = "# The lived-in Looker, adopted. Keep this comment.\n"


@pytest.fixture
def lived_in(start_looker):
    """The seed's instance: users 2, 3 and 4 with 8 keys, 3 of them without a purpose, and
    service accounts 5 (with a key) and 6 (disabled)."""
    return start_looker(DEV_CLIENT_ID, "--users", "0", "--seed", str(SEED))


@pytest.fixture
def stack(make_stack, lived_in) -> Stack:
    stack = make_stack("lived", lived_in)
    stack.set_config({"looker:clientId": DEV_CLIENT_ID})
    stack.file.write_text(HEADER + stack.file.read_text())
    return stack


def adopt(stack: Stack, *args: str) -> subprocess.CompletedProcess[str]:
    command = shutil.which("pulumi-looker")
    assert command, "pulumi-looker is installed with the package"
    return subprocess.run(
        [command, "adopt", "--stack", stack.name, *args],
        cwd=stack.project,
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_adopt_then_up_writes_nothing_then_the_connections_key_is_rotated(stack, lived_in) -> None:
    lived_in.control.clear_requests()
    result = adopt(stack, "--all-users")
    assert result.returncode == 0, result.stderr
    calls = lived_in.control.calls()
    assert calls == {
        LOGIN: 1,
        **{("GET", f"/api/4.0{s.path}"): 1 for s in models.SINGLETONS},
        ("GET", "/api/4.0/users"): 1,  # one page of users with their keys
        ("GET", "/api/4.0/roles"): 1,  # the roles, and the service accounts' by name
        ("GET", "/api/4.0/user_attributes"): 1,  # which stack manages each policy
        # One listing of each other kind of the access model.
        ("GET", "/api/4.0/permission_sets"): 1,
        ("GET", "/api/4.0/model_sets"): 1,
        ("GET", "/api/4.0/groups"): 1,
        ("GET", "/api/4.0/connections"): 1,
        # The groups with their hierarchy: the memberships and role holders (their users come
        # from the listing of users above).
        ("GET", "/api/4.0/groups/search/with_hierarchy"): 1,
    }
    text = stack.file.read_text()
    assert text.startswith(HEADER)
    config = yaml.safe_load(text)["config"]
    assert config[POLICY] == {
        "minLength": 14,
        "requireNumeric": True,
        "requireUpperlower": True,
        "requireSpecial": False,
        "expirationEnabled": True,
        "expirationDurationDays": 180,
    }
    assert config[SESSION]["sessionMinutes"] == 720
    assert config[ACCOUNTS] == [
        {
            "name": "looker-studio-connector-u5",
            "userId": "5",
            "serviceAccountName": "Looker Studio connector",
            "isDisabled": False,
            "roles": ["Viewer"],
        },
        {
            "name": "old-etl-bot-u6",
            "userId": "6",
            "serviceAccountName": "Old ETL bot",
            "isDisabled": True,
            "roles": ["Developer"],
        },
    ]
    entries = config[CREDENTIALS]
    assert len(entries) == 9  # the seeded keys; not the key the connection logs in with
    assert {
        "name": "looker-studio-u5-k10",
        "serviceAccount": "looker-studio-connector-u5",
        "credentialsApi3Id": "10",
        "purpose": "Looker Studio",
    } in entries
    assert {e["name"] for e in entries} >= {"dbt-cloud-u2-k2", "key-u2-k4"}
    assert "key-u1-k1" not in {e["name"] for e in entries}
    assert "left out key 1 of user 1: this connection logs in with it" in result.stderr
    assert sum("purpose" not in e for e in entries) == 3
    # The access model by id, as Looker has it; Looker's own sets are left out, named.
    sets = config[f"{PROJECT}:permissionSets"]
    assert {e["permissionSetName"] for e in sets} == {"Developer", "User", "Viewer"}
    assert all(e["permissionSetId"] and e["permissions"] for e in sets)
    assert (
        "permission set 'Admin' is Looker's own (built_in): Looker keeps it as it is; left out"
        in (result.stderr)
    )
    assert "group 'All Users' is every user's group (include_by_default)" in result.stderr
    assert {e["roleName"] for e in config[f"{PROJECT}:roles"]} >= {"Developer", "Viewer"}
    # Sign-in and connections as Looker answers them: their write-only secrets it never does.
    assert config[f"{PROJECT}:oidcConfig"]["enabled"] is True
    assert config[f"{PROJECT}:oidcConfig"]["scopes"] == ["openid", "email", "profile"]
    [warehouse] = config[f"{PROJECT}:connections"]
    assert (warehouse["connectionId"], warehouse["host"]) == ("warehouse", "db.example.com")
    assert "secret" not in text.lower()
    assert "password:" not in text.lower()
    again = adopt(stack, "--all-users")
    assert again.returncode == 0
    assert stack.file.read_text() == text  # byte for byte
    lived_in.control.clear_requests()
    stack.up()
    # Nothing but the stack's marks: who manages the policies (one attribute), and each adopted
    # key's purpose (README, Several stacks on one Looker).
    marks = writes(lived_in)
    assert [w for w in marks if w[1].startswith("/api/4.0/user_attributes")] == [
        ("POST", "/api/4.0/user_attributes"),
        *[("PATCH", "/api/4.0/user_attributes/8")] * (len(models.SINGLETONS) - 1),
    ]
    keys = [w for w in marks if not w[1].startswith("/api/4.0/user_attributes")]
    assert len(keys) == len(entries)
    assert all(method == "PATCH" and "/credentials_api3/" in path for method, path in keys)
    assert all(
        k["purpose"].endswith("[pulumi: looker-settings/lived]")
        for k in lived_in.control.state()["credentials_api3"]
        if k["id"] != "1"
    )
    stack.preview("--expect-no-changes")
    lived_in.control.clear_requests()
    stack.up()
    assert writes(lived_in) == []

    # README, Rotating the connection's API key, on this stack that adopt wrote.
    replace_connection_key(stack, lived_in)
    lived_in.control.clear_requests()
    stack.preview("--expect-no-changes")
    stack.up()
    assert writes(lived_in) == []


def test_the_connections_key_is_adopted_only_when_asked(stack) -> None:
    result = adopt(stack, "--user", "1", "--include-connection-key")
    assert result.returncode == 0, result.stderr
    [entry] = yaml.safe_load(stack.file.read_text())["config"][CREDENTIALS]
    assert entry == {"name": "key-u1-k1", "userId": "1", "credentialsApi3Id": "1"}


def test_declared_entries_are_kept_as_they_are(stack, lived_in) -> None:
    mine = {"name": "my-dbt", "userId": "2", "credentialsApi3Id": "2", "purpose": "dbt cloud"}
    stack.set_config({CREDENTIALS: [mine], POLICY: {"minLength": 20}})
    before = stack.file.read_text()
    result = adopt(stack, "--user", "2")
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(stack.file.read_text())["config"]
    assert config[POLICY] == {"minLength": 20}  # declared: left as it is
    assert config[CREDENTIALS][0] == mine
    assert [e["credentialsApi3Id"] for e in config[CREDENTIALS]] == ["2", "3", "4"]
    assert stack.file.read_text() != before


@pytest.mark.parametrize(
    ("change", "args", "message"),
    [
        ({}, ["--user", "99"], "--user 99: Looker has no such user"),
        ({"looker:clientId": "NoSuchClient"}, ["--all-users"], "Looker login failed"),
        ({"looker:baseUrl": "http://127.0.0.1:9"}, ["--all-users"], "ConnectError"),
    ],
)
def test_failures_are_one_line_and_leave_the_file(stack, change, args, message) -> None:
    stack.set_config(change)
    before = stack.file.read_text()
    result = adopt(stack, *args)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("pulumi-looker adopt: error: ")
    assert message in lines[0]
    assert stack.file.read_text() == before
    assert not list(Path(stack.file.parent).glob(".Pulumi.*"))  # no temporary file left


def test_a_connection_without_the_admin_role_fails_in_one_line(stack, lived_in) -> None:
    lived_in.control.update_user("1", is_admin=False)
    before = stack.file.read_text()
    result = adopt(stack, "--all-users")
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    first = next(k.singleton for k in KINDS if k.singleton is not None)  # the first call
    assert f"GET /api/4.0{first.path} failed with HTTP 403" in line
    assert stack.file.read_text() == before


def test_a_url_that_is_not_looker_fails_in_one_line(stack, lived_in) -> None:
    stack.set_config({"looker:baseUrl": f"{lived_in.url}/_emulator"})
    result = adopt(stack, "--all-users")
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert "not as Looker's API does: this is not a Looker API. Check looker:baseUrl" in line
