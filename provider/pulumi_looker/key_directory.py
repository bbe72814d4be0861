"""Reading API keys at the fewest calls: one listing of the users with their keys, shared by
every read of a provider process.

A refresh reads every key in the state. Looker lists users with their keys in one call
(``GET /users?fields=id,credentials_api3``, in pages), so a refresh of N keys of U users costs
the pages of that listing, whatever N is. When the listing is refused, or the instance has more
users than ``MAX_PAGES`` pages hold, the keys of a user the listing lacks are read with one call
for that user (``GET /users/{id}/credentials_api3``), shared by every key of that user: never
more calls than one read per key would make.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future
from typing import TYPE_CHECKING

from .errors import BadRequestError, NotFoundError, PermissionDeniedError, UnconfirmedGoneError

if TYPE_CHECKING:
    from . import models
    from .client import LookerClient

logger = logging.getLogger("pulumi_looker")

#: Users per page of the listing, and pages at most; users beyond are read one by one.
PAGE_SIZE = 500
MAX_PAGES = 4

#: How Looker refuses the listing to a connection that may not list users.
_REFUSALS = (PermissionDeniedError, NotFoundError, BadRequestError)


class KeyDirectory:
    """The API keys of one Looker instance as one connection sees them, read lazily, once.

    Thread-safe: concurrent reads wait for one listing, and for one read of a user's keys.
    :meth:`forget` (called by every write) makes the next read of a user's keys ask Looker again.

    A key is gone only when Looker confirms it: its user's key list, as this connection reads
    it, lacks it; or the user is missing from a complete listing of users and its key list
    answers 404.
    """

    def __init__(self, client: LookerClient) -> None:
        self._client = client
        self._lock = threading.Lock()
        self._listed = False
        #: Whether the listing held every user (then a user it lacks is gone).
        self._complete = False
        #: The users the listing held.
        self._users: set[str] = set()
        self._by_user: dict[str, Future[list[models.CredentialsApi3]]] = {}

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
                future.set_result(self._client.list_credentials_api3(user_id))
            except NotFoundError as error:
                if self._complete:  # the listing of every user lacked it: gone
                    future.set_result([])
                else:
                    future.set_exception(UnconfirmedGoneError(user_id, error))
                    self.forget(user_id)
            except BaseException as error:
                future.set_exception(error)
                self.forget(user_id)  # the next read tries again
        return future.result()

    def lacks_user(self, user_id: str) -> bool:
        """Whether a complete listing of users, read already, lacks ``user_id``; no call."""
        with self._lock:
            return self._complete and user_id not in self._users

    def holds_key(self, user_id: str, key_id: str) -> bool | None:
        """Whether the user's keys, in hand already, hold ``key_id``; None when they are not in
        hand (no call is made to find out)."""
        with self._lock:
            future = self._by_user.get(user_id)
        if future is None or not future.done() or future.exception() is not None:
            return None
        return any(k.id == key_id for k in future.result())

    def forget(self, user_id: str) -> None:
        """Looker's keys of ``user_id`` changed (or may have): read them again when asked."""
        with self._lock:
            self._by_user.pop(user_id, None)

    def _list_users(self) -> None:
        """One listing of every user with their keys, page by page (under the lock)."""
        self._listed = True
        try:
            for page in range(MAX_PAGES):
                users = self._client.list_users_keys(limit=PAGE_SIZE, offset=page * PAGE_SIZE)
                for user_id, keys in users:
                    self._users.add(user_id)
                    done: Future[list[models.CredentialsApi3]] = Future()
                    done.set_result(keys)
                    self._by_user[user_id] = done
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
