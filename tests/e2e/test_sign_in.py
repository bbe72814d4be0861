"""Sign-in with the real CLI: examples/yaml-sign-in's OpenID Connect configuration, its group
mapped to a group and role made in the same up (the role's id unknown at its preview); its
secret rotated (one PATCH), then nothing to write; the secret never in the state in plain text
nor in the most verbose logs; a bad change refused at preview with Looker unchanged."""

from __future__ import annotations

import json

import pytest

from pulumi_looker.cli import plan
from tests.e2e.test_access_model import named
from tests.e2e.test_plugin import example_stack
from tests.support.looker import writes

pytestmark = pytest.mark.e2e

API = "/api/4.0"
FIRST, SECOND = "first-oidc-secret-4f2a", "second-oidc-secret-9c1d"
VERBOSE = ("--debug", "-v=9", "--logtostderr", "--logflow")


def test_oidc_with_its_group_mapping_in_one_up_then_a_rotated_secret(
    tmp_path, pulumi_home, looker
) -> None:
    stack = example_stack(tmp_path, pulumi_home, looker, "yaml-sign-in")
    stack.pulumi("config", "set", "--secret", "oidcSecret", FIRST)
    preview = json.loads(stack.pulumi("preview", "--json").stdout)
    adopted = {c.field: c.new for c in plan.changes(preview) if c.type == "OidcConfig"}
    assert adopted["secret"] == "[secret]"
    assert "role_ids" in json.dumps(adopted["groupsWithRoleIds"])  # its role id not known yet
    assert writes(looker) == []

    first = stack.up(*VERBOSE)
    role = named(looker, "roles", "Finance viewer")
    group = named(looker, "groups", "Finance")
    config = looker.control.state()["oidc_config"]
    assert config["enabled"] is True
    mappings = config["groups_with_role_ids"]
    assert [(m["name"], m["looker_group_name"], m["role_ids"]) for m in mappings] == [
        ("finance", "Finance", [role["id"]])
    ]
    assert config["default_new_user_group_ids"] == [group["id"]]

    looker.control.clear_requests()
    stack.up("--expect-no-changes")
    assert writes(looker) == []

    stack.pulumi("config", "set", "--secret", "oidcSecret", SECOND)
    looker.control.clear_requests()
    second = stack.up(*VERBOSE)
    assert writes(looker) == [("PATCH", f"{API}/oidc_config")]
    [body] = [r["body"] for r in looker.control.requests() if r["method"] == "PATCH"]
    assert list(body) == ["secret"]

    looker.control.clear_requests()
    stack.up("--expect-no-changes")
    assert writes(looker) == []

    exported = json.dumps(stack.export())
    logs = first.stdout + first.stderr + second.stdout + second.stderr
    for secret in (FIRST, SECOND):
        assert secret not in exported
        assert secret not in logs
    [resource] = [
        r for r in stack.export()["deployment"]["resources"] if r["type"].endswith("OidcConfig")
    ]
    assert resource["outputs"]["secret"]["4dabf18193072939515e22adb298388d"] == (
        "1b47061264138c4ac30d75fd1eb44270"
    )  # Pulumi's mark of a secret value

    # An endpoint that is not https is refused at preview, naming it, with nothing written.
    program = stack.project / "Pulumi.yaml"
    program.write_text(
        program.read_text().replace(
            "tokenEndpoint: https://idp.example.com/token",
            "tokenEndpoint: http://idp.example.com/token",
        )
    )
    looker.control.clear_requests()
    refused = stack.preview(ok=False)
    assert refused.returncode != 0
    said = refused.stdout + refused.stderr
    assert "token_endpoint must be an https:// URL" in said, said
    assert writes(looker) == []
