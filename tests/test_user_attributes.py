"""User attributes and their values on both faces, over the emulator: what each writes, what a
refresh reads, hidden values kept out of Looker's answers, what replaces an attribute, and
import with no write."""

from __future__ import annotations

import pytest

from pulumi_looker.client import LookerClient
from pulumi_looker.errors import NotInLookerError
from tests.support.looker import writes
from tests.test_faces import DynamicFace, PluginFace

API = "/api/4.0"


@pytest.fixture(params=["dynamic", "plugin"])
def face(request: pytest.FixtureRequest, emulator) -> DynamicFace | PluginFace:
    return DynamicFace(emulator) if request.param == "dynamic" else PluginFace(emulator)


@pytest.fixture
def groups(emulator) -> dict[str, str]:
    emulator.control.seed({"groups": [{"name": "EU"}, {"name": "US"}]})
    return {g["name"]: g["id"] for g in emulator.control.state()["groups"]}


def _attribute(face, **extra) -> tuple[str, dict]:
    inputs, failures = face.check(
        "UserAttribute", {"name": "region", "label": "Region", "type": "string", **extra}
    )
    assert failures == []
    return face.create("UserAttribute", inputs)


def test_group_values_are_set_in_one_call_in_priority_order(face, emulator, groups) -> None:
    attribute_id, _ = _attribute(face)
    wanted = [
        {"group_id": groups["US"], "value": "us"},
        {"group_id": groups["EU"], "value": "eu"},
    ]
    emulator.control.clear_requests()
    inputs, failures = face.check(
        "UserAttributeGroupValues", {"user_attribute_id": attribute_id, "values": wanted}
    )
    assert failures == []
    id_, outs = face.create("UserAttributeGroupValues", inputs)
    assert writes(emulator) == [("POST", f"{API}/user_attributes/{attribute_id}/group_values")]
    [record] = [a for a in emulator.control.state()["user_attributes"] if a["id"] == attribute_id]
    assert [(v["group_id"], v["value"]) for v in record["group_values"]] == [
        (groups["US"], "us"),
        (groups["EU"], "eu"),
    ]
    assert face.diff("UserAttributeGroupValues", id_, outs, inputs) == (False, [])
    swapped = {**inputs, "values": list(reversed(wanted))}  # another priority is a change
    assert face.diff("UserAttributeGroupValues", id_, outs, swapped) == (True, [])

    emulator.control.clear_requests()
    found, refreshed = face.read("UserAttributeGroupValues", id_, outs)
    assert (found, refreshed["values"]) == (id_, wanted)
    assert (
        emulator.control.calls()[("GET", f"{API}/user_attributes/{attribute_id}/group_values")] == 1
    )

    emulator.control.clear_requests()
    face.delete("UserAttributeGroupValues", id_, outs)
    assert writes(emulator) == [("POST", f"{API}/user_attributes/{attribute_id}/group_values")]
    [record] = [a for a in emulator.control.state()["user_attributes"] if a["id"] == attribute_id]
    assert record["group_values"] == []


def test_a_hidden_attributes_values_are_kept_from_the_state(face, emulator, groups) -> None:
    attribute_id, _ = _attribute(
        face, value_is_hidden=True, hidden_value_domain_whitelist="https://*.example.com/*"
    )
    wanted = [{"group_id": groups["EU"], "value": "s3cret"}]
    inputs, _ = face.check(
        "UserAttributeGroupValues", {"user_attribute_id": attribute_id, "values": wanted}
    )
    id_, outs = face.create("UserAttributeGroupValues", inputs)
    _, refreshed = face.read("UserAttributeGroupValues", id_, outs)
    assert refreshed["values"] == wanted  # Looker answers none: the state's are kept
    assert face.diff("UserAttributeGroupValues", id_, refreshed, inputs) == (False, [])


def test_group_values_name_what_is_wrong_at_preview(face, emulator, groups) -> None:
    bad = [
        ({"values": [{"group_id": "999", "value": "x"}]}, "values: Looker has no group 999"),
        (
            {"values": [{"group_id": groups["EU"], "value": "a"}] * 2},
            f"values: group {groups['EU']} is given twice",
        ),
        ({"values": [{"value": "x"}]}, "values[0] must have group_id and value only"),
    ]
    for extra, reason in bad:
        _, failures = face.check("UserAttributeGroupValues", {"user_attribute_id": "1", **extra})
        assert failures == [("values", reason)]
    assert writes(emulator) == []


def test_a_new_domain_whitelist_replaces_the_attribute_old_one_first(face, emulator) -> None:
    given = {"value_is_hidden": True, "hidden_value_domain_whitelist": "https://a.example.com/*"}
    attribute_id, outs = _attribute(face, **given)
    inputs = {"name": "region", "label": "Region", "type": "string", **given}
    moved = {**inputs, "hidden_value_domain_whitelist": "https://b.example.com/*"}
    assert face.diff("UserAttribute", attribute_id, outs, moved) == (
        True,
        ["hidden_value_domain_whitelist"],
    )
    assert face.diff("UserAttribute", attribute_id, outs, {**inputs, "label": "Area"}) == (True, [])


def test_the_type_is_checked_at_preview(face, emulator) -> None:
    _, failures = face.check("UserAttribute", {"name": "n", "label": "N", "type": "text"})
    assert [f for f, _ in failures] == ["type"]
    assert failures[0][1].startswith("type must be one of string, number, ")


def _made(face, kind: str, inputs: dict) -> tuple[str, dict]:
    """A resource of ``kind`` made as an up makes it: checked, then created."""
    checked, failures = face.check(kind, inputs)
    assert failures == []
    return face.create(kind, checked)


def test_an_import_of_group_values_writes_nothing(face, emulator, groups) -> None:
    attribute_id, _ = _attribute(face)
    values = [{"group_id": groups["EU"], "value": "eu"}]
    _made(face, "UserAttributeGroupValues", {"user_attribute_id": attribute_id, "values": values})
    emulator.control.clear_requests()
    found, outs = face.read(
        "UserAttributeGroupValues", f"user_attribute_group_values/{attribute_id}", {}
    )
    assert (found, outs["values"]) == (f"user_attribute_group_values/{attribute_id}", values)
    assert writes(emulator) == []
    with pytest.raises(NotInLookerError, match="Looker has no user attribute 999"):
        face.read("UserAttributeGroupValues", "user_attribute_group_values/999", {})


def test_a_users_own_value_is_set_read_and_removed(face, emulator) -> None:
    attribute_id, _ = _attribute(face)
    inputs, failures = face.check(
        "UserAttributeUserValue",
        {"user_id": "1", "user_attribute_id": attribute_id, "value": "apac"},
    )
    assert failures == []
    emulator.control.clear_requests()
    id_, outs = face.create("UserAttributeUserValue", inputs)
    assert id_ == f"1/{attribute_id}"
    assert writes(emulator) == [("PATCH", f"{API}/users/1/attribute_values/{attribute_id}")]
    found, refreshed = face.read("UserAttributeUserValue", id_, outs)
    assert (found, refreshed["value"]) == (id_, "apac")
    emulator.control.clear_requests()
    face.delete("UserAttributeUserValue", id_, outs)
    assert writes(emulator) == [("DELETE", f"{API}/users/1/attribute_values/{attribute_id}")]
    assert face.read("UserAttributeUserValue", id_, outs)[0] is None  # gone: from the default


def test_a_check_of_unchanged_group_values_costs_no_call(face, emulator, groups) -> None:
    attribute_id, _ = _attribute(face)
    wanted = {
        "user_attribute_id": attribute_id,
        "values": [{"group_id": groups["EU"], "value": "eu"}],
    }
    inputs, _ = face.check("UserAttributeGroupValues", wanted)
    LookerClient.close_shared()
    emulator.control.clear_requests()
    assert face.check("UserAttributeGroupValues", inputs, inputs)[1] == []
    assert emulator.control.calls() == {}
    gone = {**inputs, "values": [{"group_id": "999", "value": "x"}]}
    assert face.check("UserAttributeGroupValues", gone, inputs)[1] == [
        ("values", "values: Looker has no group 999")
    ]


def test_values_looker_has_already_are_declared_with_no_write(face, emulator, groups) -> None:
    """As adopt --from-terraform declares them: one read each, no write; another value is
    still written."""
    attribute_id, _ = _attribute(face)
    grouped = {
        "user_attribute_id": attribute_id,
        "values": [{"group_id": groups["EU"], "value": "eu"}],
    }
    _made(face, "UserAttributeGroupValues", grouped)
    own = {"user_id": "1", "user_attribute_id": attribute_id, "value": "apac"}
    _made(face, "UserAttributeUserValue", own)
    emulator.control.clear_requests()
    id_, outs = _made(face, "UserAttributeGroupValues", grouped)
    assert (id_, outs["values"]) == (attribute_id, grouped["values"])
    user_id, user_outs = _made(face, "UserAttributeUserValue", own)
    assert (user_id, user_outs["value"]) == (f"1/{attribute_id}", "apac")
    assert writes(emulator) == []
    assert emulator.control.calls()[("GET", f"{API}/users/1/attribute_values")] == 1
    _made(face, "UserAttributeUserValue", {**own, "value": "emea"})
    assert writes(emulator) == [("PATCH", f"{API}/users/1/attribute_values/{attribute_id}")]
