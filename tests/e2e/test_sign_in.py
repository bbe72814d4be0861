"""Sign-in with the real CLI: examples/yaml-sign-in's OpenID Connect configuration, its group
mapped to a group and role made in the same up (the role's id unknown at its preview); its
secret rotated (one PATCH), then nothing to write; the secret never in the state in plain text
nor in the most verbose logs; a bad change refused at preview with Looker unchanged."""

from __future__ import annotations

import json

import pytest

from pulumi_looker.cli import plan
from pulumi_looker.emulator.schemas import fingerprint
from tests.e2e.test_access_model import named
from tests.e2e.test_plugin import example_stack
from tests.support.looker import PROJECT, writes
from tests.test_sign_in import DAY, NOW, certificate

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


def test_sign_in_and_a_connection_from_stack_config(dev, looker) -> None:
    """The Python face: a SAML certificate that has expired and LDAP against a server that
    fails Looker's test, refused at preview with Looker unchanged; a connection made with its
    password a config secret, the password rotated (one PATCH, then nothing), a wrong host
    refused at preview by Looker's test."""
    expired = certificate(NOW - 60 * DAY, NOW - DAY)
    dev.set_config(
        {
            f"{PROJECT}:samlConfig": {
                "enabled": True,
                "alternateEmailLoginAllowed": True,
                "idpUrl": "https://idp.example.com/sso",
                "idpIssuer": "https://idp.example.com",
                "idpCert": expired,
            }
        }
    )
    refused = dev.preview(ok=False)
    said = refused.stdout + refused.stderr
    assert refused.returncode != 0
    assert "idp_cert expired on " in said, said
    assert writes(looker) == []
    dev.set_config({f"{PROJECT}:samlConfig": None})

    looker.control.set_servers(unreachable=["ldap.example.com"])
    dev.set_config(
        {
            f"{PROJECT}:ldapConfig": {
                "enabled": True,
                "alternateEmailLoginAllowed": True,
                "connectionHost": "ldap.example.com",
                "connectionPort": "636",
                "userBindBaseDn": "ou=people,dc=example,dc=com",
            }
        }
    )
    refused = dev.preview(ok=False)
    said = refused.stdout + refused.stderr
    assert "Looker's test_connection of the new LDAP sign-in configuration failed" in said, said
    assert "host unreachable" in said
    assert writes(looker) == []
    assert looker.control.state()["ldap_config"]["enabled"] is False
    dev.set_config({f"{PROJECT}:ldapConfig": None})

    connection = {
        "name": "warehouse",
        "connectionName": "warehouse",
        "dialectName": "postgres",
        "host": "db.example.com",
        "port": "5432",
        "database": "analytics",
        "username": "looker",
    }
    dev.set_config({f"{PROJECT}:connections": [connection]})
    dev.pulumi("config", "set", "--secret", "--path", f"{PROJECT}:connections[0].password", FIRST)
    dev.up()
    [made] = looker.control.state()["connections"]
    assert made["password"] == fingerprint(FIRST)
    assert dev.outputs()["connections"] == {"warehouse": "warehouse"}

    dev.pulumi("config", "set", "--secret", "--path", f"{PROJECT}:connections[0].password", SECOND)
    looker.control.clear_requests()
    dev.up()
    assert writes(looker) == [("PATCH", f"{API}/connections/warehouse")]
    looker.control.clear_requests()
    dev.up("--expect-no-changes")
    assert writes(looker) == []
    exported = json.dumps(dev.export())
    assert FIRST not in exported
    assert SECOND not in exported

    looker.control.set_servers(unreachable=["db2.example.com"])
    dev.pulumi("config", "set", "--path", f"{PROJECT}:connections[0].host", "db2.example.com")
    refused = dev.preview(ok=False)
    said = refused.stdout + refused.stderr
    assert "Looker's test of connection 'warehouse' failed (connect: " in said, said
    assert writes(looker) == []
    assert looker.control.state()["connections"][0]["host"] == "db.example.com"
