"""A client of the emulator's control routes: request log, faults, sessions and state."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import httpx

#: Looker's tests of an unsaved configuration (``test_connection_config``, a connection's
#: ``test_connection``, ``test_ldap_config_*``): a ``PUT`` that writes nothing.
_TESTS = re.compile(r"/api/4\.0/(connections(/[^/]+)?/test|ldap_config/test_\w+)$")


class EmulatorControlClient:
    """A client of a running emulator's control routes, for tests, benchmarks and the demo."""

    def __init__(self, base_url: str, *, verify: bool | str = True) -> None:
        self._http = httpx.Client(base_url=f"{base_url}/_emulator", timeout=30, verify=verify)

    def close(self) -> None:
        self._http.close()

    def requests(self) -> list[dict[str, Any]]:
        """Every API request so far: method, path, status, time and duration."""
        return self._http.get("/requests").raise_for_status().json()

    def clear_requests(self) -> None:
        self._http.delete("/requests").raise_for_status()

    def calls(self) -> Counter[tuple[str, str]]:
        """How many times each ``(method, path)`` was called."""
        return Counter((r["method"], r["path"]) for r in self.requests())

    def writes(self) -> list[dict[str, Any]]:
        """The requests that could change something: every method but GET, and not a login
        nor one of Looker's tests of a configuration (they write nothing)."""
        return [
            r
            for r in self.requests()
            if r["method"] != "GET"
            and not r["path"].endswith("/login")
            and not _TESTS.search(r["path"])
        ]

    def set_faults(self, **faults: Any) -> dict[str, Any]:
        """Change periodic faults (see :class:`~pulumi_looker.emulator.faults.Faults`)."""
        return self._http.patch("/faults", json=faults).raise_for_status().json()

    def clear_faults(self) -> None:
        """End every fault, periodic and aimed."""
        self._http.delete("/faults").raise_for_status()

    def aim(
        self,
        kind: str,
        method: str = "*",
        path: str = "*",
        *,
        times: int = 1,
        skip: int = 0,
        **fault: Any,
    ) -> None:
        """Give the next ``times`` requests matching ``method`` and ``path`` (shell patterns),
        after ``skip`` of them, the fault ``kind`` (see
        :class:`~pulumi_looker.emulator.faults.Fault` for it and its ``fault`` settings)."""
        spec = {"kind": kind, "method": method, "path": path, "times": times, "skip": skip}
        self._http.post("/faults/aimed", json={**spec, **fault}).raise_for_status()

    def revoke_sessions(self) -> None:
        """End every access token, as an admin revoking sessions would."""
        self._http.delete("/sessions").raise_for_status()

    def issued_tokens(self) -> list[str]:
        """Every access token the emulator has issued."""
        return self._http.get("/sessions").raise_for_status().json()

    def update_user(self, user_id: str, **changes: Any) -> None:
        """Give or take a user's admin role (``is_admin=False``) or delete it (``deleted=True``)."""
        self._http.patch(f"/users/{user_id}", json=changes).raise_for_status()

    def age_key(self, key_id: str, days: float) -> None:
        """As if the key had been created ``days`` ago."""
        self._http.patch(f"/keys/{key_id}", json={"age_days": days}).raise_for_status()

    def reset(self) -> None:
        """Make the instance as the process started it: no session, fault or logged request."""
        self._http.post("/reset").raise_for_status()

    def seed(self, seed: dict[str, Any]) -> dict[str, Any]:
        """Add what ``seed`` holds (as ``--seed`` does: permission sets, model sets, roles,
        groups, users...); returns the state after."""
        return self._http.post("/seed", json=seed).raise_for_status().json()

    def set_servers(
        self, *, unreachable: list[str] | None = None, passwords: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """Say which LDAP and database hosts Looker cannot reach (``unreachable``) and which
        take only one password (``passwords``: host -> password); every other host answers
        and takes any password."""
        spec = {"unreachable": unreachable or [], "passwords": passwords or {}}
        return self._http.put("/servers", json=spec).raise_for_status().json()

    def state(self) -> dict[str, Any]:
        return self._http.get("/state").raise_for_status().json()
