"""Shared fixtures: an emulator per test on loopback, and clients and providers wired to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from pulumi_looker.client import LookerClient
from pulumi_looker.emulator.process import EmulatorProcess
from pulumi_looker.retry import RetryPolicy
from pulumi_looker.settings import ConnectionSettings
from tests.reliability import ReliabilityReport

ADMIN_CLIENT_ID = "AdminClientId0000001"
ADMIN_CLIENT_SECRET = "AdminSecret-do-not-leak-0001"

#: Retries that keep tests quick but still exercise the policy.
FAST_RETRY = RetryPolicy(max_attempts=4, max_elapsed=20, initial_wait=0.01, max_wait=0.05)


@pytest.fixture(autouse=True)
def _no_ambient_looker_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests see only the settings they give: no LOOKERSDK_* from the machine, no looker.ini."""
    for name in list(__import__("os").environ):
        if name.startswith("LOOKERSDK_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    LookerClient._shared.clear()


@pytest.fixture
def start_emulator(tmp_path: Path) -> Iterator[Callable[..., EmulatorProcess]]:
    """Start emulators with extra flags; all are stopped after the test."""
    started: list[EmulatorProcess] = []

    def start(
        *extra_args: str, state_file: Path | None = None, client_id: str = ADMIN_CLIENT_ID
    ) -> EmulatorProcess:
        emulator = EmulatorProcess(
            admin_client_id=client_id,
            admin_client_secret=ADMIN_CLIENT_SECRET,
            state_file=state_file,
            extra_args=extra_args,
            log_file=tmp_path / f"emulator-{len(started)}.log",
        )
        started.append(emulator)
        return emulator.start()

    yield start
    for emulator in started:
        emulator.stop()


@pytest.fixture(scope="session")
def reliability() -> Iterator[ReliabilityReport]:
    """The reliability report; written to docs/ when the session ends."""
    report = ReliabilityReport()
    yield report
    report.write()


@pytest.fixture
def emulator(start_emulator: Callable[..., EmulatorProcess]) -> EmulatorProcess:
    return start_emulator()


def settings_for(emulator: EmulatorProcess, **overrides: object) -> ConnectionSettings:
    values = {
        "base_url": emulator.url,
        "client_id": ADMIN_CLIENT_ID,
        "client_secret": ADMIN_CLIENT_SECRET,
        **overrides,
    }
    return ConnectionSettings.resolve(**values)


@pytest.fixture
def client(emulator: EmulatorProcess) -> Iterator[LookerClient]:
    with LookerClient(settings_for(emulator), retry=FAST_RETRY) as looker:
        yield looker


def stack_config(emulator: EmulatorProcess, namespace: str = "looker") -> dict[str, str]:
    """Stack config as the dynamic provider host hands it to ``configure``."""
    return {
        f"{namespace}:baseUrl": emulator.url,
        f"{namespace}:clientId": ADMIN_CLIENT_ID,
        f"{namespace}:clientSecret": ADMIN_CLIENT_SECRET,
    }


def configure(provider: object, config: dict[str, str]) -> None:
    provider.configure(ConfigureRequest(Config(raw_config=config, project_name="test")))  # type: ignore[attr-defined]
