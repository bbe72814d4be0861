"""What production does to a run: faults on the wire and a Looker that dies mid-`up`.

Every case must end with Pulumi's state and Looker agreeing: no resource in the state that Looker
lacks, no key in Looker that the state lacks unless a failed run named it, nothing duplicated.
"""

from __future__ import annotations

import subprocess
import threading
import time

import pytest

from tests.e2e.conftest import DEV_CLIENT_ID
from tests.e2e.project import Stack

pytestmark = pytest.mark.e2e

CREDENTIALS = "looker-settings__apiCredentials"
POLICY = "looker-settings__passwordPolicy"
MAX_RUNS = 4
NO_FAULTS = {
    "rate_limit_every": 0,
    "error_every": 0,
    "drop_every": 0,
    "lose_every": 0,
    "latency_ms": 0,
    "token_ttl": 3600,
}


def keys_config(count: int) -> list[dict]:
    return [
        {"name": f"svc-{n:02}", "userId": str(2 + n % 10), "purpose": f"service {n}"}
        for n in range(count)
    ]


def up_until_converged(stack: Stack) -> tuple[int, str]:
    """Run `pulumi up` until it succeeds; return the runs it took and what the failures said."""
    failures = []
    for run in range(1, MAX_RUNS + 1):
        result = stack.up(ok=False)
        if result.returncode == 0:
            return run, "\n".join(failures)
        failures.append(result.stdout + result.stderr)
    pytest.fail(f"no convergence in {MAX_RUNS} runs:\n{failures[-1]}")


def live_keys(looker) -> dict[str, dict]:
    return {f"{k['user_id']}/{k['id']}": k for k in looker.control.state()["credentials_api3"]}


def agreement(stack: Stack, looker, failures: str) -> tuple[list[str], list[str], list[str]]:
    """(held but missing in Looker, new in Looker but unheld and unreported, reported orphans).

    Keys that existed before the stack did (the seeded admin's) are not the stack's business.
    """
    resources = stack.export()["deployment"]["resources"]
    held = {r["id"] for r in resources if r["type"].endswith("looker:ApiCredential")}
    live = {k: v for k, v in live_keys(looker).items() if k not in stack.baseline}
    missing = sorted(held - set(live))
    extra = [live[k] for k in sorted(set(live) - held)]
    reported = [
        f"{k['user_id']}/{k['id']}"
        for k in extra
        if f"{k['id']} (created {k['created_at']})" in failures
    ]
    unreported = [
        f"{k['user_id']}/{k['id']}" for k in extra if f"{k['user_id']}/{k['id']}" not in reported
    ]
    return missing, unreported, reported


def outcome(runs: int, missing: list, unreported: list, reported: list) -> str:
    if missing or unreported:
        return "lost something"
    result = "converged" if runs == 1 else "failed cleanly, then converged"
    return result + (f"; {len(reported)} orphaned key(s) reported" if reported else "")


FAULTS = [
    (
        "429 on every 3rd request, Retry-After 1 s",
        ["--rate-limit-every", "3", "--retry-after", "1"],
    ),
    ("502 on every 4th request", ["--error-every", "4", "--error-status", "502"]),
    ("503 on every 5th request", ["--error-every", "5", "--error-status", "503"]),
    ("504 on every 6th request", ["--error-every", "6", "--error-status", "504"]),
    ("200 ms added to every request", ["--latency-ms", "200"]),
    ("connection dropped before handling, every 5th request", ["--drop-every", "5"]),
    ("answer lost after handling, every 7th request", ["--lose-every", "7"]),
    ("tokens expire every 3 s", ["--token-ttl", "3"]),
]


@pytest.mark.parametrize(("case", "flags"), FAULTS, ids=[c for c, _ in FAULTS])
def test_up_converges_under_faults(make_stack, start_looker, reliability, case, flags) -> None:
    looker = start_looker(DEV_CLIENT_ID, *flags)
    dev = make_stack("dev", looker)
    dev.baseline = set(live_keys(looker))
    dev.set_config(**{CREDENTIALS: keys_config(10), POLICY: {"minLength": 14}})
    runs, failures = up_until_converged(dev)
    looker.control.set_faults(**NO_FAULTS)
    missing, unreported, reported = agreement(dev, looker, failures)
    reliability.record(
        "faults", case, runs, outcome(runs, missing, unreported, reported), "10 keys + policy"
    )
    assert (missing, unreported) == ([], [])
    assert looker.control.state()["password_config"]["min_length"] == 14
    dev.preview("--expect-no-changes")


def test_up_converges_when_tokens_are_revoked_mid_run(
    make_stack, start_looker, reliability
) -> None:
    looker = start_looker(DEV_CLIENT_ID, "--latency-ms", "50")
    dev = make_stack("dev", looker)
    dev.baseline = set(live_keys(looker))
    dev.set_config(**{CREDENTIALS: keys_config(10)})
    stop = threading.Event()

    def revoke_after_a_few_writes() -> None:
        while not stop.is_set() and len(looker.control.writes()) < 4:
            time.sleep(0.05)
        looker.control.revoke_sessions()

    revoker = threading.Thread(target=revoke_after_a_few_writes)
    revoker.start()
    try:
        runs, failures = up_until_converged(dev)
    finally:
        stop.set()
        revoker.join()
    logins = [r for r in looker.control.requests() if r["path"] == "/api/4.0/login"]
    missing, unreported, reported = agreement(dev, looker, failures)
    result = outcome(runs, missing, unreported, reported)
    reliability.record(
        "faults", "every token revoked mid-run (401)", runs, result, f"{len(logins)} logins"
    )
    assert (missing, unreported) == ([], [])
    assert runs == 1
    assert len(logins) == 2  # the first, and one renewal after the 401s


def test_looker_killed_mid_up_then_restarted(
    make_stack, start_emulator, tmp_path, reliability
) -> None:
    looker = start_emulator(
        "--users",
        "12",
        "--latency-ms",
        "50",
        state_file=tmp_path / "looker.json",
        client_id=DEV_CLIENT_ID,
    )
    dev = make_stack("dev", looker)
    dev.baseline = set(live_keys(looker))
    dev.set_config(**{CREDENTIALS: keys_config(30)})
    command = ["pulumi", "up", "--yes", "--skip-preview", "--stack", "dev", "--non-interactive"]
    running = subprocess.Popen(
        command,
        cwd=dev.project,
        env=dev.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 120
    while sum(r["method"] == "POST" for r in looker.control.writes()) < 10:
        assert time.monotonic() < deadline, "the run never got going"
        time.sleep(0.05)
    looker.stop(kill=True)  # SIGKILL, as a crash
    time.sleep(1)
    looker.start()
    first_output, _ = running.communicate(timeout=600)
    failures = first_output if running.returncode != 0 else ""
    runs, later_failures = (1, "") if running.returncode == 0 else up_until_converged(dev)
    runs += running.returncode != 0
    missing, unreported, reported = agreement(dev, looker, failures + later_failures)
    result = outcome(runs, missing, unreported, reported)
    reliability.record(
        "crash",
        "Looker killed (SIGKILL) mid-up, restarted from its state file",
        runs,
        result,
        "30 keys",
    )
    assert (missing, unreported) == ([], [])
    held = [
        r
        for r in dev.export()["deployment"]["resources"]
        if r["type"].endswith("looker:ApiCredential")
    ]
    assert len(held) == 30
    dev.preview("--expect-no-changes")
