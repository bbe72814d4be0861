"""The reliability report: each test that tries a fault or an attack declares its row, the row
takes the test's outcome, and a full run writes docs/reliability.md (never by hand)."""

from __future__ import annotations

import json
from pathlib import Path

import attrs

DOCS = Path(__file__).resolve().parents[1] / "docs"

HEADER = """# Reliability

Written by the test suite (`scripts/test` with no arguments, or `scripts/reliability-report`);
do not edit. Each row is one kind of fault or input, tried against the Looker emulator (with the
real `pulumi` CLI where the area says so). *runs*: how many `pulumi up` it took (or examples
tried); *result*: converged (first run), failed cleanly then converged, or lost something (a
resource in Pulumi's state missing from Looker, or a key in Looker that Pulumi neither holds nor
reported). A row whose test failed says FAILED.

| area | case | runs | result | detail |
|---|---|---|---|---|
"""


@attrs.define
class Row:
    area: str
    case: str
    runs: int = 0
    result: str = "did not finish"
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
        self.tried: dict[str, list[Row]] = {}

    def case(self, test_id: str, area: str, case: str, detail: str = "") -> Row:
        """The row of a case that test ``test_id`` tries; its result is set by the test."""
        row = Row(area, case, detail=detail)
        self.rows[(area, case)] = row
        self.tried.setdefault(test_id, []).append(row)
        return row

    def failed(self, test_id: str) -> None:
        """Test ``test_id`` failed: so did each case it tried."""
        for row in self.tried.get(test_id, ()):
            row.result = f"FAILED (the test failed; it saw: {row.result})"

    def tried_rows(self) -> list[dict[str, object]]:
        """The rows this process's tests tried, with their tests: what an xdist worker hands to
        the controller, which :meth:`merge` s them."""
        return [
            {"test": test_id, **attrs.asdict(row)}
            for test_id, rows in self.tried.items()
            for row in rows
        ]

    def merge(self, tried: list[dict[str, object]]) -> None:
        for item in tried:
            fields = dict(item)
            test_id = str(fields.pop("test"))
            row = Row(**fields)  # type: ignore[arg-type]
            self.rows[(row.area, row.case)] = row
            self.tried.setdefault(test_id, []).append(row)

    def write(self, *, keep_untried: bool) -> None:
        """Write the report; rows of cases this run did not try stay only if ``keep_untried``."""
        if not self.tried:
            return
        tried = {(row.area, row.case) for rows in self.tried.values() for row in rows}
        rows = [self.rows[key] for key in sorted(self.rows) if keep_untried or key in tried]
        self.data.parent.mkdir(parents=True, exist_ok=True)
        self.data.write_text(json.dumps([attrs.asdict(r) for r in rows], indent=1) + "\n")
        lines = [f"| {r.area} | {r.case} | {r.runs} | {r.result} | {r.detail} |" for r in rows]
        self.markdown.write_text(HEADER + "\n".join(lines) + "\n")
