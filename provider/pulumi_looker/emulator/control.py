"""A client for the emulator's control endpoint: request log, faults, sessions and state."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx


class EmulatorControl:
    """Drives a running emulator from tests, benchmarks and the demo."""

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
        """The requests that could change something (every method but GET, and not login)."""
        return [
            r for r in self.requests() if r["method"] != "GET" and not r["path"].endswith("/login")
        ]

    def set_faults(self, **faults: Any) -> dict[str, Any]:
        return self._http.patch("/faults", json=faults).raise_for_status().json()

    def revoke_sessions(self) -> None:
        """End every access token, as an admin revoking sessions would."""
        self._http.delete("/sessions").raise_for_status()

    def issued_tokens(self) -> list[str]:
        """Every access token the emulator has issued."""
        return self._http.get("/sessions").raise_for_status().json()

    def state(self) -> dict[str, Any]:
        return self._http.get("/state").raise_for_status().json()
