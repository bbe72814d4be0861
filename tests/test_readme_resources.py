"""The README's table of resources is the kinds' declarations."""

from __future__ import annotations

from pathlib import Path

from pulumi_looker.resources import KINDS

README = (Path(__file__).parents[1] / "README.md").read_text()


def test_the_readme_lists_every_kind_as_declared() -> None:
    table = README.split("## Resources\n", 1)[1].split("\n\n", 2)[1]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert rows == [
        f"| `{k.name}` | {k.description} | `{k.config.key}` | `{k.import_id}` | "
        f"{k.since or 'any'} |"
        for k in KINDS
    ]
