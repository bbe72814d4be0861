"""The values of user attributes: those groups and users are given, and the one each user
gets.

Traced to Looker's API description (``tests/spec/looker-4.0.json``; each handler names its
``operationId``): a user's value "is searched for in the following locations, in this order":
the user's own, the groups the user is in ("the group with the lowest rank wins"), the
attribute's default (``user_attribute_user_values``); "the value of all hidden user attributes
will be blank": ``value`` is null wherever the attribute has ``value_is_hidden``.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pulumi_looker.models import FieldRule

from .access import GROUPS, USER_ATTRIBUTES
from .answers import (
    LookerHttpError,
    json_answer,
    json_body,
    object_body,
    validated,
    validation_detail,
    validation_failed,
)
from .collections import API
from .people import PeopleApi
from .state import Record, User

#: The body of a value's write: its ``value`` (``UserAttributeWithValue``'s one writable field,
#: and what looker-sdk sends of a ``UserAttributeGroupValue``).
_VALUE = {"value": FieldRule(str, writable=True)}

#: One place on a user's search path: the value, where it comes from (``user``, ``group``,
#: ``default``; None: unset) and its rank (a group value's; None elsewhere).
Found = tuple[str | None, str | None, int | None]


def group_value(attribute: Record, value: Record) -> Record:
    """``UserAttributeGroupValue``: a group's value of ``attribute``."""
    hidden = bool(attribute.get("value_is_hidden"))
    return {
        "can": {"show": True, "index": True},
        "id": f"{attribute['id']}-{value['group_id']}",
        "group_id": value["group_id"],
        "user_attribute_id": attribute["id"],
        "value_is_hidden": hidden,
        "rank": value["rank"],
        "value": None if hidden else value["value"],
    }


def _with_value(attribute: Record, user: User, found: Found) -> Record:
    """``UserAttributeWithValue``: the value ``user`` gets of ``attribute`` from ``found``."""
    value, source, rank = found
    hidden = bool(attribute.get("value_is_hidden"))
    return {
        "can": {"show": True, "index": True, "set_value": True},
        "name": attribute["name"],
        "label": attribute["label"],
        "rank": rank,
        "value": None if hidden else value,
        "user_id": user.id,
        "user_can_edit": bool(attribute.get("user_can_edit")),
        "value_is_hidden": hidden,
        "user_attribute_id": attribute["id"],
        "source": source,
        "hidden_value_domain_whitelist": attribute.get("hidden_value_domain_whitelist"),
    }


class AttributeValuesApi:
    """The routes of attribute values, for groups and for users (``people`` finds them)."""

    def __init__(self, people: PeopleApi) -> None:
        self.api = people.api
        self.store = people.store
        self.people = people

    def routes(self) -> list[Route]:
        value = "attribute_values/{user_attribute_id}"
        paths = (
            ("/user_attributes/{object_id}/group_values", "GET POST", self.group_values),
            (f"/groups/{{group_id}}/{value}", "PATCH DELETE", self.of_group),
            ("/users/{user_id}/attribute_values", "GET", self.user_values),
            (f"/users/{{user_id}}/{value}", "PATCH DELETE", self.of_user),
        )
        return [self.api.route(f"{API}{p}", handler, m.split()) for p, m, handler in paths]

    def _attribute(self, request: Request) -> Record:
        return self.api.record(USER_ATTRIBUTES, request.path_params["user_attribute_id"])

    def search_path(self, user: User, attribute: Record) -> list[Found]:
        """Every value ``user`` has of ``attribute``, in the order Looker looks for one."""
        path: list[Found] = []
        if attribute["id"] in user.attribute_values:
            path.append((user.attribute_values[attribute["id"]], "user", None))
        groups = set(self.store.ancestors(self.store.group_ids_of(user)))
        by_rank = sorted(attribute.get("group_values") or [], key=lambda v: v["rank"])
        path += [(v["value"], "group", v["rank"]) for v in by_rank if v["group_id"] in groups]
        if attribute.get("default_value") is not None:
            path.append((attribute["default_value"], "default", None))
        return path

    # --- groups ----------------------------------------------------------------------------

    async def group_values(self, request: Request, caller: User) -> Response:
        """``GET``/``POST /user_attributes/{user_attribute_id}/group_values``
        (``all_user_attribute_group_values``, ``set_user_attribute_group_values``): the values
        groups give the attribute, in priority order; a POST replaces them all, in the order
        of its array, or by ``rank`` when every value has one (the description's text)."""
        attribute = self.api.record(USER_ATTRIBUTES, request.path_params["object_id"])
        if request.method == "POST":
            body = await json_body(request, b"null")
            if not isinstance(body, list) or not all(isinstance(v, dict) for v in body):
                raise LookerHttpError(400, "Request body must be an array of group values")
            groups = self.store.objects["groups"]
            errors = [
                validation_detail("group_id", "invalid", f"no group {v.get('group_id')}")
                for v in body
                if v.get("group_id") not in groups
            ]
            if errors:
                raise validation_failed(errors)
            if all(isinstance(v.get("rank"), int) for v in body):
                body = sorted(body, key=lambda v: v["rank"])
            values = [
                {"group_id": v["group_id"], "value": v.get("value"), "rank": rank}
                for rank, v in enumerate(body, start=1)
            ]
            self.store.update_object("user_attributes", attribute["id"], {"group_values": values})
        answer = [group_value(attribute, v) for v in attribute.get("group_values") or []]
        return json_answer(answer, request)

    async def of_group(self, request: Request, caller: User) -> Response:
        """``PATCH /groups/{group_id}/attribute_values/{user_attribute_id}``
        (``update_user_attribute_group_value``): the group's value becomes the body's
        ``value``, keeping its rank, or is added after the others; the ``UserAttributeGroupValue``
        answered. ``DELETE`` (``delete_user_attribute_group_value``): 204, the value unset."""
        group = self.api.record(GROUPS, request.path_params["group_id"])
        attribute = self._attribute(request)
        values = [v for v in attribute.get("group_values") or [] if v["group_id"] != group["id"]]
        if request.method == "DELETE":
            self.store.update_object("user_attributes", attribute["id"], {"group_values": values})
            return Response(status_code=204)
        value = await self._value(request)
        if value is None:
            detail = validation_detail("value", "missing_field", "value is required")
            raise validation_failed([detail])
        held = [v for v in attribute.get("group_values") or [] if v["group_id"] == group["id"]]
        rank = held[0]["rank"] if held else max((v["rank"] for v in values), default=0) + 1
        changed = {"group_id": group["id"], "value": value, "rank": rank}
        ordered = sorted([*values, changed], key=lambda v: v["rank"])
        self.store.update_object("user_attributes", attribute["id"], {"group_values": ordered})
        return json_answer(group_value(attribute, changed), request)

    @staticmethod
    async def _value(request: Request) -> str | None:
        """The ``value`` of a write's body (a string, or null)."""
        return validated(_VALUE, await object_body(request)).get("value")

    # --- users -----------------------------------------------------------------------------

    async def user_values(self, request: Request, caller: User) -> Response:
        """``GET /users/{user_id}/attribute_values`` (``user_attribute_user_values``): for
        each attribute (those of ``user_attribute_ids`` if given, in id order), the value the
        user gets, or (``all_values=true``) every value on its search path; an attribute with
        none is left out unless ``include_unset=true`` (then a record with no value)."""
        user = self.people.found(request.path_params["user_id"])
        query = request.query_params
        attributes = self.api.records(USER_ATTRIBUTES)
        if query.get("user_attribute_ids"):
            wanted = {i.strip() for i in query["user_attribute_ids"].split(",")}
            attributes = [a for a in attributes if a["id"] in wanted]
        answer = []
        for attribute in attributes:
            path = self.search_path(user, attribute)
            if not path and query.get("include_unset") == "true":
                path = [(None, None, None)]
            shown = path if query.get("all_values") == "true" else path[:1]
            answer += [_with_value(attribute, user, found) for found in shown]
        return json_answer(answer, request)

    async def of_user(self, request: Request, caller: User) -> Response:
        """``PATCH /users/{user_id}/attribute_values/{user_attribute_id}``
        (``set_user_attribute_user_value``): the user's own value becomes the body's
        ``value`` (null: unset), which takes precedence over its groups' and the default; the
        value the user now gets answered. ``DELETE`` (``delete_user_attribute_user_value``):
        204, the user's own value unset."""
        user = self.people.found(request.path_params["user_id"])
        attribute = self._attribute(request)
        value = None if request.method == "DELETE" else await self._value(request)
        if value is None:
            user.attribute_values.pop(attribute["id"], None)
        else:
            user.attribute_values[attribute["id"]] = value
        self.store.save()
        if request.method == "DELETE":
            return Response(status_code=204)
        found = (self.search_path(user, attribute) or [(None, None, None)])[0]
        return json_answer(_with_value(attribute, user, found), request)
