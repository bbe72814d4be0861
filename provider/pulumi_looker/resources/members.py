"""The logic of a set of members of one Looker object: a group's users and groups
(``GroupMembership``), a role's groups and users (``RoleAssignment``).

**Authoritative or additive.** ``authoritative: true``: the resource owns the whole set; a member
added in Looker is removed at the next ``up`` (a refresh puts it in the state, so the preview
shows it going). Otherwise (the default) the resource owns only its own members: others are
left alone, and destroy removes only its own.

**Safe with SSO, and nobody locked out.** At preview, with the inputs known: the object must
exist and accept writes (a group that SAML, OIDC or LDAP manages never does, nor ``All Users``),
each member must exist, and no member Looker refuses to move is added or removed; and the plan
must leave the identity the stack signs in as an Admin (:mod:`.lockout`). Each failure names the
member and the resource; nothing is written.

**Cost.** Members are read from the listing of users and the listing of groups a refresh reads
anyway (:class:`~pulumi_looker.client.access.Access`): no call per resource.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from pulumi_looker import models
from pulumi_looker.errors import InvalidIdError, LockoutError, NotInLookerError, SettingsError

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
from .kind import BOOL, PROFILE, STR, ConfigSection, Kind, Link, option, snake_case

T = TypeVar("T")

if TYPE_CHECKING:
    from pulumi_looker.client import LookerClient
    from pulumi_looker.client.access import Access

#: Why Looker refuses to move a member (None: it may move), given the member's id.
Refuses = Callable[["LookerClient", str], "str | None"]
#: The members a set holds now: given the access view and the owner's id.
Current = Callable[["Access", str], list[str]]
#: Writes a set: given the access view, the owner's id, the members before and after.
Write = Callable[["Access", str, Sequence[str], Sequence[str]], None]
#: What removing members takes away: given the owner's id and the members removed.
Lost = Callable[[str, Iterable[str]], lockout.Removal]


@attrs.frozen
class MemberSet:
    """One set of members of the owner: the input that lists them (``user_ids``), what one is
    (``user``), how they are read, written, checked and what removing one takes away."""

    input: str
    label: str
    current: Current
    write: Write
    exists: Callable[[LookerClient], frozenset[str] | None]
    lost: Lost
    refuses: Refuses | None = None


@attrs.frozen
class Owner:
    """What the members belong to: its collection, its id input, how it is found and why it
    refuses writes, and its sets of members."""

    collection: models.Collection
    find: Callable[[LookerClient, str], Any]
    locked: Callable[[Any], str | None]
    sets: tuple[MemberSet, ...]
    #: The first part of an imported resource's id (``group_membership``).
    import_prefix: str

    @property
    def id_name(self) -> str:
        return self.collection.id_name

    @property
    def label(self) -> str:
        return self.collection.label


def _ids(value: Any) -> list[str] | None:
    return None if value is None or is_unknown(value) else [as_id(v) for v in value]


def _same(left: Iterable[str] | None, right: Iterable[str] | None) -> bool:
    return sorted(left or ()) == sorted(right or ())


def target(
    current: Sequence[str], wanted: Sequence[str], managed: Sequence[str], authoritative: bool
) -> list[str]:
    """The members a set should end with: exactly ``wanted`` (authoritative), or the current
    ones without those the resource managed and no longer wants, with ``wanted`` added."""
    if authoritative:
        return list(dict.fromkeys(wanted))
    dropped = set(managed) - set(wanted)
    kept = [m for m in current if m not in dropped]
    return list(dict.fromkeys([*kept, *wanted]))


class MembersLogic:
    """CRUD for the members of one of ``owner``'s objects, over the client ``connections``
    gives. The resource's id is the owner's Looker id."""

    def __init__(self, owner: Owner, connections: Connections) -> None:
        self.owner = owner
        self.connections = connections

    @property
    def _inputs(self) -> tuple[str, ...]:
        return (self.owner.id_name, *(s.input for s in self.owner.sets), "authoritative", "profile")

    def check(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Checked:
        """Unknown names and values of the wrong type fail with no call; the owner's id is
        required. With the owner's id and a connection known, and inputs that differ from the
        last ones: the object must exist and take writes, each member given must exist and may
        move, and the plan must not take the Admin role from the stack's identity (the listings
        a refresh reads, and ``GET /user`` when a removal could touch it). Unchanged inputs
        cost no call (a no-op ``up`` reads nothing)."""
        owner = self.owner
        failures = check_names(news, self._inputs)
        owner_id = as_id(news.get(owner.id_name))
        failures += check_id(owner.id_name, owner_id, required=True)
        for members in owner.sets:
            value = news.get(members.input)
            if value is None or is_unknown(value):
                continue
            if not isinstance(value, list) or not all(
                is_unknown(v) or (isinstance(as_id(v), str) and ID.match(as_id(v))) for v in value
            ):
                failures.append(
                    (
                        members.input,
                        f"{members.input} must be a list of Looker {members.label} ids such as "
                        f"['42'], got {value!r}",
                    )
                )
        failures += check_kind("authoritative", news.get("authoritative"), bool)
        failures += check_profile(news.get("profile"))
        inputs = set_inputs(news)
        inputs[owner.id_name] = owner_id
        for members in owner.sets:
            if isinstance(inputs.get(members.input), list):
                inputs[members.input] = [as_id(v) for v in inputs[members.input]]
        if failures or is_unknown(owner_id) or is_unknown(news.get("profile")):
            return Checked(inputs, failures)
        if olds and all(_unchanged(inputs.get(n), olds.get(n)) for n in self._inputs):
            # Nothing the program says changed: an update, if the state asks for one (drift a
            # refresh found shows in its inputs, so not here), checks again before it writes.
            return Checked(inputs, failures)
        try:
            client = self.connections.client(news.get("profile"))
        except SettingsError:
            return Checked(inputs, failures)  # the call that needs a connection says so
        return Checked(inputs, self._refusals(client, owner_id, olds, inputs))

    def _refusals(
        self, client: LookerClient, owner_id: str, olds: Mapping[str, Any], news: Mapping[str, Any]
    ) -> list[Failure]:
        owner = self.owner
        found = _together(
            lambda: owner.find(client, owner_id),
            *(functools.partial(m.exists, client) for m in owner.sets if news.get(m.input)),
        )
        if found is None:
            return [(owner.id_name, f"{owner.id_name}: Looker has no {owner.label} {owner_id}")]
        name = getattr(found, "name", None) or owner_id
        failures: list[Failure] = []
        removal = lockout.Removal()
        authoritative = bool(news.get("authoritative"))
        same_owner = as_id(olds.get(owner.id_name)) == owner_id
        for members in owner.sets:
            wanted = _ids(news.get(members.input))
            if wanted is None or any(is_unknown(w) for w in news[members.input]):
                continue
            known = members.exists(client)
            missing = [m for m in wanted if known is not None and m not in known]
            if missing:
                failures.append(
                    (
                        members.input,
                        f"{members.input}: Looker has no {members.label} "
                        f"{', '.join(missing)} (nothing was changed)",
                    )
                )
                continue
            current = members.current(client.access, owner_id)
            managed = (_ids(olds.get(members.input)) or []) if same_owner else []
            after = target(current, wanted, managed, authoritative)
            moved = sorted(set(current) ^ set(after))
            if moved and (reason := owner.locked(found)):
                failures.append(
                    (
                        owner.id_name,
                        f"{owner.label} {name!r} {reason}, so its {members.label}s cannot "
                        "change; leave it out of the program",
                    )
                )
                continue
            for member in moved:
                why = members.refuses(client, member) if members.refuses else None
                if why:
                    failures.append(
                        (
                            members.input,
                            f"{members.input}: {members.label} {member} {why}; Looker refuses "
                            f"to add it to or remove it from {owner.label} {name!r} (leave it "
                            "out, and keep authoritative false)",
                        )
                    )
            removed = [m for m in current if m not in after]
            removal = _merged(removal, members.lost(owner_id, removed))
        if not failures:
            reason = lockout.refusal(client, removal)
            if reason:
                failures.append((owner.id_name, f"{owner.label} {name!r}: {reason}"))
        return failures

    def diff(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Diff:
        """A set whose members differ from the state's (a refresh puts Looker's there: drift
        shows here) is an update, and so is ``authoritative``; another owner or profile
        replaces the resource."""
        owner = self.owner
        replaces = tuple(
            n
            for n in (owner.id_name, "profile")
            if is_unknown(news.get(n)) or as_id(news.get(n)) != as_id(olds.get(n))
        )
        updates = [
            s.input
            for s in owner.sets
            if news.get(s.input) is not None
            and (
                is_unknown(news[s.input])
                or any(is_unknown(v) for v in news[s.input])
                or not _same(_ids(news[s.input]), olds.get(s.input))
            )
        ]
        if bool(news.get("authoritative")) != bool(olds.get("authoritative")):
            updates.append("authoritative")
        return Diff(updates=tuple(updates), replaces=replaces)

    def create(self, props: Mapping[str, Any]) -> Created:
        """Add the members given that are not in yet (authoritative: remove the others): one
        call per member (a group), or one per set that changes (a role)."""
        owner_id = str(props[self.owner.id_name])
        outs = self._converge(props, owner_id, {})
        return Created(owner_id, outs)

    def update(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
        """Add and remove members as :meth:`create` does, from the members Looker has now
        (the sets the state managed: additive removes only those it no longer wants)."""
        return self._converge(news, str(news[self.owner.id_name]), olds)

    def read(self, id_: str, props: Mapping[str, Any]) -> Found:
        """The members from the listings a refresh reads, of each set the state manages (as
        :meth:`create` writes only the sets given). Authoritative: every member Looker has
        (those added outside Pulumi show as drift); additive: the state's members still in.
        An import adopts every member of every set Looker has, additive. A group or role
        Looker no longer has is gone."""
        owner = self.owner
        owner_id = self._owner_id(id_)
        client = self.connections.client(props.get("profile"))
        importing = owner.id_name not in props
        if owner.find(client, owner_id) is None:
            if importing:
                raise NotInLookerError(f"Looker has no {owner.label} {owner_id}")
            return Found(None)
        authoritative = bool(props.get("authoritative"))
        outs: dict[str, Any] = {
            owner.id_name: owner_id,
            "authoritative": authoritative,
            "profile": props.get("profile"),
        }
        for members in owner.sets:
            managed = props.get(members.input)
            if managed is None and not importing:
                continue  # a set the program does not give: not the state's
            current = members.current(client.access, owner_id)
            if importing or authoritative:
                # The state's members first, in its order: a refresh that finds the same
                # members leaves the state as it was (the engine writes only what changed).
                kept = [m for m in managed or () if m in current]
                outs[members.input] = kept + [m for m in current if m not in kept]
            else:
                outs[members.input] = [m for m in managed or () if m in current]
        inputs = {k: v for k, v in outs.items() if v is not None and v is not False}
        return Found(id_ if not importing else f"{owner.import_prefix}/{owner_id}", outs, inputs)

    def delete(self, props: Mapping[str, Any]) -> None:
        """Remove the members the state holds (authoritative: all of them), unless that would
        take the Admin role from the stack's identity: then nothing is written and the
        error says why."""
        owner = self.owner
        owner_id = self._owner_id(str(props[owner.id_name]))
        client = self.connections.client(props.get("profile"))
        found = owner.find(client, owner_id)
        if found is None or owner.locked(found):
            return
        plans = []
        for members in owner.sets:
            managed = props.get(members.input)
            if managed:
                current = members.current(client.access, owner_id)
                plans.append((members, current, [m for m in current if m not in managed]))
        self._apply(client, found, owner_id, plans, "destroying the members of ")

    def _converge(
        self, props: Mapping[str, Any], owner_id: str, olds: Mapping[str, Any]
    ) -> dict[str, Any]:
        owner = self.owner
        client = self.connections.client(props.get("profile"))
        authoritative = bool(props.get("authoritative"))
        same_owner = as_id(olds.get(owner.id_name)) == owner_id
        found = owner.find(client, owner_id)
        if found is None:
            raise NotInLookerError(f"{owner.id_name}: Looker has no {owner.label} {owner_id}")
        outs: dict[str, Any] = {
            owner.id_name: owner_id,
            "authoritative": authoritative,
            "profile": props.get("profile"),
        }
        plans = []
        for members in owner.sets:
            wanted = _ids(props.get(members.input))
            if wanted is None:
                continue
            current = members.current(client.access, owner_id)
            managed = (_ids(olds.get(members.input)) or []) if same_owner else []
            after = target(current, wanted, managed, authoritative)
            plans.append((members, current, after))
            outs[members.input] = after if authoritative else wanted
        self._apply(client, found, owner_id, plans, "")
        return outs

    def _apply(
        self,
        client: LookerClient,
        found: Any,
        owner_id: str,
        plans: Sequence[tuple[MemberSet, Sequence[str], Sequence[str]]],
        doing: str,
    ) -> None:
        """Write each set's plan (its members before and after), unless together they would
        take the Admin role from the stack's identity: then nothing is written."""
        removal = lockout.Removal()
        for members, before, after in plans:
            removal = _merged(removal, members.lost(owner_id, set(before) - set(after)))
        reason = lockout.refusal(client, removal)
        if reason:
            name = getattr(found, "name", None) or owner_id
            raise LockoutError(f"{doing}{self.owner.label} {name!r}: {reason}")
        for members, before, after in plans:
            if not _same(before, after):
                members.write(client.access, owner_id, before, after)

    def _owner_id(self, id_: str) -> str:
        owner_id = id_.removeprefix(f"{self.owner.import_prefix}/")
        if not ID.match(owner_id):
            raise InvalidIdError(
                f"a {self.owner.import_prefix}'s id is its {self.owner.label}'s Looker id, such "
                f"as '{self.owner.import_prefix}/7' or '7', got {id_!r}"
            )
        return owner_id


def _unchanged(new: Any, old: Any) -> bool:
    """Whether an input is as it was; a set the program leaves out is as a refresh wrote it
    when Looker has none (``[]``: it manages nothing either way)."""
    return bool(new == old or (new is None and old == []))


def _together(first: Callable[[], T], *others: Callable[[], object]) -> T:
    """``first()``, with ``others`` run at the same time on threads of their own: the listings
    a check reads (the owner's, its members') are read at once when none is in hand yet, one
    round trip to Looker instead of one after another; ``others`` warm what the check reads
    next (each keeps its listing)."""
    if not others:
        return first()
    with ThreadPoolExecutor(max_workers=len(others)) as pool:
        started = [pool.submit(call) for call in others]
        result = first()
        for future in started:
            future.result()
    return result


def known_users(client: LookerClient) -> frozenset[str] | None:
    """Every user's id, from the listing of users (None: it cannot say)."""
    return client.users.user_ids()


def known_groups(client: LookerClient) -> frozenset[str] | None:
    """Every group's id, from the listing of groups with their hierarchy."""
    return frozenset(client.access.groups())


def lost(grant: str) -> Lost:
    """What removing members takes away, as pairs ``(member, owner)`` of the removal's
    ``grant`` (``user_groups``: users out of a group...)."""

    def removal(owner_id: str, removed: Iterable[str]) -> lockout.Removal:
        return lockout.Removal(**{grant: frozenset((m, owner_id) for m in removed)})

    return removal


def _merged(left: lockout.Removal, right: lockout.Removal) -> lockout.Removal:
    return lockout.Removal(
        user_groups=left.user_groups | right.user_groups,
        group_groups=left.group_groups | right.group_groups,
        user_roles=left.user_roles | right.user_roles,
        group_roles=left.group_roles | right.group_roles,
    )


def members_kind(
    owner: Owner,
    *,
    name: str,
    description: str,
    doc: str,
    config_key: str,
    links: Mapping[str, Link],
    example: Mapping[str, Any],
) -> Kind:
    """The kind of a set of members of ``owner``'s objects."""
    return Kind(
        name=name,
        description=description,
        doc=doc
        + f"""

``authoritative=True`` makes the resource own every member: those added in Looker are removed
at the next ``up`` (the preview shows each). Otherwise it owns only the members it lists. At
preview, each member must exist, and no plan may take the Admin role from the identity the
stack signs in as. The id is the {owner.label}'s Looker id (``{owner.import_prefix}/ID`` when
imported).""",
        logic=functools.partial(MembersLogic, owner),
        inputs={
            owner.id_name: STR,
            **{s.input: option(list) for s in owner.sets},
            "authoritative": BOOL,
            **PROFILE,
        },
        outputs={},
        config=ConfigSection(config_key, links=dict(links)),
        module=snake_case(name).lstrip("_"),
        import_id=f"{owner.import_prefix}/ID",
        required=(owner.id_name,),
        replace_on_changes=(owner.id_name,),
        example=example,
    )
