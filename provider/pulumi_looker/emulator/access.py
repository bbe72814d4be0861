"""Who may do what in the emulated Looker: permission sets, model sets, roles, groups and user
attributes, each a collection declared with Looker's rules beside it, and the routes that
relate them (a user's roles, a role's groups and users, a group's members), which only they
have (attribute values: ``attribute_values.py``).

Refusals traced to Looker's API description (``tests/spec/looker-4.0.json``): the ``PATCH`` and
``DELETE`` of a permission set, model set or role list ``405`` and a group's list ``403``, so
a built-in object answers 405 and an ``externally_managed`` group 403; ``PUT
/roles/{role_id}/groups`` answers what Looker told devoteamgcloud/terraform-provider-looker
#91: a 422 on ``groups``, "cannot modify roles for group 'SAML group A'".
"""

from __future__ import annotations

import re
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pulumi_looker import models

from .answers import (
    GOOGLE_CLOUD_CORE_REFUSAL,
    LookerHttpError,
    id_list_body,
    json_answer,
    object_body,
    page,
    validation_detail,
    validation_failed,
)
from .collections import API, Check, Collection, Collections, Detail, Rules, base_url, no_errors
from .defaults import NEW_OBJECT_DEFAULTS, PERMISSION_NAMES, PERMISSIONS
from .people import PeopleApi
from .state import Record, Store, User

#: The types of a user attribute, as the API description's ``UserAttribute.type`` lists them.
USER_ATTRIBUTE_TYPES = (
    "string",
    "number",
    "datetime",
    "yesno",
    "zipcode",
    "advanced_filter_string",
    "advanced_filter_number",
)
_ATTRIBUTE_NAME = re.compile(r"^[a-z0-9_]+$")


def _built_in(label: str) -> Callable[[Record, str], LookerHttpError | None]:
    """Looker's own objects (``built_in``) cannot change: 405 (see the module's text)."""

    def refuse(record: Record, method: str) -> LookerHttpError | None:
        if not record.get("built_in"):
            return None
        return LookerHttpError(405, f"The built-in {label} {record['name']!r} cannot be changed")

    return refuse


def _known_permissions(store: Store, record: Record | None, changes: Record) -> list[Detail]:
    """A permission set's permissions must be Looker's (``GET /permissions``)."""
    return [
        validation_detail("permissions", "invalid", f"unknown permission {name!r}")
        for name in changes.get("permissions") or []
        if name not in PERMISSION_NAMES
    ]


def _set_of(model: type, label: str, contents: str, check: Check = no_errors) -> Collection:
    """A collection of named sets of ``contents`` that Looker's own (``built_in``) keep as
    they are, searched by every field."""
    key = f"{label.replace(' ', '_')}s"
    return Collection(
        model,
        f"/{key}",
        label,
        defaults=NEW_OBJECT_DEFAULTS[key],
        search={k: k for k in ("id", "name", "all_access", "built_in", contents)},
        rules=Rules(check=check, refuse=_built_in(label)),
    )


PERMISSION_SETS = _set_of(models.PermissionSet, "permission set", "permissions", _known_permissions)
MODEL_SETS = _set_of(models.ModelSet, "model set", "models")


def _role_sets(store: Store, record: Record | None, changes: Record) -> list[Detail]:
    """A role's permission set and model set must exist."""
    return [
        validation_detail(field, "invalid", f"no {key[:-1].replace('_', ' ')} {changes[field]}")
        for field, key in (("permission_set_id", "permission_sets"), ("model_set_id", "model_sets"))
        if changes.get(field) is not None and changes[field] not in store.objects[key]
    ]


def _role_extra(api: Collections, record: Record, base: str, caller: User) -> Record:
    """``Role`` carries its permission set and model set whole, and where its users are."""
    extra: Record = {"users_url": f"{base}/roles/{record['id']}/users"}
    for name, collection in (("permission_set", PERMISSION_SETS), ("model_set", MODEL_SETS)):
        held = api.store.objects[collection.key].get(record.get(f"{name}_id") or "")
        extra[name] = None if held is None else api.served(collection, held, base, caller)
    return extra


def _role_deleted(store: Store, role_id: str) -> None:
    """A role deleted leaves every user and group that had it."""
    for user in store.users.values():
        user.role_ids = [r for r in user.role_ids if r != role_id]
    for group in store.objects["groups"].values():
        group["role_ids"] = [r for r in group.get("role_ids") or [] if r != role_id]


ROLES = Collection(
    models.Role,
    "/roles",
    "role",
    defaults=NEW_OBJECT_DEFAULTS["roles"],
    search={
        "id": "id",
        "name": "name",
        "built_in": "built_in",
        "permission_set_ids": "permission_set_id",
        "model_set_ids": "model_set_id",
    },
    ids=True,
    rules=Rules(
        check=_role_sets, refuse=_built_in("role"), extra=_role_extra, deleted=_role_deleted
    ),
)


def _members(store: Store, group: Record) -> list[User]:
    """The users directly in ``group``: everyone for a group that holds every user."""
    users = store.users_in_order()
    if group["include_by_default"]:
        return users
    return [u for u in users if group["id"] in u.group_ids]


def _group_refusal(record: Record, method: str) -> LookerHttpError | None:
    """A group SAML, OIDC or LDAP manages cannot change; the group of every user cannot go."""
    if record.get("externally_managed"):
        return LookerHttpError(403, f"Group {record['name']!r} is managed externally")
    if method == "DELETE" and record.get("include_by_default"):
        return LookerHttpError(403, f"Group {record['name']!r} holds every user")
    return None


def _group_extra(api: Collections, record: Record, base: str, caller: User) -> Record:
    members = _members(api.store, record)
    return {"user_count": len(members), "contains_current_user": caller in members}


def _group_deleted(store: Store, group_id: str) -> None:
    """A group deleted leaves its members, the groups it was in, and attribute values."""
    for user in store.users.values():
        user.group_ids = [g for g in user.group_ids if g != group_id]
    for group in store.objects["groups"].values():
        group["parent_group_ids"] = [g for g in group["parent_group_ids"] if g != group_id]
    for attribute in store.objects["user_attributes"].values():
        values = attribute.get("group_values") or []
        attribute["group_values"] = [v for v in values if v["group_id"] != group_id]


GROUPS = Collection(
    models.Group,
    "/groups",
    "group",
    defaults=NEW_OBJECT_DEFAULTS["groups"],
    search={k: k for k in ("id", "name", "external_group_id", "externally_managed")},
    ids=True,
    paged=True,
    rules=Rules(refuse=_group_refusal, extra=_group_extra, deleted=_group_deleted),
)


def _attribute_values(store: Store, record: Record | None, changes: Record) -> list[Detail]:
    """A type the API description does not list, or a name that is not lowercase letters,
    digits and ``_`` (as Looker's admin page asks), is refused."""
    errors = []
    if changes.get("type") and changes["type"] not in USER_ATTRIBUTE_TYPES:
        message = f"type must be one of {', '.join(USER_ATTRIBUTE_TYPES)}"
        errors.append(validation_detail("type", "invalid", message))
    if changes.get("name") and not _ATTRIBUTE_NAME.match(changes["name"]):
        message = "name may contain only lowercase letters, digits and underscores"
        errors.append(validation_detail("name", "invalid", message))
    return errors


def _attribute_deleted(store: Store, attribute_id: str) -> None:
    """An attribute deleted leaves every user's values (its groups' go with its record)."""
    for user in store.users.values():
        user.attribute_values.pop(attribute_id, None)


def _permanent(record: Record, method: str) -> LookerHttpError | None:
    """A permanent (system) attribute cannot be deleted: 400."""
    if method == "DELETE" and record.get("is_permanent"):
        return LookerHttpError(400, f"User attribute {record['name']} is permanent")
    return None


USER_ATTRIBUTES = Collection(
    models.UserAttribute,
    "/user_attributes",
    "user attribute",
    required=("name", "label", "type"),
    defaults=NEW_OBJECT_DEFAULTS["user_attributes"],
    rules=Rules(check=_attribute_values, refuse=_permanent, deleted=_attribute_deleted),
)

#: Every collection declared above, in the order of their declarations (their routes' order).
COLLECTIONS = tuple(v for v in tuple(globals().values()) if isinstance(v, Collection))


class AccessApi:
    """The routes that relate users, roles and groups; ``people`` finds and answers users;
    ``google_cloud_core``: the instance is Looker (Google Cloud core), which may deny ``PUT
    /roles/{role_id}/groups`` (the API description says so)."""

    def __init__(self, people: PeopleApi, *, google_cloud_core: bool = False) -> None:
        self.api = people.api
        self.store = people.store
        self.people = people
        self.google_cloud_core = google_cloud_core

    def routes(self) -> list[Route]:
        paths = (
            ("/permissions", "GET", self.permissions),
            ("/users/{user_id}/roles", "GET PUT", self.user_roles),
            ("/roles/{object_id}/groups", "GET PUT", self.role_groups),
            ("/roles/{object_id}/users", "GET PUT", self.role_users),
            ("/groups/search/with_hierarchy", "GET", self.hierarchy),
            ("/groups/{object_id}/users", "GET POST", self.members),
            ("/groups/{object_id}/users/{user_id}", "DELETE", self.remove_member),
            ("/groups/{object_id}/groups", "GET POST", self.subgroups),
            ("/groups/{object_id}/groups/{deleting_group_id}", "DELETE", self.remove_subgroup),
        )
        own = [self.api.route(f"{API}{p}", handler, m.split()) for p, m, handler in paths]
        return [*own, *(r for c in COLLECTIONS for r in self.api.routes(c))]

    def _users(self, users: list[User], request: Request) -> Response:
        return json_answer([self.people.public_user(u, request) for u in users], request)

    async def permissions(self, request: Request, caller: User) -> Response:
        """``GET /permissions``: every permission Looker has, with the one it depends on."""
        answer = [
            {
                "can": {"show": True, "index": True},
                "permission": name,
                "parent": parent,
                "description": description,
            }
            for name, parent, description in PERMISSIONS
        ]
        return json_answer(answer, request)

    # --- roles -----------------------------------------------------------------------------

    def _roles(self, role_ids: list[str], request: Request, caller: User) -> Response:
        roles = self.store.objects["roles"]
        held = [roles[i] for i in role_ids if i in roles]
        return self.api.serve(ROLES, held, request, caller)

    async def user_roles(self, request: Request, caller: User) -> Response:
        """``GET``/``PUT /users/{user_id}/roles``: a user's roles (with its groups' unless
        ``direct_association_only``); a PUT gives it exactly the roles of its body (an array
        of role ids)."""
        user = self.people.found(request.path_params["user_id"])
        if request.method == "PUT":
            body = await id_list_body(request, "role")
            unknown = [i for i in body if i not in self.store.objects["roles"]]
            if unknown:
                detail = validation_detail("role_ids", "invalid", f"no role {unknown[0]}")
                raise validation_failed([detail])
            self.store.update_user(user.id, {"role_ids": body})
        direct = request.query_params.get("direct_association_only") == "true"
        return self._roles(self.store.role_ids_of(user, direct_only=direct), request, caller)

    async def role_groups(self, request: Request, caller: User) -> Response:
        """``GET``/``PUT /roles/{role_id}/groups``: the groups with the role; a PUT replaces
        them all, and fails naming each ``externally_managed`` group it would add or remove
        (devoteam #91; see the module's text)."""
        role = self.api.record(ROLES, request.path_params["object_id"])
        groups = self.store.objects["groups"]
        if request.method == "PUT":
            if self.google_cloud_core:
                raise LookerHttpError(403, GOOGLE_CLOUD_CORE_REFUSAL)
            wanted = await id_list_body(request, "group")
            errors = [
                validation_detail("groups", "invalid", f"no group {i}")
                for i in wanted
                if i not in groups
            ]
            current = {g["id"] for g in groups.values() if role["id"] in g["role_ids"]}
            changed = current.symmetric_difference(wanted)
            errors += [
                validation_detail(
                    "groups", "invalid", f"cannot modify roles for group {groups[i]['name']!r}"
                )
                for i in sorted(changed & set(groups))
                if groups[i].get("externally_managed")
            ]
            if errors:
                raise validation_failed(errors)
            for group in groups.values():
                others = [r for r in group["role_ids"] if r != role["id"]]
                group["role_ids"] = [*others, role["id"]] if group["id"] in wanted else others
            self.store.save()
        held = [g for g in self.api.records(GROUPS) if role["id"] in g["role_ids"]]
        return self.api.serve(GROUPS, held, request, caller)

    async def role_users(self, request: Request, caller: User) -> Response:
        """``GET``/``PUT /roles/{role_id}/users``: the users with the role (through their
        groups too, unless ``direct_association_only``); a PUT gives it directly to exactly
        the users of its body."""
        role_id = self.api.record(ROLES, request.path_params["object_id"])["id"]
        if request.method == "PUT":
            wanted = await id_list_body(request, "user")
            unknown = [i for i in wanted if i not in self.store.users]
            if unknown:
                raise validation_failed(
                    [validation_detail("users", "invalid", f"no user {unknown[0]}")]
                )
            for user in self.store.users.values():
                others = [r for r in user.role_ids if r != role_id]
                user.role_ids = [*others, role_id] if user.id in wanted else others
            self.store.save()
        direct = request.query_params.get("direct_association_only") == "true"
        held = [
            u
            for u in self.store.users_in_order()
            if role_id in self.store.role_ids_of(u, direct_only=direct)
        ]
        return self._users(held, request)

    # --- groups ----------------------------------------------------------------------------

    async def hierarchy(self, request: Request, caller: User) -> Response:
        """``GET /groups/search/with_hierarchy``: the search, each group with the groups it is
        in and its roles (``GroupHierarchy``)."""
        base = base_url(request)
        answer = [
            {
                **self.api.served(GROUPS, g, base, caller),
                "parent_group_ids": list(g["parent_group_ids"]),
                "role_ids": list(g["role_ids"]),
            }
            for g in self.api.found(GROUPS, request)
        ]
        return json_answer(answer, request)

    def _writable_group(self, request: Request) -> Record:
        """The group of the path, if its members may change: not one SAML, OIDC or LDAP
        manages, nor the group of every user (403, as the member routes answer)."""
        group = self.api.record(GROUPS, request.path_params["object_id"])
        if group.get("externally_managed") or group.get("include_by_default"):
            raise LookerHttpError(
                403, f"The members of group {group['name']!r} cannot be changed here"
            )
        return group

    async def _member_id(self, request: Request, field: str) -> str:
        body = await object_body(request)
        if not isinstance(body.get(field), str):
            raise validation_failed(
                [validation_detail(field, "missing_field", f"{field} is required")]
            )
        return str(body[field])

    async def members(self, request: Request, caller: User) -> Response:
        """``GET /groups/{group_id}/users``: the users directly in the group, paged; ``POST``
        ``{"user_id": ...}``: the user, now in it."""
        if request.method == "GET":
            group = self.api.record(GROUPS, request.path_params["object_id"])
            return self._users(page(_members(self.store, group), request.query_params), request)
        group = self._writable_group(request)
        user = self.people.found(await self._member_id(request, "user_id"))
        if group["id"] not in user.group_ids:
            self.store.update_user(user.id, {"group_ids": [*user.group_ids, group["id"]]})
        return json_answer(self.people.public_user(user, request), request)

    async def remove_member(self, request: Request, caller: User) -> Response:
        """``DELETE /groups/{group_id}/users/{user_id}``: 204."""
        group = self._writable_group(request)
        user = self.people.found(request.path_params["user_id"])
        self.store.update_user(
            user.id, {"group_ids": [g for g in user.group_ids if g != group["id"]]}
        )
        return Response(status_code=204)

    async def subgroups(self, request: Request, caller: User) -> Response:
        """``GET /groups/{group_id}/groups``: the groups in the group; ``POST`` ``{"group_id":
        ...}``: the group added, now in it (a group cannot end up inside itself, nor inside a
        group it holds: 422)."""
        if request.method == "GET":
            group = self.api.record(GROUPS, request.path_params["object_id"])
            held = [g for g in self.api.records(GROUPS) if group["id"] in g["parent_group_ids"]]
            return self.api.serve(GROUPS, held, request, caller)
        group = self._writable_group(request)
        member = self.api.record(GROUPS, await self._member_id(request, "group_id"))
        if member["id"] in self.store.ancestors([group["id"]]):
            detail = validation_detail("group_id", "invalid", "a group cannot be inside itself")
            raise validation_failed([detail])
        if group["id"] not in member["parent_group_ids"]:
            parents = [*member["parent_group_ids"], group["id"]]
            self.store.update_object("groups", member["id"], {"parent_group_ids": parents})
        return json_answer(self.api.served(GROUPS, member, base_url(request), caller), request)

    async def remove_subgroup(self, request: Request, caller: User) -> Response:
        """``DELETE /groups/{group_id}/groups/{deleting_group_id}``: 204."""
        group = self._writable_group(request)
        member = self.api.record(GROUPS, request.path_params["deleting_group_id"])
        parents = [g for g in member["parent_group_ids"] if g != group["id"]]
        self.store.update_object("groups", member["id"], {"parent_group_ids": parents})
        return Response(status_code=204)
