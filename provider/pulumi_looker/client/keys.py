"""A Looker instance's API keys as one client sees them: read at the fewest calls, written so
that no key is ever left behind unseen.

Reading. A refresh reads every key in the state. Looker lists users with their keys in one call
(``GET /users?fields=id,credentials_api3``, in pages), so a refresh of N keys of U users costs
the pages of that listing, whatever N is. When the listing is refused, or the instance has more
users than ``MAX_PAGES`` pages hold, the keys of a user the listing lacks are read with one call
for that user (``GET /users/{id}/credentials_api3``), shared by every key of that user: never
more calls than one read per key would make.

Writing. Looker's create is not idempotent: a create whose answer is lost may still have made a
key. A create is therefore never blindly sent again; after a failure where Looker may have
acted, the user's keys are listed first, and a key that send made is deleted: a key whose id we
learn is either in Pulumi's state or deleted.

Two invariants hold for every caller of :class:`ApiKeys`: every write forgets what it touched
(the next read of that user's keys asks Looker again), and a key this object created, or is
creating in another thread, is never taken for one a lost create left.
"""

from __future__ import annotations

import datetime
import logging
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from typing import Any, Protocol

from pulumi_looker import models
from pulumi_looker.errors import (
    BadRequestError,
    KeyCreateError,
    LookerConnectionError,
    LookerError,
    NotFoundError,
    PermissionDeniedError,
    ServerError,
    UnconfirmedGoneError,
)

logger = logging.getLogger("pulumi_looker")

#: Users per page of the listing, and pages at most; users beyond are read one by one.
PAGE_SIZE = 500
MAX_PAGES = 4
#: How Looker refuses the listing to a connection that may not list users.
_REFUSALS = (PermissionDeniedError, NotFoundError, BadRequestError)
#: How far Looker's clock may be behind ours when looking for keys a lost create made.
CLOCK_SKEW = datetime.timedelta(minutes=2)
#: Sends of one create at most, when each failed without leaving a key behind.
CREATE_SENDS = 3
#: How long clearing a user's orphans waits for that user's creates in flight (each is bounded
#: by the connection's timeout and retries), and a create for a clearing.
WAIT_SECONDS = 600.0


class KeyCalls(Protocol):
    """The calls of Looker's API that :class:`ApiKeys` makes (a ``LookerClient`` has them)."""

    def list_users_keys(
        self, *, limit: int, offset: int, ids: Sequence[str] | None = None
    ) -> list[models.ListedUser]: ...

    def listed_user(self, user_id: str) -> models.ListedUser: ...

    def list_credentials_api3(self, user_id: str) -> list[models.CredentialsApi3]: ...

    def create_credentials_api3(self, user_id: str) -> models.CreateCredentialsApi3: ...

    def update_credentials_api3(
        self, user_id: str, credentials_id: str, values: Mapping[str, Any]
    ) -> models.CredentialsApi3: ...

    def delete_credentials_api3(self, user_id: str, credentials_id: str) -> None: ...


class ApiKeys:
    """The API keys of one Looker instance as one connection sees them, and the users they
    belong to (service accounts among them) from the same listing: what every resource reads.

    Thread-safe: concurrent reads wait for one listing, and for one read of a user's keys.

    A key is gone only when Looker confirms it: its user's key list, as this connection reads
    it, lacks it; or the user is missing from a complete listing of users and its key list
    answers 404.
    """

    def __init__(self, calls: KeyCalls) -> None:
        self._calls = calls
        self._lock = threading.Lock()
        self._listed = False
        #: Whether the listing held every user (then a user it lacks is gone).
        self._complete = False
        #: The users the listing held (and service accounts made since), by id.
        self._users: dict[str, models.ListedUser] = {}
        self._by_user: dict[str, Future[list[models.CredentialsApi3]]] = {}
        #: Ids of the keys this object created: never taken for what a lost create left.
        self._created: set[str] = set()
        #: Creates in flight, and users whose orphans are being cleared: the two never overlap
        #: for one user, so a key this object is creating is never taken for an orphan.
        self._sends = threading.Condition()
        self._posting: Counter[str] = Counter()
        self._clearing: set[str] = set()

    # --- reading ---------------------------------------------------------------------------

    def key(self, user_id: str, key_id: str) -> models.CredentialsApi3 | None:
        """The key as Looker has it, or None when Looker confirms it is gone.

        Raises :class:`UnconfirmedGoneError` when Looker answers 404 and nothing confirms it.
        """
        return next((k for k in self.keys_of(user_id) if k.id == key_id), None)

    def keys_of(self, user_id: str) -> list[models.CredentialsApi3]:
        """Every key of a user."""
        with self._lock:
            if not self._listed:
                self._list_users()
            known = self._by_user.get(user_id)
            future = known or self._by_user.setdefault(user_id, Future())
        if known is None:  # this thread reads the user's keys; others wait for its answer
            try:
                future.set_result(self._calls.list_credentials_api3(user_id))
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
        """The id of the user with ``email`` (case as Looker compares it: ignored), from the one
        listing of users that reads keys too; None when the listing has no such user."""
        with self._lock:
            if not self._listed:
                self._list_users()
            wanted = email.strip().lower()
            return next(
                (uid for uid, u in self._users.items() if (u.email or "").lower() == wanted), None
            )

    def email_of(self, user_id: str) -> str | None:
        """The email of a user the listing held (no call)."""
        with self._lock:
            user = self._users.get(user_id)
            return user.email if user else None

    def user(self, user_id: str) -> models.ListedUser | None:
        """A user as the one listing of users shows it (a service account with its name, state
        and roles); one ``GET /users/{id}`` for a user the listing could not say about. None
        when Looker confirms the user is gone."""
        with self._lock:
            if not self._listed:
                self._list_users()
            known = self._users.get(user_id)
            if known is not None or self._complete:
                return known
        try:
            return self._calls.listed_user(user_id)
        except NotFoundError:
            return None

    def user_ids(self) -> frozenset[str] | None:
        """The ids of every user, from the one listing (read now if it is not in hand); None
        when no complete listing can say (refused, or more users than it reads)."""
        with self._lock:
            if not self._listed:
                self._list_users()
            return frozenset(self._users) if self._complete else None

    def relist(self) -> list[models.ListedUser] | None:
        """Every user as a new listing shows them (what was in hand is dropped): after a write
        whose answer was lost. None when no complete listing can be read."""
        with self._lock:
            self._listed = self._complete = False
            self._users.clear()
            self._by_user.clear()
            self._list_users()
            return list(self._users.values()) if self._complete else None

    def remember(self, user_id: str, account: models.ServiceAccount) -> None:
        """A service account as a write's answer shows it: later reads see it with no call."""
        with self._lock:
            known = self._users.get(user_id)
            self._users[user_id] = models.ListedUser(
                id=user_id,
                email=known.email if known else None,
                keys=known.keys if known else [],
                service_account=account,
            )

    def forget_user(self, user_id: str) -> None:
        """A user deleted: gone from the listing, and its keys with it."""
        with self._lock:
            self._users.pop(user_id, None)
            self._by_user[user_id] = _done([])

    # --- writing ---------------------------------------------------------------------------

    def create(self, user_id: str) -> models.CreateCredentialsApi3:
        """POST a new key, never blindly twice. When the POST fails where Looker may have
        acted (a lost answer, a 5xx), the user's keys are listed first: a key that send made (no
        purpose, created since, not one this object made) has a secret no one will ever see,
        so it is deleted, and the create is sent again. When the listing or a delete fails, or
        the sends run out, the create fails naming whatever may be left."""
        for send in range(1, CREATE_SENDS + 1):
            sent_at = datetime.datetime.now(datetime.timezone.utc)
            try:
                created = self._post(user_id)
            except (LookerConnectionError, ServerError) as error:
                if isinstance(error, LookerConnectionError) and not error.reached_server:
                    raise
                left_behind = self.clear_orphans(user_id, sent_at)
                if left_behind is not None or send == CREATE_SENDS:
                    raise KeyCreateError(error, send, CREATE_SENDS, left_behind) from None
                logger.warning(
                    "%s; nothing of it is left in Looker, sending the create again", error
                )
                continue
            return created
        raise AssertionError("unreachable")

    def _post(self, user_id: str) -> models.CreateCredentialsApi3:
        """One POST of a key of ``user_id``, never while that user's orphans are cleared; its
        key is known as this object's before the clearing may start."""
        with self._sends:
            self._sends.wait_for(lambda: user_id not in self._clearing, timeout=WAIT_SECONDS)
            self._posting[user_id] += 1
        try:
            created: models.CreateCredentialsApi3 = self._write(
                user_id, self._calls.create_credentials_api3, user_id
            )
            self._created.add(created.id)
            return created
        finally:
            with self._sends:
                self._posting[user_id] -= 1
                self._sends.notify_all()

    def set_purpose(self, user_id: str, key_id: str, purpose: str | None) -> models.CredentialsApi3:
        """PATCH a key's purpose (the one field Looker lets a client write)."""
        values = {"purpose": purpose}
        return self._write(user_id, self._calls.update_credentials_api3, user_id, key_id, values)

    def delete(self, user_id: str, key_id: str) -> None:
        """DELETE a key."""
        self._write(user_id, self._calls.delete_credentials_api3, user_id, key_id)

    def discard(self, user_id: str, key_id: str) -> bool:
        """Delete a key whose set-up failed, so that nothing is left half-made; False when
        Looker could not be told (the caller then keeps the key in Pulumi's state rather than
        lose it)."""
        try:
            self.delete(user_id, key_id)
        except LookerError as error:
            logger.warning(
                "deleting half-made key %s of user %s failed: %s", key_id, user_id, error
            )
            return False
        return True

    def clear_orphans(self, user_id: str, sent_at: datetime.datetime) -> str | None:
        """Delete the keys a failed create may have made; None when nothing is left behind,
        else what may be, in words."""
        with self._sends:  # a key another thread is creating is not an orphan: wait for it
            self._sends.wait_for(
                lambda: not self._posting[user_id] and user_id not in self._clearing,
                timeout=WAIT_SECONDS,
            )
            self._clearing.add(user_id)
        try:
            return self._clear_orphans(user_id, sent_at)
        finally:
            with self._sends:
                self._clearing.discard(user_id)
                self._sends.notify_all()

    def _clear_orphans(self, user_id: str, sent_at: datetime.datetime) -> str | None:
        since = sent_at - CLOCK_SKEW
        try:
            keys = self._calls.list_credentials_api3(user_id)
        except LookerError as error:
            return (
                f"Looker may have created the key anyway, and listing user {user_id}'s keys "
                f"failed ({error}): look in Looker's admin page for keys of user {user_id} with "
                f"no purpose created after {since.isoformat(timespec='seconds')}"
            )
        suspects = [
            k
            for k in keys
            if not k.purpose
            and k.created_at
            and models.looker_time(k.created_at) >= since
            and k.id not in self._created
        ]
        kept = [k for k in suspects if not self.discard(user_id, k.id)]
        if not kept:
            return None
        listed = ", ".join(f"{k.id} (created {k.created_at})" for k in kept)
        return (
            f"Looker may have created the key anyway: key(s) {listed} of user {user_id} have no "
            "purpose, are not in Pulumi's state, and could not be deleted. If no other run made "
            "them, delete them in Looker's admin page; the next `pulumi up` creates a new key."
        )

    def _write(self, user_id: str, call: Any, *args: Any) -> Any:
        """Make a write call; whatever happens, forget the keys of ``user_id`` it touched."""
        try:
            return call(*args)
        finally:
            self._forget(user_id)

    def _forget(self, user_id: str) -> None:
        with self._lock:
            self._by_user.pop(user_id, None)

    def _list_users(self) -> None:
        """One listing of every user with their keys, page by page (under the lock)."""
        self._listed = True
        try:
            for page in range(MAX_PAGES):
                users = self._calls.list_users_keys(limit=PAGE_SIZE, offset=page * PAGE_SIZE)
                for user in users:
                    self._users[user.id] = user
                    self._by_user[user.id] = _done(user.keys)
                if len(users) < PAGE_SIZE:
                    self._complete = True
                    logger.debug(
                        "read the keys of %d users in %d page(s)", len(self._by_user), page + 1
                    )
                    return
            logger.debug(
                "more than %d users: read the keys of the others user by user",
                MAX_PAGES * PAGE_SIZE,
            )
        except _REFUSALS as error:
            logger.debug("listing users refused (%s): reading keys user by user", error)


def _done(keys: list[models.CredentialsApi3]) -> Future[list[models.CredentialsApi3]]:
    done: Future[list[models.CredentialsApi3]] = Future()
    done.set_result(keys)
    return done
