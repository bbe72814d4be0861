"""The access model's kinds (permission sets, model sets, roles, groups) on both faces, over
the emulator: what each writes, what a refresh costs, and what is refused at preview with
nothing written."""

from __future__ import annotations

import re

import pytest

from pulumi_looker import models
from pulumi_looker.errors import BuiltInError, NotInLookerError
from pulumi_looker.resources import KINDS
from tests.support.looker import writes
from tests.test_faces import DynamicFace, PluginFace

API = "/api/4.0"
COLLECTION_KINDS = [k for k in KINDS if k.collection is not None]


@pytest.fixture(params=["dynamic", "plugin"])
def face(request: pytest.FixtureRequest, emulator) -> DynamicFace | PluginFace:
    return DynamicFace(emulator) if request.param == "dynamic" else PluginFace(emulator)


def _objects(emulator, collection: models.Collection) -> dict:
    key = collection.path.strip("/")
    return {o.get("id", o["name"]): o for o in emulator.control.state()[key]}  # or by name


@pytest.mark.parametrize("kind", COLLECTION_KINDS, ids=lambda k: k.name)
def test_each_kind_is_made_changed_refreshed_from_one_listing_and_deleted(
    face, emulator, kind
) -> None:
    assert kind.collection is not None
    path = f"{API}{kind.collection.path}"
    inputs, failures = face.check(kind.name, dict(kind.example))
    assert failures == []
    id_, outs = face.create(kind.name, inputs)
    assert writes(emulator)[-1] == ("POST", path)
    assert _objects(emulator, kind.collection)[id_]["name"] == kind.example["name"]
    assert outs[kind.collection.id_name] == id_
    assert face.diff(kind.name, id_, outs, inputs) == (False, [])

    renamed = {**inputs, "name": f"{kind.example['name']}_renamed"}
    if "name" in kind.replace_on_changes:  # the name is the id: another one replaces it
        assert face.diff(kind.name, id_, outs, renamed) == (True, ["name"])
        face.delete(kind.name, id_, outs)
        id_, outs = face.create(kind.name, face.check(kind.name, renamed)[0])
        assert writes(emulator)[-2:] == [("DELETE", f"{path}/{inputs['name']}"), ("POST", path)]
    else:
        assert face.diff(kind.name, id_, outs, renamed) == (True, [])
        outs = face.update(kind.name, id_, outs, renamed)
        assert writes(emulator)[-1] == ("PATCH", f"{path}/{id_}")
    assert _objects(emulator, kind.collection)[id_]["name"] == renamed["name"]

    emulator.control.clear_requests()
    again, _ = face.create(kind.name, face.check(kind.name, dict(kind.example))[0])
    emulator.control.clear_requests()
    for object_id in (id_, again):  # a refresh of both: one listing, served to each
        found, refreshed = face.read(kind.name, object_id, outs if object_id == id_ else {})
        assert found == object_id
    assert emulator.control.calls() == {("GET", path): 1}
    assert refreshed["name"] == kind.example["name"]

    face.delete(kind.name, id_, outs)
    assert writes(emulator)[-1] == ("DELETE", f"{path}/{id_}")
    assert id_ not in _objects(emulator, kind.collection)
    assert face.read(kind.name, id_, outs)[0] is None  # gone: a refresh drops it


def test_permissions_are_checked_at_preview_naming_the_nearest(face, emulator) -> None:
    _, failures = face.check("PermissionSet", {"name": "Ops", "permissions": ["acess_data"]})
    [(field, reason)] = failures
    assert field == "permissions"
    assert reason.startswith(
        "permissions: Looker has no permission 'acess_data' (did you mean 'access_data'?); it "
        "has: access_data, "
    )
    _, failures = face.check("PermissionSet", {"name": "Ops", "permissions": ["see_looks"]})
    assert failures == []
    assert emulator.control.calls()[("GET", f"{API}/permissions")] == 1  # once per process
    assert writes(emulator) == []


def test_a_new_object_needs_its_name_unless_it_adopts_one(face, emulator) -> None:
    _, failures = face.check("Group", {})
    assert failures == [
        ("name", "name is required for a new group (or group_id to adopt one Looker has)")
    ]
    assert face.check("Group", {"group_id": "1"})[1] == []
    assert writes(emulator) == []


def test_adopting_writes_only_what_differs_and_destroy_leaves_it(face, emulator) -> None:
    inputs, _ = face.check("PermissionSet", {"permission_set_id": "2", "name": "Developer"})
    id_, outs = face.create("PermissionSet", inputs)
    assert (id_, outs["adopted"]) == ("2", True)
    assert writes(emulator) == []  # its name is Developer already
    face.delete("PermissionSet", id_, outs)
    assert "2" in _objects(emulator, models.PERMISSION_SETS)
    with pytest.raises(NotInLookerError, match="Looker has no permission set 99"):
        face.create("PermissionSet", face.check("PermissionSet", {"permission_set_id": "99"})[0])


def test_lookers_own_sets_and_groups_the_identity_provider_manages_are_refused(
    face, emulator
) -> None:
    emulator.control.seed({"groups": [{"name": "SAML Finance", "externally_managed": True}]})
    saml = next(
        i for i, g in _objects(emulator, models.GROUPS).items() if g["name"] == "SAML Finance"
    )
    emulator.control.clear_requests()
    cases = [
        ("PermissionSet", "1", {"permissions": ["see_looks"]}, "is Looker's own (built_in)"),
        ("ModelSet", "1", {"models": ["thelook"]}, "is Looker's own (built_in)"),
        ("Group", saml, {"name": "Finance"}, "is managed by SAML, OIDC or LDAP"),
    ]
    for kind, object_id, change, reason in cases:
        id_name = next(k for k in KINDS if k.name == kind).collection.id_name
        inputs, _ = face.check(kind, {id_name: object_id})
        id_, outs = face.create(kind, inputs)
        with pytest.raises(BuiltInError, match=re.escape(reason)) as refused:
            face.diff(kind, id_, outs, {**inputs, **change})
        assert "cannot change; leave them out of the program" in str(refused.value)
        face.delete(kind, id_, outs)  # left as it is
    assert writes(emulator) == []


def test_an_import_of_what_looker_lacks_fails_naming_it(face, emulator) -> None:
    with pytest.raises(NotInLookerError, match="Looker has no role 99"):
        face.read("Role", "role/99", {})
    found, outs = face.read("Role", "role/2", {})
    assert (found, outs["name"]) == ("role/2", "Admin")
