"""Calls to Looker and wall time of each pulumi operation, measured against the floor.

Run with ``scripts/bench`` (or, set up, ``python -m bench.run [--sizes 1 10] [--runs 3]``). It
writes ``bench/results.md`` and ``bench/wall_time.png``. Everything runs against emulators it
starts on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from bench.measure import Run, import_cost, one_run
from bench.report import HERE, write_results


def fresh_run(n: int, latency_ms: int, extra_env: dict[str, str] | None = None) -> Run:
    with tempfile.TemporaryDirectory(prefix="pulumi-looker-bench-") as work:
        return one_run(Path(work), n, latency_ms, extra_env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100, 500])
    parser.add_argument("--latencies", type=int, nargs="+", default=[0, 50])
    parser.add_argument("--runs", type=int, default=3, help="runs per size up to 100")
    parser.add_argument("--runs-large", type=int, default=1, help="runs per size above 100")
    args = parser.parse_args()
    runs = []
    for n in args.sizes:
        for latency in args.latencies:
            for _ in range(args.runs if n <= 100 else args.runs_large):
                run = fresh_run(n, latency)
                runs.append(run)
                for sample in run.samples:
                    print(
                        f"N={n} {latency} ms {sample.operation}: {dict(sample.calls)} "
                        f"{sample.seconds:.1f} s",
                        flush=True,
                    )
    # Where the time goes: the largest run once more with the engine's per-step checkpoints off.
    largest, latency = max(args.sizes), max(args.latencies)
    diagnosis = [fresh_run(largest, latency, {"PULUMI_SKIP_CHECKPOINTS": "true"})]
    write_results(runs, import_cost(), diagnosis)
    print(f"wrote {HERE / 'results.md'} and {HERE / 'wall_time.png'}")


if __name__ == "__main__":
    main()
