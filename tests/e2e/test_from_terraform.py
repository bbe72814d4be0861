"""Coming from Terraform with the real CLI: `pulumi-looker adopt --from-terraform` on a state of
each provider, against a Looker that holds what the state manages; then a preview with no
change and an up with no write, on the Python face (stack config) and on the plugin (`pulumi
import`)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.e2e.test_import import printed_program
from tests.e2e.test_plugin import example_stack
from tests.support.clients import DEV_CLIENT_ID
from tests.support.looker import PROJECT, writes
from tests.support.stack import ROOT, Stack

pytestmark = pytest.mark.e2e

STATES = Path(__file__).parents[1] / "terraform"
PASSWORD = "terraform-wrote-this"
KEY_SECRET = "key-secret-from-terraform"  # zendesk's looker_api_credentials.etl


@pytest.fixture
def organisation(start_looker):
    """Looker with what the states manage, ids as they hold them (the admin is user 1)."""
    return start_looker(DEV_CLIENT_ID, "--users", "0", "--seed", str(STATES / "organisation.yaml"))


def readme_adopt(stack: Stack, state: Path, *, plugin: bool) -> subprocess.CompletedProcess[str]:
    """The README's `pulumi-looker adopt --from-terraform` line (of the plugin: with
    --import-file), run as written on ``stack`` and ``state``."""
    section = (ROOT / "README.md").read_text().split("\n## Coming from Terraform\n", 1)[1]
    blocks = re.findall(r"```sh\n(.*?)```", section.split("\n## ", 1)[0], re.DOTALL)
    commands = [
        line.split("#", 1)[0].split()
        for block in blocks
        for line in block.splitlines()
        if line.startswith("pulumi-looker adopt")
    ]
    [command] = [c for c in commands if ("--import-file" in c) == plugin]
    assert command[:4] == ["pulumi-looker", "adopt", "--stack", "prod"]
    args = [str(state) if a == "terraform.tfstate" else a for a in command[4:]]
    return subprocess.run(
        ["pulumi-looker", "adopt", "--stack", stack.name, *args],
        cwd=stack.project,
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=300,
    )


#: Each state: the resources it takes (and so `terraform state rm` lines), the one it skips,
#: and the connection's resource name (hirosassa's is in a module).
STATE_FILES = [
    ("hirosassa.tfstate", 15, "module.data.looker_lookml_model.thelook", "data-warehouse"),
    ("devoteam.tfstate", 12, "looker_project.thelook", "warehouse"),
    ("zendesk-show.json", 14, "looker_project.thelook", "warehouse"),
]
#: What the stack's first up writes besides: its marks (who manages the instance settings, each
#: adopted key's purpose; README, Several stacks on one Looker), on zendesk's settings and key.
MARKS = ("/api/4.0/user_attributes", "/api/4.0/users/4/credentials_api3/2")


@pytest.mark.parametrize(("state", "taken", "skipped", "warehouse"), STATE_FILES)
def test_the_python_face_adopts_a_state_then_previews_and_writes_nothing(
    make_stack, organisation, state, taken, skipped, warehouse
) -> None:
    stack = make_stack("migrated", organisation)  # a stack with no config of its own yet
    stack.set_config({"looker:clientId": DEV_CLIENT_ID})
    organisation.control.clear_requests()
    result = readme_adopt(stack, STATES / state, plugin=False)
    assert result.returncode == 3, result.stderr  # something was skipped, and said
    assert f"skipped {skipped}: " in result.stderr
    assert writes(organisation) == []
    lines = result.stdout.splitlines()
    assert len(lines) == taken
    assert all(line.startswith("terraform state rm ") for line in lines)
    text = stack.file.read_text()
    assert PASSWORD not in text + result.stdout + result.stderr
    config = yaml.safe_load(text)["config"]
    [connection] = config[f"{PROJECT}:connections"]
    assert connection["name"] == warehouse
    assert set(connection["password"]) == {"secure"}  # encrypted by the stack's provider
    assert connection["secretsInLooker"] is True
    [role] = config[f"{PROJECT}:roles"]
    assert (role["permissionSet"], role["modelSet"]) == ("analysts", "marketing")
    if state == "zendesk-show.json":  # a key's secret, which no input takes, kept apart
        assert set(config[f"{PROJECT}:etlClientSecret"]) == {"secure"}
        assert KEY_SECRET not in text + result.stdout + result.stderr

    # A real preview first: each link's output (the role's permission set...) is unknown yet.
    preview = stack.preview()
    assert "error" not in preview.stdout.lower()
    assert writes(organisation) == []
    organisation.control.clear_requests()
    stack.up()  # adopts: every object as Looker has it
    marks = [w for w in writes(organisation) if w[1].startswith(MARKS)]
    assert writes(organisation) == marks
    assert bool(marks) == (state == "zendesk-show.json")
    assert PASSWORD not in str(stack.export())
    organisation.control.clear_requests()
    stack.preview("--expect-no-changes")
    assert writes(organisation) == []


@pytest.mark.parametrize(("state", "taken", "skipped", "warehouse"), STATE_FILES)
def test_the_plugin_imports_a_state_then_previews_and_writes_nothing(
    tmp_path, pulumi_home, organisation, state, taken, skipped, warehouse
) -> None:
    stack = example_stack(tmp_path, pulumi_home, organisation, "yaml")
    manifest = stack.project / "Pulumi.yaml"
    program = yaml.safe_load(manifest.read_text())
    program |= {"config": {}, "variables": {}, "resources": {}, "outputs": {}}
    manifest.write_text(yaml.safe_dump(program, sort_keys=False))
    organisation.control.clear_requests()
    result = readme_adopt(stack, STATES / state, plugin=True)
    assert result.returncode == 3, result.stderr
    assert f"skipped {skipped}: " in result.stderr
    assert writes(organisation) == []
    document = (stack.project / "import.json").read_text()
    assert PASSWORD not in document + result.stdout + result.stderr
    resources = {(r["name"], r["id"]) for r in yaml.safe_load(document)["resources"]}
    assert len(resources) == taken - (state == "hirosassa.tfstate")  # user_roles joins its user
    assert {(warehouse, "connection/warehouse"), ("analyst", "role/5")} <= resources
    kept = {"warehousePassword" if warehouse == "warehouse" else "dataWarehousePassword": PASSWORD}
    if state == "zendesk-show.json":
        assert {("main", "setting"), ("etl", "4/2")} <= resources
        kept["etlClientSecret"] = KEY_SECRET
    for key, value in kept.items():  # encrypted, for the program to give when it rotates
        assert f"is in config looker-yaml:{key} (secret)" in result.stderr
        assert stack.pulumi("config", "get", key).stdout.strip() == value
        assert value not in (stack.project / "Pulumi.dev.yaml").read_text()

    imported = stack.pulumi("import", "--file", "import.json", "--yes")
    assert writes(organisation) == []
    program["resources"] = printed_program(imported.stdout)
    manifest.write_text(yaml.safe_dump(program, sort_keys=False))
    organisation.control.clear_requests()
    stack.preview("--expect-no-changes")
    stack.up("--expect-no-changes")
    assert writes(organisation) == []
