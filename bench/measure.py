"""Measuring: each pulumi operation run once on a fresh stack, with the calls Looker saw, the
wall time and the provider's peak memory. No formatting here (see bench/report.py)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import attrs

from pulumi_looker.emulator.process import EmulatorProcess
from tests.support.looker import CREDENTIALS, LOGIN, POLICY, SESSION, keys_config
from tests.support.stack import Stack, cli_environment, copy_project

ADMIN_ID, ADMIN_SECRET = "DevAdminClientId0001", "bench-admin-secret"
KINDS = ("login", "GET", "PATCH", "POST", "DELETE")
OPERATIONS = ("first up", "no-op preview", "no-op up", "one-change up", "refresh", "destroy")
#: Users the keys are spread over.
USERS = 20


@attrs.frozen
class Sample:
    """One operation, once: the calls Looker saw by kind, and its wall time."""

    operation: str
    calls: Counter[str]
    seconds: float


@attrs.frozen
class Run:
    """Every operation once on a fresh stack of ``n`` keys at ``latency_ms``."""

    n: int
    latency_ms: int
    samples: tuple[Sample, ...]
    provider_peak_kb: int


def calls_by_kind(requests: list[dict]) -> Counter[str]:
    return Counter("login" if (r["method"], r["path"]) == LOGIN else r["method"] for r in requests)


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


def bench_looker(latency_ms: int) -> EmulatorProcess:
    """A fresh emulator of ``USERS`` users, ``latency_ms`` added to each call, started."""
    return EmulatorProcess(
        admin_client_id=ADMIN_ID,
        admin_client_secret=ADMIN_SECRET,
        extra_args=["--users", str(USERS), "--latency-ms", str(latency_ms)],
    ).start()


def one_run(work: Path, n: int, latency_ms: int, extra_env: dict[str, str] | None = None) -> Run:
    """Every operation once on a fresh stack against a fresh emulator."""
    emulator = bench_looker(latency_ms)
    try:
        env = cli_environment(
            backend=work / "backend", home=work / "home", client_secret=ADMIN_SECRET
        )
        env.update(extra_env or {})
        (work / "backend").mkdir()
        stack = Stack(copy_project(work / "project"), "dev", env)
        stack.pulumi("stack", "init")
        keys = keys_config(n, users=USERS)
        stack.set_config(
            {
                "looker:baseUrl": emulator.url,
                CREDENTIALS: keys,
                POLICY: {"minLength": 12},
                SESSION: None,
            }
        )

        def change_one() -> None:
            keys[0]["purpose"] = "changed"
            stack.set_config({CREDENTIALS: keys})

        no_refresh = ("--refresh=false",)
        steps: list[tuple[str, Callable[[], None] | None, tuple[str, ...]]] = [
            ("first up", None, ("up", "--yes", "--skip-preview", *no_refresh)),
            ("no-op preview", None, ("preview", *no_refresh)),
            ("no-op up", None, ("up", "--yes", "--skip-preview", *no_refresh)),
            ("one-change up", change_one, ("up", "--yes", "--skip-preview", *no_refresh)),
            ("refresh", None, ("refresh", "--yes", "--skip-preview")),
            ("destroy", None, ("destroy", "--yes", "--skip-preview", *no_refresh)),
        ]
        samples = []
        with provider_peak_memory() as peak:
            for operation, prepare, args in steps:
                if prepare:
                    prepare()
                emulator.control.clear_requests()
                started = time.monotonic()
                stack.pulumi(*args, timeout=1800)
                seconds = time.monotonic() - started
                calls = calls_by_kind(emulator.control.requests())
                samples.append(Sample(operation, calls, seconds))
        return Run(n, latency_ms, tuple(samples), peak[0])
    finally:
        emulator.stop()


@attrs.frozen
class ImportCost:
    """Median milliseconds to import pulumi, then pulumi_looker on top of it."""

    pulumi_ms: float
    pulumi_looker_ms: float
    samples: int


def import_cost(samples: int = 15) -> ImportCost:
    """Import times in fresh processes."""
    code = (
        "import time; t0 = time.perf_counter(); import pulumi, pulumi.dynamic; "
        "t1 = time.perf_counter(); import pulumi_looker; t2 = time.perf_counter(); "
        "print((t1 - t0) * 1000, (t2 - t1) * 1000)"
    )
    pairs = []
    for _ in range(samples):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
        first, second = map(float, out.split())
        pairs.append((first, second))
    return ImportCost(
        statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs), samples
    )
