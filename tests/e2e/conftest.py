"""The real pulumi CLI on a copy of this project, a temporary local backend and fresh emulators."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from pulumi_looker.client import LookerClient
from pulumi_looker.emulator.process import EmulatorProcess
from pulumi_looker.settings import ConnectionSettings
from tests.conftest import ADMIN_CLIENT_SECRET
from tests.reliability import ReliabilityReport

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = "pulumi-looker-dev"  # the demo's: stacks/Pulumi.dev.yaml holds its salt
DEV_CLIENT_ID = "DevAdminClientId0001"
PROD_CLIENT_ID = "ProdAdminClientId001"


class Stack:
    """One stack of a copy of the project, driven through the pulumi CLI."""

    def __init__(self, project: Path, name: str, env: dict[str, str]) -> None:
        self.project = project
        self.name = name
        self.env = env
        self.file = project / "stacks" / f"Pulumi.{name}.yaml"
        self.transcript: list[str] = []
        #: Keys "<user>/<id>" that Looker held before this stack touched it.
        self.baseline: set[str] = set()

    def pulumi(
        self, *args: str, ok: bool = True, timeout: float = 600
    ) -> subprocess.CompletedProcess[str]:
        """Run ``pulumi ARGS`` on this stack; by default fail the test when it fails."""
        result = subprocess.run(
            ["pulumi", *args, "--stack", self.name, "--non-interactive", "--color", "never"],
            cwd=self.project,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        output = result.stdout + result.stderr
        self.transcript.append(output)
        if ok and result.returncode != 0:
            pytest.fail(f"pulumi {' '.join(args)} failed ({result.returncode}):\n{output}")
        return result

    def up(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        return self.pulumi("up", "--yes", "--skip-preview", *args, ok=ok)

    def preview(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        return self.pulumi("preview", "--diff", *args, ok=ok)

    @property
    def config(self) -> dict[str, Any]:
        return yaml.safe_load(self.file.read_text())["config"]

    def set_config(self, **values: Any) -> None:
        """Set config keys (``namespace:key`` with ``:`` written as ``__``) in the stack file."""
        document = yaml.safe_load(self.file.read_text())
        for key, value in values.items():
            key = key.replace("__", ":")
            if value is None:
                document["config"].pop(key, None)
            else:
                document["config"][key] = value
        self.file.write_text(yaml.safe_dump(document, sort_keys=False))

    def export(self) -> dict[str, Any]:
        return json.loads(self.pulumi("stack", "export").stdout)

    def outputs(self, *, secrets: bool = False) -> dict[str, Any]:
        args = ["stack", "output", "--json", *(["--show-secrets"] if secrets else [])]
        return json.loads(self.pulumi(*args).stdout)


@pytest.fixture(scope="session")
def pulumi_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("pulumi") is None:
        pytest.fail(
            "the pulumi CLI is not on PATH: run the tests with scripts/test, which builds or "
            "finds it (scripts/install-pulumi)"
        )
    return tmp_path_factory.mktemp("pulumi-home")


@pytest.fixture
def project(tmp_path: Path, pulumi_home: Path) -> Path:
    """A copy of the project, using this test run's virtualenv."""
    copy = tmp_path / "project"
    copy.mkdir()
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, copy / name)
    shutil.copytree(ROOT / "stacks", copy / "stacks")
    (copy / ".venv").symlink_to(sys.prefix)
    return copy


@pytest.fixture
def make_stack(project: Path, tmp_path: Path, pulumi_home: Path) -> Callable[..., Stack]:
    """A stack of the project copy, its base URL pointed at an emulator."""
    backend = tmp_path / "backend"
    backend.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PULUMI_", "LOOKERSDK_"))
    }
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}",
        PULUMI_HOME=str(pulumi_home),
        PULUMI_BACKEND_URL=f"file://{backend}",
        PULUMI_CONFIG_PASSPHRASE=PASSPHRASE,
        PULUMI_SKIP_UPDATE_CHECK="true",
        LOOKERSDK_CLIENT_SECRET=ADMIN_CLIENT_SECRET,
    )

    def make(name: str, emulator: EmulatorProcess) -> Stack:
        stack = Stack(project, name, env)
        stack.pulumi("stack", "init")
        stack.set_config(looker__baseUrl=emulator.url)
        return stack

    return make


@pytest.fixture
def start_looker(start_emulator: Callable[..., EmulatorProcess]) -> Callable[..., EmulatorProcess]:
    """Emulators whose admin key is the one a stack file names, with 12 ordinary users."""

    def start(client_id: str = DEV_CLIENT_ID, *extra_args: str) -> EmulatorProcess:
        return start_emulator("--users", "12", *extra_args, client_id=client_id)

    return start


@pytest.fixture
def looker(start_looker: Callable[..., EmulatorProcess]) -> EmulatorProcess:
    return start_looker()


@pytest.fixture
def dev(make_stack: Callable[..., Stack], looker: EmulatorProcess) -> Stack:
    return make_stack("dev", looker)


def admin_client(emulator: EmulatorProcess, client_id: str = DEV_CLIENT_ID) -> LookerClient:
    """Looker's admin, acting outside Pulumi (in the admin page, say)."""
    settings = ConnectionSettings.resolve(
        base_url=emulator.url, client_id=client_id, client_secret=ADMIN_CLIENT_SECRET
    )
    return LookerClient(settings)


@pytest.fixture(scope="session")
def reliability() -> Iterator[ReliabilityReport]:
    report = ReliabilityReport()
    yield report
    report.write()
