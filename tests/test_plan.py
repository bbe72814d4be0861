"""`pulumi-looker plan`: the per-field changes of a preview's JSON, secrets masked."""

from __future__ import annotations

import json
import subprocess
import sys

from pulumi_looker.cli import plan

TYPE = "pulumi-python:dynamic/looker:"


def step(op: str, name: str, kind: str, old: dict | None, new: dict | None) -> dict:
    def state(values: dict | None) -> dict | None:
        if values is None:
            return None
        return {"type": TYPE + kind, "inputs": values, "outputs": values}

    return {
        "op": op,
        "urn": f"urn:pulumi:prod::p::{TYPE}{kind}::{name}",
        "oldState": state(old),
        "newState": state(new),
        "detailedDiff": None,
    }


PREVIEW = {
    "steps": [
        {"op": "same", "urn": "urn:pulumi:prod::p::pulumi:pulumi:Stack::p-prod"},
        step("refresh", "policy", "PasswordConfig", {"min_length": 16}, {"min_length": 8}),
        step("update", "policy", "PasswordConfig", {"min_length": 8}, {"min_length": 16}),
        step("create", "bot", "ApiCredential", None, {"user_id": "2", "__provider": "x"}),
        step(
            "update",
            "bot2",
            "ApiCredential",
            {"client_secret": "s3cr3t", "purpose": "a"},
            {"client_secret": "0th3r", "purpose": "b"},
        ),
    ]
}


def test_changes_by_field_with_secrets_masked() -> None:
    found = plan.changes(PREVIEW)
    assert [(c.resource, c.op, c.field, c.old, c.new) for c in found] == [
        ("policy", "drift", "min_length", 16, 8),
        ("policy", "update", "min_length", 8, 16),
        ("bot", "create", "user_id", None, "2"),
        ("bot2", "update", "client_secret", "[secret]", "[secret]"),
        ("bot2", "update", "purpose", "a", "b"),
    ]
    assert "s3cr3t" not in plan.markdown(found) + plan.as_json(found)


def test_drift_from_a_refreshing_preview_of_the_current_cli() -> None:
    """Pulumi 3.276 lists a refresh step with the state before the refresh (newState has no
    outputs); the resource's next step starts from the refreshed state."""
    refresh = step("refresh", "policy", "PasswordConfig", {"min_length": 16}, {"min_length": 16})
    del refresh["newState"]["outputs"]
    update = step("update", "policy", "PasswordConfig", {"min_length": 8}, {"min_length": 16})
    found = plan.changes({"steps": [refresh, update]})
    assert [(c.op, c.field, c.old, c.new) for c in found] == [
        ("drift", "min_length", 16, 8),
        ("update", "min_length", 8, 16),
    ]
    assert "drift: changed in Looker since the last `pulumi up`" in plan.markdown(found)


def test_a_rotation_says_the_key_is_new_and_a_singleton_create_adopts() -> None:
    old_key = {"rotation": "2026-11", "client_id": "abc", "credentials_api3_id": "7"}
    found = plan.changes(
        {
            "steps": [
                step("replace", "bot", "ApiCredential", old_key, {"rotation": "2026-12"}),
                step("create", "policy", "PasswordConfig", None, {"min_length": 16}),
            ]
        }
    )
    assert [(c.resource, c.op, c.field, c.old, c.new) for c in found] == [
        ("bot", "replace", "rotation", "2026-11", "2026-12"),
        ("bot", "replace", "credentials_api3_id", "7", plan.NEW),
        ("bot", "replace", "client_id", "abc", plan.NEW),
        ("bot", "replace", "client_secret", None, plan.NEW),
        ("policy", "adopt", "min_length", plan.LIVE, 16),
    ]
    text = plan.markdown(found)
    assert '| bot (ApiCredential) | replace | client_id | `"abc"` → (new) |' in text
    assert "| policy (PasswordConfig) | adopt | min_length | (Looker's value) → `16` |" in text
    assert "a rotated key is a new key, with a new id, client id and secret" in text
    assert "reads what Looker has and writes only the settings that differ" in text


def test_a_rotation_that_keeps_the_previous_key_says_the_key_is_new() -> None:
    old_key = {"rotation": "r1", "keep_previous": True, "client_id": "abc"}
    new_key = {"rotation": "r2", "keep_previous": True}
    found = plan.changes({"steps": [step("update", "bot", "ApiCredential", old_key, new_key)]})
    assert [(c.op, c.field, c.old, c.new) for c in found] == [
        ("update", "rotation", "r1", "r2"),
        ("update", "credentials_api3_id", None, plan.NEW),
        ("update", "client_id", "abc", plan.NEW),
        ("update", "client_secret", None, plan.NEW),
    ]
    purpose_only = {**old_key, "purpose": "x"}
    found = plan.changes({"steps": [step("update", "bot", "ApiCredential", old_key, purpose_only)]})
    assert [c.field for c in found] == ["purpose"]


def test_the_command_prints_markdown_or_json(tmp_path) -> None:
    path = tmp_path / "preview.json"
    path.write_text(json.dumps(PREVIEW))
    command = [sys.executable, "-m", "pulumi_looker.cli.command", "plan", str(path)]
    markdown = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    assert "| policy (PasswordConfig) | update | min_length | `8` → `16` |" in markdown
    as_json = subprocess.run(
        [*command, "--format", "json"], capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(as_json)[0]["op"] == "drift"
    bad = subprocess.run(
        [sys.executable, "-m", "pulumi_looker.cli.command", "plan", "-"],
        input="not json",
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 1
    assert bad.stderr.strip() == (
        "pulumi-looker plan: error: - is not the JSON of `pulumi preview --json`"
    )
    assert plan.markdown([]) == "No change to Looker settings.\n"


def test_a_rotation_that_keeps_the_previous_key_shows_the_oldest_keys_delete() -> None:
    """#31 item 7: the key that was previous is deleted, the current one becomes the previous;
    the footnote says so (not that the old key is deleted once the new one exists)."""
    old_key = {
        "rotation": "r2",
        "keep_previous": True,
        "client_id": "abc",
        "credentials_api3_id": "7",
        "previous_credentials_api3_id": "5",
    }
    new_key = {"rotation": "r3", "keep_previous": True}
    found = plan.changes({"steps": [step("update", "bot", "ApiCredential", old_key, new_key)]})
    assert [(c.op, c.field, c.old, c.new) for c in found] == [
        ("update", "rotation", "r2", "r3"),
        ("update", "credentials_api3_id", "7", plan.NEW),
        ("update", "client_id", "abc", plan.NEW),
        ("update", "client_secret", None, plan.NEW),
        ("delete", "credentials_api3_id", "5", None),
        ("update", "previous_credentials_api3_id", "5", "7"),
    ]
    text = plan.markdown(found)
    assert text.startswith("Resources: 1 to update.\n")  # the key's delete is part of it
    assert '| bot (ApiCredential) | delete | credentials_api3_id | `"5"` → — |' in text
    assert "the old key stays as the previous key and works until the next rotation" in text
    assert "deleted once the new one exists" not in text
    off = plan.changes(
        {"steps": [step("update", "bot", "ApiCredential", old_key, {"rotation": "r2"})]}
    )
    assert ("delete", "credentials_api3_id", "5", None) in [
        (c.op, c.field, c.old, c.new) for c in off
    ]


def test_an_adoption_says_adopt_and_what_it_writes() -> None:
    """#31 item 7: Pulumi's preview counts each adoption as a create; the plan does not."""
    keys_and_accounts = [
        step("create", "dbt", "ApiCredential", None, {"user_id": "7", "credentials_api3_id": "13"}),
        step("create", "etl-bot", "ServiceAccount", None, {"user_id": "5", "roles": ["Admin"]}),
    ]
    found = plan.changes({"steps": keys_and_accounts})
    assert {c.op for c in found} == {"adopt"}
    text = plan.markdown(found)
    assert text.startswith("Resources: 2 to adopt. Writes to Looker: none.\n")
    assert '| dbt (ApiCredential) | adopt | credentials_api3_id | — → `"13"` |' in text
    assert "nothing is created (Pulumi's preview counts it as a create)" in text
    policy = step("create", "policy", "PasswordConfig", None, {"min_length": 16})
    text = plan.markdown(plan.changes({"steps": [*keys_and_accounts, policy]}))
    assert text.startswith(
        "Resources: 3 to adopt. Writes to Looker: only the settings of policy that differ "
        "from Looker's (none after `pulumi-looker adopt`).\n"
    )
    new_key = step("create", "bot", "ApiCredential", None, {"user_id": "2"})
    text = plan.markdown(plan.changes({"steps": [*keys_and_accounts, new_key]}))
    assert text.startswith("Resources: 2 to adopt, 1 to create.\n")
