"""Two stacks on one Looker: the second cannot silently undo the first's singleton or take its
keys, and `pulumi-looker adopt` leaves out what any stack manages (issue #31, item 5)."""

from __future__ import annotations

import pytest
import yaml

from pulumi_looker import ownership
from tests.e2e.test_adopt import adopt
from tests.e2e.test_plugin import example_stack
from tests.support.clients import DEV_CLIENT_ID
from tests.support.looker import CREDENTIALS, LOGIN, POLICY, keys_of_user
from tests.support.stack import Stack

pytestmark = pytest.mark.e2e

DEV = "looker-settings/dev"
OTHER = "looker-settings/other"


def owners(looker) -> dict[str, str]:
    """The singletons' managers, as the marker in Looker says."""
    attributes = looker.control.state()["user_attributes"]
    found = [a for a in attributes if a["name"] == ownership.OWNERS_ATTRIBUTE]
    return ownership.parse_owners(found[0]["default_value"]) if found else {}


def min_length(looker) -> int:
    return int(looker.control.state()["password_config"]["min_length"])


@pytest.fixture
def other(make_stack, looker) -> Stack:
    """A second stack of the same project, managing only the password policy (14)."""
    stack = make_stack("other", looker)
    stack.set_config({"looker:clientId": DEV_CLIENT_ID, POLICY: {"minLength": 14}})
    return stack


def test_a_second_python_stack_is_refused_at_preview_until_it_takes_over(
    dev, other, looker
) -> None:
    dev.up()
    assert owners(looker) == {"password_config": DEV, "session_config": DEV}
    looker.control.clear_requests()

    preview = other.pulumi("preview", ok=False)
    output = preview.stdout + preview.stderr
    assert preview.returncode != 0
    assert f"managed by stack {DEV}" in output
    assert "takeover: true" in output
    assert looker.control.writes() == []
    # What the refusal cost: a login and one read of who manages the singletons.
    assert looker.control.calls() == {LOGIN: 1, ("GET", "/api/4.0/user_attributes"): 1}
    assert min_length(looker) == 12

    other.set_config({POLICY: {"minLength": 14, "takeover": True}})
    other.pulumi("preview")
    other.up()
    assert min_length(looker) == 14
    assert owners(looker) == {"password_config": OTHER, "session_config": DEV}

    # The first stack's refresh sees the change; its preview refuses to undo it.
    looker.control.clear_requests()
    preview = dev.pulumi("preview", "--refresh", ok=False)
    assert f"managed by stack {OTHER}" in preview.stdout + preview.stderr
    assert looker.control.writes() == []

    # Destroying the manager unmarks it: the other stack can declare it again with no takeover.
    other.pulumi("destroy", "--yes", "--skip-preview")
    assert owners(looker) == {"session_config": DEV}
    dev.pulumi("preview", "--refresh")


def test_the_yaml_example_is_refused_the_policy_a_python_stack_manages(
    dev, looker, tmp_path, pulumi_home
) -> None:
    dev.up()
    plugin = example_stack(tmp_path, pulumi_home, looker, "yaml", state="yaml-backend")
    looker.control.clear_requests()
    preview = plugin.pulumi("preview", ok=False)
    output = preview.stdout + preview.stderr
    assert preview.returncode != 0
    assert f"managed by stack {DEV}" in output
    assert "takeover" in output
    assert looker.control.writes() == []

    # The plugin's stack marks the key it creates; dev's adoption of it is refused.
    program = yaml.safe_load((plugin.project / "Pulumi.yaml").read_text())
    program["resources"]["password-policy"]["properties"]["takeover"] = True
    (plugin.project / "Pulumi.yaml").write_text(yaml.safe_dump(program, sort_keys=False))
    plugin.up()
    assert owners(looker)["password_config"] == "looker-yaml/dev"
    [made] = [k for k in keys_of_user(looker, "2") if "looker-yaml/dev" in (k["purpose"] or "")]
    assert made["purpose"] == "CI deploy bot [pulumi: looker-yaml/dev]"
    credentials = dev.config[CREDENTIALS]
    credentials.append({"name": "taken", "userId": "2", "credentialsApi3Id": made["id"]})
    dev.set_config({CREDENTIALS: credentials})
    looker.control.clear_requests()
    preview = dev.pulumi("preview", ok=False)
    assert "is managed by stack looker-yaml/dev" in preview.stdout + preview.stderr
    assert looker.control.writes() == []


def test_adopt_leaves_out_what_any_stack_manages(dev, other, looker) -> None:
    """dev creates a key and rotates it keeping the previous one (the resource's id stays the
    first key's), and adopts the connection's key; adopt in either stack proposes none of them,
    and the other stack is not offered dev's policies."""
    credentials = dev.config[CREDENTIALS]
    credentials[0]["keepPrevious"] = True
    dev.set_config({CREDENTIALS: credentials})
    dev.up()
    credentials[0]["rotation"] = "2026-12"
    dev.set_config({CREDENTIALS: credentials})
    dev.up()
    assert len(keys_of_user(looker, "2")) == 2

    for stack in (dev, other):
        result = adopt(stack, "--all-users", "--include-connection-key", "--stdout")
        assert result.returncode == 0, result.stderr
        proposed = yaml.safe_load(result.stdout)["config"]
        adopted = proposed.get(CREDENTIALS) or []
        assert [e for e in adopted if e.get("credentialsApi3Id")] == [
            e for e in stack.config.get(CREDENTIALS, []) if e.get("credentialsApi3Id")
        ]
        assert "manages it" in result.stderr
    result = adopt(other, "--stdout")
    assert f"password policy: stack {DEV} manages it; left out" in result.stderr
    assert yaml.safe_load(result.stdout)["config"][POLICY] == {"minLength": 14}
