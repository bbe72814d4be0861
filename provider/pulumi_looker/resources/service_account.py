"""The logic of ``ServiceAccount``: a Looker service account (a bot user, alpha since Looker
25.18), its roles, its typed state and its calls.

Reading costs nothing of its own: a service account is a user, read from the one listing of
users (``client.users``) that the refresh of API keys reads too. Roles given by name are
resolved with one ``GET /roles`` per process (again when one is not found: it may be new).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from pulumi_looker import models
from pulumi_looker.errors import (
    InvalidIdError,
    InvalidInputError,
    LookerError,
    NotFoundError,
    NotInLookerError,
    ServiceAccountCreateError,
    SettingsError,
    UnsupportedReleaseError,
)

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
    OUT_LIST,
    PROFILE,
    STR,
    ConfigSection,
    Export,
    Kind,
    looker_fields,
    option,
)

if TYPE_CHECKING:
    from pulumi_looker.client import LookerClient

#: The release whose API description first has service accounts.
SINCE = models.rules(models.ServiceAccount)["service_account_name"].since
#: The account's fields a resource outputs as Looker last answered them.
_LIVE = tuple(n for n in models.rules(models.ServiceAccount) if n not in ("can", "id"))


@attrs.frozen
class ServiceAccountState:
    """What a ``ServiceAccount`` keeps in Pulumi's state.

    ``account``: the account as Looker last answered (fields the listing of users does not
    carry keep their last value; ``role_ids`` are its live roles); ``adopted``: it existed
    before the resource (``user_id`` named it), and destroy leaves it as it is; ``roles``: the
    roles as the inputs gave them (ids or names; None: not managed), ``resolved_role_ids`` and
    ``role_names`` the roles they resolved to (a refresh's inputs carry them, so that a preview
    of the same roles asks Looker nothing).
    """

    account: models.ServiceAccount
    adopted: bool = False
    roles: list[str] | None = None
    resolved_role_ids: list[str] | None = None
    role_names: list[str] | None = None
    delete_on_destroy: bool = False
    profile: str | None = None

    @classmethod
    def from_props(cls, props: Mapping[str, Any]) -> ServiceAccountState:
        return cls(
            account=models.from_api(models.ServiceAccount, {**props, "id": props["user_id"]}),
            adopted=bool(props.get("adopted")),
            roles=props.get("roles"),
            resolved_role_ids=props.get("resolved_role_ids"),
            role_names=props.get("role_names"),
            delete_on_destroy=bool(props.get("delete_on_destroy")),
            profile=props.get("profile"),
        )

    @property
    def id(self) -> str:
        return self.account.id

    def seen(self, account: models.ServiceAccount) -> ServiceAccountState:
        """This state with the account as Looker now answers it."""
        last = models.to_dict(self.account)
        merged = {k: (last[k] if v is None else v) for k, v in models.to_dict(account).items()}
        return attrs.evolve(self, account=models.ServiceAccount(**merged))

    def to_outs(self) -> dict[str, Any]:
        live = models.to_dict(self.account)
        return {
            "user_id": self.account.id,
            **{name: live[name] for name in _LIVE},
            "roles": self.roles,
            "resolved_role_ids": self.resolved_role_ids,
            "role_names": self.role_names,
            "adopted": self.adopted,
            "delete_on_destroy": self.delete_on_destroy,
            "profile": self.profile,
        }

    def inputs(self) -> dict[str, Any]:
        """The inputs that would give this state, as check gives them."""
        managed = self.roles is not None
        inputs = {
            "user_id": self.account.id if self.adopted else None,
            "service_account_name": self.account.service_account_name,
            "is_disabled": self.account.is_disabled,
            "roles": self.roles if managed else self.account.role_ids,
            "role_ids": self.resolved_role_ids if managed else None,
            "role_names": self.role_names if managed else None,
            "delete_on_destroy": self.delete_on_destroy or None,
            "profile": self.profile,
        }
        return {k: v for k, v in inputs.items() if v is not None}


def _same(left: Sequence[str] | None, right: Sequence[str] | None) -> bool:
    return sorted(left or ()) == sorted(right or ())


def _release_reason(error: UnsupportedReleaseError) -> str:
    return (
        f"service accounts need Looker {SINCE} or newer (POST /users/service_accounts); this "
        f"instance runs release {error.release}. Nothing was changed."
    )


class ServiceAccountLogic:
    """CRUD for ``/api/4.0/users/service_accounts[/{user_id}]`` and the account's roles
    (``PUT /users/{user_id}/roles``), over the client that ``connections`` gives."""

    def __init__(self, connections: Connections) -> None:
        self.connections = connections

    def check(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Checked:
        """Unknown names and values of the wrong kind fail with no call. ``user_id`` adopts an
        existing service account; without it ``service_account_name`` is required, and a new
        account on a release older than service accounts fails here, before any write (``GET
        /versions``, once per process). ``roles`` (ids or names) become ``role_ids`` and
        ``role_names``: as the last inputs had them when the roles are the same, else from one
        ``GET /roles`` per process, and once more when a role is not among them (it may be
        new); a role Looker lacks fails, naming the ones it has. A new
        account's ``is_disabled`` is false unless set."""
        failures = check_names(news, SERVICE_ACCOUNT.inputs)
        user_id = as_id(news.get("user_id"))
        name = news.get("service_account_name")
        if user_id is None and (name is None or (isinstance(name, str) and not name.strip())):
            failures.append(
                (
                    "service_account_name",
                    "service_account_name is required (a non-empty string), unless user_id "
                    "adopts an existing service account",
                )
            )
        failures += check_id("user_id", user_id, required=False)
        failures += check_kind("service_account_name", name, str)
        failures += check_kind("is_disabled", news.get("is_disabled"), bool)
        failures += check_kind("delete_on_destroy", news.get("delete_on_destroy"), bool)
        failures += check_profile(news.get("profile"))
        roles = news.get("roles")
        if not (roles is None or is_unknown(roles)) and (
            not isinstance(roles, list)
            or not all(isinstance(r, str) or is_unknown(r) for r in roles)
        ):
            failures.append(("roles", f"roles must be a list of role ids or names, got {roles!r}"))
        inputs = set_inputs(news)
        if user_id is None:
            inputs.setdefault("is_disabled", False)
        else:
            inputs["user_id"] = user_id
        if failures:
            return Checked(inputs, failures)
        if not olds and user_id is None:
            failures += self._check_release(inputs.get("profile"))
        if roles is not None and roles == olds.get("roles") and "role_ids" in olds:
            # The same roles as before: resolved then (no call; a role renamed since in
            # Looker keeps its id).
            inputs["role_ids"], inputs["role_names"] = olds["role_ids"], olds.get("role_names")
        elif isinstance(roles, list) and not any(is_unknown(r) for r in roles) and not failures:
            resolved = self._resolve_roles(inputs.get("profile"), roles)
            if isinstance(resolved, tuple):
                failures.append(resolved)
            else:
                inputs["role_ids"] = [role.id for role in resolved]
                inputs["role_names"] = [role.name for role in resolved]
        return Checked(inputs, failures)

    def _check_release(self, profile: str | None) -> list[Failure]:
        try:
            self.connections.client(profile).require(
                models.ServiceAccount, ["service_account_name"]
            )
        except SettingsError:
            return []  # the call that needs a connection says what is missing
        except UnsupportedReleaseError as error:
            return [("service_account_name", _release_reason(error))]
        return []

    def _resolve_roles(
        self, profile: str | None, roles: Sequence[str]
    ) -> list[models.Role] | Failure:
        """Each of ``roles`` by id or by name (ids first, then names, case ignored)."""
        try:
            known = self.connections.client(profile).roles(roles)
        except SettingsError as error:
            return ("roles", f"finding roles by name needs a connection ({error})")
        found: dict[str, models.Role] = {}
        for wanted in roles:
            role = models.find_role(known, wanted)
            if role is None:
                names = ", ".join(f"{r.name} ({r.id})" for r in known)
                return ("roles", f"roles: Looker has no role {wanted!r}; its roles: {names}")
            found[role.id] = role
        return sorted(found.values(), key=lambda r: _id_order(r.id))

    def diff(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Diff:
        """Another name, disabled state or set of roles than Looker has (drift included) is an
        update; so is ``delete_on_destroy`` (no call); another profile, or adopting another
        account, replaces it."""
        old = ServiceAccountState.from_props(olds)
        updates = [
            name
            for name, live in (
                ("service_account_name", old.account.service_account_name),
                ("is_disabled", old.account.is_disabled),
            )
            if news.get(name) is not None and news.get(name) != live
        ]
        role_ids = news.get("role_ids")
        if news.get("roles") is not None and (
            role_ids is None or is_unknown(role_ids) or not _same(role_ids, old.account.role_ids)
        ):
            updates.append("roles")
        elif news.get("roles") != old.roles:
            updates.append("roles")  # the same roles, written another way: recorded only
        if bool(news.get("delete_on_destroy")) != old.delete_on_destroy:
            updates.append("delete_on_destroy")
        adopted = old.account.id if old.adopted else None
        replaces = tuple(
            name
            for name, value in (("user_id", adopted), ("profile", old.profile))
            if news.get(name) != value
        )
        return Diff(updates=tuple(updates), replaces=replaces)

    def create(self, props: Mapping[str, Any]) -> Created:
        """Adopt mode (``user_id``): the account from the listing of users, then what differs
        written as an update writes it. Create mode: one POST, then one PUT of the roles when
        they are managed. If the PUT fails, the new account (it has no content yet) is deleted
        again; if that fails too, the error names the account left behind."""
        client = self.connections.client(props.get("profile"))
        if props.get("user_id") is not None:
            user = client.users.user(str(props["user_id"]))
            if user is None or user.service_account is None:
                raise NotInLookerError(
                    f"user_id {props['user_id']!r}: Looker has no service account "
                    f"{props['user_id']}; leave user_id unset to have Pulumi create one"
                )
            adopted = ServiceAccountState(account=user.service_account, adopted=True)
            state = self._converge(client, adopted, props)
            return Created(state.id, state.to_outs())
        refused = self._check_release(props.get("profile"))
        if refused:
            raise InvalidInputError(refused)
        account = client.users.create_service_account(
            {
                "service_account_name": props["service_account_name"],
                "is_disabled": bool(props.get("is_disabled")),
            }
        )
        if props.get("role_ids") is not None:
            try:
                roles = client.set_user_roles(account.id, props["role_ids"])
            except LookerError as error:
                self._discard(client, account, error)
                raise
            account = attrs.evolve(account, role_ids=[r.id for r in roles])
        client.users.remember(account)
        state = ServiceAccountState(
            account=account,
            roles=props.get("roles"),
            resolved_role_ids=props.get("role_ids"),
            role_names=props.get("role_names"),
            delete_on_destroy=bool(props.get("delete_on_destroy")),
            profile=props.get("profile"),
        )
        return Created(state.id, state.to_outs())

    @staticmethod
    def _discard(client: LookerClient, account: models.ServiceAccount, cause: Exception) -> None:
        try:
            client.delete_service_account(account.id)
        except LookerError as error:
            raise ServiceAccountCreateError(
                f"setting the roles of new service account {account.id} "
                f"({account.service_account_name!r}) failed ({cause}), and deleting it failed "
                f"too ({error}): it is left in Looker, not in Pulumi's state; delete it in "
                "Admin > Users"
            ) from None

    def update(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
        """One PATCH when the name or disabled state differ from Looker's, one PUT when the
        roles do; nothing else calls Looker."""
        old = ServiceAccountState.from_props(olds)
        return self._converge(self.connections.client(news.get("profile")), old, news).to_outs()

    @staticmethod
    def _converge(
        client: LookerClient, old: ServiceAccountState, news: Mapping[str, Any]
    ) -> ServiceAccountState:
        account = old.account
        changes = {
            name: news[name]
            for name, live in (
                ("service_account_name", account.service_account_name),
                ("is_disabled", account.is_disabled),
            )
            if news.get(name) is not None and news[name] != live
        }
        if changes:
            account = old.seen(client.update_service_account(account.id, changes)).account
        role_ids = news.get("role_ids")
        if news.get("roles") is not None and not _same(role_ids, account.role_ids):
            roles = client.set_user_roles(account.id, role_ids or [])
            account = attrs.evolve(account, role_ids=[r.id for r in roles])
        client.users.remember(account)
        managed = news.get("roles") is not None
        return ServiceAccountState(
            account=account,
            adopted=old.adopted,
            roles=news.get("roles"),
            resolved_role_ids=role_ids if managed else None,
            role_names=news.get("role_names") if managed else None,
            delete_on_destroy=bool(news.get("delete_on_destroy")),
            profile=news.get("profile"),
        )

    def read(self, id_: str, props: Mapping[str, Any]) -> Found:
        """The account from the one listing of users: drift in its name, disabled state and
        roles; an account deleted outside Pulumi is gone from the state. An import (no state)
        adopts the account with its roles by name (``GET /roles``, once per process, when it
        has any), and its id becomes ``service_account/<user_id>``; its inputs are what a
        program gives (check resolves the roles again). An account Looker lacks, or a user that
        is not a service account, is refused. The id is ``service_account/<user_id>`` or, as
        create gives it, the bare user id."""
        user_id = parse_id(id_)
        client = self.connections.client(props.get("profile"))
        user = client.users.user(user_id)
        imported = "adopted" not in props
        if user is None and imported:
            raise NotInLookerError(f"Looker has no service account {user_id} (no user {user_id})")
        if user is None:
            return Found(None)
        if user.service_account is None:
            raise NotInLookerError(
                f"Looker user {user_id} is not a service account: a ServiceAccount manages only "
                "accounts made as service accounts"
            )
        if not imported:
            state = ServiceAccountState.from_props(props).seen(user.service_account)
            return Found(id_, state.to_outs(), state.inputs())
        account = user.service_account
        role_ids = account.role_ids or []
        known = client.roles() if role_ids else []
        labels, names = models.role_labels(known), {role.id: role.name for role in known}
        state = ServiceAccountState(
            account=account,
            adopted=True,
            roles=[labels.get(r, r) for r in role_ids],
            resolved_role_ids=role_ids,
            role_names=[names.get(r) or r for r in role_ids],
            profile=props.get("profile"),
        )
        inputs = {k: v for k, v in state.inputs().items() if k in SERVICE_ACCOUNT.inputs}
        return Found(models.service_account_import_id(user_id), state.to_outs(), inputs)

    def delete(self, props: Mapping[str, Any]) -> None:
        """``delete_on_destroy``: DELETE the account, which cannot be undone (its content goes
        to Trash, its schedules are deleted). Otherwise an account the resource made is disabled
        (one PATCH, none when it is disabled already) and stays in Looker; an adopted one is
        left as it is."""
        state = ServiceAccountState.from_props(props)
        client = self.connections.client(state.profile)
        if state.delete_on_destroy:
            try:
                client.delete_service_account(state.id)
            except NotFoundError:
                if client.users.user(state.id) is not None:
                    raise
            client.users.forget_user(state.id)
            return
        if not state.adopted and not state.account.is_disabled:
            account = client.update_service_account(state.id, {"is_disabled": True})
            client.users.remember(state.seen(account).account)


def parse_id(id_: str) -> str:
    """The user id in a ServiceAccount's id: ``"service_account/42"`` or ``"42"`` -> ``"42"``;
    anything else is a clear error."""
    user_id = str(id_).removeprefix(models.SERVICE_ACCOUNT_ID_PREFIX)
    if not ID.match(user_id):
        raise InvalidIdError(
            "a ServiceAccount's id is 'service_account/<user_id>' or its user id, for example "
            f"'service_account/42' or '42'; got {id_!r}"
        )
    return user_id


def _id_order(role_id: str) -> tuple[int, str]:
    return (int(role_id), "") if role_id.isdigit() else (0, role_id)


SERVICE_ACCOUNT = Kind(
    name="ServiceAccount",
    description=(
        "A Looker service account (Looker 25.18 and newer) with its roles; destroy disables it "
        "unless deleteOnDestroy (deleting cannot be undone)."
    ),
    doc="""A Looker service account (``/api/4.0/users/service_accounts``, Looker 25.18 and newer):
a bot user whose API keys an :class:`ApiCredential` makes (``user_id=account.user_id``).

``roles`` are role ids or names (``["Developer"]``): the account has exactly these. On
destroy the account is **disabled** and stays in Looker; ``delete_on_destroy=True``
deletes it instead, which cannot be undone (its content goes to Trash, its schedules are
deleted). ``user_id`` adopts an existing service account: destroy then leaves it as it is.
The id is the account's user id (``service_account/USER_ID`` when imported). Pulumi cannot
import it on the Python face (``import_`` is refused): adopt it by ``user_id``.""",
    logic=ServiceAccountLogic,
    inputs={
        **looker_fields(models.ServiceAccount, writable=True),
        "user_id": STR,
        "roles": option(list),
        "delete_on_destroy": BOOL,
        **PROFILE,
    },
    outputs={
        **looker_fields(models.ServiceAccount, writable=False),
        "resolved_role_ids": OUT_LIST,
        "role_names": OUT_LIST,
        "adopted": OUT_BOOL,
    },
    config=ConfigSection(
        "serviceAccounts", exports=(Export("serviceAccounts", ("user_id",), when_empty=False),)
    ),
    module="service_account",
    import_id="service_account/USER_ID",
    replace_on_changes=("user_id",),
    adopted_by="user_id",
    since=SINCE,
    example={"service_account_name": "CI deploy bot"},
)
KINDS = (SERVICE_ACCOUNT,)
