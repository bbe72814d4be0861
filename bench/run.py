"""Calls to Looker and wall time of each pulumi operation, measured against the floor.

Run with ``scripts/bench`` (or, set up, ``python -m bench.run [--sizes 1 10] [--runs 3]``). It
writes ``bench/results.md`` and ``bench/wall_time.png``. Everything runs against emulators it
starts on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import attrs

from pulumi_looker.emulator.process import EmulatorProcess
from tests.e2e.project import ROOT, Stack, cli_environment, copy_project

HERE = Path(__file__).resolve().parent
ADMIN_ID, ADMIN_SECRET = "DevAdminClientId0001", "bench-admin-secret"
KINDS = ("login", "GET", "PATCH", "POST", "DELETE")
#: Threads of Pulumi's dynamic-provider host (pulumi/dynamic/__main__.py): its concurrency.
PROVIDER_THREADS = 4
OPERATIONS = ("first up", "no-op preview", "no-op up", "one-change up", "refresh", "destroy")


def floor_calls(operation: str, n: int) -> Counter[str]:
    """The fewest calls each operation can make for n keys (each with a purpose) and the policy."""
    return Counter(
        {
            "first up": {"login": 1, "GET": 1, "POST": n, "PATCH": n + 1},
            "no-op preview": {},
            "no-op up": {},
            "one-change up": {"login": 1, "PATCH": 1},
            "refresh": {"login": 1, "GET": n + 1},
            "destroy": {"login": 1, "DELETE": n},
        }[operation]
    )


def floor_seconds(operation: str, n: int, latency: float) -> float:
    """Every floor call but the login, one round trip each, spread over the provider's threads."""
    calls = sum(floor_calls(operation, n).values()) - floor_calls(operation, n)["login"]
    return calls * latency / PROVIDER_THREADS


@attrs.frozen
class Measure:
    n: int
    latency_ms: int
    operation: str
    calls: Counter[str]
    seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def keys_config(n: int) -> list[dict]:
    return [
        {"name": f"k{i:03}", "userId": str(2 + i % 20), "purpose": f"service {i}"} for i in range(n)
    ]


def calls_by_kind(requests: list[dict]) -> Counter[str]:
    return Counter("login" if r["path"].endswith("/login") else r["method"] for r in requests)


@contextmanager
def provider_peak_memory() -> Iterator[list[int]]:
    """Samples the peak RSS (kB) of every dynamic-provider process while the block runs."""
    peaks: list[int] = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            for pid in os.listdir("/proc"):
                if not pid.isdigit():
                    continue
                try:
                    if b"pulumi.dynamic" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                        continue
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                        if line.startswith("VmHWM:"):
                            peaks[0] = max(peaks[0], int(line.split()[1]))
                except OSError:
                    continue
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield peaks
    finally:
        done.set()
        sampler.join()


def one_run(
    work: Path, n: int, latency: int, extra_env: dict[str, str] | None = None
) -> tuple[dict[str, tuple[Counter[str], float]], int]:
    """Every operation once on a fresh stack; returns calls and seconds by operation, peak kB."""
    emulator = EmulatorProcess(
        admin_client_id=ADMIN_ID,
        admin_client_secret=ADMIN_SECRET,
        extra_args=["--users", "20", "--latency-ms", str(latency)],
    ).start()
    try:
        env = cli_environment(
            backend=work / "backend", home=work / "home", client_secret=ADMIN_SECRET
        )
        env.update(extra_env or {})
        (work / "backend").mkdir()
        stack = Stack(copy_project(work / "project"), "dev", env)
        stack.pulumi("stack", "init")
        keys = keys_config(n)
        stack.set_config(
            looker__baseUrl=emulator.url,
            **{
                "looker-settings__apiCredentials": keys,
                "looker-settings__passwordPolicy": {"minLength": 12},
            },
        )

        def change_one() -> None:
            keys[0]["purpose"] = "changed"
            stack.set_config(**{"looker-settings__apiCredentials": keys})

        steps: list[tuple[str, Callable[[], None] | None, tuple[str, ...]]] = [
            ("first up", None, ("up", "--yes", "--skip-preview", "--refresh=false")),
            ("no-op preview", None, ("preview", "--refresh=false")),
            ("no-op up", None, ("up", "--yes", "--skip-preview", "--refresh=false")),
            ("one-change up", change_one, ("up", "--yes", "--skip-preview", "--refresh=false")),
            ("refresh", None, ("refresh", "--yes", "--skip-preview")),
            ("destroy", None, ("destroy", "--yes", "--skip-preview", "--refresh=false")),
        ]
        results = {}
        with provider_peak_memory() as peak:
            for operation, prepare, args in steps:
                if prepare:
                    prepare()
                emulator.control.clear_requests()
                started = time.monotonic()
                stack.pulumi(*args, timeout=1800)
                seconds = time.monotonic() - started
                results[operation] = (calls_by_kind(emulator.control.requests()), seconds)
        return results, peak[0]
    finally:
        emulator.stop()


def import_cost(samples: int = 15) -> tuple[float, float]:
    """Median milliseconds to import pulumi, then pulumi_looker on top of it, in fresh processes."""
    code = (
        "import time; t0 = time.perf_counter(); import pulumi, pulumi.dynamic; "
        "t1 = time.perf_counter(); import pulumi_looker; t2 = time.perf_counter(); "
        "print((t1 - t0) * 1000, (t2 - t1) * 1000)"
    )
    pairs = [
        tuple(
            map(
                float,
                subprocess.run(
                    [sys.executable, "-c", code], capture_output=True, text=True, check=True
                ).stdout.split(),
            )
        )
        for _ in range(samples)
    ]
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


def versions() -> dict[str, str]:
    cli = subprocess.run(["pulumi", "version"], capture_output=True, text=True).stdout.strip()

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_gib = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30)
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} cores, {cpu}, {memory_gib} GiB",
        "python": platform.python_version(),
        "pulumi CLI": cli,
        "pulumi SDK": importlib.metadata.version("pulumi"),
        "pulumi-looker": importlib.metadata.version("pulumi-looker"),
    }


NOTES = """# Benchmark results

Written by `scripts/bench` (`bench/run.py`); do not edit. Against the Looker emulator on
127.0.0.1, with N API keys (each with a purpose, across 20 users) plus the password policy.
Operations run without refresh except `refresh`. Calls come from the emulator's request log; the
floor is the fewest calls the operation can make (`floor_calls`). Time floor: the floor's calls
but the login, one round trip each, over the provider's {threads} threads (the dynamic-provider
host's pool); it leaves out the CLI's own start-up, so its ratio is given at 50 ms only.
"""


TABLE_HEADER = (
    "| N | latency | operation | " + " | ".join(KINDS) + " | floor calls | calls ratio"
    " | median s | floor s | time ratio |",
    "|---" * (len(KINDS) + 8) + "|",
)


def _row(m: Measure) -> str:
    floor = floor_calls(m.operation, m.n)
    total, floor_total = sum(m.calls.values()), sum(floor.values())
    ratio = f"{total / floor_total:.2f}" if floor_total else ("1.00" if total == 0 else "inf")
    floor_s = floor_seconds(m.operation, m.n, m.latency_ms / 1000)
    time_ratio = f"{m.median / floor_s:.2f}" if m.latency_ms and floor_s else "-"
    kinds = " | ".join(str(m.calls.get(k, 0)) for k in KINDS)
    return (
        f"| {m.n} | {m.latency_ms} ms | {m.operation} | {kinds} | {floor_total} | {ratio} | "
        f"{m.median:.1f} | {floor_s:.1f} | {time_ratio} |"
    )


DIAGNOSIS = """## Where the time goes

The largest size at the highest latency once more, with `PULUMI_SKIP_CHECKPOINTS=true`: the
engine then writes the state once at the end instead of after every step. With the local file
backend each step rewrites the whole state file, so a create or delete of N resources writes
N times a file of up to N resources. The provider's calls are the same.
"""


def write_results(
    measures: list[Measure],
    peaks: dict[int, int],
    imports: tuple[float, float],
    runs: dict[int, int],
    diagnosis: list[Measure],
) -> None:
    info = versions()
    memory = ", ".join(f"N={n}: {kb / 1024:.0f} MiB" for n, kb in sorted(peaks.items()))
    lines = [
        NOTES.format(threads=PROVIDER_THREADS),
        *[f"- {k}: {v}" for k, v in info.items()],
        f"- runs per size: {', '.join(f'N={n}: {r}' for n, r in sorted(runs.items()))}"
        " (wall time is their median)",
        f"- import: `pulumi` {imports[0]:.0f} ms, then `pulumi_looker` on top of it"
        f" {imports[1]:.0f} ms (median of 15 fresh processes)",
        f"- provider process peak RSS: {memory}",
        "",
        *TABLE_HEADER,
    ]
    lines += [_row(m) for m in measures]
    lines += [
        "",
        DIAGNOSIS,
        *TABLE_HEADER,
        *[_row(m) for m in diagnosis],
    ]
    (HERE / "results.md").write_text("\n".join(lines) + "\n")
    plot(measures)


def plot(measures: list[Measure]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, 2, figsize=(12, 4.5), sharey=True)
    for axis, latency in zip(axes, (0, 50), strict=True):
        for operation in OPERATIONS:
            points = sorted(
                (m.n, m.median)
                for m in measures
                if m.latency_ms == latency and m.operation == operation
            )
            if points:
                axis.plot(*zip(*points, strict=True), marker="o", label=operation)
        axis.set(xscale="log", xlabel="N (API keys)", title=f"{latency} ms added latency")
        axis.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("wall time, median (s)")
    axes[1].legend()
    figure.tight_layout()
    figure.savefig(HERE / "wall_time.png", dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100, 500])
    parser.add_argument("--latencies", type=int, nargs="+", default=[0, 50])
    parser.add_argument("--runs", type=int, default=3, help="runs per size up to 100")
    parser.add_argument("--runs-large", type=int, default=1, help="runs per size above 100")
    args = parser.parse_args()
    measures, peaks, runs = [], {}, {}
    for n in args.sizes:
        runs[n] = args.runs if n <= 100 else args.runs_large
        for latency in args.latencies:
            collected: dict[str, list[tuple[Counter[str], float]]] = {op: [] for op in OPERATIONS}
            for _ in range(runs[n]):
                with tempfile.TemporaryDirectory(prefix="pulumi-looker-bench-") as work:
                    results, peak = one_run(Path(work), n, latency)
                peaks[n] = max(peaks.get(n, 0), peak)
                for operation, result in results.items():
                    collected[operation].append(result)
            for operation, results_ in collected.items():
                measures.append(
                    Measure(n, latency, operation, results_[0][0], [s for _, s in results_])
                )
                median = statistics.median(s for _, s in results_)
                print(
                    f"N={n} {latency} ms {operation}: {dict(results_[0][0])} {median:.1f} s",
                    flush=True,
                )
    # Where the time goes: the same largest run with the engine's per-step checkpoints off.
    largest, latency = max(args.sizes), max(args.latencies)
    with tempfile.TemporaryDirectory(prefix="pulumi-looker-bench-") as work:
        unchecked, _ = one_run(Path(work), largest, latency, {"PULUMI_SKIP_CHECKPOINTS": "true"})
    diagnosis = [Measure(largest, latency, op, c, [s]) for op, (c, s) in unchecked.items()]
    write_results(measures, peaks, import_cost(), runs, diagnosis)
    print(f"wrote {HERE / 'results.md'} and {HERE / 'wall_time.png'}; project root {ROOT}")


if __name__ == "__main__":
    main()
