"""The emulator's database connections over HTTP and with Looker's own SDK: made, read,
changed, renamed, deleted and tested, with the dialects Looker has, as Looker API 4.0's
description says; a password kept, never answered."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from looker_sdk import models40
from looker_sdk.error import SDKError
from looker_sdk.sdk.api40.methods import Looker40SDK

from pulumi_looker.emulator.process import EmulatorProcess
from pulumi_looker.emulator.schemas import fingerprint
from tests import test_emulator
from tests.support.clients import ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET

from .spec import SCHEMAS, described

api = test_emulator.api  # the fixture: raw HTTP as the admin
login = test_emulator.login

WAREHOUSE: dict[str, Any] = {
    "name": "warehouse",
    "dialect_name": "postgres",
    "host": "db.corp",
    "port": "5432",
    "database": "analytics",
    "username": "looker",
    "password": "db-password",
    "tmp_db_name": "looker_scratch",
}
ONE = "/connections/{connection_name}"
POSTGRES_TESTS = [
    "connect",
    "kill",
    "query",
    "database_timezone",
    "database_version",
    "tmp_db",
    "cdt",
    "pdt",
]


def _tests(answer: httpx.Response, template: str) -> list[tuple[str, str, str]]:
    return [(r["name"], r["status"], r["message"]) for r in described(answer, template)]


def test_a_connections_life(api: httpx.Client, emulator: EmulatorProcess) -> None:
    made = described(api.post("/connections", json=WAREHOUSE), "/connections")
    write_only = {"password", "certificate", "file_type"}
    assert set(made) == set(SCHEMAS["DBConnection"]["properties"]) - write_only
    assert (made["name"], made["has_password"], made["pdts_enabled"], made["user_id"]) == (
        "warehouse",
        True,
        True,
        "1",
    )
    assert made["dialect"]["connection_tests"] == POSTGRES_TESTS
    assert made["dialect"]["label"] == "PostgreSQL 9.5+"
    assert described(api.get("/connections/warehouse"), ONE) == made
    assert [c["name"] for c in described(api.get("/connections"), "/connections")] == ["warehouse"]
    assert api.get("/connections", params={"fields": "name,has_password"}).json() == [
        {"name": "warehouse", "has_password": True}
    ]
    taken = api.post("/connections", json={**WAREHOUSE, "host": "other"})
    assert (taken.status_code, described(taken, "/connections")["message"]) == (
        409,
        "A connection named 'warehouse' already exists",
    )
    changed = described(
        api.patch("/connections/warehouse", json={"port": "6543", "ssl": True}), ONE
    )
    assert (changed["port"], changed["ssl"], changed["has_password"]) == ("6543", True, True)
    assert emulator.control.state()["connections"][0]["password"] == fingerprint("db-password")
    rotated = api.patch("/connections/warehouse", json={"password": "rotated"})
    assert "password" not in described(rotated, ONE)
    [patch] = [
        r
        for r in emulator.control.requests()
        if r.get("body") == {"password": fingerprint("rotated")}
    ]
    assert patch["path"] == "/api/4.0/connections/warehouse"
    seen = json.dumps([emulator.control.state(), emulator.control.requests()])
    assert "db-password" not in seen
    assert "rotated" not in seen
    renamed = described(api.patch("/connections/warehouse", json={"name": "dwh"}), ONE)
    assert (renamed["name"], renamed["port"]) == ("dwh", "6543")
    assert described(api.get("/connections/warehouse"), ONE)["message"] == "Not found"
    api.post("/connections", json={**WAREHOUSE, "name": "archive"})
    assert [c["name"] for c in api.get("/connections").json()] == ["archive", "dwh"]  # by name
    assert api.patch("/connections/archive", json={"name": "dwh"}).status_code == 409
    emptied = api.patch("/connections/archive", json={"dialect_name": None})
    assert [e["field"] for e in described(emptied, ONE)["errors"]] == ["dialect_name"]
    assert described(api.delete("/connections/dwh"), ONE) is None
    assert api.delete("/connections/dwh").status_code == 404
    assert [c["id"] for c in emulator.control.state()["connections"]] == ["archive"]


def test_bad_connections_are_refused_naming_the_field(
    api: httpx.Client, emulator: EmulatorProcess
) -> None:
    def errors(answer: httpx.Response) -> list[tuple[str, str]]:
        body = described(answer, "/connections")
        assert answer.status_code == 422
        return [(e["field"], e["code"]) for e in body["errors"]]

    assert errors(api.post("/connections", json={"host": "db"})) == [
        ("name", "missing_field"),
        ("dialect_name", "missing_field"),
    ]
    oracle = api.post("/connections", json={**WAREHOUSE, "dialect_name": "oracle"})
    assert errors(oracle) == [("dialect_name", "invalid")]
    assert "bigquery_standard_sql, mysql, postgres, redshift, snowflake" in oracle.text
    assert errors(api.post("/connections", json={**WAREHOUSE, "max_connections": "many"})) == [
        ("max_connections", "invalid")
    ]
    override = {**WAREHOUSE, "pdt_context_override": {"context": "pdt", "port": 5432}}
    assert errors(api.post("/connections", json=override)) == [("pdt_context_override", "invalid")]
    assert emulator.control.state()["connections"] == []


def test_per_user_credentials_remove_the_username_and_password(api: httpx.Client) -> None:
    api.post("/connections", json=WAREHOUSE)
    answer = api.patch("/connections/warehouse", json={"user_db_credentials": True}).json()
    assert (answer["username"], answer["has_password"]) == (None, False)


def test_a_pdt_override_keeps_its_password_unanswered(
    api: httpx.Client, emulator: EmulatorProcess
) -> None:
    override = {"context": "pdt", "host": "pdt.corp", "password": "pdt-password"}
    made = described(
        api.post("/connections", json={**WAREHOUSE, "pdt_context_override": override}),
        "/connections",
    )
    assert made["pdt_context_override"]["has_password"] is True
    assert "password" not in made["pdt_context_override"]
    [held] = emulator.control.state()["connections"]
    assert held["pdt_context_override"]["password"] == fingerprint("pdt-password")


def test_connection_tests_reach_the_databases_the_control_api_describes(
    api: httpx.Client, emulator: EmulatorProcess
) -> None:
    api.post("/connections", json=WAREHOUSE)
    template = "/connections/{connection_name}/test"
    passed = _tests(api.put("/connections/warehouse/test"), template)
    assert [(n, s) for n, s, _ in passed] == [(n, "success") for n in POSTGRES_TESTS]
    [connect] = described(
        api.put("/connections/warehouse/test", params={"tests": "connect,bogus"}), template
    )
    assert connect["connection_string"] == "jdbc:postgres://db.corp:5432/analytics"
    emulator.control.set_servers(passwords={"db.corp": "db-password"}, unreachable=["gone.corp"])
    assert {s for _, s, _ in _tests(api.put("/connections/warehouse/test"), template)} == {
        "success"
    }
    api.patch("/connections/warehouse", json={"password": "wrong"})
    assert _tests(
        api.put("/connections/warehouse/test", params={"tests": "connect,query"}), template
    ) == [
        ("connect", "error", "Authentication failed on db.corp: wrong password"),
        ("query", "error", "Authentication failed on db.corp: wrong password"),
    ]
    unsaved = {**WAREHOUSE, "host": "gone.corp", "tmp_db_name": None}
    del unsaved["name"]
    before = emulator.control.state()["connections"]
    assert _tests(api.put("/connections/test", json=unsaved), "/connections/test") == [
        (n, "error", "Cannot connect to gone.corp:5432: host unreachable")
        for n in POSTGRES_TESTS[:5]
    ]  # no PDT tests without a temp schema
    assert emulator.control.state()["connections"] == before  # a test writes nothing
    assert api.put("/connections/missing/test").status_code == 404
    refused = api.put("/connections/test", json={"host": "db"})
    assert described(refused, "/connections/test")["errors"][0]["field"] == "dialect_name"


def test_dialect_info_lists_every_dialect(api: httpx.Client) -> None:
    infos = described(api.get("/dialect_info"), "/dialect_info")
    assert {i["name"]: i["default_port"] for i in infos} == {
        "postgres": "5432",
        "mysql": "3306",
        "redshift": "5439",
        "snowflake": "443",
        "bigquery_standard_sql": "443",
    }
    options = set(SCHEMAS["DialectInfoOptions"]["properties"])
    assert all(set(i["supported_options"]) == options for i in infos)
    assert api.get("/dialect_info", params={"fields": "name"}).json()[0] == {"name": "postgres"}


def test_seeded_connections(emulator: EmulatorProcess, api: httpx.Client) -> None:
    emulator.control.seed({"connections": [WAREHOUSE]})
    held = described(api.get("/connections/warehouse"), ONE)
    assert (held["has_password"], held["user_id"]) == (True, None)
    refused = httpx.post(f"{emulator.url}/_emulator/seed", json={"connections": [{"nam": "x"}]})
    assert refused.status_code == 400


def test_an_older_release_lacks_has_password(start_emulator) -> None:
    emulator = start_emulator("--looker-version", "25.10")
    with httpx.Client(base_url=f"{emulator.url}/api/4.0") as http:
        token = login(http, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET).json()["access_token"]
        http.headers["Authorization"] = f"Bearer {token}"
        made = http.post("/connections", json=WAREHOUSE).json()
        [info] = [i for i in http.get("/dialect_info").json() if i["name"] == "snowflake"]
    assert not {"has_password", "service_name", "uses_service_auth", "password"} & set(made)
    assert "key_pair_authentication" not in info["supported_options"]  # from 26.0


def test_looker_sdk_drives_connections(sdk: Looker40SDK) -> None:
    made = sdk.create_connection(models40.WriteDBConnection(**WAREHOUSE))
    assert (made.name, made.has_password, made.password) == ("warehouse", True, None)
    assert made.dialect
    assert made.dialect.name == "postgres"
    updated = sdk.update_connection("warehouse", models40.WriteDBConnection(max_connections=5))
    assert updated.max_connections == 5
    assert [c.name for c in sdk.all_connections(fields="name")] == ["warehouse"]
    assert sdk.connection("warehouse").database == "analytics"
    results = sdk.test_connection("warehouse", tests=models40.DelimSequence(["connect", "query"]))
    assert [(r.name, r.status) for r in results] == [("connect", "success"), ("query", "success")]
    unsaved = models40.WriteDBConnection(
        dialect_name="snowflake", host="acme.snowflakecomputing.com"
    )
    assert {r.status for r in sdk.test_connection_config(unsaved)} == {"success"}
    assert "bigquery_standard_sql" in {d.name for d in sdk.all_dialect_infos()}
    sdk.delete_connection("warehouse")
    with pytest.raises(SDKError):
        sdk.connection("warehouse")
