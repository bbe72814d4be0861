"""The real pulumi CLI on a copy of this project, a temporary local backend and fresh emulators."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from pulumi_looker.emulator.process import EmulatorProcess
from tests.support.clients import ADMIN_CLIENT_SECRET, DEV_CLIENT_ID
from tests.support.stack import Stack, cli_environment, copy_project


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
    return copy_project(tmp_path / "project")


@pytest.fixture
def make_stack(project: Path, tmp_path: Path, pulumi_home: Path) -> Callable[..., Stack]:
    """A stack of the project copy, its base URL pointed at an emulator."""
    backend = tmp_path / "backend"
    backend.mkdir()
    env = cli_environment(
        backend=backend, home=pulumi_home, client_secret=ADMIN_CLIENT_SECRET, checkpoints=False
    )

    def make(name: str, emulator: EmulatorProcess) -> Stack:
        stack = Stack(project, name, env)
        stack.init()
        stack.set_config({"looker:baseUrl": emulator.url})
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
