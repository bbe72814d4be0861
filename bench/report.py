"""Reporting: the measured runs against the floor, as bench/results.md and a plot."""

from __future__ import annotations

import datetime
import importlib.metadata
import math
import os
import platform
import statistics
import subprocess
from collections import Counter
from pathlib import Path

import attrs

from bench.measure import KINDS, OPERATIONS, USERS, ImportCost, Run
from pulumi_looker.client.paging import PAGE_SIZE

HERE = Path(__file__).resolve().parent
#: Threads of Pulumi's dynamic-provider host (pulumi/dynamic/__main__.py): its concurrency.
PROVIDER_THREADS = 4


def floor_calls(operation: str, n: int) -> Counter[str]:
    """The fewest calls each operation can make for n keys (each with a purpose) and the policy:
    a refresh reads the policy and the pages of one listing of the users with their keys."""
    listing_pages = math.ceil((USERS + 1) / PAGE_SIZE)
    return Counter(
        {
            "first up": {"login": 1, "GET": 1, "POST": n, "PATCH": n + 1},
            "no-op preview": {},
            "no-op up": {},
            "one-change up": {"login": 1, "PATCH": 1},
            "refresh": {"login": 1, "GET": 1 + listing_pages},
            "destroy": {"login": 1, "DELETE": n},
        }[operation]
    )


def floor_seconds(operation: str, n: int, latency: float) -> float:
    """Every floor call but the login, one round trip each, spread over the provider's threads."""
    calls = sum(floor_calls(operation, n).values()) - floor_calls(operation, n)["login"]
    return calls * latency / PROVIDER_THREADS


@attrs.frozen
class Measure:
    """One operation at one size and latency, over every run: calls of the first run (they are
    the same each run) and the wall time of each."""

    n: int
    latency_ms: int
    operation: str
    calls: Counter[str]
    seconds: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def measures(runs: list[Run]) -> list[Measure]:
    """The runs grouped by size, latency and operation."""
    grouped: dict[tuple[int, int, str], list] = {}
    for run in runs:
        for sample in run.samples:
            grouped.setdefault((run.n, run.latency_ms, sample.operation), []).append(sample)
    return [
        Measure(n, latency, operation, samples[0].calls, tuple(s.seconds for s in samples))
        for (n, latency, operation), samples in grouped.items()
    ]


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


def write_results(runs: list[Run], imports: ImportCost, diagnosis: list[Run]) -> None:
    info = versions()
    peaks: dict[int, int] = {}
    counts: Counter[int] = Counter()
    for run in runs:
        peaks[run.n] = max(peaks.get(run.n, 0), run.provider_peak_kb)
        counts[(run.n, run.latency_ms)] += 1
    per_size = {n: c for (n, _), c in sorted(counts.items())}
    memory = ", ".join(f"N={n}: {kb / 1024:.0f} MiB" for n, kb in sorted(peaks.items()))
    table = measures(runs)
    lines = [
        NOTES.format(threads=PROVIDER_THREADS),
        *[f"- {k}: {v}" for k, v in info.items()],
        f"- runs per size: {', '.join(f'N={n}: {r}' for n, r in per_size.items())}"
        " (wall time is their median)",
        f"- import: `pulumi` {imports.pulumi_ms:.0f} ms, then `pulumi_looker` on top of it"
        f" {imports.pulumi_looker_ms:.0f} ms (median of {imports.samples} fresh processes)",
        f"- provider process peak RSS: {memory}",
        "",
        *TABLE_HEADER,
    ]
    lines += [_row(m) for m in table]
    lines += ["", DIAGNOSIS, *TABLE_HEADER, *[_row(m) for m in measures(diagnosis)]]
    (HERE / "results.md").write_text("\n".join(lines) + "\n")
    plot(table)


def plot(table: list[Measure]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, 2, figsize=(12, 4.5), sharey=True)
    for axis, latency in zip(axes, (0, 50), strict=True):
        for operation in OPERATIONS:
            points = sorted(
                (m.n, m.median)
                for m in table
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
