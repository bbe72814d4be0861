"""A create Looker does not make idempotent, whose answer may be lost: sent once, and after a
failure where Looker may have acted, what exists is looked at before anything else is sent.

A POST whose answer never came back (the connection dropped once the request was out, a 5xx)
may still have made the object, and sending it again blindly could make a second one. So each
kind of create says how to look for what one send made (:meth:`Create.look`), and what it finds
decides:

- the object that send made, taken as the create's answer (a service account: the one new
  account of that name);
- nothing of it left (Looker made nothing, or what it made was deleted: a key whose secret is
  lost), and the create is sent again, :attr:`Create.sends` times at most;
- what may be left, in words, when the look could not tell or clean up: the create fails
  saying so, and nothing more is sent.

Two invariants hold through one :class:`Creates`: a look never runs while a create of the same
scope (a user's keys, the accounts of one name) is in flight, and it never takes an object that
a create of this client made for one that a lost send left.
"""

from __future__ import annotations

import abc
import logging
import threading
from collections import Counter, defaultdict
from typing import Generic, Protocol, TypeVar

import attrs

from pulumi_looker.errors import LookerConnectionError, LookerError, ServerError

logger = logging.getLogger("pulumi_looker")

#: How long a send waits for a look of its scope, and a look for the sends of its scope in
#: flight (each bounded by the connection's timeout and retries).
WAIT_SECONDS = 600.0


class Made(Protocol):
    """What a create makes: a Looker object with an id."""

    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=Made)
#: What a create notes before each send, for its look (a time, the ids in hand).
M = TypeVar("M")


@attrs.frozen
class Found(Generic[T]):
    """What a look after a failed send found: ``made``, the object that send made; or
    ``left``, in words, what may be left that the look could not tell or delete; neither:
    nothing of that send is left."""

    made: T | None = None
    left: str | None = None


class Create(abc.ABC, Generic[T, M]):
    """One create of one kind of Looker object, as :meth:`Creates.create` sends it."""

    #: Sends at most, each after a look found nothing of the one before.
    sends = 1

    @property
    @abc.abstractmethod
    def scope(self) -> str:
        """What the creates whose looks must not overlap share (a user's keys: the user)."""

    @abc.abstractmethod
    def mark(self) -> M:
        """What to note before a send, for the look after it."""

    @abc.abstractmethod
    def send(self) -> T:
        """Send the create once."""

    @abc.abstractmethod
    def look(self, mark: M, ours: frozenset[str], cause: LookerError) -> Found[T]:
        """After a send that failed with ``cause`` where Looker may have acted: what it made,
        found among what exists (never one of ``ours``, the ids of what this client's creates
        of the scope made), or cleaned up."""

    @abc.abstractmethod
    def failure(self, cause: LookerError, send: int, left: str | None) -> LookerError:
        """The error for a create that failed at send ``send`` with ``cause``, ``left`` saying
        what may be left (None: nothing)."""


class Creates:
    """The non-idempotent creates one client sends. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._sending: Counter[str] = Counter()
        self._looking: set[str] = set()
        #: The ids of what each scope's creates made: never taken for what a lost send left.
        self._made: defaultdict[str, set[str]] = defaultdict(set)

    def create(self, create: Create[T, M]) -> T:
        """Send ``create``, never blindly again: see the module's documentation."""
        for send in range(1, create.sends + 1):
            mark = create.mark()
            try:
                return self._send(create)
            except (LookerConnectionError, ServerError) as error:
                if isinstance(error, LookerConnectionError) and not error.reached_server:
                    raise
                cause = error
            found = self._look(create, mark, cause)
            if found.made is not None:
                with self._lock:
                    self._made[create.scope].add(found.made.id)
                return found.made
            if found.left is not None or send == create.sends:
                raise create.failure(cause, send, found.left) from None
            logger.warning("%s; nothing of it is left in Looker, sending the create again", cause)
        raise AssertionError("unreachable")

    def _send(self, create: Create[T, M]) -> T:
        """One send, never while a look of its scope runs; what it made is known as this
        client's before a look may start."""
        scope = create.scope
        with self._lock:
            self._lock.wait_for(lambda: scope not in self._looking, timeout=WAIT_SECONDS)
            self._sending[scope] += 1
        try:
            made = create.send()
            with self._lock:
                self._made[scope].add(made.id)
            return made
        finally:
            with self._lock:
                self._sending[scope] -= 1
                self._lock.notify_all()

    def _look(self, create: Create[T, M], mark: M, cause: LookerError) -> Found[T]:
        """The look, once no send of its scope is in flight (what another thread is making is
        not what a lost send left) and no other look of it runs."""
        scope = create.scope
        with self._lock:
            self._lock.wait_for(
                lambda: not self._sending[scope] and scope not in self._looking,
                timeout=WAIT_SECONDS,
            )
            self._looking.add(scope)
            ours = frozenset(self._made[scope])
        try:
            return create.look(mark, ours, cause)
        finally:
            with self._lock:
                self._looking.discard(scope)
                self._lock.notify_all()
