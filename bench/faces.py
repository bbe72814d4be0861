"""The two faces side by side: N API keys' first `up` and `destroy`, through the dynamic
resources (the project's program) and through the provider plugin (a Pulumi YAML program),
at 0 ms and at a set latency per Looker call. Writes bench/faces.md; not part of the tests.

Pulumi's own time for N resources is each face's time at 0 ms (Looker's calls then cost
next to nothing); the goal for the plugin is at most 1.3 times it at the latency.
"""

from __future__ import annotations

import argparse
import datetime
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import attrs

from bench.measure import ADMIN_ID, ADMIN_SECRET, USERS, bench_looker, calls_by_kind
from tests.support.looker import CREDENTIALS, POLICY, SESSION, keys_config
from tests.support.stack import Stack, cli_environment, copy_project, copy_yaml_example

HERE = Path(__file__).parent
OPERATIONS = ("first up", "destroy")


@attrs.frozen
class Timing:
    face: str
    parallel: str
    latency_ms: int
    operation: str
    seconds: float
    calls: int


def _yaml_program(n: int) -> str:
    lines = ["name: looker-bench", "runtime: yaml", "plugins:", "  providers:"]
    lines += ["    - name: looker", "      path: ../../.venv/bin", "resources:"]
    for key in keys_config(n, users=USERS):
        lines += [
            f"  {key['name']}:",
            "    type: looker:index:ApiCredential",
            "    properties:",
            f'      userId: "{key["userId"]}"',
            f"      purpose: {key['purpose']}",
        ]
    return "\n".join(lines) + "\n"


def _dynamic(work: Path, n: int, url: str, env: dict[str, str]) -> Stack:
    stack = Stack(copy_project(work / "project"), "dev", env)
    stack.pulumi("stack", "init")
    stack.set_config(
        {
            "looker:baseUrl": url,
            CREDENTIALS: keys_config(n, users=USERS),
            POLICY: None,
            SESSION: None,
        }
    )
    return stack


def _plugin(work: Path, n: int, url: str, env: dict[str, str]) -> Stack:
    project = copy_yaml_example(work / "w")
    (project / "Pulumi.yaml").write_text(_yaml_program(n))
    (project / "Pulumi.dev.yaml").write_text(
        f"config:\n  looker:baseUrl: {url}\n  looker:clientId: {ADMIN_ID}\n"
    )
    stack = Stack(project, "dev", env, config_dir=".")
    stack.pulumi("stack", "init")
    return stack


FACES: dict[str, Callable[[Path, int, str, dict[str, str]], Stack]] = {
    "dynamic": _dynamic,
    "plugin": _plugin,
}


def measure(face: str, n: int, latency_ms: int, parallel: str | None) -> list[Timing]:
    """``parallel``: the engine's ``--parallel`` (None: its default, 8 on 2 cores)."""
    extra = ("--parallel", parallel) if parallel else ()
    with tempfile.TemporaryDirectory(prefix="bench-faces-") as tmp:
        work = Path(tmp)
        emulator = bench_looker(latency_ms)
        try:
            (work / "backend").mkdir()
            env = cli_environment(
                backend=work / "backend", home=work / "home", client_secret=ADMIN_SECRET
            )
            stack = FACES[face](work, n, emulator.url, env)
            timings = []
            for operation, args in (
                ("first up", ("up", "--yes", "--skip-preview", "--refresh=false", *extra)),
                ("destroy", ("destroy", "--yes", "--skip-preview", "--refresh=false", *extra)),
            ):
                emulator.control.clear_requests()
                started = time.monotonic()
                stack.pulumi(*args, timeout=1800)
                seconds = time.monotonic() - started
                calls = sum(calls_by_kind(emulator.control.requests()).values())
                timings.append(
                    Timing(face, parallel or "default", latency_ms, operation, seconds, calls)
                )
            return timings
        finally:
            emulator.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keys", type=int, default=60)
    parser.add_argument("--latency-ms", type=int, default=200)
    args = parser.parse_args()
    runs = [(face, None) for face in FACES] + [("plugin", "64")]
    timings = [
        t
        for face, parallel in runs
        for latency in (0, args.latency_ms)
        for t in measure(face, args.keys, latency, parallel)
    ]
    base = {(t.face, t.parallel, t.operation): t.seconds for t in timings if t.latency_ms == 0}
    rows = [
        f"| {t.face} | {t.parallel} | {t.latency_ms} ms | {t.operation} | {t.calls} | "
        f"{t.seconds:.1f} | {t.seconds / base[(t.face, t.parallel, t.operation)]:.2f} |"
        for t in timings
    ]
    text = (
        "# The two faces: first up and destroy\n\n"
        "Written by `scripts/bench --faces` (`bench/faces.py`); do not edit. "
        f"{args.keys} API keys across {USERS} users against the Looker emulator on 127.0.0.1; "
        "the ratio is to the same face at 0 ms (Pulumi's own time for as many resources). "
        f"Measured {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC on 2 "
        "cores.\n\n"
        "| face | engine --parallel | latency | operation | Looker calls | seconds | "
        "ratio to 0 ms |\n|---|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n"
    )
    (HERE / "faces.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
