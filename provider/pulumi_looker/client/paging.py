"""Reading a listing that Looker answers in pages (``limit``/``offset``): the page size, and the
one loop that reads the pages."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")

#: Objects per page of a listing.
PAGE_SIZE = 500


class Pages(Generic[T]):
    """The pages of one listing, each read (``read(limit, offset)``) as the iteration reaches
    it, in order, until a page that is not full (the last one) or ``most`` pages (None: no
    bound). After the iteration, :attr:`complete` says whether the last page was read, and
    :attr:`read` how many pages were."""

    def __init__(self, read: Callable[[int, int], list[T]], *, most: int | None = None) -> None:
        self._read = read
        self._most = most
        self.complete = False
        self.read = 0

    def __iter__(self) -> Iterator[list[T]]:
        size = PAGE_SIZE
        for number in itertools.count() if self._most is None else range(self._most):
            page = self._read(size, number * size)
            self.read += 1
            self.complete = len(page) < size
            yield page
            if self.complete:
                return
