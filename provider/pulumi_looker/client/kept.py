"""A listing of Looker objects read once and kept for a client's life, as long as it can be
true: forgotten on a write to what it lists, and read again once when a lookup misses in it, so
that a lookup sees what the same run created (here, or through another connection)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class KeptListing(Generic[T]):
    """One listing (``read()``), kept. Thread-safe: concurrent lookups wait for one read."""

    def __init__(self, read: Callable[[], list[T]]) -> None:
        self._read = read
        self._lock = threading.Lock()
        self._items: list[T] | None = None
        #: Whether a lookup's miss read the listing in hand again (the next miss does not).
        self._reread = False

    def lookup(self, has: Callable[[list[T]], bool] = lambda _: True) -> list[T]:
        """The listing: the one in hand, or read now; read again once (until the next
        :meth:`forget`) when the one in hand was read earlier and lacks what ``has`` looks for."""
        with self._lock:
            if self._items is None:
                self._items = self._read()
            elif not self._reread and not has(self._items):
                self._items, self._reread = self._read(), True
            return list(self._items)

    def forget(self) -> None:
        """What is in hand is no longer true (a write to what it lists): the next lookup
        reads it again."""
        with self._lock:
            self._items, self._reread = None, False
