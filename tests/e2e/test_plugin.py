"""The provider plugin with the real CLI, through examples/yaml (a Pulumi YAML program): up, a
clean preview, per-field diffs and drift, import, warnings, one-line errors and destroy."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pulumi_looker import models
from pulumi_looker.cli import plan
from pulumi_looker.client import LookerClient
from pulumi_looker.errors import LoginError
from pulumi_looker.plugin import resources
from pulumi_looker.plugin.server import version
from pulumi_looker.resources import KINDS
from tests.support.clients import (
    ADMIN_CLIENT_SECRET,
    DEV_CLIENT_ID,
    PROD_CLIENT_ID,
    admin_client,
    settings_for,
)
from tests.support.looker import keys_of_user, writes
from tests.support.stack import ROOT, Stack, cli_environment, copy_yaml_example

pytestmark = pytest.mark.e2e


def example_stack(
    tmp_path: Path, pulumi_home: Path, looker, example: str, state: str = "backend"
) -> Stack:
    """An example's dev stack, pointed at the emulator, its state in ``tmp_path/state``."""
    project = copy_yaml_example(tmp_path / "work", example)
    backend = tmp_path / state
    backend.mkdir()
    env = cli_environment(
        backend=backend, home=pulumi_home, client_secret=ADMIN_CLIENT_SECRET, checkpoints=False
    )
    stack = Stack(project, "dev", env, config_dir=".")
    stack.init()
    stack.set_config({"looker:baseUrl": looker.url})
    return stack


@pytest.fixture
def yaml_stack(tmp_path: Path, pulumi_home: Path, looker) -> Stack:
    """examples/yaml's dev stack, pointed at the emulator."""
    return example_stack(tmp_path, pulumi_home, looker, "yaml")


def whoami(looker, client_id: str, client_secret: str) -> str:
    """The user a key logs in as; LoginError when it cannot."""
    settings = settings_for(looker, client_id=client_id, client_secret=client_secret)
    with LookerClient(settings) as client:
        return str(client.request("GET", "/user")["id"])


def test_bots_a_service_account_and_its_two_key_rotation(tmp_path, pulumi_home, looker) -> None:
    """examples/yaml-bots: a service account with a role and a key in one up; a rotation that
    keeps the previous key (an update, per field); import by user id with no write; destroy
    disables the account."""
    bots = example_stack(tmp_path, pulumi_home, looker, "yaml-bots")
    bots.up()
    first = bots.outputs(secrets=True)
    user_id = first["botUserId"]
    account = next(u for u in looker.control.state()["users"] if u["id"] == user_id)
    assert (account["service_account_name"], account["role_ids"]) == ("CI deploy bot", ["3"])
    assert whoami(looker, first["botClientId"], first["botClientSecret"]) == user_id
    bots.preview("--expect-no-changes")

    bots.set_config({"looker-bots:botRotation": "2026-12"})
    as_json = json.loads(bots.pulumi("preview", "--json").stdout)
    [step] = [s for s in as_json["steps"] if s["op"] not in ("same",)]
    assert (step["op"], step["detailedDiff"]) == (
        "update",
        {"rotation": {"kind": "update", "inputDiff": True}},
    )
    bots.up()
    second = bots.outputs(secrets=True)
    assert second["previousClientId"] == first["botClientId"]
    assert whoami(looker, first["botClientId"], first["botClientSecret"]) == user_id
    assert whoami(looker, second["botClientId"], second["botClientSecret"]) == user_id

    bots.pulumi("destroy", "--yes", "--skip-preview")
    account = next(u for u in looker.control.state()["users"] if u["id"] == user_id)
    assert account["is_disabled"] is True
    with pytest.raises(LoginError):
        whoami(looker, second["botClientId"], second["botClientSecret"])

    with admin_client(looker, DEV_CLIENT_ID) as admin:
        other = admin.create_service_account({"service_account_name": "made by hand"})
    looker.control.clear_requests()
    bots.pulumi(
        "import", "looker:index:ServiceAccount", "by-hand", other.id, "--yes",
        "--generate-code=false",
    )  # fmt: skip
    assert writes(looker) == []
    [imported] = [
        r for r in bots.export()["deployment"]["resources"] if r["urn"].endswith("::by-hand")
    ]
    assert (imported["id"], imported["outputs"]["serviceAccountName"]) == (
        f"service_account/{other.id}",
        "made by hand",
    )


def test_the_yaml_examples_life_up_a_wrong_secret_drift_an_overdue_key_destroy(
    yaml_stack: Stack, looker
) -> None:
    """examples/yaml's dev stack, each step asserted: up with no plugin warning then nothing
    to change; a wrong secret is one line per resource (#31 item 4); drift shows per field and
    is put right; an overdue key is a warning; destroy deletes the key and leaves the policy."""
    result = yaml_stack.up()
    assert "using pulumi-resource-looker from $PATH" not in result.stdout + result.stderr
    assert looker.control.state()["password_config"]["min_length"] == 12
    [key] = keys_of_user(looker, "2")  # getUser found ada.lovelace@example.com: user 2
    assert key["purpose"] == "CI deploy bot [pulumi: looker-yaml/dev]"
    outputs = yaml_stack.outputs(secrets=True)
    assert (outputs["botUserId"], outputs["botClientId"]) == ("2", key["client_id"])
    assert len(outputs["botClientSecret"]) == 24
    assert yaml_stack.outputs()["botClientSecret"] == "[secret]"
    looker.control.clear_requests()
    yaml_stack.preview("--expect-no-changes")
    assert writes(looker) == [], "a preview with nothing to do writes nothing"

    # A wrong secret: one login is sent; its error says where the settings came from, any
    # other resource's says it was refused already.
    looker.control.clear_requests()
    result = yaml_stack.pulumi(
        "preview", "--refresh", ok=False, env={"LOOKERSDK_CLIENT_SECRET": "no"}
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output
    assert 'File "' not in output
    errors = [line for line in output.splitlines() if "Looker login failed" in line]
    sources = "client_secret from environment variable LOOKERSDK_CLIENT_SECRET"
    assert any(sources in e for e in errors)
    assert all(
        sources in e or e.endswith("with the same settings, not tried again") for e in errors
    )
    assert [r["status"] for r in looker.control.requests() if r["path"].endswith("/login")] == [404]

    # Drift, by hand in Looker's admin page: shown per field, then put right.
    with admin_client(looker, DEV_CLIENT_ID) as admin:
        admin.update_singleton(models.PASSWORD_CONFIG, {"min_length": 8})
    preview = yaml_stack.preview("--refresh", ok=False).stdout
    assert "~ minLength: 8 => 12" in preview
    as_json = json.loads(yaml_stack.pulumi("preview", "--refresh", "--json").stdout)
    [update] = [s for s in as_json["steps"] if s["op"] == "update"]
    assert update["detailedDiff"] == {"minLength": {"kind": "update", "inputDiff": True}}
    rows = {(c.op, c.field, c.old, c.new) for c in plan.changes(as_json)}
    assert rows == {("drift", "minLength", 12, 8), ("update", "minLength", 8, 12)}
    yaml_stack.up("--refresh")
    assert looker.control.state()["password_config"]["min_length"] == 12, "drift put right"

    # An overdue key is a warning.
    looker.control.age_key(key["id"], 120)
    result = yaml_stack.preview("--refresh")
    output = result.stdout + result.stderr
    assert f"API key {key['id']} of user 2 was created 120 days ago" in output
    assert "change its rotation to replace it" in output

    # Destroy deletes the key and leaves the policy.
    yaml_stack.pulumi("destroy", "--yes", "--skip-preview")
    assert keys_of_user(looker, "2") == []
    assert looker.control.state()["password_config"]["min_length"] == 12


def test_import_adopts_what_looker_has_with_no_write(yaml_stack: Stack, looker) -> None:
    yaml_stack.up()
    with admin_client(looker, DEV_CLIENT_ID) as admin:
        key = admin.create_credentials_api3("3")
    looker.control.clear_requests()
    for type_, name, id_ in (
        ("looker:index:SessionConfig", "sessions", "session_config"),
        ("looker:index:ApiCredential", "dbt", f"3/{key.id}"),
    ):
        yaml_stack.pulumi("import", type_, name, id_, "--yes", "--generate-code=false")
    assert writes(looker) == []
    imported = {
        r["urn"].rsplit("::", 1)[1]: r for r in yaml_stack.export()["deployment"]["resources"]
    }
    assert imported["dbt"]["id"] == f"3/{key.id}"
    assert imported["sessions"]["outputs"]["sessionMinutes"] == 30


def test_a_second_looker_through_an_explicit_provider(
    tmp_path: Path, pulumi_home: Path, start_looker
) -> None:
    default, second = start_looker(DEV_CLIENT_ID), start_looker(PROD_CLIENT_ID)
    work = tmp_path / "work"
    project = work / "two-lookers"
    project.mkdir(parents=True)
    (work / ".venv").symlink_to(sys.prefix)
    (project / "Pulumi.yaml").write_text(
        f"""name: two-lookers
runtime: yaml
plugins:
  providers:
    - name: looker
      path: ../.venv/bin
resources:
  second-looker:
    type: pulumi:providers:looker
    properties:
      baseUrl: {second.url}
      clientId: {PROD_CLIENT_ID}
  policy:
    type: looker:index:PasswordConfig
    properties:
      minLength: 14
  second-policy:
    type: looker:index:PasswordConfig
    properties:
      minLength: 20
    options:
      provider: ${{second-looker}}
"""
    )
    (project / "Pulumi.dev.yaml").write_text(
        f"config:\n  looker:baseUrl: {default.url}\n  looker:clientId: {DEV_CLIENT_ID}\n"
    )
    backend = tmp_path / "backend"
    backend.mkdir()
    env = cli_environment(
        backend=backend, home=pulumi_home, client_secret=ADMIN_CLIENT_SECRET, checkpoints=False
    )
    stack = Stack(project, "dev", env, config_dir=".")
    stack.init()
    stack.up()
    assert default.control.state()["password_config"]["min_length"] == 14
    assert second.control.state()["password_config"]["min_length"] == 20
    stack.preview("--expect-no-changes")


def test_get_schema_as_the_readme_says(pulumi_home: Path) -> None:
    """`pulumi package get-schema ./.venv/bin/pulumi-resource-looker`, from the repository."""
    env = {**os.environ, "PULUMI_HOME": str(pulumi_home), "PULUMI_SKIP_UPDATE_CHECK": "true"}
    result = subprocess.run(
        ["pulumi", "package", "get-schema", "./.venv/bin/pulumi-resource-looker"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == resources.schema(version())


def test_adopt_writes_an_import_file_that_imports_with_no_write(yaml_stack: Stack, looker) -> None:
    with admin_client(looker, DEV_CLIENT_ID) as admin:
        key = admin.create_credentials_api3("3")
        admin.users.set_purpose("3", key.id, "dbt cloud")
    looker.control.clear_requests()
    adopted = subprocess.run(
        ["pulumi-looker", "adopt", "--stack", "dev", "--all-users", "--import-file", "import.json"],
        cwd=yaml_stack.project,
        env=yaml_stack.env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert adopted.returncode == 0, adopted.stderr
    document = json.loads((yaml_stack.project / "import.json").read_text())
    singletons = [k for k in KINDS if k.singleton is not None]
    assert document["resources"][: len(singletons) + 1] == [
        *({"type": k.token, "name": k.config.resource_name, "id": k.import_id} for k in singletons),
        {
            "type": "looker:index:ApiCredential",
            "name": f"dbt-cloud-u3-k{key.id}",
            "id": f"3/{key.id}",
        },
    ]  # the connection's own key is left out
    # Then each collection's objects (Looker's own left out), the people and who holds each
    # role, as Looker has them.
    rest = {
        (r["type"].rpartition(":")[2], r["id"])
        for r in document["resources"][len(singletons) + 1 :]
    }
    assert ("PermissionSet", "permission_set/3") in rest  # User: not built in
    assert ("PermissionSet", "permission_set/1") not in rest  # Admin: Looker's own
    assert ("User", "user/3") in rest
    assert ("RoleAssignment", "role_assignment/2") in rest  # Admin: user 1 holds it
    collections = {k.name for k in KINDS if k.collection is not None}
    assert {kind for kind, _ in rest} <= {"User", "GroupMembership", "RoleAssignment", *collections}
    yaml_stack.pulumi("import", "--file", "import.json", "--yes", "--generate-code=false")
    assert writes(looker) == []
    held = {r.get("id") for r in yaml_stack.export()["deployment"]["resources"]}
    assert {"password_config", "session_config", f"3/{key.id}"} <= held


def test_the_import_option_adopts_the_live_policy_with_no_write(yaml_stack: Stack, looker) -> None:
    program = yaml_stack.project / "Pulumi.yaml"
    program.write_text(
        program.read_text().replace(
            "    type: looker:index:PasswordConfig\n",
            "    type: looker:index:PasswordConfig\n    options:\n      import: password_config\n",
        )
    )
    yaml_stack.set_config({"looker-yaml:passwordMinLength": 10})  # what Looker has
    result = yaml_stack.up()
    assert "password-policy imported" in result.stdout
    assert ("PATCH", "/api/4.0/password_config") not in writes(looker)


def test_the_policy_pack_holds_the_plugins_resources_too(tmp_path, pulumi_home, looker) -> None:
    """The same rules for looker:index:* as for the dynamic resources (camelCase properties):
    a service account given the Admin role stops a production preview."""
    bots = example_stack(tmp_path, pulumi_home, looker, "yaml-bots")
    program = bots.project / "Pulumi.yaml"
    program.write_text(program.read_text().replace("roles: [Developer]", "roles: [Admin]"))
    shutil.copytree(ROOT / "policy", bots.project / "policy")
    result = bots.pulumi(
        "preview", "--policy-pack", "policy/run-pack", "--policy-pack-config",
        "policy/prod.json", ok=False,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "[mandatory]  service-account-admin" in output
    assert 'roles include Admin; service account "CI deploy bot" may not have it' in output
    assert writes(looker) == []
