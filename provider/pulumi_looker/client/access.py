"""Who is in which group and who holds which role, as one client sees it: read from two listings
a process, written one member (or one role's whole set) per call.

Reading. Looker lists users with their ``group_ids`` and ``role_ids`` (the listing of users
that every refresh reads, :class:`~.users.UserDirectory`), and groups with the groups they are
in and their roles (``GET /groups/search/with_hierarchy``, kept here). Every membership and
role assignment of a refresh is answered from those two listings, whatever their number. Only
when the listing of users is refused or longer than it reads are a group's users (``GET
/groups/{id}/users``) or a role's (``GET /roles/{id}/users``) read for that group or role.

Writing. Looker adds and removes one member of a group per call; a role's groups and users are
each set whole (``PUT /roles/{id}/groups``, ``PUT /roles/{id}/users``). Every write forgets the
listings it changed (the groups' listing, on a change of groups or roles), or puts the change
in the listing of users (a member added or removed, a role's holders).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

from pulumi_looker import models

from .kept import KeptListing
from .paging import Pages

if TYPE_CHECKING:
    from .api import LookerApi
    from .users import UserDirectory

#: What the listing of groups reads of each group.
HIERARCHY_FIELDS = ",".join(models.rules(models.GroupHierarchy))


class Access:
    """The groups' members and the roles' holders of one instance, over ``api``'s calls and the
    listing of ``users``."""

    def __init__(self, api: LookerApi, users: UserDirectory) -> None:
        self._api = api
        self._users = users
        self._groups: KeptListing[models.GroupHierarchy] = KeptListing(self._list_groups)
        # Members of a group, holders of a role: no group's parents or roles change.
        api.keep(self._groups, models.GROUPS.path, models.ROLES.path, spared=("users",))
        self._me: models.User | None = None
        self._me_lock = threading.Lock()

    # --- reading ---------------------------------------------------------------------------

    def groups(self) -> dict[str, models.GroupHierarchy]:
        """Every group with its parents and roles, by id: one listing a process (its pages),
        until a write to groups or roles."""
        return {g.id: g for g in self._groups.lookup()}

    def group(self, group_id: str) -> models.GroupHierarchy | None:
        """The group ``group_id`` (None: Looker has none), read again once when the listing in
        hand lacks it (it may be new)."""
        found = self._groups.lookup(lambda groups: any(g.id == group_id for g in groups))
        return next((g for g in found if g.id == group_id), None)

    def users_in(self, group_id: str) -> list[str]:
        """The ids of the users directly in group ``group_id``."""
        listed = self._users.listed()
        if listed is not None:
            return [u.id for u in listed if group_id in (u.group_ids or ())]
        return self._ids(f"/groups/{_quoted(group_id)}/users", {"fields": "id"})

    def groups_in(self, group_id: str) -> list[str]:
        """The ids of the groups directly in group ``group_id``."""
        return [g.id for g in self._groups.lookup() if group_id in (g.parent_group_ids or ())]

    def users_with(self, role_id: str) -> list[str]:
        """The ids of the users that hold role ``role_id`` themselves (not through a group)."""
        listed = self._users.listed()
        if listed is not None:
            return [u.id for u in listed if role_id in (u.role_ids or ())]
        query = {"fields": "id", "direct_association_only": "true"}
        return self._ids(f"/roles/{_quoted(role_id)}/users", query)

    def groups_with(self, role_id: str) -> list[str]:
        """The ids of the groups that grant role ``role_id``."""
        return [g.id for g in self._groups.lookup() if role_id in (g.role_ids or ())]

    def me(self) -> models.User:
        """The user this client signs in as, with its own roles and groups (``GET /user``,
        once per client)."""
        with self._me_lock:
            if self._me is None:
                data = self._api.request("GET", "/user?fields=id,role_ids,group_ids")
                self._me = models.from_api(models.User, {**data, "id": str(data["id"])})
            return self._me

    # --- writing ---------------------------------------------------------------------------

    def add_user(self, group_id: str, user_id: str) -> None:
        """``POST /groups/{group_id}/users``."""
        path = f"/groups/{_quoted(group_id)}/users"
        self._api.request("POST", path, json={"user_id": user_id})
        self._users.regroup(user_id, joined=group_id)

    def remove_user(self, group_id: str, user_id: str) -> None:
        """``DELETE /groups/{group_id}/users/{user_id}``."""
        self._api.request("DELETE", f"/groups/{_quoted(group_id)}/users/{_quoted(user_id)}")
        self._users.regroup(user_id, left=group_id)

    def add_group(self, group_id: str, member_id: str) -> None:
        """``POST /groups/{group_id}/groups``: group ``member_id`` is in ``group_id``."""
        path = f"/groups/{_quoted(group_id)}/groups"
        self._api.request("POST", path, json={"group_id": member_id})

    def remove_group(self, group_id: str, member_id: str) -> None:
        """``DELETE /groups/{group_id}/groups/{deleting_group_id}``."""
        self._api.request("DELETE", f"/groups/{_quoted(group_id)}/groups/{_quoted(member_id)}")

    def set_role_groups(self, role_id: str, group_ids: Sequence[str]) -> None:
        """``PUT /roles/{role_id}/groups``: exactly ``group_ids`` grant the role."""
        self._api.request(
            "PUT", f"/roles/{_quoted(role_id)}/groups?fields=id", json=list(group_ids)
        )

    def set_role_users(self, role_id: str, user_ids: Sequence[str]) -> None:
        """``PUT /roles/{role_id}/users``: exactly ``user_ids`` hold the role themselves."""
        self._api.request("PUT", f"/roles/{_quoted(role_id)}/users?fields=id", json=list(user_ids))
        self._users.reassign(role_id, set(user_ids))

    # --- inside ----------------------------------------------------------------------------

    def _list_groups(self) -> list[models.GroupHierarchy]:
        groups: list[models.GroupHierarchy] = []
        for page in Pages(self._page):
            groups += page
        return groups

    def _page(self, limit: int, offset: int) -> list[models.GroupHierarchy]:
        query = urlencode(
            {"fields": HIERARCHY_FIELDS, "sorts": "id", "limit": limit, "offset": offset}
        )
        data = self._api.request("GET", f"/groups/search/with_hierarchy?{query}")
        return [models.from_api(models.GroupHierarchy, g) for g in data]

    def _ids(self, path: str, query: dict[str, str]) -> list[str]:
        ids: list[str] = []
        for page in Pages(lambda limit, offset: self._id_page(path, query, limit, offset)):
            ids += page
        return ids

    def _id_page(self, path: str, query: dict[str, str], limit: int, offset: int) -> list[str]:
        data = self._api.request(
            "GET", f"{path}?{urlencode({**query, 'limit': limit, 'offset': offset})}"
        )
        return [str(item["id"]) for item in data]


def _quoted(segment: str) -> str:
    return quote(str(segment), safe="")
