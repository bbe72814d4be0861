"""Group memberships and role assignments on both faces, over the emulator: the adds and removes
each writes (additive or authoritative), drift found by refresh, what a refresh costs, import
with no write, and each refusal at preview (SSO groups, members Looker lacks, the stack's own
identity losing Admin) with nothing written."""

from __future__ import annotations

import pytest

from pulumi_looker.client import LookerClient
from pulumi_looker.errors import LockoutError
from tests.support.looker import writes
from tests.test_faces import DynamicFace, PluginFace

API = "/api/4.0"
ADMIN_ROLE = "2"
SEED = {
    "groups": [
        {"name": "Analysts"},
        {"name": "Admins", "roles": ["Admin"]},
        {"name": "SAML Finance", "externally_managed": True},
    ],
    "users": [
        {"first_name": "Dana", "last_name": "Scully", "groups": ["Analysts"]},
        {"first_name": "Fox", "last_name": "Mulder"},
    ],
}


@pytest.fixture(params=["dynamic", "plugin"])
def face(request: pytest.FixtureRequest, emulator) -> DynamicFace | PluginFace:
    return DynamicFace(emulator) if request.param == "dynamic" else PluginFace(emulator)


@pytest.fixture
def org(emulator) -> dict[str, str]:
    """The seeded organisation's ids by name."""
    emulator.control.seed(SEED)
    state = emulator.control.state()
    ids = {g["name"]: g["id"] for g in state["groups"]}
    ids.update({u["first_name"]: u["id"] for u in state["users"] if u.get("first_name")})
    emulator.control.clear_requests()
    return ids


def _members(emulator, group_id: str) -> list[str]:
    return sorted(u["id"] for u in emulator.control.state()["users"] if group_id in u["group_ids"])


def test_an_additive_membership_adds_its_own_and_leaves_the_others(
    face, emulator, org, client
) -> None:
    analysts, dana, fox = org["Analysts"], org["Dana"], org["Fox"]
    inputs, failures = face.check("GroupMembership", {"group_id": analysts, "user_ids": [fox]})
    assert failures == []
    id_, outs = face.create("GroupMembership", inputs)
    assert writes(emulator) == [("POST", f"{API}/groups/{analysts}/users")]
    assert _members(emulator, analysts) == sorted([dana, fox])
    assert (id_, outs["user_ids"]) == (analysts, [fox])
    assert face.diff("GroupMembership", id_, outs, inputs) == (False, [])

    # Drift: Fox taken out in Looker. A refresh shows it, the next up puts Fox back.
    client.access.remove_user(analysts, fox)
    LookerClient.close_shared()  # the refresh is a new process
    found, outs = face.read("GroupMembership", id_, outs)
    assert (found, outs["user_ids"]) == (id_, [])
    assert face.diff("GroupMembership", id_, outs, inputs) == (True, [])
    emulator.control.clear_requests()
    outs = face.update("GroupMembership", id_, outs, inputs)
    assert writes(emulator) == [("POST", f"{API}/groups/{analysts}/users")]

    # Destroy takes out its own member only.
    emulator.control.clear_requests()
    face.delete("GroupMembership", id_, outs)
    assert writes(emulator) == [("DELETE", f"{API}/groups/{analysts}/users/{fox}")]
    assert _members(emulator, analysts) == [dana]


def test_an_authoritative_membership_removes_members_added_in_looker(
    face, emulator, org, client
) -> None:
    analysts, dana, fox = org["Analysts"], org["Dana"], org["Fox"]
    wanted = {"group_id": analysts, "user_ids": [fox], "authoritative": True}
    inputs, _ = face.check("GroupMembership", wanted)
    id_, outs = face.create("GroupMembership", inputs)
    assert sorted(writes(emulator)) == [
        ("DELETE", f"{API}/groups/{analysts}/users/{dana}"),
        ("POST", f"{API}/groups/{analysts}/users"),
    ]
    assert _members(emulator, analysts) == [fox]

    client.access.add_user(analysts, dana)  # added by hand, through Looker's API
    LookerClient.close_shared()  # the refresh is a new process
    _, outs = face.read("GroupMembership", id_, outs)
    assert sorted(outs["user_ids"]) == sorted([dana, fox])  # the preview shows Dana going
    assert face.diff("GroupMembership", id_, outs, inputs) == (True, [])
    emulator.control.clear_requests()
    face.update("GroupMembership", id_, outs, inputs)
    assert writes(emulator) == [("DELETE", f"{API}/groups/{analysts}/users/{dana}")]


def test_a_refresh_finding_the_same_members_leaves_the_state_as_it_was(face, emulator, org) -> None:
    """The state keeps the program's order (Fox before Dana) where Looker lists Dana first: a
    refresh that finds the same members answers the state as it is, so the engine has nothing
    to write for it, nor the next ``up``."""
    analysts, dana, fox = org["Analysts"], org["Dana"], org["Fox"]
    wanted = {"group_id": analysts, "user_ids": [fox, dana], "authoritative": True}
    inputs, _ = face.check("GroupMembership", wanted)
    id_, outs = face.create("GroupMembership", inputs)
    assert outs["user_ids"] == [fox, dana]
    assert _members(emulator, analysts) == sorted([dana, fox])
    LookerClient.close_shared()  # the refresh is a new process
    found, read = face.read("GroupMembership", id_, outs)
    # Exactly what create left: the nested groups, which the program does not give, are not
    # managed, so the refresh does not add them to the state (no `groupIds: []` once).
    assert (found, read) == (id_, outs)
    assert face.diff("GroupMembership", id_, read, inputs) == (False, [])

    # The next up's check of the same program costs no call.
    LookerClient.close_shared()
    emulator.control.clear_requests()
    refreshed_inputs = {k: v for k, v in read.items() if v is not None}
    assert face.check("GroupMembership", inputs, refreshed_inputs)[1] == []
    assert emulator.control.calls() == {}
    # A change of the program is checked against Looker again.
    _, failures = face.check("GroupMembership", {**inputs, "user_ids": [fox]}, refreshed_inputs)
    assert failures == []
    assert emulator.control.calls()[("GET", f"{API}/users")] == 1


def test_a_refresh_of_many_memberships_reads_two_listings(face, emulator, org) -> None:
    made = []
    for group in ("Analysts", "Admins"):
        inputs, _ = face.check("GroupMembership", {"group_id": org[group], "user_ids": ["1"]})
        made.append(face.create("GroupMembership", inputs))
    roles, _ = face.check("RoleAssignment", {"role_id": "3", "group_ids": [org["Analysts"]]})
    made.append(("role", face.create("RoleAssignment", roles)))
    LookerClient.close_shared()  # as a new process: nothing in hand
    emulator.control.clear_requests()
    fresh = DynamicFace(emulator) if isinstance(face, DynamicFace) else PluginFace(emulator)
    for id_, outs in made[:2]:
        assert fresh.read("GroupMembership", id_, outs)[0] == id_
    role_id, role_outs = made[2][1]
    assert fresh.read("RoleAssignment", role_id, role_outs)[1]["group_ids"] == [org["Analysts"]]
    reads = {path.partition("?")[0]: n for (method, path), n in emulator.control.calls().items()}
    assert reads == {
        f"{API}/login": 1,
        f"{API}/users": 1,
        f"{API}/groups/search/with_hierarchy": 1,
        f"{API}/roles": 1,
    }


def test_an_import_adopts_every_member_with_no_write(face, emulator, org) -> None:
    found, outs = face.read("GroupMembership", f"group_membership/{org['Analysts']}", {})
    assert found == f"group_membership/{org['Analysts']}"
    assert outs["user_ids"] == [org["Dana"]]
    assert outs["group_ids"] == []
    assert writes(emulator) == []


@pytest.mark.parametrize(
    ("kind", "inputs", "field", "reason"),
    [
        (
            "GroupMembership",
            {"group_id": "SAML Finance", "user_ids": ["Fox"]},
            "group_id",
            "group 'SAML Finance' is managed by SAML, OIDC or LDAP (externally_managed)",
        ),
        (
            "GroupMembership",
            {"group_id": "Analysts", "user_ids": ["Fox", "999"]},
            "user_ids",
            "user_ids: Looker has no user 999 (nothing was changed)",
        ),
        (
            "GroupMembership",
            {"group_id": "1", "user_ids": ["Fox"], "authoritative": True},
            "group_id",
            "group 'All Users' is every user's group (include_by_default)",
        ),
        (
            "RoleAssignment",
            {"role_id": "3", "group_ids": ["SAML Finance"]},
            "group_ids",
            "group_ids: group SAML Finance ('SAML Finance') is managed by SAML, OIDC or LDAP",
        ),
        (
            "RoleAssignment",
            {"role_id": ADMIN_ROLE, "user_ids": ["Fox"], "authoritative": True},
            "role_id",
            "it would take the Admin role (role 2) from user 1, the identity this stack signs in",
        ),
        ("RoleAssignment", {"role_id": "99"}, "role_id", "role_id: Looker has no role 99"),
    ],
    ids=["sso-group", "missing-user", "all-users", "sso-role-group", "lockout", "missing-role"],
)
def test_refusals_at_preview_name_the_member_and_write_nothing(
    face, emulator, org, kind, inputs, field, reason
) -> None:
    named = {
        k: ([org.get(v, v) for v in value] if isinstance(value, list) else org.get(value, value))
        for k, value in inputs.items()
    }
    reason = reason.replace("group SAML Finance", f"group {org['SAML Finance']}")
    _, failures = face.check(kind, named)
    assert [f for f, _ in failures] == [field]
    assert reason in failures[0][1]
    assert writes(emulator) == []


def test_the_admin_group_keeps_the_stacks_identity(face, emulator, org, client) -> None:
    """User 1 (the stack's key) is an admin through the Admins group only: taking it out of
    that group, or the Admin role from the group, is refused; with its own Admin role back,
    the same plan passes."""
    client.access.add_user(org["Admins"], "1")
    client.set_user_roles("1", [])
    emulator.control.clear_requests()
    out = {"group_id": org["Admins"], "user_ids": [org["Fox"]], "authoritative": True}
    _, failures = face.check("GroupMembership", out)
    assert [f for f, _ in failures] == ["group_id"]
    assert "the identity this stack signs in as" in failures[0][1]
    role = {"role_id": ADMIN_ROLE, "group_ids": [], "authoritative": True}
    assert face.check("RoleAssignment", role)[1][0][0] == "role_id"
    assert writes(emulator) == []
    # Destroying an authoritative membership that holds the identity is refused too.
    keep = {"group_id": org["Admins"], "user_ids": ["1"], "authoritative": True}
    id_, outs = face.create("GroupMembership", face.check("GroupMembership", keep)[0])
    with pytest.raises(LockoutError, match="the identity this stack signs in as"):
        face.delete("GroupMembership", id_, outs)
    assert writes(emulator) == []


def test_a_role_assignment_adds_its_groups_to_lookers_in_one_call(face, emulator, org) -> None:
    analysts, admins = org["Analysts"], org["Admins"]
    inputs, _ = face.check("RoleAssignment", {"role_id": ADMIN_ROLE, "group_ids": [analysts]})
    id_, outs = face.create("RoleAssignment", inputs)
    assert writes(emulator) == [("PUT", f"{API}/roles/{ADMIN_ROLE}/groups")]
    assert _granting(emulator, ADMIN_ROLE) == sorted([admins, analysts])  # additive: Admins kept
    assert outs["group_ids"] == [analysts]
    emulator.control.clear_requests()
    face.delete("RoleAssignment", id_, outs)
    assert writes(emulator) == [("PUT", f"{API}/roles/{ADMIN_ROLE}/groups")]
    assert _granting(emulator, ADMIN_ROLE) == [admins]


def _granting(emulator, role_id: str) -> list[str]:
    return sorted(g["id"] for g in emulator.control.state()["groups"] if role_id in g["role_ids"])


def test_making_many_sets_reads_each_listing_once(face, emulator, org) -> None:
    """Each write puts its change in the listings in hand (a member in the users', nothing in
    the groups' hierarchy): the next resource's check and create ask Looker nothing again."""
    emulator.control.clear_requests()
    for group in ("Analysts", "Admins"):
        inputs, _ = face.check(
            "GroupMembership", {"group_id": org[group], "user_ids": [org["Fox"]]}
        )
        face.create("GroupMembership", inputs)
    inputs, _ = face.check("RoleAssignment", {"role_id": "3", "user_ids": [org["Fox"]]})
    face.create("RoleAssignment", inputs)
    inputs, failures = face.check(
        "GroupMembership", {"group_id": org["Analysts"], "user_ids": [org["Fox"]]}
    )
    assert failures == []
    reads = {p.partition("?")[0]: n for (m, p), n in emulator.control.calls().items() if m == "GET"}
    assert reads[f"{API}/users"] == 1
    assert reads[f"{API}/groups/search/with_hierarchy"] == 1
    assert _members(emulator, org["Analysts"]) == sorted([org["Dana"], org["Fox"]])
    assert _members(emulator, org["Admins"]) == [org["Fox"]]
    fresh = DynamicFace(emulator) if isinstance(face, DynamicFace) else PluginFace(emulator)
    _, outs = fresh.read(
        "GroupMembership", org["Analysts"], {"group_id": org["Analysts"], "user_ids": [org["Fox"]]}
    )
    assert outs["user_ids"] == [org["Fox"]]
