"""``User`` on both faces, over the emulator: the calls a new user costs, drift found in the one
listing of users, destroy that disables (or deletes when asked), the stack's own identity never
disabled or destroyed, and each refusal at preview with nothing written."""

from __future__ import annotations

import pytest

from pulumi_looker.client import LookerClient
from pulumi_looker.errors import LockoutError, NotInLookerError
from tests.support.looker import writes
from tests.test_faces import DynamicFace, PluginFace

API = "/api/4.0"
VIEWER = "4"


@pytest.fixture(params=["dynamic", "plugin"])
def face(request: pytest.FixtureRequest, emulator) -> DynamicFace | PluginFace:
    return DynamicFace(emulator) if request.param == "dynamic" else PluginFace(emulator)


@pytest.fixture
def analysts(emulator) -> str:
    emulator.control.seed({"groups": [{"name": "Analysts"}]})
    group_id = next(g["id"] for g in emulator.control.state()["groups"] if g["name"] == "Analysts")
    emulator.control.clear_requests()
    return group_id


def _user(emulator, user_id: str) -> dict:
    return next(u for u in emulator.control.state()["users"] if u["id"] == user_id)


ANA = {"email": "ana@example.com", "first_name": "Ana", "last_name": "Lima"}


def test_a_new_user_signs_in_by_email_with_its_roles_and_groups(face, emulator, analysts) -> None:
    wanted = {**ANA, "role_ids": [VIEWER], "group_ids": [analysts], "send_setup_email": True}
    inputs, failures = face.check("User", wanted)
    assert failures == []
    id_, outs = face.create("User", inputs)
    assert [(m, p.replace(f"/{id_}/", "/ID/")) for m, p in writes(emulator)] == [
        ("POST", f"{API}/users"),
        ("POST", f"{API}/users/ID/credentials_email"),
        ("PUT", f"{API}/users/ID/roles"),
        ("POST", f"{API}/groups/{analysts}/users"),
        ("POST", f"{API}/users/ID/credentials_email/send_password_reset"),
    ]
    live = _user(emulator, id_)
    assert (live["first_name"], live["role_ids"]) == ("Ana", [VIEWER])
    assert analysts in live["group_ids"]
    assert (outs["user_id"], outs["email"], outs["group_ids"]) == (id_, ANA["email"], [analysts])
    assert face.diff("User", id_, outs, inputs) == (False, [])

    emulator.control.clear_requests()
    fresh = DynamicFace(emulator) if isinstance(face, DynamicFace) else PluginFace(emulator)
    found, refreshed = fresh.read("User", id_, outs)
    assert (found, refreshed["group_ids"], refreshed["role_ids"]) == (id_, [analysts], [VIEWER])
    assert writes(emulator) == []

    emulator.control.clear_requests()
    face.delete("User", id_, outs)  # disabled, not deleted
    assert writes(emulator) == [("PATCH", f"{API}/users/{id_}")]
    assert _user(emulator, id_)["is_disabled"] is True


def test_drift_in_looker_is_found_by_refresh_and_put_right(face, emulator, client) -> None:
    inputs, _ = face.check("User", dict(ANA))
    id_, outs = face.create("User", inputs)
    client.users.update_user(id_, {"last_name": "Lima-Souza"})  # by hand, in Looker
    LookerClient.close_shared()  # the refresh is a new process
    _, outs = face.read("User", id_, outs)
    assert outs["last_name"] == "Lima-Souza"
    assert face.diff("User", id_, outs, inputs) == (True, [])
    emulator.control.clear_requests()
    face.update("User", id_, outs, inputs)
    assert writes(emulator) == [("PATCH", f"{API}/users/{id_}")]
    assert _user(emulator, id_)["last_name"] == "Lima"


def test_delete_on_destroy_deletes(face, emulator) -> None:
    inputs, _ = face.check("User", {**ANA, "delete_on_destroy": True})
    id_, outs = face.create("User", inputs)
    emulator.control.clear_requests()
    face.delete("User", id_, outs)
    assert writes(emulator) == [("DELETE", f"{API}/users/{id_}")]
    assert id_ not in {u["id"] for u in emulator.control.state()["users"]}


@pytest.mark.parametrize(
    ("inputs", "field", "reason"),
    [
        ({"first_name": "Ana"}, "email", "email is required for a new user"),
        ({"email": "ana"}, "email", "email must be an email address, got 'ana'"),
        ({**ANA, "role_ids": ["99"]}, "role_ids", "role_ids: Looker has no role 99; its roles: "),
        ({**ANA, "group_ids": ["1"]}, "group_ids", "group 1 ('All Users') takes no members"),
        ({"user_id": "1", "is_disabled": True}, "is_disabled", "identity this stack signs in as"),
        ({"user_id": "1", "role_ids": [VIEWER]}, "role_ids", "would take the Admin role"),
    ],
    ids=["no-email", "bad-email", "missing-role", "all-users", "disable-self", "demote-self"],
)
def test_refusals_at_preview_write_nothing(face, emulator, inputs, field, reason) -> None:
    _, failures = face.check("User", inputs)
    assert [f for f, _ in failures] == [field]
    assert reason in failures[0][1]
    assert writes(emulator) == []


def test_an_email_another_user_has_is_refused(face, emulator) -> None:
    face.create("User", face.check("User", dict(ANA))[0])
    emulator.control.clear_requests()
    _, failures = face.check("User", {**ANA, "first_name": "Another"})
    assert [f for f, _ in failures] == ["email"]
    assert "signs in with 'ana@example.com'" in failures[0][1]
    assert writes(emulator) == []


def test_the_stacks_identity_is_never_destroyed(face, emulator) -> None:
    inputs, _ = face.check("User", {"user_id": "1"})
    id_, outs = face.create("User", inputs)
    assert outs["adopted"] is True
    face.delete("User", id_, outs)  # adopted: left as it is
    with pytest.raises(LockoutError, match="identity this stack signs in as"):
        face.delete("User", id_, {**outs, "adopted": False})
    assert writes(emulator) == []


def test_an_import_adopts_the_user_with_no_write(face, emulator) -> None:
    face.create("User", face.check("User", dict(ANA))[0])
    user_id = next(
        u["id"] for u in emulator.control.state()["users"] if u.get("first_name") == "Ana"
    )
    emulator.control.clear_requests()
    found, outs = face.read("User", f"user/{user_id}", {})
    assert (found, outs["email"], outs["adopted"]) == (f"user/{user_id}", ANA["email"], False)
    assert writes(emulator) == []
    with pytest.raises(NotInLookerError, match="Looker has no user 999"):
        face.read("User", "user/999", {})


def test_a_check_of_unchanged_inputs_costs_no_call(face, emulator) -> None:
    adopted = {"user_id": "1", "first_name": "Looker"}
    LookerClient.close_shared()
    emulator.control.clear_requests()
    _, failures = face.check("User", adopted, adopted)
    assert (failures, emulator.control.calls()) == ([], {})
    _, failures = face.check("User", {**adopted, "is_disabled": True}, adopted)
    assert [name for name, _ in failures] == ["is_disabled"]  # a change is checked in Looker
    assert emulator.control.calls()[("GET", f"{API}/users")] == 1
