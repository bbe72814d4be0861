"""``RoleAssignment``: the groups and users that hold a Looker role.

Looker sets a role's groups and its users each whole (``PUT /roles/{id}/groups``, ``PUT
/roles/{id}/users``): an additive assignment writes Looker's members with its own added, so
members added outside Pulumi stay. A group that SAML, OIDC or LDAP manages takes its roles from
the identity provider: adding or removing one is refused at preview (devoteam looker #91:
"cannot modify roles for group 'SAML group A'").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from pulumi_looker import models

from .kind import Link
from .members import MemberSet, Owner, Write, known_groups, known_users, lost, members_kind

if TYPE_CHECKING:
    from pulumi_looker.client import LookerClient
    from pulumi_looker.client.access import Access


def _sso_group(client: LookerClient, group_id: str) -> str | None:
    group = client.access.group(group_id)
    if group is not None and group.externally_managed:
        return f"({group.name!r}) is managed by SAML, OIDC or LDAP (externally_managed)"
    return None


def _whole(put: Callable[[Access, str, Sequence[str]], None]) -> Write:
    """A set written whole in one call, as Looker sets a role's groups and users."""

    def write(access: Access, role_id: str, before: Sequence[str], after: Sequence[str]) -> None:
        put(access, role_id, after)

    return write


ROLE_HOLDERS = Owner(
    collection=models.ROLES,
    find=lambda client, role_id: client.objects(models.ROLES).get(role_id),
    locked=lambda role: None,
    sets=(
        MemberSet(
            "group_ids",
            "group",
            current=lambda access, role_id: access.groups_with(role_id),
            write=_whole(lambda access, role_id, ids: access.set_role_groups(role_id, ids)),
            exists=known_groups,
            lost=lost("group_roles"),
            refuses=_sso_group,
        ),
        MemberSet(
            "user_ids",
            "user",
            current=lambda access, role_id: access.users_with(role_id),
            write=_whole(lambda access, role_id, ids: access.set_role_users(role_id, ids)),
            exists=known_users,
            lost=lost("user_roles"),
        ),
    ),
    import_prefix="role_assignment",
)

ROLE_ASSIGNMENT = members_kind(
    ROLE_HOLDERS,
    name="RoleAssignment",
    description="The groups and users that hold a Looker role: all of them, or only those listed.",
    doc="""Who holds a Looker role (``/api/4.0/roles/{role_id}/groups`` and ``/users``):
``group_ids`` (such as a :class:`Group`'s ``group_id``) and ``user_ids`` (users that hold it
themselves, such as a :class:`User`'s ``user_id``). A set left out is not managed. Groups
that SAML, OIDC or LDAP manage keep their roles: adding or removing one is refused at preview.""",
    config_key="roleAssignments",
    links={
        "role": Link("Role", "role_id", "role_id", ("role_id",)),
        "groups": Link("Group", "group_ids", "group_id", ("group_ids",), many=True),
        "users": Link("User", "user_ids", "user_id", ("user_ids",), many=True),
    },
    example={"role_id": "2", "group_ids": ["1"]},
)
KINDS = (ROLE_ASSIGNMENT,)
