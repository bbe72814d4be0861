"""The installed package: typed, and light to import in the program process."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources


def test_ships_py_typed() -> None:
    assert resources.files("pulumi_looker").joinpath("py.typed").is_file()


def test_declaring_resources_loads_no_http_stack() -> None:
    # The program process only declares resources; the provider process talks to Looker.
    code = (
        "import sys, pulumi_looker, pulumi_looker.stack_program; "
        "heavy = ('httpx', 'httpcore', 'tenacity', 'starlette'); "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
