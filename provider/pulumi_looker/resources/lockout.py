"""Nobody locked out: whether a plan would take the Admin role from the identity the stack signs
in as (hirosassa/looker PR #53: "when we update the admin group it removes terraform from the
admins").

A plan's removals are given as the grants they take away; the identity's roles after them are
worked out from what a refresh reads anyway (the listing of groups with their parents and
roles, the listings of roles and permission sets) and one ``GET /user``. A role is an admin's
when its permission set allows everything (``all_access``, as Looker's ``Admin``) or
``administer``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import attrs

from pulumi_looker import models

if TYPE_CHECKING:
    from pulumi_looker.client import LookerClient

Pair = tuple[str, str]


@attrs.frozen
class Removal:
    """Grants a plan takes away, as pairs of ids."""

    #: (user, group): a user out of a group.
    user_groups: frozenset[Pair] = frozenset()
    #: (member group, group): a group out of a group.
    group_groups: frozenset[Pair] = frozenset()
    #: (user, role): a role a user holds itself, taken away.
    user_roles: frozenset[Pair] = frozenset()
    #: (group, role): a role a group grants, taken away.
    group_roles: frozenset[Pair] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.user_groups or self.group_groups or self.user_roles or self.group_roles)


def refusal(client: LookerClient, removal: Removal) -> str | None:
    """Why ``removal`` would leave the identity ``client`` signs in as without an admin's role
    (it has one now), or None. Costs nothing when nothing is removed; else ``GET /user`` and
    the listings a refresh reads."""
    if not removal:
        return None
    me = client.access.me()
    groups = client.access.groups()
    admin = admin_roles(client)
    before = roles_of(me, groups)
    if not before & admin:
        return None  # not an admin's identity now: nothing of ours to keep
    after = roles_of(me, groups, removal)
    if after & admin:
        return None
    held = ", ".join(sorted(before & admin))
    return (
        f"it would take the Admin role (role {held}) from user {me.id}, the identity this stack "
        "signs in as: the next call would be refused and nobody could put it back through "
        "Pulumi; keep that user (or one of its groups) in, or apply with another admin's key"
    )


def admin_roles(client: LookerClient) -> set[str]:
    """The roles that make an admin (from the listings of permission sets and roles)."""
    sets = client.objects(models.PERMISSION_SETS).listing()
    admin_sets = {
        set_id
        for set_id, found in sets.items()
        if found.all_access or "administer" in (found.permissions or ())
    }
    roles = client.objects(models.ROLES).listing()
    return {role_id for role_id, role in roles.items() if role.permission_set_id in admin_sets}


def roles_of(
    me: models.User, groups: dict[str, models.GroupHierarchy], removal: Removal | None = None
) -> set[str]:
    """The roles ``me`` holds (after ``removal``): its own, and those of every group it is in,
    however deep."""
    removal = removal or Removal()
    roles = {r for r in me.role_ids or () if (me.id, r) not in removal.user_roles}
    todo = [g for g in me.group_ids or () if (me.id, g) not in removal.user_groups]
    seen: set[str] = set()
    while todo:
        group_id = todo.pop()
        group = groups.get(group_id)
        if group_id in seen or group is None:
            continue
        seen.add(group_id)
        roles |= {r for r in group.role_ids or () if (group_id, r) not in removal.group_roles}
        todo += _parents(group, removal.group_groups)
    return roles


def _parents(group: models.GroupHierarchy, removed: Iterable[Pair]) -> list[str]:
    gone = set(removed)
    return [p for p in group.parent_group_ids or () if (group.id, p) not in gone]
