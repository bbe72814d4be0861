"""The client a process talks to Looker with: the calls (:class:`~.api.LookerApi`) and the
views it keeps over them (the users, who manages each singleton), one per settings."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import ClassVar

from pulumi_looker.settings import ConnectionSettings

from .access import Access
from .api import LookerApi
from .owners import Owners
from .retry import RetryPolicy
from .transport import Transport
from .users import UserDirectory


class LookerClient(LookerApi):
    """Looker's calls, and what this client knows of the instance through them. Use
    :meth:`shared` to get the one client of a process for some settings."""

    _shared: dict[ConnectionSettings, LookerClient] = {}  # noqa: RUF012 - process-wide cache
    _shared_lock = threading.Lock()
    #: The retry policy of clients made without one (the shared ones among them).
    default_retry: ClassVar[RetryPolicy] = RetryPolicy()

    def __init__(
        self,
        settings: ConnectionSettings,
        *,
        retry: RetryPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(settings, retry or self.default_retry, Transport(settings, clock=clock))
        #: The instance's users, their keys and service accounts: every read and write of them.
        self.users = UserDirectory(self)
        #: Who is in which group, who holds which role: every read and write of them.
        self.access = Access(self, self.users)
        #: Which stack manages each singleton, read once per client.
        self.owners = Owners(self)

    @classmethod
    def shared(cls, settings: ConnectionSettings) -> LookerClient:
        """The process-wide client for ``settings``: one login per instance and API key."""
        with cls._shared_lock:
            client = cls._shared.get(settings)
            if client is None:
                client = cls._shared[settings] = cls(settings)
            return client

    @classmethod
    def close_shared(cls) -> None:
        """Close every process-wide client and forget it: the next :meth:`shared` makes a new
        one, which logs in again (as a new provider process would)."""
        with cls._shared_lock:
            clients = list(cls._shared.values())
            cls._shared.clear()
        for client in clients:
            client.close()

    def __enter__(self) -> LookerClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
