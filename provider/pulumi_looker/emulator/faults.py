"""Faults the emulator can inject, set by command-line flags or at runtime."""

from __future__ import annotations

from typing import Any

import attrs


def _non_negative(instance: Any, attribute: attrs.Attribute, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(f"{attribute.name} must be a number >= 0, got {value!r}")


@attrs.frozen
class Faults:
    """Every counter counts API requests (``/api/...``); 0 turns a fault off.

    - ``latency_ms``: added to every API request;
    - ``rate_limit_every``: every Nth request answers 429 with ``Retry-After: retry_after``;
    - ``error_every``: every Nth request answers ``error_status`` (a 4xx or 5xx);
    - ``drop_every``: every Nth request has its connection dropped before it is handled;
    - ``lose_every``: every Nth request is handled, then its connection dropped: the answer is
      lost (a create still creates);
    - ``token_ttl``: lifetime in seconds of the access tokens issued from now on.
    """

    latency_ms: float = attrs.field(default=0, validator=_non_negative)
    rate_limit_every: int = attrs.field(default=0, validator=_non_negative)
    retry_after: int = attrs.field(default=1, validator=_non_negative)
    error_every: int = attrs.field(default=0, validator=_non_negative)
    error_status: int = attrs.field(default=503)
    drop_every: int = attrs.field(default=0, validator=_non_negative)
    lose_every: int = attrs.field(default=0, validator=_non_negative)
    token_ttl: float = attrs.field(default=3600, validator=_non_negative)

    @error_status.validator
    def _check_status(self, attribute: attrs.Attribute, value: int) -> None:
        if not isinstance(value, int) or not 400 <= value <= 599 or value in (401, 429):
            raise ValueError(
                f"error_status must be a 4xx or 5xx status other than 401 and 429 (they have "
                f"faults of their own), got {value!r}"
            )

    def updated(self, changes: dict[str, Any]) -> Faults:
        """A copy with ``changes`` applied; unknown names are an error."""
        unknown = set(changes) - {f.name for f in attrs.fields(Faults)}
        if unknown:
            raise ValueError(f"unknown faults: {', '.join(sorted(unknown))}")
        return attrs.evolve(self, **changes)

    def for_request(self, number: int) -> str | None:
        """Which fault, if any, hits the ``number``-th API request (counted from 1)."""
        for name, every in (
            ("rate_limit", self.rate_limit_every),
            ("error", self.error_every),
            ("drop", self.drop_every),
            ("lose", self.lose_every),
        ):
            if every and number % every == 0:
                return name
        return None
