"""Database connections on both faces, over the emulator: the password a write-only secret
(written when it changes, never else, never read back; Looker's has_password turning false is
drift), Looker's test of the unsaved connection at check, import with no write."""

from __future__ import annotations

import pytest

from pulumi_looker.client import LookerClient
from pulumi_looker.emulator.schemas import fingerprint
from tests.support.clients import ADMIN_CLIENT_ID, admin_client
from tests.support.looker import writes
from tests.test_faces import DynamicFace, PluginFace

API = "/api/4.0"
WAREHOUSE = {
    "name": "warehouse",
    "dialect_name": "postgres",
    "host": "db.example.com",
    "port": "5432",
    "database": "analytics",
    "username": "looker",
    "password": "first-password",
    "ssl": True,
}
TEST = ("PUT", f"{API}/connections/test")


@pytest.fixture(params=["dynamic", "plugin"])
def face(request: pytest.FixtureRequest, emulator) -> DynamicFace | PluginFace:
    return DynamicFace(emulator) if request.param == "dynamic" else PluginFace(emulator)


def _connection(emulator) -> dict:
    [record] = [c for c in emulator.control.state()["connections"] if c["name"] == "warehouse"]
    return record


def _bodies(emulator, method: str) -> list[dict]:
    return [r["body"] for r in emulator.control.requests() if r["method"] == method]


def test_a_password_is_written_when_it_changes_and_never_read_back(face, emulator) -> None:
    inputs, failures = face.check("Connection", WAREHOUSE)
    assert failures == []
    assert emulator.control.calls()[TEST] == 1  # a new connection is tested first
    id_, outs = face.create("Connection", inputs)
    assert id_ == "warehouse"
    assert writes(emulator) == [("POST", f"{API}/connections")]
    assert _connection(emulator)["password"] == fingerprint("first-password")
    assert outs["password"] == "first-password"  # as written: Looker answers has_password
    assert outs["has_password"] is True

    emulator.control.clear_requests()
    found, refreshed = face.read("Connection", id_, outs)
    assert (found, refreshed["password"]) == (id_, "first-password")
    assert emulator.control.calls()[("GET", f"{API}/connections")] == 1
    _, failures = face.check("Connection", inputs, inputs)  # nothing changed: no test
    assert failures == []
    assert TEST not in emulator.control.calls()
    assert face.diff("Connection", id_, refreshed, inputs) == (False, [])

    rotated = {**inputs, "password": "second-password"}
    assert face.diff("Connection", id_, refreshed, rotated) == (True, [])
    emulator.control.clear_requests()
    outs = face.update("Connection", id_, refreshed, rotated)
    assert writes(emulator) == [("PATCH", f"{API}/connections/warehouse")]
    assert _bodies(emulator, "PATCH") == [{"password": fingerprint("second-password")}]
    assert face.diff("Connection", id_, outs, rotated) == (False, [])

    # Looker drops the password (per-user credentials turned on by hand): drift at refresh.
    with admin_client(emulator, ADMIN_CLIENT_ID) as admin:
        admin.request("PATCH", "/connections/warehouse", json={"user_db_credentials": True})
    LookerClient.close_shared()  # the refresh is a new process
    _, drifted = face.read("Connection", id_, outs)
    assert (drifted["has_password"], drifted["password"]) == (False, None)
    assert face.diff("Connection", id_, drifted, rotated) == (True, [])


def test_a_failing_test_refuses_the_plan_with_lookers_answer(face, emulator) -> None:
    emulator.control.set_servers(unreachable=["bad.example.com"])
    emulator.control.clear_requests()
    _, failures = face.check("Connection", {**WAREHOUSE, "host": "bad.example.com"})
    [(field, reason)] = failures
    assert field == "host"
    assert reason.startswith("Looker's test of connection 'warehouse' failed (connect: ")
    assert "bad.example.com" in reason
    assert reason.endswith("); nothing was saved")
    assert emulator.control.calls()[TEST] == 1
    assert writes(emulator) == []
    assert emulator.control.state()["connections"] == []


def test_a_wrong_password_is_found_by_the_test_of_a_change(face, emulator) -> None:
    inputs, _ = face.check("Connection", WAREHOUSE)
    face.create("Connection", inputs)
    emulator.control.set_servers(passwords={"db.example.com": "first-password"})
    _, failures = face.check("Connection", {**inputs, "password": "wrong"}, inputs)
    assert [field for field, _ in failures] == ["host"]
    # A change of another field is tested with the password the stack last wrote.
    _, failures = face.check("Connection", {**inputs, "database": "sales"}, inputs)
    assert failures == []


def test_import_adopts_with_no_write(face, emulator) -> None:
    emulator.control.seed({"connections": [{**WAREHOUSE}]})
    emulator.control.clear_requests()
    found, state = face.read("Connection", "connection/warehouse", {})
    assert found == "connection/warehouse"
    assert (state["host"], state["dialect_name"]) == ("db.example.com", "postgres")
    assert state.get("password") is None  # Looker never answers it
    assert writes(emulator) == []


def test_adopting_writes_the_password_unless_it_is_lookers_already(face, emulator) -> None:
    """`connection_id` adopts; the password given is written (nothing says Looker has it), but
    with `secrets_in_looker` (adopt --from-terraform: the password Terraform wrote): no write,
    and a later rotation is one PATCH."""
    emulator.control.seed({"connections": [{**WAREHOUSE}]})
    adopting = {"connection_id": "warehouse", "password": "first-password"}
    inputs, failures = face.check("Connection", adopting)
    assert failures == []
    emulator.control.clear_requests()
    face.create("Connection", inputs)
    assert _bodies(emulator, "PATCH") == [{"password": fingerprint("first-password")}]

    kept, failures = face.check("Connection", {**adopting, "secrets_in_looker": True})
    assert failures == []
    emulator.control.clear_requests()
    id_, outs = face.create("Connection", kept)
    assert writes(emulator) == []
    assert (outs["password"], outs["secrets_in_looker"]) == ("first-password", True)
    assert face.diff("Connection", id_, outs, kept) == (False, [])
    rotated = {**kept, "password": "second-password"}
    face.update("Connection", id_, outs, rotated)
    assert _bodies(emulator, "PATCH") == [{"password": fingerprint("second-password")}]


def test_destroy_refuses_while_lookml_models_use_it_unless_asked(face, emulator) -> None:
    emulator.control.seed(
        {
            "lookml_models": [
                {"name": "thelook", "project_name": "thelook", "allowed_db_connection_names": []},
                {"name": "sales", "allowed_db_connection_names": ["warehouse"]},
            ]
        }
    )
    inputs, _ = face.check("Connection", WAREHOUSE)
    id_, outs = face.create("Connection", inputs)
    emulator.control.clear_requests()
    with pytest.raises(Exception, match="delete_when_used") as refused:
        face.delete("Connection", id_, outs)
    assert "connection 'warehouse' is used by LookML models sales: their queries would fail" in (
        str(refused.value)
    )
    assert emulator.control.calls()[("GET", f"{API}/lookml_models")] == 1
    assert writes(emulator) == []
    assert [c["name"] for c in emulator.control.state()["connections"]] == ["warehouse"]

    forced, failures = face.check("Connection", {**inputs, "delete_when_used": True}, inputs)
    assert failures == []
    assert face.diff("Connection", id_, outs, forced) == (True, [])  # the state must keep it
    outs = face.update("Connection", id_, outs, forced)
    assert writes(emulator) == []  # an option alone writes nothing
    assert outs["delete_when_used"] is True
    face.delete("Connection", id_, outs)
    assert writes(emulator) == [("DELETE", f"{API}/connections/warehouse")]
