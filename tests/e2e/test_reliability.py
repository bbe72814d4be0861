"""Unattended runs against a production-like Looker: secrets in debug logs, scale."""

from __future__ import annotations

import pytest

from tests.support.clients import ADMIN_CLIENT_SECRET, DEV_CLIENT_ID
from tests.support.looker import CREDENTIALS, LOGIN, keys_config

pytestmark = pytest.mark.e2e


def test_no_secret_or_token_in_the_most_verbose_logs(dev, looker, tmp_path, reliability) -> None:
    row = reliability(
        "security",
        "connection secret, tokens and created keys' secrets: --debug -v=9 logs, state, export, "
        "emulator log",
    )
    # The production way: the client secret in stack config, encrypted.
    # And every checkpoint written, as users' runs write them: each is scanned below.
    dev.env = {
        k: v
        for k, v in dev.env.items()
        if k not in ("LOOKERSDK_CLIENT_SECRET", "PULUMI_SKIP_CHECKPOINTS")
    }
    dev.pulumi("config", "set", "--secret", "looker:clientSecret", ADMIN_CLIENT_SECRET)
    assert ADMIN_CLIENT_SECRET not in dev.file.read_text()
    # Level 9 is Pulumi's most verbose: up to CLI 3.259 its engine traced a dynamic provider's
    # properties, secrets included, in plain text there; 3.276 no longer does.
    verbose = ("--debug", "-v=9", "--logtostderr", "--logflow")
    dev.up(*verbose)
    dev.preview(*verbose)
    printed = "\n".join(dev.transcript)  # before a secret is shown on purpose below
    assert len(printed.splitlines()) > 1000  # the logs really are verbose
    exported = dev.pulumi("stack", "export").stdout
    on_disk = "".join(
        p.read_text(errors="replace") for p in (tmp_path / "backend").rglob("*") if p.is_file()
    )
    tokens = looker.control.issued_tokens()
    assert tokens
    key_secret = dev.outputs(secrets=True)["clientSecrets"]["ci-deploy-bot"]
    log = str(looker.control.requests())
    places = (("CLI output", printed), ("export", exported), ("backend", on_disk), ("log", log))
    secrets = (ADMIN_CLIENT_SECRET, key_secret, *tokens)
    leaks = sorted({where for where, text in places for secret in secrets if secret in text})
    row.runs, row.result = 1, "absent" if not leaks else f"shown in {', '.join(leaks)}"
    assert leaks == []


def test_a_hundred_keys_across_twenty_users(make_stack, start_looker) -> None:
    looker = start_looker(DEV_CLIENT_ID, "--users", "20")
    dev = make_stack("dev", looker)
    dev.set_config({CREDENTIALS: keys_config(100, users=20)})
    dev.up(preview=True)
    keys = [k for k in looker.control.state()["credentials_api3"] if k["user_id"] != "1"]
    assert len(keys) == 100
    assert sorted(k["purpose"] for k in keys) == sorted(
        f"service {n} [pulumi: looker-settings/dev]" for n in range(100)
    )
    log = looker.control.requests()
    logins = [r for r in log if (r["method"], r["path"]) == LOGIN]
    # The preview's provider process and the update's: one login each, shared by every resource.
    assert len(logins) == 2
    # One create per key (the other POSTs: the logins, and the owners marker's first write).
    assert (
        sum(r["method"] == "POST" and r["path"].endswith("/credentials_api3") for r in log) == 100
    )
    assert len(dev.outputs()["clientIds"]) == 100
    dev.preview("--expect-no-changes")
