"""Faults the emulator can inject: periodic ones (every Nth request, from command-line flags or
at run time) and faults aimed at a method and path."""

from __future__ import annotations

import fnmatch
from typing import Any

import attrs

#: The kinds of fault, each handled on its own by the fault middleware.
KINDS = ("latency", "rate_limit", "error", "drop", "lose", "revoke", "crash")


def _non_negative(instance: Any, attribute: attrs.Attribute, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(f"{attribute.name} must be a number >= 0, got {value!r}")


def _error_status(instance: Any, attribute: attrs.Attribute, value: int) -> None:
    if not isinstance(value, int) or not 400 <= value <= 599 or value in (401, 429):
        raise ValueError(
            f"{attribute.name} must be a 4xx or 5xx status other than 401 and 429 (they have "
            f"faults of their own), got {value!r}"
        )


#: Where a periodic fault's command-line help is kept, in its field's metadata.
HELP = "help"


def _flag(default: float, meaning: str, validator: Any = _non_negative) -> Any:
    """A periodic fault: a field, and the emulator's command-line flag of the same name."""
    return attrs.field(default=default, validator=validator, metadata={HELP: meaning})


@attrs.frozen
class Fault:
    """What happens to one request.

    - ``latency``: ``latency_ms`` added, then handled as usual;
    - ``rate_limit``: answered 429 with ``Retry-After: retry_after``;
    - ``error``: answered ``status`` (a 4xx or 5xx) without being handled;
    - ``drop``: its connection dropped before it is handled;
    - ``lose``: handled, then its connection dropped: the answer is lost (a create still creates);
    - ``revoke``: every access token revoked, then handled (so answered 401), as when an admin
      ends all sessions;
    - ``crash``: the emulator process dies at once, as with SIGKILL (its state file holds what
      was done before).
    """

    kind: str = attrs.field(validator=attrs.validators.in_(KINDS))
    status: int = attrs.field(default=503, validator=_error_status)
    retry_after: int = attrs.field(default=1, validator=_non_negative)
    latency_ms: float = attrs.field(default=0, validator=_non_negative)


@attrs.frozen
class Faults:
    """Periodic faults. Every counter counts API requests (``/api/...``); 0 turns a fault off.

    - ``latency_ms``: added to every API request;
    - ``rate_limit_every``: every Nth request answers 429 with ``Retry-After: retry_after``;
    - ``error_every``: every Nth request answers ``error_status`` (a 4xx or 5xx);
    - ``drop_every``: every Nth request has its connection dropped before it is handled;
    - ``lose_every``: every Nth request is handled, then its connection dropped;
    - ``token_ttl``: lifetime in seconds of the access tokens issued from now on.
    """

    latency_ms: float = _flag(0.0, "added to every API request")
    rate_limit_every: int = _flag(0, "429 every N requests")
    retry_after: int = _flag(1, "Retry-After of those 429s")
    error_every: int = _flag(0, "an error every N requests")
    error_status: int = _flag(503, "status of those errors (4xx or 5xx)", _error_status)
    drop_every: int = _flag(0, "drop every Nth connection")
    lose_every: int = _flag(0, "handle, then drop, every Nth")
    token_ttl: float = _flag(3600.0, "token lifetime, seconds")

    def updated(self, changes: dict[str, Any]) -> Faults:
        """A copy with ``changes`` applied; unknown names are an error."""
        unknown = set(changes) - {f.name for f in attrs.fields(Faults)}
        if unknown:
            raise ValueError(f"unknown faults: {', '.join(sorted(unknown))}")
        return attrs.evolve(self, **changes)

    def for_request(self, number: int) -> Fault | None:
        """Which fault, if any, hits the ``number``-th API request (counted from 1);
        ``latency_ms`` is not one: it is added to every request."""
        if self.rate_limit_every and number % self.rate_limit_every == 0:
            return Fault("rate_limit", retry_after=self.retry_after)
        if self.error_every and number % self.error_every == 0:
            return Fault("error", status=self.error_status)
        if self.drop_every and number % self.drop_every == 0:
            return Fault("drop")
        if self.lose_every and number % self.lose_every == 0:
            return Fault("lose")
        return None


@attrs.define
class AimedFault:
    """``fault`` for the requests matching ``method`` and ``path`` (shell patterns): the first
    ``skip`` matches pass, the next ``times`` get the fault, then it is spent."""

    fault: Fault
    method: str = "*"
    path: str = "*"
    times: int = attrs.field(default=1, validator=_non_negative)
    skip: int = attrs.field(default=0, validator=_non_negative)
    matched: int = 0

    def take(self, method: str, path: str) -> Fault | None:
        """The fault for this request, if it is aimed at it (counts the match)."""
        if self.spent or not fnmatch.fnmatchcase(method, self.method.upper()):
            return None
        if not fnmatch.fnmatchcase(path, self.path):
            return None
        self.matched += 1
        return self.fault if self.matched > self.skip else None

    @property
    def spent(self) -> bool:
        return self.matched >= self.skip + self.times


@attrs.define
class FaultPlan:
    """The faults in force: aimed ones first, then the periodic ones."""

    periodic: Faults = attrs.field(factory=Faults)
    aimed: list[AimedFault] = attrs.field(factory=list)
    api_requests: int = 0

    def for_request(self, method: str, path: str) -> Fault | None:
        self.api_requests += 1
        for aimed in self.aimed:
            fault = aimed.take(method, path)
            if fault is not None:
                return fault
        self.aimed = [aimed for aimed in self.aimed if not aimed.spent]
        return self.periodic.for_request(self.api_requests)

    def set_periodic(self, changes: dict[str, Any]) -> None:
        """Change periodic faults; their counting starts again."""
        self.periodic = self.periodic.updated(changes)
        self.api_requests = 0

    def aim(self, spec: dict[str, Any]) -> AimedFault:
        """Add a fault aimed by ``spec``: ``method``, ``path``, ``times``, ``skip`` and the
        :class:`Fault` fields (``kind``, ``status``, ``retry_after``, ``latency_ms``)."""
        spec = dict(spec)
        targeting = {k: spec.pop(k) for k in ("method", "path", "times", "skip") if k in spec}
        aimed = AimedFault(Fault(**spec), **targeting)
        self.aimed.append(aimed)
        return aimed

    def clear(self) -> None:
        """No fault at all."""
        self.periodic = Faults()
        self.aimed.clear()
        self.api_requests = 0
