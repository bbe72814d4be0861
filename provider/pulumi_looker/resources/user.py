"""``User``: a person who signs in to Looker, the address they sign in with, their own roles and
the groups they are directly in.

Reading costs nothing of its own: users come from the one listing of users a refresh reads
(with their names, email, roles and groups), and the groups that hold every user (``All
Users``, which no one can leave) are told apart with the listing of groups memberships read.

Destroying people is not the default: destroy **disables** the user (as ``ServiceAccount``
does); ``delete_on_destroy`` deletes it, which cannot be undone. The identity the stack signs in
as is never disabled, deleted or stripped of the Admin role through a plan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from pulumi_looker import models
from pulumi_looker.errors import (
    InvalidIdError,
    LockoutError,
    LookerError,
    NotInLookerError,
    SettingsError,
)

from . import lockout
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
from .kind import (
    BOOL,
    OUT_BOOL,
    OUT_STR,
    PROFILE,
    STR,
    ConfigSection,
    Export,
    Kind,
    Link,
    looker_fields,
    option,
)

if TYPE_CHECKING:
    from pulumi_looker.client import LookerClient

#: The person's fields Looker lets a client write.
PERSON = models.writable_fields(models.User)
#: The sets of ids a user has: its own roles, the groups it is directly in.
SETS = ("role_ids", "group_ids")
#: Options that change no call until destroy or create.
FLAGS = ("send_setup_email", "delete_on_destroy")
IMPORT_PREFIX = "user/"


def _same(left: Sequence[str] | None, right: Sequence[str] | None) -> bool:
    return sorted(left or ()) == sorted(right or ())


def _ids(value: Any) -> list[str] | None:
    return None if value is None or is_unknown(value) else [as_id(v) for v in value]


@attrs.frozen
class UserState:
    """What a ``User`` keeps in Pulumi's state: the user as Looker last answered (``person``,
    ``email``, its own ``role_ids``, the ``group_ids`` it is directly in but the groups of
    every user), whether it existed before the resource (``adopted``: destroy leaves it), the
    options and the profile."""

    person: models.User
    email: str | None
    role_ids: list[str]
    group_ids: list[str]
    adopted: bool = False
    send_setup_email: bool = False
    delete_on_destroy: bool = False
    profile: str | None = None

    @classmethod
    def from_props(cls, props: Mapping[str, Any]) -> UserState:
        return cls(
            person=models.from_api(models.User, {**props, "id": props["user_id"]}),
            email=props.get("email"),
            role_ids=list(props.get("role_ids") or ()),
            group_ids=list(props.get("group_ids") or ()),
            adopted=bool(props.get("adopted")),
            send_setup_email=bool(props.get("send_setup_email")),
            delete_on_destroy=bool(props.get("delete_on_destroy")),
            profile=props.get("profile"),
        )

    @property
    def id(self) -> str:
        return self.person.id

    def to_outs(self) -> dict[str, Any]:
        live = models.to_dict(self.person)
        return {
            "user_id": self.id,
            **{n: live[n] for n in PERSON},
            "email": self.email,
            "role_ids": self.role_ids,
            "group_ids": self.group_ids,
            "display_name": self.person.display_name,
            "send_setup_email": self.send_setup_email,
            "delete_on_destroy": self.delete_on_destroy,
            "adopted": self.adopted,
            "profile": self.profile,
        }

    def inputs(self) -> dict[str, Any]:
        """The inputs that would give this state."""
        live = models.to_dict(self.person)
        inputs = {
            **{n: live[n] for n in PERSON},
            "email": self.email,
            "role_ids": self.role_ids,
            "group_ids": self.group_ids,
            "user_id": self.id if self.adopted else None,
            "send_setup_email": self.send_setup_email or None,
            "delete_on_destroy": self.delete_on_destroy or None,
            "profile": self.profile,
        }
        return {k: v for k, v in inputs.items() if v is not None}


class UserLogic:
    """CRUD for ``/api/4.0/users[/{user_id}]``, the user's email credentials, roles (``PUT
    /users/{user_id}/roles``) and groups (``/groups/{group_id}/users``)."""

    def __init__(self, connections: Connections) -> None:
        self.connections = connections

    def check(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Checked:
        """Unknown names and values of the wrong type fail with no call; a new user needs an
        ``email`` (unless ``user_id`` adopts one). With the inputs known and a connection: the
        email must not be another user's, each role and group must exist, a group must take
        members (not one SAML, OIDC or LDAP manages, nor ``All Users``), and the plan must not
        take the Admin role from the stack's identity. Unchanged inputs cost no call."""
        failures = check_names(news, USER.inputs)
        user_id = as_id(news.get("user_id"))
        failures += check_id("user_id", user_id, required=False)
        known = {k: v for k, v in news.items() if not is_unknown(v)}
        failures += models.check_values(models.User, {n: known.get(n) for n in PERSON})
        email = news.get("email")
        failures += check_kind("email", email, str)
        if isinstance(email, str) and not is_unknown(email) and "@" not in email:
            failures.append(("email", f"email must be an email address, got {email!r}"))
        if user_id is None and email is None:
            failures.append(
                (
                    "email",
                    "email is required for a new user (the address they sign in with), or "
                    "user_id to adopt a user Looker has",
                )
            )
        for name in SETS:
            value = news.get(name)
            if (
                value is not None
                and not is_unknown(value)
                and not (
                    isinstance(value, list)
                    and all(
                        is_unknown(v) or (isinstance(as_id(v), str) and ID.match(as_id(v)))
                        for v in value
                    )
                )
            ):
                failures.append(
                    (name, f"{name} must be a list of Looker ids such as ['2'], got {value!r}")
                )
        for name in FLAGS:
            failures += check_kind(name, news.get(name), bool)
        failures += check_profile(news.get("profile"))
        inputs = set_inputs(news)
        if user_id is not None:
            inputs["user_id"] = user_id
        for name in SETS:
            if isinstance(inputs.get(name), list):
                inputs[name] = [as_id(v) for v in inputs[name]]
        if failures or is_unknown(news.get("profile")):
            return Checked(inputs, failures)
        if olds and all(inputs.get(n) == olds.get(n) for n in USER.inputs):
            # Nothing the program says changed; an update checks the lockout again before it
            # writes (drift a refresh found shows in its inputs, so not here).
            return Checked(inputs, failures)
        try:
            client = self.connections.client(news.get("profile"))
        except SettingsError:
            return Checked(inputs, failures)
        existing = user_id if user_id is not None else olds.get("user_id")
        return Checked(inputs, self._refusals(client, existing, inputs, olds.get("email")))

    def _refusals(
        self,
        client: LookerClient,
        user_id: str | None,
        news: Mapping[str, Any],
        had_email: str | None,
    ) -> list[Failure]:
        failures: list[Failure] = []
        email = news.get("email")
        if isinstance(email, str) and email.lower() != str(had_email or "").lower():
            holder = client.users.user_id_of(email)
            if holder is not None and holder != user_id:
                failures.append(("email", f"email: Looker user {holder} signs in with {email!r}"))
        role_ids = _ids(news.get("role_ids"))
        if role_ids is not None and not any(is_unknown(r) for r in news["role_ids"]):
            roles = client.objects(models.ROLES).listing()
            missing = [r for r in role_ids if r not in roles]
            if missing:
                names = ", ".join(f"{r.name} ({r.id})" for r in roles.values())
                failures.append(
                    (
                        "role_ids",
                        f"role_ids: Looker has no role {', '.join(missing)}; its roles: {names}",
                    )
                )
        group_ids = _ids(news.get("group_ids"))
        if group_ids is not None and not any(is_unknown(g) for g in news["group_ids"]):
            groups = client.access.groups()
            for group_id in group_ids:
                group = groups.get(group_id)
                if group is None:
                    failures.append(("group_ids", f"group_ids: Looker has no group {group_id}"))
                elif group.externally_managed or group.include_by_default:
                    why = (
                        "SAML, OIDC or LDAP manages it"
                        if group.externally_managed
                        else "every user is in it"
                    )
                    failures.append(
                        (
                            "group_ids",
                            f"group_ids: group {group_id} ({group.name!r}) takes no members "
                            f"({why}); leave it out",
                        )
                    )
        if failures or user_id is None:
            return failures
        live = client.users.user(user_id)
        if live is None:
            return failures
        state = self._state(client, live, UserState.from_props({"user_id": user_id}))
        removal = self._removal(state, news)
        if news.get("is_disabled") and client.access.me().id == user_id:
            failures.append(
                (
                    "is_disabled",
                    f"user {user_id} is the identity this stack signs in as: disabling it locks "
                    "the stack out",
                )
            )
        reason = lockout.refusal(client, removal)
        if reason:
            failures.append(("role_ids", f"user {user_id}: {reason}"))
        return failures

    @staticmethod
    def _removal(state: UserState, news: Mapping[str, Any]) -> lockout.Removal:
        roles, groups = _ids(news.get("role_ids")), _ids(news.get("group_ids"))
        return lockout.Removal(
            user_roles=frozenset(
                (state.id, r) for r in state.role_ids if roles is not None and r not in roles
            ),
            user_groups=frozenset(
                (state.id, g) for g in state.group_ids if groups is not None and g not in groups
            ),
        )

    def diff(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Diff:
        """A set field, email, role or group other than Looker's (a refresh puts drift in the
        state) is an update, and so are the options (no call); adopting another user (or a new
        one instead of an adopted one) or another profile replaces it."""
        updates = [
            n for n in (*PERSON, *FLAGS) if news.get(n) is not None and news.get(n) != olds.get(n)
        ]
        email = news.get("email")
        if email is not None and (
            is_unknown(email) or str(email).lower() != str(olds.get("email") or "").lower()
        ):
            updates.append("email")
        updates += [
            n
            for n in SETS
            if news.get(n) is not None
            and (
                is_unknown(news[n])
                or any(is_unknown(v) for v in news[n])
                or not _same(_ids(news[n]), olds.get(n))
            )
        ]
        wanted, had = as_id(news.get("user_id")), olds.get("user_id")
        replaces = []
        if (
            is_unknown(wanted)
            or (wanted is not None and wanted != had)
            or (wanted is None and olds.get("adopted"))
        ):
            replaces.append("user_id")
        if news.get("profile") != olds.get("profile"):
            replaces.append("profile")
        return Diff(updates=tuple(updates), replaces=tuple(replaces))

    def create(self, props: Mapping[str, Any]) -> Created:
        """Adopt (``user_id``): the user from the listing, then what differs written as an
        update writes it. New: ``POST /users``, ``POST`` its email credentials, ``PUT`` its
        roles and add it to its groups (one call each), and, asked, Looker's setup email. If a
        call after the first fails, the new user (it has no content yet) is deleted again; if
        that fails too, the error names the user left behind."""
        client = self.connections.client(props.get("profile"))
        options = {n: bool(props.get(n)) for n in FLAGS}
        if props.get("user_id") is not None:
            user_id = str(props["user_id"])
            live = client.users.user(user_id)
            if live is None or live.service_account is not None:
                raise NotInLookerError(
                    f"user_id {user_id!r}: Looker has no user {user_id} (a service account is "
                    "a ServiceAccount's); leave user_id unset to have Pulumi create one"
                )
            adopted = attrs.evolve(
                self._state(client, live, UserState.from_props({"user_id": user_id})),
                adopted=True,
                profile=props.get("profile"),
            )
            state = self._converge(client, adopted, props)
            return Created(state.id, state.to_outs())
        person = client.users.create_user(
            {n: props.get(n) for n in PERSON if props.get(n) is not None}
        )
        fresh = UserState(person, None, [], [], profile=props.get("profile"), **options)
        try:
            state = self._converge(client, fresh, props)
            if props.get("send_setup_email"):
                client.send_setup_email(state.id)
        except LookerError as error:
            self._discard(client, person, error)
            raise
        return Created(state.id, state.to_outs())

    @staticmethod
    def _discard(client: LookerClient, person: models.User, cause: Exception) -> None:
        try:
            client.users.delete_user(person.id)
        except LookerError as error:
            raise LookerError(
                f"setting up new user {person.id} failed ({cause}), and deleting it failed too "
                f"({error}): it is left in Looker, not in Pulumi's state; delete it in Admin > "
                "Users"
            ) from None

    def update(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
        """One ``PATCH`` when the person's fields differ from Looker's, one for the email,
        one ``PUT`` when the roles do, one call per group joined or left; the options call
        nothing."""
        state = UserState.from_props(olds)
        client = self.connections.client(news.get("profile"))
        return self._converge(client, state, news).to_outs()

    def _converge(
        self, client: LookerClient, state: UserState, news: Mapping[str, Any]
    ) -> UserState:
        reason = lockout.refusal(client, self._removal(state, news))
        if reason:
            raise LockoutError(f"user {state.id}: {reason}")
        live = models.to_dict(state.person)
        changes = {n: news[n] for n in PERSON if news.get(n) is not None and news[n] != live[n]}
        person = client.users.update_user(state.id, changes) if changes else state.person
        email = state.email
        wanted_email = news.get("email")
        if wanted_email is not None and str(wanted_email).lower() != str(email or "").lower():
            email = client.set_credentials_email(state.id, wanted_email, create=email is None).email
        role_ids = state.role_ids
        wanted_roles = _ids(news.get("role_ids"))
        if wanted_roles is not None and not _same(wanted_roles, role_ids):
            role_ids = [r.id for r in client.set_user_roles(state.id, wanted_roles)]
        group_ids = state.group_ids
        wanted_groups = _ids(news.get("group_ids"))
        if wanted_groups is not None:
            for group_id in [g for g in wanted_groups if g not in group_ids]:
                client.access.add_user(group_id, state.id)
            for group_id in [g for g in group_ids if g not in wanted_groups]:
                client.access.remove_user(group_id, state.id)
            group_ids = wanted_groups
        # Later reads of this process (a lookup, an import) see the user as it is now.
        client.users.remember_person(
            attrs.evolve(person, email=email, role_ids=role_ids, group_ids=group_ids)
        )
        return attrs.evolve(
            state,
            person=person,
            email=email,
            role_ids=role_ids,
            group_ids=group_ids,
            send_setup_email=bool(news.get("send_setup_email")),
            delete_on_destroy=bool(news.get("delete_on_destroy")),
            profile=news.get("profile"),
        )

    def read(self, id_: str, props: Mapping[str, Any]) -> Found:
        """The user from the one listing of users: drift in its fields, email, roles and
        groups; a user deleted outside Pulumi is gone. An import takes it over with all of them,
        as if the stack had made it (destroy disables it; its id becomes ``user/<user_id>``). A
        service account is refused: it is a ``ServiceAccount``'s."""
        user_id = parse_id(id_)
        client = self.connections.client(props.get("profile"))
        live = client.users.user(user_id)
        importing = "adopted" not in props
        if live is None:
            if importing:
                raise NotInLookerError(f"Looker has no user {user_id}")
            return Found(None)
        if live.service_account is not None:
            raise NotInLookerError(
                f"Looker user {user_id} is a service account: manage it with a ServiceAccount"
            )
        if importing:  # the stack takes the user over, as it would one it made
            state = attrs.evolve(
                self._state(client, live, UserState.from_props({"user_id": user_id})),
                profile=props.get("profile"),
            )
            return Found(f"{IMPORT_PREFIX}{user_id}", state.to_outs(), state.inputs())
        state = self._state(client, live, UserState.from_props(props))
        return Found(id_, state.to_outs(), state.inputs())

    @staticmethod
    def _state(client: LookerClient, live: models.ListedUser, last: UserState) -> UserState:
        """``last`` with the user as the listing shows it (its groups but those of every user)."""
        person = live.person or last.person
        group_ids = list(live.group_ids or ())
        if group_ids:
            groups = client.access.groups()
            group_ids = [
                g for g in group_ids if not (groups.get(g) and groups[g].include_by_default)
            ]
        return attrs.evolve(
            last,
            person=person,
            email=live.email,
            role_ids=list(live.role_ids or ()),
            group_ids=group_ids,
        )

    def delete(self, props: Mapping[str, Any]) -> None:
        """``delete_on_destroy``: ``DELETE`` the user (cannot be undone: its content goes to
        Trash). Otherwise a user the resource made is disabled (one ``PATCH``, none when it is
        disabled already); an adopted one is left as it is. The stack's own identity is never
        disabled or deleted: the error says so and nothing is written."""
        state = UserState.from_props(props)
        if state.adopted:
            return
        client = self.connections.client(state.profile)
        if client.access.me().id == state.id:
            raise LockoutError(
                f"user {state.id} is the identity this stack signs in as: destroying it would "
                "lock the stack out; remove the resource from the state instead (pulumi state "
                "delete)"
            )
        if state.delete_on_destroy:
            if client.users.user(state.id) is not None:
                client.users.delete_user(state.id)
            return
        if not state.person.is_disabled:
            client.users.update_user(state.id, {"is_disabled": True})


def parse_id(id_: str) -> str:
    """The user id in a User's id: ``user/42`` or ``42``."""
    user_id = str(id_).removeprefix(IMPORT_PREFIX)
    if not ID.match(user_id):
        raise InvalidIdError(
            "a User's id is 'user/<user_id>' or its user id, for example 'user/42' or '42'; "
            f"got {id_!r}"
        )
    return user_id


USER = Kind(
    name="User",
    description=(
        "A Looker user who signs in by email, with its roles and groups; destroy disables it "
        "unless deleteOnDestroy."
    ),
    doc="""A Looker user (``/api/4.0/users``): ``first_name``, ``last_name``, ``locale``,
``is_disabled``, ``email`` (the address they sign in with: its email credentials), ``role_ids``
(its own roles, such as a :class:`Role`'s ``role_id``) and ``group_ids`` (the groups it is
directly in; a set left out is not managed). ``send_setup_email=True`` has Looker email a new
user the link to set up the account. On destroy the user is **disabled** and stays in Looker;
``delete_on_destroy=True`` deletes it, which cannot be undone. ``user_id`` adopts a user Looker
has (destroy then leaves it as it is). The identity the stack signs in as is never disabled,
deleted or stripped of the Admin role by a plan. The id is the user id (``user/USER_ID`` when
imported).""",
    logic=UserLogic,
    inputs={
        **looker_fields(models.User, writable=True),
        "email": STR,
        "role_ids": option(list),
        "group_ids": option(list),
        "send_setup_email": BOOL,
        "delete_on_destroy": BOOL,
        "user_id": STR,
        **PROFILE,
    },
    outputs={"display_name": OUT_STR, "adopted": OUT_BOOL},
    config=ConfigSection(
        "users",
        exports=(Export("users", ("user_id",), when_empty=False),),
        links={
            "roles": Link("Role", "role_ids", "role_id", ("role_ids",), many=True),
            "groups": Link("Group", "group_ids", "group_id", ("group_ids",), many=True),
        },
    ),
    module="user",
    import_id="user/USER_ID",
    adopted_by="user_id",
    example={"email": "ana@example.com", "first_name": "Ana", "last_name": "Lima"},
)
KINDS = (USER,)
