"""The pipeline of docs/pipelines.md, run with the exact commands of the example CI files:
guardrails per environment, a machine-readable plan, and the scheduled drift check."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
import yaml

from pulumi_looker import models
from tests.support.clients import DEV_CLIENT_ID, PROD_CLIENT_ID, admin_client
from tests.support.looker import ACCOUNTS, CREDENTIALS, POLICY, keys_of_user, writes
from tests.support.stack import ROOT, Stack

pytestmark = pytest.mark.e2e

STAGING_CLIENT_ID = "StagingAdminClientId"
CLIENT_IDS = {"dev": DEV_CLIENT_ID, "staging": STAGING_CLIENT_ID, "prod": PROD_CLIENT_ID}


def github_jobs() -> dict[str, list[str]]:
    workflow = yaml.safe_load((ROOT / "examples/ci/github-actions.yml").read_text())
    return {
        name: [
            line
            for step in job["steps"]
            for line in (step.get("run") or "").splitlines()
            if line.startswith("pulumi")
        ]
        for name, job in workflow["jobs"].items()
    }


def gitlab_jobs() -> dict[str, list[str]]:
    pipeline = yaml.safe_load((ROOT / "examples/ci/gitlab-ci.yml").read_text())
    return {
        name: [line for line in pipeline[name]["script"] if line.startswith("pulumi")]
        for name in ("preview", "up", "drift")
    }


def test_both_example_files_run_the_same_commands_as_the_docs() -> None:
    docs = (ROOT / "docs/pipelines.md").read_text()
    assert github_jobs() == gitlab_jobs()
    for commands in github_jobs().values():
        for command in commands:
            assert command in docs, command


#: The one change the CLI that scripts/install-pulumi builds needs: its Python language host
#: (3.79) cannot start a `runtime: python` pack, so the engine runs the pack's launcher (an
#: executable named by --policy-pack; README, Known limits). The rest runs as written.
BUILT_CLI_PACK = ("--policy-pack policy ", "--policy-pack policy/run-pack ")


def run_job(stack: Stack, commands: list[str]) -> tuple[int, str]:
    """A CI job: its commands in order in the project, as bash runs them, until one fails."""
    shutil.copytree(ROOT / "policy", stack.project / "policy", dirs_exist_ok=True)
    env = {
        **stack.env,
        "CI": "true",  # as on a CI runner: pulumi does not prompt
        "STACK": stack.name,
    }
    output = []
    for command in commands:
        result = subprocess.run(
            ["bash", "-c", command.replace(*BUILT_CLI_PACK)],
            cwd=stack.project,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        output.append(result.stdout + result.stderr)
        if result.returncode != 0:
            return result.returncode, "\n".join(output)
    return 0, "\n".join(output)


@pytest.fixture
def prod(make_stack, start_looker) -> tuple[Stack, object]:
    looker = start_looker(PROD_CLIENT_ID)
    return make_stack("prod", looker), looker


def test_a_compliant_prod_passes_plans_deploys_and_finds_drift(prod) -> None:
    stack, looker = prod
    jobs = github_jobs()
    code, output = run_job(stack, jobs["preview"])
    assert code == 0, output
    plan = (stack.project / "plan.md").read_text()
    assert (
        "| password-policy (PasswordConfig) | adopt | min_length | (Looker's value) → `16` |"
        in plan
    )
    assert writes(looker) == []
    code, output = run_job(stack, jobs["up"])
    assert code == 0, output
    assert looker.control.state()["password_config"]["min_length"] == 16
    assert run_job(stack, jobs["drift"])[0] == 0
    with admin_client(looker, PROD_CLIENT_ID) as admin:  # by hand, in Looker's admin page
        admin.update_singleton(models.PASSWORD_CONFIG, {"min_length": 8})
    code, output = run_job(stack, jobs["drift"])
    assert code != 0
    assert "password-policy" in output
    assert "min_length" in output
    assert run_job(stack, jobs["preview"])[0] == 0
    plan = (stack.project / "plan.md").read_text()
    assert "| password-policy (PasswordConfig) | drift | min_length | `16` → `8` |" in plan
    assert "| password-policy (PasswordConfig) | update | min_length | `8` → `16` |" in plan


def test_a_mandatory_violation_stops_preview_and_up_before_any_write(prod) -> None:
    stack, looker = prod
    stack.set_config({POLICY: {**stack.config[POLICY], "minLength": 12}})
    jobs = github_jobs()
    for job in ("preview", "up"):
        code, output = run_job(stack, jobs[job])
        assert code != 0, job
        assert "[mandatory]  password-min-length" in output
        assert "Passwords are at least as long as this environment asks." in output
        assert "min_length is 12; the floor is 16" in output
        assert "password-policy)Passwords" not in output  # the description is not run in
        assert "`minimum`" not in output  # no placeholder left unrendered
    assert writes(looker) == []


def test_an_overdue_key_rotation_fails_the_production_preview(prod) -> None:
    stack, looker = prod
    jobs = github_jobs()
    assert run_job(stack, jobs["up"])[0] == 0
    [key] = keys_of_user(looker, "12")
    looker.control.age_key(key["id"], 120)
    code, output = run_job(stack, jobs["preview"])
    assert code != 0
    assert "[mandatory]  api-key-max-age" in output
    assert "days ago); rotate it (at most 90 days)" in output


@pytest.mark.parametrize("env", ["dev", "staging"])
def test_each_environment_passes_its_own_guardrails(make_stack, start_looker, env):
    looker = start_looker(CLIENT_IDS[env])
    stack = make_stack(env, looker)
    code, output = run_job(stack, gitlab_jobs()["preview"])
    assert code == 0, output
    assert writes(looker) == []


def test_an_advisory_violation_warns_and_passes(make_stack, start_looker) -> None:
    looker = start_looker(DEV_CLIENT_ID)
    stack = make_stack("dev", looker)
    stack.set_config({CREDENTIALS: [{"name": "nameless", "userId": "3"}]})  # no purpose
    code, output = run_job(stack, github_jobs()["preview"])
    assert code == 0, output
    assert "[advisory]  api-key-purpose" in output
    changes = json.loads(
        subprocess.run(
            ["pulumi-looker", "plan", "preview.json", "--format", "json"],
            cwd=stack.project,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert {
        "resource": "nameless",
        "type": "ApiCredential",
        "op": "create",
        "field": "user_id",
        "old": None,
        "new": "3",
    } in changes


def test_a_service_account_with_the_admin_role_stops_production(prod) -> None:
    stack, looker = prod
    bot = {"name": "looker-bot", "serviceAccountName": "looker bot", "roles": ["Admin"]}
    stack.set_config({ACCOUNTS: [bot]})
    code, output = run_job(stack, github_jobs()["preview"])
    assert code != 0
    assert "[mandatory]  service-account-admin" in output
    assert 'roles include Admin; service account "looker bot" may not have it' in output
    assert writes(looker) == []


def test_a_key_of_a_disabled_service_account_is_flagged(make_stack, start_looker) -> None:
    looker = start_looker(DEV_CLIENT_ID)
    stack = make_stack("dev", looker)
    stack.set_config(
        {
            ACCOUNTS: [{"name": "old-bot", "serviceAccountName": "old bot", "isDisabled": True}],
            CREDENTIALS: [{"name": "old-bot-key", "serviceAccount": "old-bot", "purpose": "ETL"}],
        }
    )
    stack.up()
    code, output = run_job(stack, github_jobs()["preview"])
    assert code == 0, output  # advisory in dev
    assert "[advisory]  disabled-account-keys" in output
    assert "old-bot-key: its user is service account 'old-bot', which is disabled" in output
