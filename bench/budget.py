"""Looker admin API calls per refresh and per pipeline run, against the monthly allowances.

Run with ``scripts/bench --budget``. Writes ``bench/budget.md``. A pipeline run is what a team's
CI does per change: a refreshing ``pulumi preview`` on the pull request and a refreshing no-op
``pulumi up`` on merge (``Pulumi.yaml`` refreshes before both). Against emulators on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import attrs

from bench.measure import ADMIN_ID, ADMIN_SECRET, calls_by_kind
from pulumi_looker.emulator.process import EmulatorProcess
from tests.support.looker import CREDENTIALS, POLICY, SESSION, keys_config
from tests.support.stack import Stack, cli_environment, copy_project

HERE = Path(__file__).resolve().parent
#: Admin API calls a month by edition (Google's table for Looker (Google Cloud core)).
ALLOWANCES = {"Standard": 1_000, "Enterprise": 10_000, "Embed": 100_000}


@attrs.frozen
class Budget:
    """Calls Looker saw for a stack of ``n`` keys, ``per_user`` keys a user, and the policy."""

    n: int
    per_user: int
    refresh: int
    pipeline: int

    @property
    def before_refresh(self) -> int:
        """The previous release: a login, the policy, then one GET per key."""
        return 2 + self.n


def measure(n: int, per_user: int) -> Budget:
    users = max(1, n // per_user)
    emulator = EmulatorProcess(
        admin_client_id=ADMIN_ID,
        admin_client_secret=ADMIN_SECRET,
        extra_args=["--users", str(users)],
    ).start()
    try:
        with tempfile.TemporaryDirectory(prefix="pulumi-looker-budget-") as work:
            root = Path(work)
            (root / "backend").mkdir()
            env = cli_environment(
                backend=root / "backend", home=root / "home", client_secret=ADMIN_SECRET
            )
            stack = Stack(copy_project(root / "project"), "dev", env)
            stack.pulumi("stack", "init")
            stack.set_config(
                {
                    "looker:baseUrl": emulator.url,
                    CREDENTIALS: keys_config(n, users=users),
                    POLICY: {"minLength": 12},
                    SESSION: None,
                }
            )
            stack.up("--refresh=false")
            counts = []
            for args in (
                ("refresh", "--yes", "--skip-preview"),
                ("preview",),
                ("up", "--yes"),  # as docs/pipelines.md runs it: its preview, then the update
            ):
                emulator.control.clear_requests()
                stack.pulumi(*args, timeout=1800)
                counts.append(sum(calls_by_kind(emulator.control.requests()).values()))
        return Budget(n, per_user, refresh=counts[0], pipeline=counts[1] + counts[2])
    finally:
        emulator.stop()


#: Refreshes in a pipeline run: the pull request's preview, the merge up's preview, its update.
RUN_REFRESHES = 3


def write(budgets: list[Budget]) -> None:
    lines = [
        "# Admin API budget",
        "",
        "Written by `scripts/bench --budget` (`bench/budget.py`); do not edit. N API keys plus",
        "the password policy, against the Looker emulator; a pipeline run is a refreshing",
        "`pulumi preview` and a refreshing no-op `pulumi up` with its preview (each refreshes:",
        "three refreshes in all). *Before*: the release before the one listing of users,",
        "which read each key with a GET of its own (a refresh cost a login, the policy and N",
        "GETs, as its benchmark measured).",
        "",
        "| N keys | keys per user | refresh before | refresh now | pipeline run before |"
        " pipeline run now |",
        "|---|---|---|---|---|---|",
    ]
    for b in budgets:
        lines.append(
            f"| {b.n} | {b.per_user} | {b.before_refresh} | {b.refresh} | "
            f"{RUN_REFRESHES * b.before_refresh} | {b.pipeline} |"
        )
    lines += [
        "",
        "Pipeline runs a month that fit in each edition's admin API allowance:",
        "",
        "| N keys | keys per user | "
        + " | ".join(f"{name} ({calls:,}) before → now" for name, calls in ALLOWANCES.items())
        + " |",
        "|---|---|" + "---|" * len(ALLOWANCES),
    ]
    for b in budgets:
        fits = " | ".join(
            f"{calls // (RUN_REFRESHES * b.before_refresh):,} → {calls // b.pipeline:,}"
            for calls in ALLOWANCES.values()
        )
        lines.append(f"| {b.n} | {b.per_user} | {fits} |")
    (HERE / "budget.md").write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100, 500])
    parser.add_argument("--per-user", type=int, nargs="+", default=[1, 5])
    args = parser.parse_args()
    budgets = []
    for n in args.sizes:
        for per_user in args.per_user:
            if per_user > n:
                continue
            budgets.append(measure(n, per_user))
            print(budgets[-1], flush=True)
    write(budgets)
    print(f"wrote {HERE / 'budget.md'}")


if __name__ == "__main__":
    main()
