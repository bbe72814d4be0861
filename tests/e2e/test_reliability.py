"""Unattended runs against a production-like Looker: secrets in debug logs, scale."""

from __future__ import annotations

import pytest

from tests.conftest import ADMIN_CLIENT_SECRET

pytestmark = pytest.mark.e2e

CREDENTIALS = "looker-settings__apiCredentials"


def test_connection_secret_and_tokens_stay_out_of_debug_logs(dev, looker, tmp_path) -> None:
    # The production way: the client secret in stack config, encrypted.
    dev.env = {k: v for k, v in dev.env.items() if k != "LOOKERSDK_CLIENT_SECRET"}
    dev.pulumi("config", "set", "--secret", "looker:clientSecret", ADMIN_CLIENT_SECRET)
    assert ADMIN_CLIENT_SECRET not in dev.file.read_text()
    # Level 8 is the most verbose that hides them: at 9 the engine traces every property of a
    # dynamic provider's RPCs in plain text, config secrets included (see the README).
    verbose = ("--debug", "-v=8", "--logtostderr", "--logflow")
    dev.up(*verbose)
    dev.preview(*verbose)
    printed = "\n".join(dev.transcript)
    assert len(printed.splitlines()) > 1000  # the logs really are verbose
    exported = dev.pulumi("stack", "export").stdout
    on_disk = "".join(
        p.read_text(errors="replace") for p in (tmp_path / "backend").rglob("*") if p.is_file()
    )
    tokens = looker.control.issued_tokens()
    assert tokens
    log = str(looker.control.requests())
    for secret in (ADMIN_CLIENT_SECRET, *tokens):
        for where, text in (
            ("CLI output", printed),
            ("export", exported),
            ("backend", on_disk),
            ("log", log),
        ):
            assert secret not in text, f"a secret is in the {where}"


def test_a_hundred_keys_across_twenty_users(make_stack, start_looker) -> None:
    looker = start_looker("DevAdminClientId0001", "--users", "20")
    dev = make_stack("dev", looker)
    credentials = [
        {"name": f"key-{n:03}", "userId": str(2 + n % 20), "purpose": f"service {n}"}
        for n in range(100)
    ]
    dev.set_config(**{CREDENTIALS: credentials})
    dev.up()
    keys = [k for k in looker.control.state()["credentials_api3"] if k["user_id"] != "1"]
    assert len(keys) == 100
    assert sorted(k["purpose"] for k in keys) == sorted(f"service {n}" for n in range(100))
    log = looker.control.requests()
    logins = [r for r in log if r["path"] == "/api/4.0/login"]
    assert len(logins) == 1  # one provider process, one login, shared by every resource
    assert sum(r["method"] == "POST" and r["path"] != "/api/4.0/login" for r in log) == 100
    assert len(dev.outputs()["clientIds"]) == 100
    dev.preview("--expect-no-changes")
