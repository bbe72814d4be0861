"""``GroupMembership``: the users and groups in a Looker group.

Looker adds and removes one member per call (``POST``/``DELETE /groups/{id}/users`` and
``.../groups``), so an update makes exactly the adds and removes its diff shows. A group that
SAML, OIDC or LDAP manages (``externally_managed``), and ``All Users``, refuse them: refused at
preview (devoteam looker #91).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from pulumi_looker import models

from . import lockout
from .group import external
from .kind import Link
from .members import MemberSet, Owner, members_kind

if TYPE_CHECKING:
    from pulumi_looker.client import LookerClient
    from pulumi_looker.client.access import Access


def _user_ids(client: LookerClient) -> frozenset[str] | None:
    return client.users.user_ids()


def _group_ids(client: LookerClient) -> frozenset[str] | None:
    return frozenset(client.access.groups())


def _write_users(
    access: Access, group_id: str, before: Sequence[str], after: Sequence[str]
) -> None:
    for user_id in [u for u in after if u not in before]:
        access.add_user(group_id, user_id)
    for user_id in [u for u in before if u not in after]:
        access.remove_user(group_id, user_id)


def _write_groups(
    access: Access, group_id: str, before: Sequence[str], after: Sequence[str]
) -> None:
    for member in [g for g in after if g not in before]:
        access.add_group(group_id, member)
    for member in [g for g in before if g not in after]:
        access.remove_group(group_id, member)


def _users_lost(group_id: str, removed: Iterable[str]) -> lockout.Removal:
    return lockout.Removal(user_groups=frozenset((u, group_id) for u in removed))


def _groups_lost(group_id: str, removed: Iterable[str]) -> lockout.Removal:
    return lockout.Removal(group_groups=frozenset((g, group_id) for g in removed))


GROUP_MEMBERS = Owner(
    collection=models.GROUPS,
    find=lambda client, group_id: client.access.group(group_id),
    locked=external,
    sets=(
        MemberSet(
            "user_ids",
            "user",
            current=lambda access, group_id: access.users_in(group_id),
            write=_write_users,
            exists=_user_ids,
            lost=_users_lost,
        ),
        MemberSet(
            "group_ids",
            "group",
            current=lambda access, group_id: access.groups_in(group_id),
            write=_write_groups,
            exists=_group_ids,
            lost=_groups_lost,
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
