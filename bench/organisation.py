"""An organisation's access model under Pulumi: what its refresh and its no-op ``up`` cost in
Looker calls, and their wall time against Pulumi's own time for as many do-nothing resources.

Run with ``scripts/bench --organisation``. Writes ``bench/organisation.md``. The organisation
(300 users, 50 groups, 20 roles, 20 permission sets, 20 model sets, 1,000 memberships, 10 user
attributes with group values) is seeded into a Looker emulator on 127.0.0.1, then adopted by a
Pulumi YAML program on the plugin (one resource per object, one ``GroupMembership`` per group,
authoritative). The floor is the same number of ``nothing:index:Thing`` resources
(``bench/nothing.py``: a plugin on the same SDK that does nothing), at the same steps.

The machine is shared, so its load moves between one command and the next: each operation runs
``--runs`` times, the organisation's and the floor's in turn, and the table gives the median of
each (every sample listed below it), and the load average before and after.
"""

from __future__ import annotations

import argparse
import datetime
import os
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs
import yaml

from bench.measure import ADMIN_ID, ADMIN_SECRET
from pulumi_looker import models
from pulumi_looker.client import LookerClient
from pulumi_looker.emulator.process import EmulatorProcess
from pulumi_looker.settings import ConnectionSettings
from tests.support.looker import LOGIN
from tests.support.stack import Stack, cli_environment

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SIZES = {
    "users": 300,
    "groups": 50,
    "roles": 20,
    "permission_sets": 20,
    "model_sets": 20,
    "memberships": 1000,
    "user_attributes": 10,
}
#: Groups that give each attribute a value.
VALUED_GROUPS = 5
#: Each operation and its pulumi arguments (an ``up`` with its preview, as pipelines run it).
OPERATIONS = {
    "refresh": ("refresh", "--yes", "--skip-preview"),
    "no-op up": ("up", "--yes", "--refresh=false"),
}
#: Times each operation runs on each program.
RUNS = 3


def seed() -> dict[str, Any]:
    """The organisation, as the emulator's seed names it."""
    groups = [f"Team {g:02d}" for g in range(SIZES["groups"])]
    users = []
    per_user, extra = divmod(SIZES["memberships"], SIZES["users"])
    for number in range(SIZES["users"]):
        count = per_user + (1 if number < extra else 0)
        member_of = [groups[(number + k * 17) % len(groups)] for k in range(count)]
        users.append(
            {"first_name": "User", "last_name": f"{number:03d}", "groups": sorted(set(member_of))}
        )
    return {
        "permission_sets": [
            {"name": f"Set {n:02d}", "permissions": ["access_data", "see_looks"]}
            for n in range(SIZES["permission_sets"])
        ],
        "model_sets": [
            {"name": f"Models {n:02d}", "models": [f"model_{n}"]}
            for n in range(SIZES["model_sets"])
        ],
        "roles": [
            {
                "name": f"Role {n:02d}",
                "permission_set": f"Set {n:02d}",
                "model_set": f"Models {n:02d}",
            }
            for n in range(SIZES["roles"])
        ],
        "groups": [
            {"name": g, "roles": [f"Role {i % SIZES['roles']:02d}"]} for i, g in enumerate(groups)
        ],
        "users": users,
    }


def _attributes(url: str) -> None:
    """The user attributes and their group values, made through Looker's API."""
    settings = ConnectionSettings.resolve(
        config={
            "looker:baseUrl": url,
            "looker:clientId": ADMIN_ID,
            "looker:clientSecret": ADMIN_SECRET,
        }
    )
    with LookerClient(settings) as client:
        groups = sorted(client.access.groups().values(), key=lambda g: int(g.id))
        teams = [g for g in groups if not g.include_by_default]
        for n in range(SIZES["user_attributes"]):
            attribute = client.objects(models.USER_ATTRIBUTES).create(
                {"name": f"attribute_{n}", "label": f"Attribute {n}", "type": "string"}
            )
            values = [
                {"group_id": g.id, "value": f"value {n}.{g.id}"}
                for g in teams[n : n + VALUED_GROUPS]
            ]
            client.set_user_attribute_group_values(attribute.id, values)


def looker_program(
    state: dict[str, Any], values: dict[str, list[dict[str, str]]]
) -> dict[str, Any]:
    """One resource per object of the organisation, adopted by its id."""
    resources: dict[str, Any] = {}

    def add(kind: str, name: str, properties: dict[str, Any]) -> None:
        resources[name] = {"type": f"looker:index:{kind}", "properties": properties}

    for record in state["permission_sets"]:
        if not record.get("built_in"):
            add("PermissionSet", f"ps-{record['id']}", {"permissionSetId": record["id"]})
    for record in state["model_sets"]:
        if not record.get("built_in"):
            add("ModelSet", f"ms-{record['id']}", {"modelSetId": record["id"]})
    for record in state["roles"]:
        if record["name"].startswith("Role "):
            add("Role", f"role-{record['id']}", {"roleId": record["id"]})
    for record in state["groups"]:
        if record["name"].startswith("Team "):
            add("Group", f"group-{record['id']}", {"groupId": record["id"]})
            members = sorted(u["id"] for u in state["users"] if record["id"] in u["group_ids"])
            add(
                "GroupMembership",
                f"members-{record['id']}",
                {"groupId": record["id"], "userIds": members, "authoritative": True},
            )
    for record in state["users"]:
        if record.get("last_name", "").isdigit():
            add("User", f"user-{record['id']}", {"userId": record["id"]})
    for record in state["user_attributes"]:
        if record["name"].startswith("attribute_"):
            add("UserAttribute", f"attribute-{record['id']}", {"userAttributeId": record["id"]})
            add(
                "UserAttributeGroupValues",
                f"values-{record['id']}",
                {"userAttributeId": record["id"], "values": values[record["id"]]},
            )
    return {
        "name": "looker-organisation",
        "runtime": "yaml",
        "plugins": {"providers": [{"name": "looker", "path": str(Path(sys.prefix) / "bin")}]},
        "resources": resources,
    }


def nothing_program(count: int, plugin: Path) -> dict[str, Any]:
    return {
        "name": "nothing-organisation",
        "runtime": "yaml",
        "plugins": {"providers": [{"name": "nothing", "path": str(plugin)}]},
        "resources": {
            f"thing-{n}": {"type": "nothing:index:Thing", "properties": {"value": str(n)}}
            for n in range(count)
        },
    }


@contextmanager
def nothing_plugin(work: Path) -> Iterator[Path]:
    folder = work / "nothing-plugin"
    folder.mkdir()
    script = folder / "pulumi-resource-nothing"
    script.write_text(f'#!/bin/sh\nPYTHONPATH={ROOT} exec {sys.executable} -m bench.nothing "$@"\n')
    script.chmod(0o755)
    yield folder


@attrs.frozen
class Timing:
    program: str
    latency_ms: int
    operation: str
    seconds: float
    calls: Counter[str]
    #: CPU seconds of the command and every process it ran (engine, language host, plugins).
    cpu: float


def _stack(work: Path, name: str, program: dict[str, Any], env: dict[str, str]) -> Stack:
    project = work / name
    project.mkdir()
    (project / "Pulumi.yaml").write_text(yaml.safe_dump(program, sort_keys=False))
    stack = Stack(project, "bench", env)
    stack.pulumi("stack", "init")
    return stack


def _timed(
    stack: Stack, looker: EmulatorProcess | None, program: str, latency: int, operation: str
) -> Timing:
    """One run of ``operation`` on ``stack``: its wall time, and the calls Looker saw."""
    if looker is not None:
        looker.control.clear_requests()
    started, cpu = time.monotonic(), _children_cpu()
    stack.pulumi(*OPERATIONS[operation], timeout=3600)
    seconds, cpu = time.monotonic() - started, _children_cpu() - cpu
    calls: Counter[str] = Counter()
    if looker is not None:
        for r in looker.control.requests():
            path = r["path"].partition("?")[0]
            calls[
                "login" if (r["method"], r["path"]) == LOGIN else f"{r['method']} {_route(path)}"
            ] += 1
    timing = Timing(program, latency, operation, seconds, calls, cpu)
    print(
        f"{program} {latency} ms {operation}: {seconds:.1f} s, {cpu:.1f} CPU s {dict(calls)}",
        flush=True,
    )
    return timing


def _children_cpu() -> float:
    """CPU seconds of the processes this one has waited for (each pulumi command, and the
    processes it waited for in turn)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _route(path: str) -> str:
    """``/api/4.0/user_attributes/12/group_values`` -> ``/user_attributes/{id}/group_values``."""
    parts = path.removeprefix("/api/4.0").split("/")
    return "/".join("{id}" if p.isdigit() else p for p in parts)


#: What each route of a refresh reads, for the budget's table.
READS = {
    "login": "one login per process",
    "GET /users": "every user, its roles and groups (500 a page): users, members, role holders",
    "GET /groups": "every group: `Group`",
    "GET /groups/search/with_hierarchy": "every group, its parents and roles: members, holders",
    "GET /roles": "every role: `Role`, role assignments",
    "GET /permission_sets": "every permission set: `PermissionSet`",
    "GET /model_sets": "every model set: `ModelSet`",
    "GET /user_attributes": "every user attribute: `UserAttribute`",
    "GET /user_attributes/{id}/group_values": "one attribute's values by group",
}


def _load() -> str:
    return " ".join(f"{n:.1f}" for n in os.getloadavg())


def measure(latency_ms: int, runs: int = RUNS, *, floor: bool = True) -> tuple[list[Timing], str]:
    """Each operation ``runs`` times on the organisation and on the floor (``floor``), in
    turn; and the load averages (1, 5 and 15 minutes) before and after."""
    looker = EmulatorProcess(
        admin_client_id=ADMIN_ID,
        admin_client_secret=ADMIN_SECRET,
        extra_args=["--latency-ms", str(latency_ms)],
    ).start()
    try:
        looker.control.seed(seed())
        _attributes(looker.url)
        state = looker.control.state()
        values = {
            a["id"]: [
                {"group_id": v["group_id"], "value": v["value"]}
                for v in a.get("group_values") or []
            ]
            for a in state["user_attributes"]
        }
        with tempfile.TemporaryDirectory(prefix="pulumi-looker-organisation-") as tmp:
            work = Path(tmp)
            (work / "backend").mkdir()
            env = cli_environment(
                backend=work / "backend", home=work / "home", client_secret=ADMIN_SECRET
            )
            env.update(
                {
                    "LOOKERSDK_BASE_URL": looker.url,
                    "LOOKERSDK_CLIENT_ID": ADMIN_ID,
                    "LOOKERSDK_CLIENT_SECRET": ADMIN_SECRET,
                }
            )
            program = looker_program(state, values)
            count = len(program["resources"])
            stack = _stack(work, "looker", program, env)
            stack.pulumi("up", "--yes", "--skip-preview", timeout=3600)
            programs = [(stack, looker, f"looker ({count} resources)")]
            with nothing_plugin(work) as plugin:
                if floor:
                    nothing = _stack(work, "nothing", nothing_program(count, plugin), env)
                    nothing.pulumi("up", "--yes", "--skip-preview", timeout=3600)
                    programs.append((nothing, None, f"nothing ({count} resources)"))
                before = _load()
                timings = [
                    _timed(target, emulator, name, latency_ms, operation)
                    for _ in range(runs)
                    for operation in OPERATIONS
                    for target, emulator, name in programs
                ]
            return timings, f"{before} before, {_load()} after"
    finally:
        looker.stop()


def _samples(timings: list[Timing], floor: bool, latency: int, operation: str) -> list[Timing]:
    return [
        t
        for t in timings
        if t.program.startswith("nothing") == floor
        and (t.latency_ms, t.operation) == (latency, operation)
    ]


def report(timings: list[Timing], loads: dict[int, str], runs: int) -> str:
    rows, samples = [], []
    for latency in loads:
        for operation in OPERATIONS:
            ours = _samples(timings, False, latency, operation)
            floor = _samples(timings, True, latency, operation)
            each = [t.calls for t in ours]
            # Every run of an operation makes the same calls, or the table says which differ.
            calls = each[0] if all(c == each[0] for c in each) else sum(each, Counter())
            detail = ", ".join(f"{k} {n}" for k, n in sorted(calls.items()))
            if calls is not each[0]:
                detail = f"(differ between runs; all {len(each)} together) {detail}"
            median = statistics.median(t.seconds for t in ours)
            floor_median = statistics.median(t.seconds for t in floor)
            rows.append(
                f"| {latency} ms | {operation} | {sum(calls.values())} | {detail} | "
                f"{median:.1f} | {floor_median:.1f} | {median / floor_median:.2f} | "
                f"{statistics.median(t.cpu for t in ours):.1f} | "
                f"{statistics.median(t.cpu for t in floor):.1f} |"
            )
            samples.append(
                f"- {latency} ms, {operation}: "
                + ", ".join(f"{t.seconds:.1f} s ({t.cpu:.1f} CPU s)" for t in ours)
                + "; floor "
                + ", ".join(f"{t.seconds:.1f} s ({t.cpu:.1f} CPU s)" for t in floor)
            )
    load = "; ".join(f"at {latency} ms {text}" for latency, text in loads.items())
    program = next(t.program for t in timings if not t.program.startswith("nothing"))
    sizes = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in SIZES.items())
    return (
        "# An organisation's access model: refresh and no-op up\n\n"
        "Written by `scripts/bench --organisation` (`bench/organisation.py`); do not edit. "
        f"{program}: {sizes}, "
        f"each attribute with {VALUED_GROUPS} group values, adopted by a YAML program on the "
        "plugin (one `GroupMembership` per group, authoritative). The floor is Pulumi's own "
        "time for as many resources that do nothing (`bench/nothing.py`). Measured "
        f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC on "
        f"{os.cpu_count()} cores, against the emulator on 127.0.0.1 with the latency added "
        f"to each call. Each operation ran {runs} times, the organisation's and the floor's in "
        f"turn: the seconds are medians of wall time, and CPU s the medians of the CPU time of "
        "the command and every process it ran (engine, language host, plugins). Load average "
        f"(1, 5, 15 min): {load}.\n\n"
        "| latency | operation | Looker calls | calls by route | seconds | floor s | ratio "
        "| CPU s | floor CPU s |\n"
        "|---|---|---|---|---|---|---|---|---|\n"
        + "\n".join(rows)
        + "\n\nEach run of each operation, in the order they ran:\n\n"
        + "\n".join(samples)
        + "\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--latencies", type=int, nargs="+", default=[0, 200])
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args()
    timings: list[Timing] = []
    loads: dict[int, str] = {}
    for latency in args.latencies:
        measured, loads[latency] = measure(latency, args.runs)
        timings += measured
    (HERE / "organisation.md").write_text(report(timings, loads, args.runs))
    print(f"wrote {HERE / 'organisation.md'}")


if __name__ == "__main__":
    main()
