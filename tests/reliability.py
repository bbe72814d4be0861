"""The reliability report: tests record what they tried and how it ended; the suite writes
docs/reliability.md from it (never by hand)."""

from __future__ import annotations

import json
from pathlib import Path

import attrs

DOCS = Path(__file__).resolve().parents[1] / "docs"

HEADER = """# Reliability

Written by the test suite (`tests/e2e/test_faults.py`, `tests/e2e/test_reliability.py`) each time it
runs; do not edit. Each row is one kind of fault or input, tried with the real `pulumi` CLI against
the Looker emulator. *runs*: how many `pulumi up` it took; *result*: converged (first run),
failed cleanly then converged, or lost something (a resource in Pulumi's state missing from
Looker, or a key in Looker that Pulumi neither holds nor reported).

| area | case | runs | result | detail |
|---|---|---|---|---|
"""


@attrs.frozen
class Row:
    area: str
    case: str
    runs: int
    result: str
    detail: str = ""


class ReliabilityReport:
    """Rows by (area, case); rows of cases this run did not try are kept from the last run."""

    def __init__(self, directory: Path = DOCS) -> None:
        self.data = directory / "reliability.json"
        self.markdown = directory / "reliability.md"
        self.rows: dict[tuple[str, str], Row] = {}
        if self.data.exists():
            for item in json.loads(self.data.read_text()):
                row = Row(**item)
                self.rows[(row.area, row.case)] = row
        self.changed = False

    def record(self, area: str, case: str, runs: int, result: str, detail: str = "") -> None:
        self.rows[(area, case)] = Row(area, case, runs, result, detail)
        self.changed = True

    def write(self) -> None:
        if not self.changed:
            return
        rows = [self.rows[key] for key in sorted(self.rows)]
        self.data.parent.mkdir(parents=True, exist_ok=True)
        self.data.write_text(json.dumps([attrs.asdict(r) for r in rows], indent=1) + "\n")
        lines = [f"| {r.area} | {r.case} | {r.runs} | {r.result} | {r.detail} |" for r in rows]
        self.markdown.write_text(HEADER + "\n".join(lines) + "\n")
