"""The emulator's sign-in over HTTP and with Looker's own SDK: the SAML, OIDC and LDAP
configurations, Looker's LDAP tests and the SAML and OIDC test configurations, answered as
Looker API 4.0's description says; write-only fields kept, never answered."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from looker_sdk import models40
from looker_sdk.error import SDKError
from looker_sdk.sdk.api40.methods import Looker40SDK

from pulumi_looker.emulator.looker_api import LookerApi
from pulumi_looker.emulator.process import EmulatorProcess
from pulumi_looker.emulator.schemas import (
    ATTRIBUTE_MAPPING,
    DB_CONNECTION,
    DB_CONNECTION_OVERRIDE,
    GROUP_MAPPING,
    LDAP_CONFIG,
    OIDC_CONFIG,
    SAML_CONFIG,
    Schema,
    fingerprint,
)
from pulumi_looker.emulator.state import Store
from tests import test_emulator
from tests.support.clients import ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET

from .spec import DESCRIPTION, SCHEMAS, described

api = test_emulator.api  # the fixture: raw HTTP as the admin
login = test_emulator.login

_KINDS = {str: "string", bool: "boolean", int: "integer", list: "array", dict: "object"}
#: Where a table says more than the description can: Looker answers ``dialect`` from
#: ``dialect_name`` (its fields are all read-only).
_READ_ONLY_REFS = {("DBConnection", "dialect")}

LDAP_SERVER = {
    "connection_host": "ldap.corp",
    "connection_port": "636",
    "connection_tls": True,
    "auth_username": "cn=looker,dc=corp",
}


def _errors(answer: httpx.Response) -> list[tuple[str, str]]:
    body = described(answer, answer.request.url.path.removeprefix("/api/4.0"))
    assert (answer.status_code, body["message"]) == (422, "Validation Failed")
    return [(e["field"], e["code"]) for e in body["errors"]]


def _departures_of(table: Schema, name: str) -> list[str]:
    """Where ``table`` says otherwise than the description's schema ``name`` (``url``, which
    only some of the mapping schemas have, aside)."""
    spec = {
        k: v for k, v in SCHEMAS[name]["properties"].items() if k != "url" or "url" in table.rules
    }
    found = [f"{name}.{f}: not in the table" for f in spec if f not in table.rules]
    found += [f"{name}.{f}: not in the description" for f in table.rules if f not in spec]
    for field, rule in table.rules.items():
        prop = spec.get(field)
        if prop is None:
            continue
        ref = "$ref" in prop
        said = {
            "kind": "object" if ref else prop["type"],
            "writable": (name, field) not in _READ_ONLY_REFS and not prop.get("readOnly", False),
            "nullable": ref or prop.get("nullable", False),
            "write_only": prop.get("x-looker-write-only", False),
            "objects": "$ref" in prop.get("items", {}),
        }
        held = {
            "kind": _KINDS[rule.kind],
            "writable": rule.writable,
            "nullable": rule.nullable,
            "write_only": field in table.write_only,
            "objects": rule.items is dict,
        }
        found += [f"{name}.{field}.{k}" for k in said if said[k] != held[k]]
    return found


def test_the_tables_are_the_descriptions_schemas() -> None:
    for table in (SAML_CONFIG, OIDC_CONFIG, LDAP_CONFIG, DB_CONNECTION, DB_CONNECTION_OVERRIDE):
        assert _departures_of(table, table.name) == []
    for prefix in ("Saml", "OIDC", "LDAP"):
        assert _departures_of(GROUP_MAPPING, f"{prefix}GroupWrite") == []
        assert _departures_of(ATTRIBUTE_MAPPING, f"{prefix}UserAttributeWrite") == []
    assert OIDC_CONFIG.secrets == {"secret"}
    assert LDAP_CONFIG.secrets == {"auth_password", "test_ldap_password"}
    assert DB_CONNECTION.write_only == {"password", "certificate", "file_type"}


@pytest.mark.parametrize("path", ["/saml_config", "/oidc_config", "/ldap_config"])
def test_a_fresh_instance_has_each_disabled(api: httpx.Client, path: str) -> None:
    schema = SCHEMAS[
        {"/saml_config": "SamlConfig", "/oidc_config": "OIDCConfig"}.get(path, "LDAPConfig")
    ]
    config = described(api.get(path), path)
    write_only = {k for k, v in schema["properties"].items() if v.get("x-looker-write-only")}
    assert set(config) == set(schema["properties"]) - write_only
    assert (config["enabled"], config["alternate_email_login_allowed"]) == (False, False)
    assert (config["groups"], config["default_new_user_roles"], config["modified_at"]) == (
        [],
        [],
        None,
    )
    assert config["url"].endswith(f"/api/4.0{path}")


def test_write_only_fields_are_kept_and_never_answered(
    api: httpx.Client, emulator: EmulatorProcess
) -> None:
    oidc = {
        "secret": "oidc-client-secret",
        "identifier": "looker",
        "default_new_user_role_ids": ["4"],
        "default_new_user_group_ids": ["1"],
    }
    changed = described(api.patch("/oidc_config", json=oidc), "/oidc_config")
    ldap = {**LDAP_SERVER, "auth_password": "bind-password", "test_ldap_user": "ada"}
    ldap_answer = described(api.patch("/ldap_config", json=ldap), "/ldap_config")
    for answer in (changed, described(api.get("/oidc_config"), "/oidc_config")):
        assert not {"secret", "default_new_user_role_ids", "default_new_user_group_ids"} & set(
            answer
        )
        assert [r["name"] for r in answer["default_new_user_roles"]] == ["Viewer"]
        assert [g["name"] for g in answer["default_new_user_groups"]] == ["All Users"]
        assert (answer["identifier"], answer["modified_by"]) == ("looker", "1")
    assert not {"auth_password", "test_ldap_user", "test_ldap_password"} & set(ldap_answer)
    assert ldap_answer["has_auth_password"] is True
    # What Looker holds: the test's view has each secret only as its fingerprint.
    state = emulator.control.state()
    assert state["oidc_config"]["secret"] == fingerprint("oidc-client-secret")
    assert state["ldap_config"]["auth_password"] == fingerprint("bind-password")
    assert state["ldap_config"]["test_ldap_user"] == "ada"
    [patch, *_] = [r for r in emulator.control.requests() if r["method"] == "PATCH"]
    assert patch["body"]["secret"] == fingerprint("oidc-client-secret")
    seen = json.dumps([state, emulator.control.requests()])
    assert "oidc-client-secret" not in seen
    assert "bind-password" not in seen
    cleared = described(api.patch("/ldap_config", json={"auth_password": None}), "/ldap_config")
    assert cleared["has_auth_password"] is False


def test_group_and_attribute_mappings(api: httpx.Client, emulator: EmulatorProcess) -> None:
    finance = api.post("/groups", json={"name": "Finance"}).json()
    mappings = {
        "groups_with_role_ids": [
            {"name": "idp-finance", "looker_group_name": "Finance", "role_ids": ["3"]},
            {"name": "idp-sales", "looker_group_name": "Sales", "role_ids": ["4", "1"]},
        ],
        "user_attributes_with_ids": [
            {"name": "mail", "required": True, "user_attribute_ids": ["1"]}
        ],
    }
    saml = described(api.patch("/saml_config", json=mappings), "/saml_config")
    sales = next(g for g in emulator.control.state()["groups"] if g["name"] == "Sales")
    assert sales["externally_managed"] is True  # the group Looker made to mirror idp-sales
    assert [
        (m["id"], m["looker_group_id"], m["role_ids"]) for m in saml["groups_with_role_ids"]
    ] == [
        ("1", finance["id"], ["3"]),
        ("2", sales["id"], ["4", "1"]),
    ]
    assert [[r["name"] for r in g["roles"]] for g in saml["groups"]] == [
        ["Developer"],
        ["Viewer", "User"],
    ]
    [attribute] = saml["user_attributes"]
    assert (attribute["name"], attribute["required"]) == ("mail", True)
    assert [a["name"] for a in attribute["user_attributes"]] == ["email"]
    before = emulator.control.state()["saml_config"]
    unknown = {
        "groups_with_role_ids": [{"name": "x", "looker_group_name": "X", "role_ids": ["99"]}]
    }
    assert _errors(api.patch("/saml_config", json=unknown)) == [("groups_with_role_ids", "invalid")]
    assert _errors(api.patch("/oidc_config", json={"default_new_user_role_ids": ["99"]})) == [
        ("default_new_user_role_ids", "invalid")
    ]
    state = emulator.control.state()
    assert state["saml_config"] == before
    assert "X" not in {g["name"] for g in state["groups"]}  # nothing made by a refusal


def test_enabling_needs_the_required_fields(api: httpx.Client, emulator: EmulatorProcess) -> None:
    assert _errors(api.patch("/ldap_config", json={"enabled": True})) == [
        ("connection_host", "missing_field"),
        ("connection_port", "missing_field"),
        ("user_bind_base_dn", "missing_field"),
    ]
    assert _errors(api.patch("/saml_config", json={"enabled": None})) == [
        ("enabled", "missing_field")
    ]
    assert emulator.control.state()["ldap_config"]["modified_at"] is None  # nothing written
    ldap = {**LDAP_SERVER, "user_bind_base_dn": "ou=people,dc=corp", "enabled": True}
    enabled = described(api.patch("/ldap_config", json=ldap), "/ldap_config")
    assert (enabled["enabled"], enabled["modified_by"]) == (True, "1")
    assert enabled["modified_at"]
    cleared = api.patch("/ldap_config", json={"auth_username": None, "has_auth_password": True})
    assert (cleared.json()["auth_username"], cleared.json()["has_auth_password"]) == (None, False)
    multi = {"enabled": True, "idp_url": "https://idp", "idp_issuer": "idp"}
    assert _errors(api.patch("/saml_config", json=multi)) == [("idp_cert", "missing_field")]
    signing = {**multi, "idp_cert_multi": {"signing": ["MIIC"]}, "multi_certs_supported": True}
    assert described(api.patch("/saml_config", json=signing), "/saml_config")["enabled"] is True


def _ldap_test(api: httpx.Client, test: str, body: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = described(
        api.put(f"/ldap_config/{test}", json=body), f"/ldap_config/{test}"
    )
    return result


def test_ldap_tests_reach_the_directory_the_control_api_describes(
    api: httpx.Client, emulator: EmulatorProcess
) -> None:
    connected = _ldap_test(api, "test_connection", LDAP_SERVER)
    assert (connected["status"], connected["message"]) == ("success", "Connected to ldap.corp:636")
    emulator.control.set_servers(unreachable=["LDAP.gone"], passwords={"ldap.corp": "right"})
    gone = _ldap_test(api, "test_connection", {**LDAP_SERVER, "connection_host": "ldap.gone"})
    assert (gone["status"], gone["details"]) == (
        "error",
        "Cannot connect to ldap.gone:636: host unreachable",
    )
    assert gone["issues"] == [{"severity": "error", "message": gone["details"]}]
    wrong = _ldap_test(api, "test_auth", {**LDAP_SERVER, "auth_password": "wrong"})
    assert (wrong["status"], wrong["details"]) == (
        "error",
        "Authentication failed on ldap.corp: wrong password",
    )
    assert _ldap_test(api, "test_connection", LDAP_SERVER)["status"] == "success"  # no sign-in
    right = _ldap_test(api, "test_auth", {**LDAP_SERVER, "auth_password": "right"})
    assert right["status"] == "success"
    # Without auth_password, the active configuration's is used (the description's text).
    assert _ldap_test(api, "test_auth", LDAP_SERVER)["status"] == "error"
    api.patch("/ldap_config", json={"auth_password": "right"})
    assert _ldap_test(api, "test_auth", LDAP_SERVER)["status"] == "success"
    user = _ldap_test(api, "test_user_info", {**LDAP_SERVER, "test_ldap_user": "ada"})
    assert (user["status"], user["user"]["ldap_id"]) == ("success", "ada")
    assert _errors(
        api.put("/ldap_config/test_user_auth", json={**LDAP_SERVER, "test_ldap_user": "ada"})
    ) == [("test_ldap_password", "missing_field")]
    assert _errors(api.put("/ldap_config/test_connection", json={})) == [
        ("connection_host", "missing_field"),
        ("connection_port", "missing_field"),
    ]
    held = emulator.control.state()["ldap_config"]
    assert (held["connection_host"], held["enabled"]) == (None, False)  # tests write nothing
    assert emulator.control.set_servers()["unreachable"] == []


@pytest.mark.parametrize(
    ("path", "field"), [("/saml_test_configs", "idp_url"), ("/oidc_test_configs", "issuer")]
)
def test_a_test_configurations_life(
    api: httpx.Client, emulator: EmulatorProcess, path: str, field: str
) -> None:
    made = described(api.post(path, json={field: "https://idp.corp", "enabled": True}), path)
    slug = made["test_slug"]
    assert slug
    assert made[field] == "https://idp.corp"
    template = f"{path}/{{test_slug}}"
    assert described(api.get(f"{path}/{slug}"), template) == made
    assert described(api.delete(f"{path}/{slug}"), template) is None
    assert described(api.get(f"{path}/{slug}"), template)["message"] == "Not found"
    live = emulator.control.state()[path.removeprefix("/").replace("_test_configs", "_config")]
    assert (live[field], live["enabled"]) == (None, False)  # the active one untouched


def test_seeded_sign_in(emulator: EmulatorProcess, api: httpx.Client) -> None:
    emulator.control.seed(
        {
            "groups": [{"name": "Finance"}],
            "oidc_config": {
                "issuer": "https://idp.corp",
                "secret": "seeded-secret",
                "default_new_user_roles": ["Viewer"],
                "groups_with_role_ids": [
                    {"name": "idp-finance", "looker_group_name": "Finance", "roles": ["Developer"]}
                ],
            },
            "ldap_config": {**LDAP_SERVER, "auth_password": "bind"},
        }
    )
    oidc = described(api.get("/oidc_config"), "/oidc_config")
    assert [r["name"] for r in oidc["default_new_user_roles"]] == ["Viewer"]
    assert [[r["name"] for r in g["roles"]] for g in oidc["groups"]] == [["Developer"]]
    assert oidc["modified_by"] is None  # made by hand
    assert api.get("/ldap_config").json()["has_auth_password"] is True
    refused = httpx.post(f"{emulator.url}/_emulator/seed", json={"saml_config": {"bogus": 1}})
    assert (refused.status_code, refused.json()["message"]) == (
        400,
        "seed: seed saml_config: unknown bogus",
    )


def test_google_cloud_core_may_deny_sign_in(start_emulator) -> None:
    emulator = start_emulator("--google-cloud-core")
    with httpx.Client(base_url=f"{emulator.url}/api/4.0") as http:
        token = login(http, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET).json()["access_token"]
        http.headers["Authorization"] = f"Bearer {token}"
        for answer in (http.get("/saml_config"), http.put("/ldap_config/test_connection", json={})):
            assert (answer.status_code, answer.json()["message"]) == (
                403,
                "Unsupported in Looker (Google Cloud core)",
            )


def test_an_older_release_lacks_the_newer_saml_fields(start_emulator) -> None:
    emulator = start_emulator("--looker-version", "25.10")
    with httpx.Client(base_url=f"{emulator.url}/api/4.0") as http:
        token = login(http, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET).json()["access_token"]
        http.headers["Authorization"] = f"Bearer {token}"
        answer = http.patch("/saml_config", json={"multi_certs_supported": True}).json()
    assert not {"multi_certs_supported", "idp_cert_multi"} & set(answer)  # both from 26.0
    assert emulator.control.state()["saml_config"]["multi_certs_supported"] is None  # ignored


def test_looker_sdk_reads_and_writes_each_configuration(sdk: Looker40SDK) -> None:
    assert sdk.saml_config().enabled is False
    saml = sdk.update_saml_config(
        models40.WriteSamlConfig(
            idp_url="https://idp.corp/sso",
            groups_with_role_ids=[
                models40.SamlGroupWrite(
                    name="idp-admins", looker_group_name="Admins", role_ids=["2"]
                )
            ],
        )
    )
    assert saml.idp_url == "https://idp.corp/sso"
    assert saml.groups
    assert saml.groups[0].roles
    assert saml.groups[0].roles[0].name == "Admin"
    oidc = sdk.update_oidc_config(models40.WriteOIDCConfig(secret="s", scopes=["openid", "email"]))
    assert (oidc.scopes, oidc.secret) == (["openid", "email"], None)
    ldap = sdk.update_ldap_config(models40.WriteLDAPConfig(auth_password="pw", **LDAP_SERVER))
    assert (ldap.connection_host, ldap.has_auth_password) == ("ldap.corp", True)
    assert sdk.ldap_config().auth_password is None


def test_looker_sdk_runs_ldap_tests_and_test_configurations(sdk: Looker40SDK) -> None:
    body = models40.WriteLDAPConfig(test_ldap_user="ada", test_ldap_password="pw", **LDAP_SERVER)
    for test in (
        sdk.test_ldap_config_connection,
        sdk.test_ldap_config_auth,
        sdk.test_ldap_config_user_info,
        sdk.test_ldap_config_user_auth,
    ):
        assert test(body).status == "success"
    saml = sdk.create_saml_test_config(models40.WriteSamlConfig(idp_issuer="idp"))
    assert saml.test_slug
    assert sdk.saml_test_config(saml.test_slug).idp_issuer == "idp"
    sdk.delete_saml_test_config(saml.test_slug)
    oidc = sdk.create_oidc_test_config(models40.WriteOIDCConfig(issuer="https://idp"))
    assert oidc.test_slug
    assert sdk.oidc_test_config(oidc.test_slug).issuer == "https://idp"
    sdk.delete_oidc_test_config(oidc.test_slug)
    with pytest.raises(SDKError):
        sdk.oidc_test_config(oidc.test_slug)


METADATA = """<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
    xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.corp/metadata">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="encryption">
      <ds:KeyInfo><ds:X509Data><ds:X509Certificate>ENC</ds:X509Certificate></ds:X509Data></ds:KeyInfo>
    </md:KeyDescriptor>
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo><ds:X509Data><ds:X509Certificate>
        MIIC AAAA
      </ds:X509Certificate></ds:X509Data></ds:KeyInfo>
    </md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
        Location="https://idp.corp/post"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
        Location="https://idp.corp/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
"""


def test_saml_metadata_parsed(api: httpx.Client, sdk: Looker40SDK) -> None:
    template = "/parse_saml_idp_metadata"
    parsed = described(
        api.post(template, content=METADATA, headers={"Content-Type": "text/plain"}), template
    )
    assert parsed == {
        "can": {},
        "idp_issuer": "https://idp.corp/metadata",
        "idp_url": "https://idp.corp/sso",
        "idp_cert": "MIICAAAA",
        "idp_cert_multi": {"signing": ["MIICAAAA"]},
    }
    refused = api.post(template, content="<not xml", headers={"Content-Type": "text/plain"})
    assert described(refused, template)["message"].startswith("SAML IdP metadata is not XML")
    assert sdk.parse_saml_idp_metadata(METADATA).idp_url == "https://idp.corp/sso"


def test_help_lists_the_servers_route() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pulumi_looker.emulator", "--help"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert "/_emulator/servers" in result.stdout


def test_sign_in_and_connections_survive_a_restart(start_emulator, tmp_path: Path) -> None:
    state_file = tmp_path / "looker.json"
    emulator = start_emulator(state_file=state_file)
    emulator.control.seed(
        {
            "ldap_config": {**LDAP_SERVER, "auth_password": "bind"},
            "connections": [{"name": "warehouse", "dialect_name": "postgres", "password": "pw"}],
        }
    )
    assert '"bind"' not in state_file.read_text()  # only its fingerprint
    emulator.stop()
    emulator.start()
    state = emulator.control.state()
    assert state["ldap_config"]["auth_password"] == fingerprint("bind")
    assert [c["password"] for c in state["connections"]] == [fingerprint("pw")]


def test_every_route_served_is_in_the_description() -> None:
    """Each path and method the emulated API serves is one the description has (but the
    unversioned logout Looker's SDKs call)."""
    paths = DESCRIPTION["paths"]
    by_shape = {re.sub(r"\{[^}]+\}", "{}", p): p for p in paths}
    served = [
        (route.path.removeprefix("/api/4.0"), method.lower())
        for route in LookerApi(Store(), lambda: 3600.0).routes()
        if route.path != "/api/logout"
        for method in route.methods or ()
        if method != "HEAD"
    ]
    assert [
        (path, method)
        for path, method in served
        if method not in paths.get(by_shape.get(re.sub(r"\{[^}]+\}", "{}", path), ""), {})
    ] == []
    assert len(served) > 90
