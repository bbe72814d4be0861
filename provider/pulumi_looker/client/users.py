"""The users of a Looker instance as one client sees them: the one listing of users, with their
API keys, the service accounts among them, and their groups and roles. Every resource reads
users, keys and service accounts here, and writes them through here.

Reading. A refresh reads every key and service account in the state. Looker lists users with
their keys in one call (``GET /users?fields=...``, in pages), so a refresh of N keys of U users
costs the pages of that listing, whatever N is. When the listing is refused, or the instance has
more users than ``MAX_PAGES`` pages hold, the keys of a user the listing lacks are read with one
call for that user (``GET /users/{id}/credentials_api3``), shared by every key of that user:
never more calls than one read per key would make.

Writing. Looker's creates are not idempotent: a create whose answer is lost may still have made
a key or an account. Both are sent through :mod:`.lost_create`, never blindly twice: after a
failure where Looker may have acted, a key that send made (its secret is lost) is deleted and the
create sent again; the account that send made is taken as the create's answer.

Every write forgets what it touched (the next read of that user's keys asks Looker again).
"""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote, urlencode

import attrs

from pulumi_looker import models
from pulumi_looker.errors import (
    BadRequestError,
    KeyCreateError,
    LookerError,
    NotFoundError,
    PermissionDeniedError,
    ServiceAccountCreateError,
    UnconfirmedGoneError,
)

from .lost_create import Create, Creates, Found
from .paging import Pages

if TYPE_CHECKING:
    from .api import LookerApi

logger = logging.getLogger("pulumi_looker")

#: What the listing reads of each user: who it is, its keys, what a service account is, its
#: groups and roles.
LISTED_FIELDS = (
    "id",
    "email",
    "first_name",
    "last_name",
    "display_name",
    "locale",
    "credentials_api3",
    "is_service_account",
    "service_account_name",
    "is_disabled",
    "group_ids",
    "role_ids",
    "credentials_email",
)
#: Pages of the listing a refresh reads, at most; users beyond are read one by one.
MAX_PAGES = 4
#: How Looker refuses the listing to a connection that may not list users.
_REFUSALS = (PermissionDeniedError, NotFoundError, BadRequestError)
#: How far Looker's clock may be behind ours when looking for keys a lost create made.
CLOCK_SKEW = datetime.timedelta(minutes=2)

R = TypeVar("R")


class UserDirectory:
    """The users of one Looker instance as one connection sees them (service accounts among
    them), with their API keys, from one listing: what every resource reads.

    Thread-safe: concurrent reads wait for one listing, and for one read of a user's keys.

    A key is gone only when Looker confirms it: its user's key list, as this connection reads
    it, lacks it; or the user is missing from a complete listing of users and its key list
    answers 404.
    """

    def __init__(self, api: LookerApi) -> None:
        self._api = api
        self._lock = threading.Lock()
        self._listed = False
        #: Whether the listing held every user (then a user it lacks is gone).
        self._complete = False
        #: The users the listing held (and service accounts made since), by id.
        self._users: dict[str, models.ListedUser] = {}
        self._by_user: dict[str, Future[list[models.CredentialsApi3]]] = {}
        self._creates = Creates()

    # --- reading ---------------------------------------------------------------------------

    def key(self, user_id: str, key_id: str) -> models.CredentialsApi3 | None:
        """The key as Looker has it, or None when Looker confirms it is gone.

        Raises :class:`UnconfirmedGoneError` when Looker answers 404 and nothing confirms it.
        """
        return next((k for k in self.keys_of(user_id) if k.id == key_id), None)

    def keys_of(self, user_id: str) -> list[models.CredentialsApi3]:
        """Every key of a user."""
        with self._lock:
            self._ensure_listed()
            known = self._by_user.get(user_id)
            future = known or self._by_user.setdefault(user_id, Future())
        if known is None:  # this thread reads the user's keys; others wait for its answer
            try:
                future.set_result(self._api.list_credentials_api3(user_id))
            except NotFoundError as error:
                if self._complete:  # the listing of every user lacked it: gone
                    future.set_result([])
                else:
                    future.set_exception(UnconfirmedGoneError(user_id, error))
                    self._forget(user_id)
            except BaseException as error:
                future.set_exception(error)
                self._forget(user_id)  # the next read tries again
        return future.result()

    def lacks_user(self, user_id: str) -> bool:
        """Whether the complete listing of users (read now if it is not in hand: the one
        listing a refresh reads too) lacks ``user_id``; False when no complete listing can
        say (refused, or more users than it reads)."""
        known = self.user_ids()
        return known is not None and user_id not in known

    def user_id_of(self, email: str) -> str | None:
        """The id of the user with ``email`` (case as Looker compares it: ignored), from the
        listing; None when the listing has no such user."""
        wanted = email.strip().lower()
        with self._lock:
            self._ensure_listed()
            return next(
                (uid for uid, u in self._users.items() if (u.email or "").lower() == wanted), None
            )

    def email_of(self, user_id: str) -> str | None:
        """The email of a user the listing held (no call)."""
        with self._lock:
            user = self._users.get(user_id)
            return user.email if user else None

    def user(self, user_id: str) -> models.ListedUser | None:
        """A user as the listing shows it (a service account with its name, state and roles);
        one ``GET /users/{id}`` for a user the listing could not say about. None when Looker
        confirms the user is gone."""
        with self._lock:
            self._ensure_listed()
            known = self._users.get(user_id)
            if known is not None or self._complete:
                return known
        query = urlencode({"fields": ",".join(LISTED_FIELDS)})
        try:
            return _listed_user(self._api.request("GET", f"/users/{_quoted(user_id)}?{query}"))
        except NotFoundError:
            return None

    def user_ids(self) -> frozenset[str] | None:
        """The ids of every user, from the listing (read now if it is not in hand); None when
        no complete listing can say (refused, or more users than it reads)."""
        with self._lock:
            self._ensure_listed()
            return frozenset(self._users) if self._complete else None

    def every_user(self, progress: Callable[[int], None]) -> list[models.ListedUser]:
        """Every user, however many (``progress`` told the count after each page): what
        ``pulumi-looker adopt --all-users`` reads. A refused listing raises."""
        listed: list[models.ListedUser] = []
        for page in Pages(self._page):
            listed += page
            progress(len(listed))
        with self._lock:  # the complete listing: later reads of users need no call
            self._users = {user.id: user for user in listed}
            self._by_user = {user.id: _done(user.keys) for user in listed}
            self._listed = self._complete = True
        return listed

    def listed(self) -> list[models.ListedUser] | None:
        """Every user with its groups and roles, from the listing (read now if it is not in
        hand); None when no complete listing can say (refused, or more users than it reads)."""
        with self._lock:
            self._ensure_listed()
            return list(self._users.values()) if self._complete else None

    def users_named(self, ids: Sequence[str]) -> list[models.ListedUser]:
        """The users of ``ids`` that Looker has (one call), in id order."""
        return self._page(len(ids), 0, ids)

    # --- writing ---------------------------------------------------------------------------

    def create_key(self, user_id: str) -> models.CreateCredentialsApi3:
        """POST a new key of ``user_id``, never blindly twice (see :class:`_NewKey`)."""
        return self._creates.create(_NewKey(self, user_id))

    def set_purpose(self, user_id: str, key_id: str, purpose: str | None) -> models.CredentialsApi3:
        """PATCH a key's purpose (the one field Looker lets a client write)."""
        values = {"purpose": purpose}
        return self._write(
            user_id, lambda: self._api.update_credentials_api3(user_id, key_id, values)
        )

    def delete_key(self, user_id: str, key_id: str) -> None:
        """DELETE a key."""
        self._write(user_id, lambda: self._api.delete_credentials_api3(user_id, key_id))

    def discard_key(self, user_id: str, key_id: str) -> bool:
        """Delete a key whose set-up failed, so that nothing is left half-made; False when
        Looker could not be told (the caller then keeps the key in Pulumi's state rather than
        lose it)."""
        try:
            self.delete_key(user_id, key_id)
        except LookerError as error:
            logger.warning(
                "deleting half-made key %s of user %s failed: %s", key_id, user_id, error
            )
            return False
        return True

    def create_service_account(self, values: Mapping[str, Any]) -> models.ServiceAccount:
        """POST a new service account, never blindly twice (see :class:`_NewServiceAccount`);
        later reads see it with no call."""
        account = self._creates.create(_NewServiceAccount(self, values))
        self.remember(account)
        return account

    def remember(self, account: models.ServiceAccount) -> None:
        """A service account as a write's answer shows it: later reads see it with no call."""
        with self._lock:
            known = self._users.get(account.id)
            self._users[account.id] = attrs.evolve(
                known or models.ListedUser(id=account.id, email=None, keys=[]),
                service_account=account,
                group_ids=account.group_ids,
                role_ids=account.role_ids,
            )

    def create_user(self, values: Mapping[str, Any]) -> models.User:
        """``POST /users``: a new person (no way to sign in until its email credentials are
        set); later reads see it with no call."""
        person = self._api.create_user(values)
        self.remember_person(person)
        return person

    def update_user(self, user_id: str, values: Mapping[str, Any]) -> models.User:
        """``PATCH /users/{user_id}``."""
        person = self._write(user_id, lambda: self._api.update_user(user_id, values))
        self.remember_person(person)
        return person

    def delete_user(self, user_id: str) -> None:
        """``DELETE /users/{user_id}``: cannot be undone (the user's content goes to Trash)."""
        self._write(user_id, lambda: self._api.delete_user(user_id))
        self.forget_user(user_id)

    def remember_person(self, person: models.User) -> None:
        """A user as a write's answer shows it: later reads see it with no call."""
        with self._lock:
            known = self._users.get(person.id)
            self._users[person.id] = attrs.evolve(
                known or models.ListedUser(id=person.id, email=person.email, keys=[]),
                email=person.email,
                person=person,
                group_ids=person.group_ids,
                role_ids=person.role_ids,
            )

    def regroup(self, user_id: str, *, joined: str | None = None, left: str | None = None) -> None:
        """A user added to group ``joined`` or taken out of group ``left``, as the write's
        success says: later reads see it with no call."""
        with self._lock:
            user = self._users.get(user_id)
            if user is not None:
                groups = [g for g in user.group_ids or () if g != left]
                if joined is not None and joined not in groups:
                    groups.append(joined)
                self._users[user_id] = attrs.evolve(user, group_ids=groups)

    def reassign(self, role_id: str, holders: Collection[str]) -> None:
        """Exactly the users ``holders`` hold role ``role_id`` themselves, as the write's
        success says: later reads see it with no call."""
        with self._lock:
            for user_id, user in self._users.items():
                roles = [r for r in user.role_ids or () if r != role_id]
                if user_id in holders:
                    roles.append(role_id)
                self._users[user_id] = attrs.evolve(user, role_ids=roles)

    def forget_user(self, user_id: str) -> None:
        """A user deleted: gone from the listing, and its keys with it."""
        with self._lock:
            self._users.pop(user_id, None)
            self._by_user[user_id] = _done([])

    # --- inside ----------------------------------------------------------------------------

    def _relist(self) -> list[models.ListedUser] | None:
        """Every user as a new listing shows them (what was in hand is dropped): after a write
        whose answer was lost. None when no complete listing can be read."""
        with self._lock:
            self._listed = self._complete = False
            self._users.clear()
            self._by_user.clear()
            self._ensure_listed()
            return list(self._users.values()) if self._complete else None

    def _write(self, user_id: str, call: Callable[[], R]) -> R:
        """Make a write call; whatever happens, forget the keys of ``user_id`` it touched."""
        try:
            return call()
        finally:
            self._forget(user_id)

    def _forget(self, user_id: str) -> None:
        with self._lock:
            self._by_user.pop(user_id, None)

    def _ensure_listed(self) -> None:
        """The listing of every user with their keys, read once, page by page (under the
        lock)."""
        if self._listed:
            return
        self._listed = True
        pages = Pages(self._page, most=MAX_PAGES)
        try:
            for page in pages:
                for user in page:
                    self._users[user.id] = user
                    self._by_user[user.id] = _done(user.keys)
        except _REFUSALS as error:
            logger.debug("listing users refused (%s): reading keys user by user", error)
            return
        self._complete = pages.complete
        if pages.complete:
            logger.debug("read the keys of %d users in %d page(s)", len(self._users), pages.read)
        else:
            logger.debug(
                "more than %d users: read the keys of the others user by user", len(self._users)
            )

    def _page(
        self, limit: int, offset: int, ids: Sequence[str] | None = None
    ) -> list[models.ListedUser]:
        """``GET /users`` with only the fields of :data:`LISTED_FIELDS`, one page in id order
        (of the users ``ids`` names, if given)."""
        params: dict[str, Any] = {"fields": ",".join(LISTED_FIELDS), "sorts": "id"}
        if ids is not None:
            params["ids"] = ",".join(ids)
        query = urlencode({**params, "limit": limit, "offset": offset})
        return [_listed_user(user) for user in self._api.request("GET", f"/users?{query}")]


class _NewKey(Create[models.CreateCredentialsApi3, datetime.datetime]):
    """A new key of a user. After a failed send, the user's keys are listed: a key that send
    made (no purpose, created since, not one this client made) has a secret no one will ever
    see, so it is deleted, and the create is sent again. When the listing or a delete fails,
    or the sends run out, the create fails naming whatever may be left."""

    sends = 3

    def __init__(self, users: UserDirectory, user_id: str) -> None:
        self.users = users
        self.user_id = user_id

    @property
    def scope(self) -> str:
        return f"keys of user {self.user_id}"

    def mark(self) -> datetime.datetime:
        return datetime.datetime.now(datetime.timezone.utc)

    def send(self) -> models.CreateCredentialsApi3:
        api = self.users._api
        return self.users._write(self.user_id, lambda: api.create_credentials_api3(self.user_id))

    def look(
        self, mark: datetime.datetime, ours: frozenset[str], cause: LookerError
    ) -> Found[models.CreateCredentialsApi3]:
        user_id, since = self.user_id, mark - CLOCK_SKEW
        try:
            keys = self.users._api.list_credentials_api3(user_id)
        except LookerError as error:
            return Found(
                left=f"Looker may have created the key anyway, and listing user {user_id}'s "
                f"keys failed ({error}): look in Looker's admin page for keys of user {user_id} "
                f"with no purpose created after {since.isoformat(timespec='seconds')}"
            )
        suspects = [
            k
            for k in keys
            if not k.purpose
            and k.created_at
            and models.looker_time(k.created_at) >= since
            and k.id not in ours
        ]
        kept = [k for k in suspects if not self.users.discard_key(user_id, k.id)]
        if not kept:
            return Found()
        listed = ", ".join(f"{k.id} (created {k.created_at})" for k in kept)
        return Found(
            left=f"Looker may have created the key anyway: key(s) {listed} of user {user_id} "
            "have no purpose, are not in Pulumi's state, and could not be deleted. If no other "
            "run made them, delete them in Looker's admin page; the next `pulumi up` creates a "
            "new key."
        )

    def failure(self, cause: LookerError, send: int, left: str | None) -> LookerError:
        return KeyCreateError(cause, send, self.sends, left)


class _NewServiceAccount(Create[models.ServiceAccount, "frozenset[str] | None"]):
    """A new service account, sent once. After a failed send, a new listing of users tells:
    the one account with this name that was not there before the send (nor made by this
    client) is the one it made, taken; none means nothing was made (the error stands); else the
    error names what may be left. The users before the send come from the listing (read now if
    not in hand)."""

    def __init__(self, users: UserDirectory, values: Mapping[str, Any]) -> None:
        self.users = users
        self.values = values
        self.name = values["service_account_name"]

    @property
    def scope(self) -> str:
        return f"service accounts named {self.name!r}"

    def mark(self) -> frozenset[str] | None:
        return self.users.user_ids()

    def send(self) -> models.ServiceAccount:
        return self.users._api.create_service_account(self.values)

    def look(
        self, mark: frozenset[str] | None, ours: frozenset[str], cause: LookerError
    ) -> Found[models.ServiceAccount]:
        listed = self.users._relist()
        made = [
            user.service_account
            for user in listed or []
            if user.service_account is not None
            and user.service_account.service_account_name == self.name
            and (mark is None or user.id not in mark)
            and user.id not in ours
        ]
        if mark is not None and listed is not None:
            if len(made) == 1:
                logger.warning(
                    "%s, but Looker made service account %s (%r): it is this resource's",
                    cause,
                    made[0].id,
                    self.name,
                )
                return Found(made=made[0])
            if not made:
                return Found()
        ids = ", ".join(a.id for a in made) or "unknown"
        return Found(
            left=f"Looker may have created service account {self.name!r} anyway (user ids: "
            f"{ids}): look for it in Admin > Users, and adopt it by user_id or delete it"
        )

    def failure(self, cause: LookerError, send: int, left: str | None) -> LookerError:
        return cause if left is None else ServiceAccountCreateError(f"{cause}; {left}")


def _listed_user(user: Mapping[str, Any]) -> models.ListedUser:
    return models.ListedUser(
        id=str(user["id"]),
        email=user.get("email"),
        keys=[
            models.from_api(models.CredentialsApi3, key)
            for key in user.get("credentials_api3") or []
        ],
        service_account=(
            models.from_api(models.ServiceAccount, {**user, "id": str(user["id"])})
            if user.get("is_service_account")
            else None
        ),
        group_ids=user.get("group_ids"),
        role_ids=user.get("role_ids"),
        person=models.from_api(models.User, {**user, "id": str(user["id"])}),
        email_login=user.get("credentials_email") is not None,
    )


def _done(keys: list[models.CredentialsApi3]) -> Future[list[models.CredentialsApi3]]:
    done: Future[list[models.CredentialsApi3]] = Future()
    done.set_result(keys)
    return done


def _quoted(segment: str) -> str:
    return quote(str(segment), safe="")
