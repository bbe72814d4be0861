"""``UserAttribute``: a named value every user has (a default, a group's, or the user's own), and
its values for groups (``UserAttributeGroupValues``) and for one user (``UserAttributeUserValue``).

An attribute's ``hidden_value_domain_whitelist`` cannot change once set (Looker's docs: it is
fixed when the attribute is hidden), so a new one replaces the attribute. Its values are
secrets in Pulumi's state, whatever they hold: a hidden attribute's values are what
connections are made with, and Looker never answers them (a refresh keeps the state's).

Reading costs: the attributes come from one listing a process; each attribute's group values
from one ``GET /user_attributes/{id}/group_values`` (Looker has no listing of every attribute's
values); a user's value from one ``GET /users/{id}/attribute_values`` per user, for all its
attributes at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pulumi_looker import models, ownership
from pulumi_looker.errors import InvalidIdError, NotInLookerError, SettingsError

from .collection import Rules, collection_kind
from .common import (
    ID,
    Checked,
    Connections,
    Created,
    Diff,
    Failure,
    Found,
    as_id,
    check_id,
    check_kind,
    check_names,
    check_profile,
    is_unknown,
    set_inputs,
)
from .kind import PROFILE, STR, ConfigSection, Kind, Link, option, snake_case

if TYPE_CHECKING:
    from pulumi_looker.client import LookerClient

#: The types the API description lists for an attribute.
TYPES = (
    "string",
    "number",
    "datetime",
    "relative_url",
    "yesno",
    "zipcode",
    "advanced_filter_string",
    "advanced_filter_number",
    "advanced_filter_datetime",
)


def system(live: Any) -> str | None:
    """Looker's own attributes (``email``, ``first_name``...) never change, nor does the one
    where pulumi-looker records which stack manages each setting."""
    if getattr(live, "name", None) == ownership.OWNERS_ATTRIBUTE:
        return "is pulumi-looker's record of the stack managing each setting"
    if getattr(live, "is_system", False):
        return "is Looker's own (is_system): Looker keeps it as it is"
    return None


def known_type(
    client: LookerClient, olds: Mapping[str, Any], inputs: Mapping[str, Any]
) -> list[Failure]:
    kind = inputs.get("type")
    if isinstance(kind, str) and kind not in TYPES:
        return [("type", f"type must be one of {', '.join(TYPES)}, got {kind!r}")]
    return []


USER_ATTRIBUTE = collection_kind(
    Rules(
        models.USER_ATTRIBUTES,
        required=("name", "label", "type"),
        validate=known_type,
        locked=system,
        replaced_by=("hidden_value_domain_whitelist",),
    ),
    name="UserAttribute",
    description="A Looker user attribute: a named value each user has, from its groups or its own.",
    doc="""A Looker user attribute (``/api/4.0/user_attributes``): ``name`` (lowercase letters,
digits and ``_``), ``label``, ``type`` (``string``, ``number``, ``yesno``...), ``default_value``,
whether it is hidden (``value_is_hidden``, for secrets: then
``hidden_value_domain_whitelist`` names where its value may be sent, and a new one replaces the
attribute) and whether users may see and edit their own (``user_can_view``,
``user_can_edit``). ``default_value`` is a secret in the state.""",
    config_key="userAttributes",
    example={"name": "region", "label": "Region", "type": "string", "default_value": "eu"},
    secrets=("default_value",),
)


def _items(value: Any) -> list[dict[str, Any]] | None:
    """Group values as the logic takes them: ``group_id`` (or ``groupId``) and ``value``."""
    if value is None or is_unknown(value):
        return None
    return [
        {snake_case(k): (as_id(v) if snake_case(k) == "group_id" else v) for k, v in item.items()}
        for item in value
    ]


def _plain(values: list[models.UserAttributeGroupValue]) -> list[dict[str, Any]]:
    return [{"group_id": v.group_id, "value": v.value} for v in values]


class GroupValuesLogic:
    """The values groups give one attribute, in priority order (the first group a user is in
    wins), all set with one ``POST /user_attributes/{id}/group_values``."""

    def __init__(self, connections: Connections) -> None:
        self.connections = connections

    def check(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Checked:
        """Unknown names fail; ``user_attribute_id`` is required; ``values`` must be a list of
        ``{group_id, value}``, each group once. With them known and changed, and a connection,
        each group must exist (unchanged inputs cost no call)."""
        failures = check_names(news, USER_ATTRIBUTE_GROUP_VALUES.inputs)
        failures += check_id(
            "user_attribute_id", as_id(news.get("user_attribute_id")), required=True
        )
        failures += check_profile(news.get("profile"))
        values = news.get("values")
        items = None
        if values is not None and not is_unknown(values):
            if not isinstance(values, list) or not all(isinstance(v, dict) for v in values):
                failures.append(
                    (
                        "values",
                        "values must be a list of {group_id, value}, got a "
                        f"{type(values).__name__}",
                    )
                )
            else:
                items = _items(values)
                assert items is not None
                for index, item in enumerate(items):
                    extra = sorted(set(item) - {"group_id", "value"})
                    if extra or item.get("group_id") is None:
                        failures.append(
                            ("values", f"values[{index}] must have group_id and value only")
                        )
                groups = [i.get("group_id") for i in items if not is_unknown(i.get("group_id"))]
                twice = sorted({g for g in groups if groups.count(g) > 1 and g is not None})
                if twice:
                    failures.append(
                        ("values", f"values: group {', '.join(map(str, twice))} is given twice")
                    )
        inputs = set_inputs(news)
        inputs["user_attribute_id"] = as_id(news.get("user_attribute_id"))
        if items is not None:
            inputs["values"] = items
        if failures or items is None or is_unknown(news.get("profile")):
            return Checked(inputs, failures)
        if olds and all(inputs.get(n) == olds.get(n) for n in USER_ATTRIBUTE_GROUP_VALUES.inputs):
            return Checked(inputs, failures)  # unchanged: no call
        try:
            client = self.connections.client(news.get("profile"))
        except SettingsError:
            return Checked(inputs, failures)
        groups_known = client.access.groups()
        missing = [
            str(i["group_id"])
            for i in items
            if not is_unknown(i["group_id"]) and i["group_id"] not in groups_known
        ]
        if missing:
            failures.append(("values", f"values: Looker has no group {', '.join(missing)}"))
        return Checked(inputs, failures)

    def diff(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Diff:
        """Other values or another order than the state's is an update; another attribute or
        profile replaces it."""
        replaces = tuple(
            n for n in ("user_attribute_id", "profile") if as_id(news.get(n)) != as_id(olds.get(n))
        )
        values = news.get("values")
        updates = (
            ("values",)
            if values is not None and (is_unknown(values) or _items(values) != olds.get("values"))
            else ()
        )
        return Diff(updates=updates, replaces=replaces)

    def create(self, props: Mapping[str, Any]) -> Created:
        """One ``GET`` of the attribute's group values, then one ``POST`` of every value; none
        when Looker has them already, in that order (an adopted attribute, as
        ``pulumi-looker adopt`` declares it)."""
        client = self.connections.client(props.get("profile"))
        attribute_id = str(props["user_attribute_id"])
        live = client.user_attribute_group_values(attribute_id)
        if not any(v.value_is_hidden for v in live) and _plain(live) == _items(props.get("values")):
            outs = {"user_attribute_id": attribute_id, "values": _plain(live)}
            return Created(attribute_id, {**outs, "profile": props.get("profile")})
        return Created(attribute_id, self._write(props))

    def update(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
        return self._write(news)

    def _write(self, props: Mapping[str, Any]) -> dict[str, Any]:
        client = self.connections.client(props.get("profile"))
        attribute_id = str(props["user_attribute_id"])
        wanted = _items(props.get("values")) or []
        written = client.set_user_attribute_group_values(attribute_id, wanted)
        hidden = any(v.value_is_hidden for v in written)
        values = wanted if hidden else _plain(written)
        return {
            "user_attribute_id": attribute_id,
            "values": values,
            "profile": props.get("profile"),
        }

    def read(self, id_: str, props: Mapping[str, Any]) -> Found:
        """One ``GET`` of the attribute's group values: drift in groups and order (and values,
        but a hidden attribute's, which Looker never answers: the state's are kept)."""
        attribute_id = _attribute_id(id_)
        client = self.connections.client(props.get("profile"))
        importing = "user_attribute_id" not in props
        if client.objects(models.USER_ATTRIBUTES).get(attribute_id) is None:
            if importing:
                raise NotInLookerError(f"Looker has no user attribute {attribute_id}")
            return Found(None)
        live = client.user_attribute_group_values(attribute_id)
        last = {v["group_id"]: v.get("value") for v in props.get("values") or ()}
        values = [
            {
                "group_id": v.group_id,
                "value": last.get(v.group_id) if v.value_is_hidden else v.value,
            }
            for v in live
        ]
        outs = {
            "user_attribute_id": attribute_id,
            "values": values,
            "profile": props.get("profile"),
        }
        inputs = {k: v for k, v in outs.items() if v is not None}
        found_id = f"user_attribute_group_values/{attribute_id}" if importing else id_
        return Found(found_id, outs, inputs)

    def delete(self, props: Mapping[str, Any]) -> None:
        """One ``POST`` of no values: no group gives the attribute a value any more."""
        client = self.connections.client(props.get("profile"))
        attribute_id = str(props["user_attribute_id"])
        if client.objects(models.USER_ATTRIBUTES).get(attribute_id) is not None:
            client.set_user_attribute_group_values(attribute_id, [])


def _attribute_id(id_: str) -> str:
    attribute_id = id_.removeprefix("user_attribute_group_values/")
    if not ID.match(attribute_id):
        raise InvalidIdError(
            "a UserAttributeGroupValues' id is its attribute's Looker id, such as "
            f"'user_attribute_group_values/7' or '7', got {id_!r}"
        )
    return attribute_id


USER_ATTRIBUTE_GROUP_VALUES = Kind(
    name="UserAttributeGroupValues",
    description="The values groups give a Looker user attribute, in priority order.",
    doc="""The values groups give a user attribute (``/api/4.0/user_attributes/{id}/group_values``):
``values`` is a list of ``{"group_id": ..., "value": ...}``, first the one that wins for a
user in several of the groups. Every value is written in one call; groups left out give no
value. Values are secrets in the state. The id is the attribute's Looker id
(``user_attribute_group_values/ID`` when imported).""",
    logic=GroupValuesLogic,
    inputs={"user_attribute_id": STR, "values": option(list, items=dict), **PROFILE},
    outputs={},
    config=ConfigSection(
        "userAttributeGroupValues",
        links={
            "userAttribute": Link(
                "UserAttribute", "user_attribute_id", "user_attribute_id", ("user_attribute_id",)
            ),
            "group": Link("Group", "group_id", "group_id", ("group_id",), within="values"),
        },
    ),
    module="user_attribute_group_values",
    import_id="user_attribute_group_values/ID",
    required=("user_attribute_id",),
    replace_on_changes=("user_attribute_id",),
    secrets=("values",),
    example={"user_attribute_id": "1", "values": [{"group_id": "1", "value": "eu"}]},
)


class UserValueLogic:
    """One user's own value of one attribute (``/users/{user_id}/attribute_values/{id}``)."""

    def __init__(self, connections: Connections) -> None:
        self.connections = connections

    def check(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Checked:
        """Unknown names fail; ``user_id``, ``user_attribute_id`` and ``value`` are required."""
        failures = check_names(news, USER_ATTRIBUTE_USER_VALUE.inputs)
        for name in ("user_id", "user_attribute_id"):
            failures += check_id(name, as_id(news.get(name)), required=True)
        if news.get("value") is None:
            failures.append(("value", "value is required (a string): the user's own value"))
        failures += check_kind("value", news.get("value"), str)
        failures += check_profile(news.get("profile"))
        inputs = set_inputs(news)
        for name in ("user_id", "user_attribute_id"):
            inputs[name] = as_id(news.get(name))
        return Checked(inputs, failures)

    def diff(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Diff:
        replaces = tuple(
            n
            for n in ("user_id", "user_attribute_id", "profile")
            if as_id(news.get(n)) != as_id(olds.get(n))
        )
        value = news.get("value")
        updates = ("value",) if is_unknown(value) or value != olds.get("value") else ()
        return Diff(updates=updates, replaces=replaces)

    def create(self, props: Mapping[str, Any]) -> Created:
        """One ``GET`` of the user's value, then one ``PATCH``; none when the value is the
        user's own already (an adopted value)."""
        client = self.connections.client(props.get("profile"))
        user_id, attribute_id = str(props["user_id"]), str(props["user_attribute_id"])
        own = _own_value(client, user_id, attribute_id)
        if own is None or own.value_is_hidden or own.value != props["value"]:
            client.set_user_attribute_user_value(user_id, attribute_id, str(props["value"]))
        return Created(f"{user_id}/{attribute_id}", _user_value_outs(props))

    def update(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
        return self._write(news)

    def _write(self, props: Mapping[str, Any]) -> dict[str, Any]:
        client = self.connections.client(props.get("profile"))
        user_id, attribute_id = str(props["user_id"]), str(props["user_attribute_id"])
        client.set_user_attribute_user_value(user_id, attribute_id, str(props["value"]))
        return _user_value_outs(props)

    def read(self, id_: str, props: Mapping[str, Any]) -> Found:
        """One ``GET /users/{user_id}/attribute_values`` (Looker has no listing of every
        user's values): a value that no longer comes from the user is gone; a hidden one
        keeps the state's."""
        user_id, _, attribute_id = id_.removeprefix("user_attribute_user_value/").partition("/")
        if not (ID.match(user_id) and ID.match(attribute_id)):
            raise InvalidIdError(
                "a UserAttributeUserValue's id is 'USER_ID/ATTRIBUTE_ID', such as '42/7', "
                f"got {id_!r}"
            )
        client = self.connections.client(props.get("profile"))
        importing = "user_id" not in props
        found = _own_value(client, user_id, attribute_id)
        if found is None:
            if importing:
                raise NotInLookerError(
                    f"Looker user {user_id} has no value of its own for user attribute "
                    f"{attribute_id}"
                )
            return Found(None)
        value = props.get("value") if found.value_is_hidden else found.value
        outs = {
            "user_id": user_id,
            "user_attribute_id": attribute_id,
            "value": value,
            "profile": props.get("profile"),
        }
        inputs = {k: v for k, v in outs.items() if v is not None}
        return Found(
            f"user_attribute_user_value/{user_id}/{attribute_id}" if importing else id_,
            outs,
            inputs,
        )

    def delete(self, props: Mapping[str, Any]) -> None:
        """One ``DELETE``: the user gets its groups' value again, or the default."""
        client = self.connections.client(props.get("profile"))
        client.delete_user_attribute_user_value(
            str(props["user_id"]), str(props["user_attribute_id"])
        )


def _own_value(
    client: LookerClient, user_id: str, attribute_id: str
) -> models.UserAttributeWithValue | None:
    """The user's own value of the attribute (not its groups' or the default), from one
    ``GET /users/{user_id}/attribute_values``; None when it has none."""
    return next(
        (
            v
            for v in client.user_attribute_values(user_id, [attribute_id])
            if str(v.user_attribute_id) == attribute_id and v.source == "user"
        ),
        None,
    )


def _user_value_outs(props: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "user_id": str(props["user_id"]),
        "user_attribute_id": str(props["user_attribute_id"]),
        "value": props["value"],
        "profile": props.get("profile"),
    }


USER_ATTRIBUTE_USER_VALUE = Kind(
    name="UserAttributeUserValue",
    description="One Looker user's own value of a user attribute.",
    doc="""A user's own value of a user attribute (``/api/4.0/users/{user_id}/attribute_values``):
``user_id``, ``user_attribute_id`` and ``value`` (a secret in the state). Destroy removes it:
the user gets its groups' value again, or the default. The id is ``USER_ID/ATTRIBUTE_ID``
(``user_attribute_user_value/USER_ID/ATTRIBUTE_ID`` when imported).""",
    logic=UserValueLogic,
    inputs={"user_id": STR, "user_attribute_id": STR, "value": STR, **PROFILE},
    outputs={},
    config=ConfigSection(
        "userAttributeUserValues",
        links={
            "user": Link("User", "user_id", "user_id", ("user_id",)),
            "userAttribute": Link(
                "UserAttribute", "user_attribute_id", "user_attribute_id", ("user_attribute_id",)
            ),
        },
    ),
    module="user_attribute_user_value",
    import_id="user_attribute_user_value/USER_ID/ATTRIBUTE_ID",
    required=("user_id", "user_attribute_id", "value"),
    replace_on_changes=("user_id", "user_attribute_id"),
    secrets=("value",),
    example={"user_id": "1", "user_attribute_id": "1", "value": "eu"},
)
KINDS = (USER_ATTRIBUTE, USER_ATTRIBUTE_GROUP_VALUES, USER_ATTRIBUTE_USER_VALUE)
