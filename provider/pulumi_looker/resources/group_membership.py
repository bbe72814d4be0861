"""``GroupMembership``: the users and groups in a Looker group.

Looker adds and removes one member per call (``POST``/``DELETE /groups/{id}/users`` and
``.../groups``), so an update makes exactly the adds and removes its diff shows. A group that
SAML, OIDC or LDAP manages (``externally_managed``), and ``All Users``, refuse them: refused at
preview (devoteam looker #91).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from pulumi_looker import models

from .group import external
from .kind import Link
from .members import MemberSet, Owner, Write, known_groups, known_users, lost, members_kind

if TYPE_CHECKING:
    from pulumi_looker.client.access import Access

#: Adds a member to a group, or removes it: ``(access, group_id, member_id)``.
Move = Callable[["Access", str, str], None]


def _one_by_one(add: Move, remove: Move) -> Write:
    """A set written one member per call, as Looker adds and removes a group's members."""

    def write(access: Access, group_id: str, before: Sequence[str], after: Sequence[str]) -> None:
        for member in [m for m in after if m not in before]:
            add(access, group_id, member)
        for member in [m for m in before if m not in after]:
            remove(access, group_id, member)

    return write


GROUP_MEMBERS = Owner(
    collection=models.GROUPS,
    find=lambda client, group_id: client.access.group(group_id),
    locked=external,
    sets=(
        MemberSet(
            "user_ids",
            "user",
            current=lambda access, group_id: access.users_in(group_id),
            write=_one_by_one(
                lambda a, g, m: a.add_user(g, m), lambda a, g, m: a.remove_user(g, m)
            ),
            exists=known_users,
            lost=lost("user_groups"),
        ),
        MemberSet(
            "group_ids",
            "group",
            current=lambda access, group_id: access.groups_in(group_id),
            write=_one_by_one(
                lambda a, g, m: a.add_group(g, m), lambda a, g, m: a.remove_group(g, m)
            ),
            exists=known_groups,
            lost=lost("group_groups"),
        ),
    ),
    import_prefix="group_membership",
)

GROUP_MEMBERSHIP = members_kind(
    GROUP_MEMBERS,
    name="GroupMembership",
    description="The users and groups in a Looker group: all of them, or only those listed.",
    doc="""The members of a Looker group (``/api/4.0/groups/{group_id}/users`` and
``/groups``): ``user_ids`` (users, such as a :class:`User`'s ``user_id``) and ``group_ids``
(groups inside it, such as a :class:`Group`'s ``group_id``). A set left out is not managed.
A group SAML, OIDC or LDAP manages, and ``All Users``, refuse it at preview.""",
    config_key="groupMemberships",
    links={
        "group": Link("Group", "group_id", "group_id", ("group_id",)),
        "users": Link("User", "user_ids", "user_id", ("user_ids",), many=True),
        "groups": Link("Group", "group_ids", "group_id", ("group_ids",), many=True),
    },
    example={"group_id": "2", "user_ids": ["1"]},
)
KINDS = (GROUP_MEMBERSHIP,)
