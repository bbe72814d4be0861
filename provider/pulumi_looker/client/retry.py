"""When and how long to retry a call to Looker (built on tenacity)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

import attrs
import tenacity

from pulumi_looker.errors import (
    RETRYABLE_SERVER_STATUSES,
    LookerApiError,
    LookerCallError,
    LookerConnectionError,
    RateLimitError,
    ServerError,
)

T = TypeVar("T")

logger = logging.getLogger("pulumi_looker")


@attrs.frozen
class RetryPolicy:
    """Bounds for retrying 429, 502, 503, 504 and connection errors.

    A call is tried at most ``max_attempts`` times and never retried once ``max_elapsed`` seconds
    would pass before the next try. Waits grow exponentially with full jitter from
    ``initial_wait`` up to ``max_wait``; a server's ``Retry-After`` is honoured up to
    ``max_retry_after``. ``sleep`` waits (tests give one that records instead).
    """

    max_attempts: int = 6
    max_elapsed: float = 120.0
    initial_wait: float = 0.5
    max_wait: float = 15.0
    max_retry_after: float = 60.0
    sleep: Callable[[float], None] = attrs.field(default=time.sleep, eq=False, repr=False)

    def call(self, fn: Callable[[], T], *, method: str, path: str, idempotent: bool) -> T:
        """Run ``fn`` with retries; the error finally raised records how many attempts were made."""
        backoff = tenacity.wait_random_exponential(multiplier=self.initial_wait, max=self.max_wait)

        def wait(state: tenacity.RetryCallState) -> float:
            error = state.outcome.exception() if state.outcome else None
            if isinstance(error, LookerApiError) and error.retry_after is not None:
                return min(error.retry_after, self.max_retry_after)
            return backoff(state)

        def log_retry(state: tenacity.RetryCallState) -> None:
            error = state.outcome.exception() if state.outcome else None
            sleep = state.next_action.sleep if state.next_action else 0.0
            logger.warning(
                "%s %s: %s; retrying in %.1f s (attempt %d of %d)",
                method,
                path,
                error,
                sleep,
                state.attempt_number + 1,
                self.max_attempts,
            )

        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.max_attempts)
            | tenacity.stop_before_delay(self.max_elapsed),
            wait=wait,
            retry=tenacity.retry_if_exception(lambda error: is_retryable(error, idempotent)),
            before_sleep=log_retry,
            sleep=self.sleep,
            reraise=True,
        )
        try:
            return retrying(fn)
        except LookerCallError as error:
            error.attempts = retrying.statistics.get("attempt_number", 1)
            raise


def is_retryable(error: BaseException, idempotent: bool) -> bool:
    """Whether another try is safe and may help.

    A non-idempotent call (a create) is retried only when Looker surely did not act on it: a
    429, a failed login (the call itself was never sent), or a connection that was never made.
    After a timeout, a dropped connection or a 5xx it may have created something, so it is not
    sent again.
    """
    if isinstance(error, RateLimitError):
        return True
    safe = idempotent or (isinstance(error, LookerCallError) and error.during_login)
    if isinstance(error, ServerError):
        return safe and error.status in RETRYABLE_SERVER_STATUSES
    if isinstance(error, LookerConnectionError):
        return error.retryable and (safe or not error.reached_server)
    return False
