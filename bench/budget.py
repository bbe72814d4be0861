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

from bench import organisation
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


#: The file's title and what writes it; each section is written by the command its heading names.
TITLE = [
    "# Admin API budget",
    "",
    "Written by `scripts/bench --budget` (`bench/budget.py`); do not edit. Each section is",
    "written by the command its heading names, and the others are kept as they are.",
]
KEYS = "## API keys and the password policy (`scripts/bench --budget`)"
ORGANISATION = "## An organisation's access model (`scripts/bench --budget --organisation`)"


def write_section(heading: str, body: list[str]) -> None:
    """Put ``body`` under ``heading`` in budget.md, the other sections kept as they are."""
    path = HERE / "budget.md"
    text = path.read_text() if path.exists() else ""
    sections = {
        f"## {part.split(chr(10), 1)[0]}": part.split("\n", 1)[1].strip("\n")
        for part in text.split("\n## ")[1:]
    }
    sections[heading] = "\n".join(body).strip("\n")
    ordered = [h for h in (KEYS, ORGANISATION) if h in sections]
    ordered += [h for h in sections if h not in ordered]
    parts = ["\n".join(TITLE)] + [f"{h}\n\n{sections[h]}" for h in ordered]
    path.write_text("\n\n".join(parts) + "\n")


def write(budgets: list[Budget]) -> None:
    lines = [
        "N API keys plus",
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
    write_section(KEYS, lines)


def write_organisation() -> None:
    """The calls a refresh of the organisation of ``bench.organisation`` makes, by route,
    against the goal: a login, one listing per kind (its pages), one read per user
    attribute."""
    timings, _ = organisation.measure(0, 1, floor=False)
    refresh = next(t for t in timings if t.operation == "refresh")
    sizes = ", ".join(f"{n:,} {k.replace('_', ' ')}" for k, n in organisation.SIZES.items())
    goal = 1 + 8 + organisation.SIZES["user_attributes"]
    lines = [
        f"{refresh.program}: {sizes}, each attribute with {organisation.VALUED_GROUPS} group",
        "values, adopted by a Pulumi YAML program on the plugin (`bench/organisation.py`). The",
        f"goal: a login, one listing per kind (and its pages) and one read per user attribute: "
        f"{goal} calls. Measured: {sum(refresh.calls.values())}.",
        "",
        "| route | calls | what it reads |",
        "|---|---|---|",
    ]
    for route, calls in sorted(refresh.calls.items()):
        lines.append(f"| `{route}` | {calls} | {organisation.READS.get(route, '')} |")
    lines += [
        "",
        "Where Looker's API forces more than one listing: a user attribute's group values have",
        "no listing across attributes (`GET /user_attributes/{id}/group_values`, one per",
        "attribute), and a user's own attribute values none across users (`GET",
        "/users/{id}/attribute_values`, one per user with a `UserAttributeUserValue`, none here).",
        "Groups are read twice, as two kinds need them: `GET /groups` (the `Group` resources:",
        "every field Looker writes) and `GET /groups/search/with_hierarchy` (memberships and",
        "role assignments: each group's parents and roles, which `GET /groups` lacks).",
        "A no-op `pulumi up` (its preview, then the update: two processes) reads at preview",
        "what its checks need: each process a login, the users and the groups with their",
        "hierarchy (the memberships' members must exist and may move).",
    ]
    write_section(ORGANISATION, lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100, 500])
    parser.add_argument("--per-user", type=int, nargs="+", default=[1, 5])
    parser.add_argument(
        "--organisation", action="store_true", help="the organisation's section instead"
    )
    args = parser.parse_args()
    if args.organisation:
        write_organisation()
        print(f"wrote {HERE / 'budget.md'}")
        return
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
