"""`pulumi import` on the provider plugin with the real CLI (issue #31): an id Looker lacks or
that is malformed fails in one line with nothing in the state; the code an import prints is the
program that previews no change; after the connection's key is rotated, adopt says what makes
the import log in with the new one."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.e2e.test_plugin import example_stack
from tests.support.clients import DEV_CLIENT_ID, admin_client
from tests.support.looker import writes
from tests.support.stack import ROOT, Stack, replace_connection_key

pytestmark = pytest.mark.e2e


def adopt_import_file(stack: Stack) -> subprocess.CompletedProcess[str]:
    """`pulumi-looker adopt --stack dev --all-users --import-file import.json` in the project."""
    adopted = subprocess.run(
        ["pulumi-looker", "adopt", "--stack", stack.name, "--all-users", "--import-file",
         "import.json"],
        cwd=stack.project,
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert adopted.returncode == 0, adopted.stderr
    return adopted


def resource_names(stack: Stack) -> set[str]:
    resources = stack.export()["deployment"].get("resources") or []  # none before an up
    return {r["urn"].rsplit("::", 1)[1] for r in resources}


def printed_program(output: str) -> dict[str, Any]:
    """The resources of the YAML program `pulumi import` prints after its summary."""
    code = output[output.index("\nresources:\n") + 1 :]
    resources: dict[str, Any] = yaml.safe_load(code)["resources"]
    return resources


@pytest.mark.parametrize(
    ("type_", "id_", "says"),
    [
        ("ApiCredential", "3/999", "Looker has no API key 999 for user 3"),
        ("ApiCredential", "40/1", "Looker has no API key 1 for user 40 (no user 40)"),
        ("ServiceAccount", "999", "Looker has no service account 999 (no user 999)"),
        ("ServiceAccount", "service_account/999", "Looker has no service account 999"),
        ("ServiceAccount", "bot 7", "a ServiceAccount's id is 'service_account/<user_id>' or"),
        ("ApiCredential", "3-999", "an ApiCredential's id is '<user_id>/<credentials_api3_id>'"),
        ("PasswordConfig", "policy", "a PasswordConfig's id is always 'password_config'"),
    ],
)
def test_an_import_of_what_looker_lacks_fails_in_one_line_with_nothing_in_the_state(
    tmp_path: Path, pulumi_home: Path, looker, type_: str, id_: str, says: str
) -> None:
    stack = example_stack(tmp_path, pulumi_home, looker, "yaml")
    looker.control.clear_requests()
    result = stack.pulumi(
        "import", f"looker:index:{type_}", "nope", id_, "--yes", "--generate-code=false", ok=False
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert says in output
    assert "almost certainly a bug" not in output
    assert "Traceback" not in output
    assert "nope" not in resource_names(stack)
    assert writes(looker) == []


def test_the_program_an_import_prints_previews_no_change(tmp_path, pulumi_home, looker) -> None:
    """adopt's import file, previewed (--preview-only) and imported; the printed program,
    pasted, previews no change: roles by name as Looker has them, no resource linked to another
    whose id happens to equal an input (a key whose id is a service account's user id)."""
    bots = example_stack(tmp_path, pulumi_home, looker, "yaml-bots")
    bots.up()
    with admin_client(looker, DEV_CLIENT_ID) as admin:
        account = admin.create_service_account({"service_account_name": "etl bot"})
        admin.set_user_roles(account.id, ["3"])
        while (key := admin.create_credentials_api3("3")).id != account.id:
            admin.delete_credentials_api3("3", key.id)  # until a key's id is the account's
        admin.users.set_purpose("3", key.id, "dbt")
        account_key = admin.create_credentials_api3(account.id)
    lived_in = yaml.safe_load((ROOT / "examples" / "lived-in-looker.yaml").read_text())
    looker.control.seed({k: lived_in[k] for k in ("oidc_config", "connections")})
    adopt_import_file(bots)
    held = resource_names(bots)
    looker.control.clear_requests()

    document = json.loads((bots.project / "import.json").read_text())
    kinds = {r["type"].rpartition(":")[2] for r in document["resources"]}
    assert {"User", "RoleAssignment"} <= kinds  # the people and who holds each role, too
    assert {"OidcConfig", "Connection"} <= kinds  # sign-in and data, their secrets unread
    previewed = bots.pulumi("import", "--file", "import.json", "--preview-only")
    assert f"= {len(document['resources'])} to import" in previewed.stdout
    assert "almost certainly a bug" not in previewed.stdout + previewed.stderr
    assert resource_names(bots) == held
    imported = bots.pulumi("import", "--file", "import.json", "--yes")
    assert writes(looker) == []
    program = printed_program(imported.stdout)
    # The preview prints the same program (each resource with its import option besides).
    properties = {name: r["properties"] for name, r in program.items()}
    assert {n: r["properties"] for n, r in printed_program(previewed.stdout).items()} == properties
    assert "${" not in yaml.safe_dump(program)  # every value as Looker has it, no link
    etl_bot = f"etl-bot-u{account.id}"
    assert program[etl_bot]["properties"]["roles"] == ["Developer"]
    assert program[f"dbt-u3-k{key.id}"]["properties"] == {
        "userId": "3",
        "credentialsApi3Id": key.id,
        "purpose": "dbt",
    }
    assert program[f"key-u{account.id}-k{account_key.id}"]["properties"]["userId"] == account.id
    state = {r["urn"].rsplit("::", 1)[1]: r for r in bots.export()["deployment"]["resources"]}
    assert state[etl_bot]["id"] == f"service_account/{account.id}"

    manifest = bots.project / "Pulumi.yaml"
    document = yaml.safe_load(manifest.read_text())
    document["resources"] |= printed_program(imported.stdout)
    manifest.write_text(yaml.safe_dump(document, sort_keys=False))
    looker.control.clear_requests()
    bots.preview("--expect-no-changes")
    bots.preview("--refresh", "--expect-no-changes")
    assert writes(looker) == []


def test_after_rotating_the_connections_key_adopt_says_how_the_import_logs_in(
    tmp_path, pulumi_home, looker
) -> None:
    """`pulumi import` runs no program: the engine configures the provider with the settings
    its state holds from the last `pulumi up`. adopt names the command that records today's."""
    stack = example_stack(tmp_path, pulumi_home, looker, "yaml")
    stack.up()
    with admin_client(looker, DEV_CLIENT_ID) as admin:
        key = admin.create_credentials_api3("3")
    assert "pulumi refresh --run-program" not in adopt_import_file(stack).stderr
    replace_connection_key(stack, looker)

    note = adopt_import_file(stack).stderr
    assert (
        "the stack's state holds looker:clientId as of its last `pulumi up`, not as the config "
        "has it now, and `pulumi import` connects with what the state holds: run `pulumi "
        "refresh --run-program --yes` first"
    ) in note
    failed = stack.pulumi("import", "--file", "import.json", "--yes", "--generate-code=false",
                          ok=False)  # fmt: skip
    assert failed.returncode != 0
    assert "Looker login failed" in failed.stdout + failed.stderr
    assert f"3/{key.id}" not in {r.get("id") for r in stack.export()["deployment"]["resources"]}

    stack.pulumi("refresh", "--run-program", "--yes")
    assert "pulumi refresh --run-program" not in adopt_import_file(stack).stderr
    looker.control.clear_requests()
    stack.pulumi("import", "--file", "import.json", "--yes", "--generate-code=false")
    assert writes(looker) == []
    assert f"3/{key.id}" in {r.get("id") for r in stack.export()["deployment"]["resources"]}
