"""`pulumi-looker plan` on the JSON of a real `pulumi preview` (#31 item 7): a two-key rotation
shows the oldest key's delete, and an adoption says adopt where Pulumi's summary says create."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pulumi_looker.cli import plan
from tests.e2e.test_adopt import adopt, lived_in, stack  # noqa: F401 (fixtures)
from tests.support.looker import writes
from tests.support.stack import Stack

pytestmark = pytest.mark.e2e

CREDENTIALS = "looker-settings:apiCredentials"


def preview_json(of: Stack) -> dict[str, Any]:
    return json.loads(of.pulumi("preview", "--json").stdout)


def rotate(of: Stack, rotation: str) -> None:
    entries = of.config[CREDENTIALS]
    entries[0].update(rotation=rotation, keepPrevious=True)
    of.set_config({CREDENTIALS: entries})


def key_state(of: Stack, name: str) -> dict[str, Any]:
    [resource] = [r for r in of.export()["deployment"]["resources"] if r["urn"].endswith(name)]
    return resource["outputs"]


def test_a_program_change_is_an_update_and_a_two_key_rotation_plans_the_oldest_keys_delete(
    dev: Stack, looker
) -> None:
    """The engine's refresh line of a refreshing preview reads ``[diff: ~min_length]`` for a
    change of the program (it compares with the program's inputs); the plan says update, and
    drift only for what Looker changed. Then a two-key rotation: the plan shows the oldest
    key's delete."""
    dev.up()
    policy = "looker-settings:passwordPolicy"
    dev.set_config({policy: {**dev.config[policy], "minLength": 13}})
    found = plan.changes(preview_json(dev))
    assert [(c.resource, c.op, c.field, c.old, c.new) for c in found] == [
        ("password-policy", "update", "min_length", 12, 13)
    ]
    assert plan.markdown(found).startswith("Resources: 1 to update.\n")

    rotate(dev, "2026-11")
    dev.up()
    rotate(dev, "2026-12")
    dev.up()
    state = key_state(dev, "ci-deploy-bot")
    current, oldest = state["credentials_api3_id"], state["previous_credentials_api3_id"]
    assert oldest is not None
    rotate(dev, "2027-01")
    looker.control.clear_requests()
    found = plan.changes(preview_json(dev))
    rows = [(c.resource, c.op, c.field, c.old, c.new) for c in found]
    assert ("ci-deploy-bot", "delete", "credentials_api3_id", oldest, None) in rows
    assert ("ci-deploy-bot", "update", "previous_credentials_api3_id", oldest, current) in rows
    text = plan.markdown(found)
    assert "with keep_previous the old key stays as the previous key" in text
    assert "deleted once the new one exists" not in text
    assert writes(looker) == []


def test_an_adoption_plans_adopt_where_pulumi_counts_creates(stack: Stack, lived_in) -> None:  # noqa: F811
    assert adopt(stack, "--all-users").returncode == 0
    preview = preview_json(stack)
    creates = [
        s for s in preview["steps"] if s["op"] == "create" and "looker:" in s["newState"]["type"]
    ]
    assert len(creates) > 3
    assert preview["changeSummary"]["create"] == len(creates) + 1  # and the stack's own
    # Memberships and role holders are sets a create adds the missing members to (none here:
    # adopt declared them as Looker has them); every other create adopts what Looker has.
    sets = [
        s for s in creates if s["newState"]["type"].endswith(("GroupMembership", "RoleAssignment"))
    ]
    assert sets
    text = plan.markdown(plan.changes(preview))
    assert text.startswith(
        f"Resources: {len(creates) - len(sets)} to adopt, {len(sets)} to create.\n"
    )
    created = {line.split(" | ")[0] for line in text.splitlines() if "| create |" in line}
    assert len(created) == len(sets)
    assert writes(lived_in) == []
