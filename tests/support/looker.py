"""What many tests ask of the emulator and of stack config, in one place."""

from __future__ import annotations

from collections import Counter
from typing import Any

from pulumi_looker import stack_config
from pulumi_looker.emulator.process import EmulatorProcess

API = "/api/4.0"
LOGIN = ("POST", f"{API}/login")
VERSIONS = ("GET", f"{API}/versions")
#: Who manages each singleton (pulumi_looker.ownership): its read, and the marker's first write.
OWNERS = ("GET", f"{API}/user_attributes")
NEW_OWNERS = ("POST", f"{API}/user_attributes")

#: Stack config keys of the project's program (its namespace is the project's name).
PROJECT = "looker-settings"
POLICY = f"{PROJECT}:{stack_config.section('PasswordConfig')}"
SESSION = f"{PROJECT}:{stack_config.section('SessionConfig')}"
CREDENTIALS = f"{PROJECT}:{stack_config.section('ApiCredential')}"
ACCOUNTS = f"{PROJECT}:{stack_config.section('ServiceAccount')}"


def keys_path(user_id: str, credentials_id: str | None = None) -> str:
    path = f"{API}/users/{user_id}/credentials_api3"
    return path if credentials_id is None else f"{path}/{credentials_id}"


def api_calls(emulator: EmulatorProcess) -> Counter[tuple[str, str]]:
    """How many times each ``(method, path)`` was called, the login and the release lookup
    (``GET /versions``: at most one each per process, tested on their own) left out."""
    calls = emulator.control.calls()
    del calls[LOGIN]
    del calls[VERSIONS]
    return calls


def statuses(emulator: EmulatorProcess) -> list[tuple[str, str, int | str]]:
    """Every request so far as ``(method, path, status)``."""
    return [(r["method"], r["path"], r["status"]) for r in emulator.control.requests()]


def writes(emulator: EmulatorProcess) -> list[tuple[str, str]]:
    """The requests that could change something, as ``(method, path)``."""
    return [(r["method"], r["path"]) for r in emulator.control.writes()]


def patch_bodies(emulator: EmulatorProcess) -> list[Any]:
    """The bodies of the PATCHes but the owners marker's (see ``OWNERS``)."""
    return [
        r["body"]
        for r in emulator.control.requests()
        if r["method"] == "PATCH" and not r["path"].startswith(f"{API}/user_attributes")
    ]


def live_keys(emulator: EmulatorProcess) -> dict[str, dict[str, Any]]:
    """Every API key Looker holds, by ``"<user_id>/<id>"``."""
    return {f"{k['user_id']}/{k['id']}": k for k in emulator.control.state()["credentials_api3"]}


def keys_of_user(emulator: EmulatorProcess, user_id: str) -> list[dict[str, Any]]:
    """The API keys Looker holds for one user."""
    return [k for k in emulator.control.state()["credentials_api3"] if k["user_id"] == user_id]


def keys_config(count: int, *, users: int = 10) -> list[dict[str, str]]:
    """``apiCredentials`` stack config for ``count`` new keys spread over users 2..users+1."""
    return [
        {"name": f"svc-{n:03}", "userId": str(2 + n % users), "purpose": f"service {n}"}
        for n in range(count)
    ]
