"""Shared fixtures: an emulator per test on loopback, and clients and providers wired to it."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from pulumi_looker.client import LookerClient
from pulumi_looker.emulator.process import EmulatorProcess
from pulumi_looker.retry import RetryPolicy
from pulumi_looker.settings import ConnectionSettings
from tests.reliability import ReliabilityReport, Row

ADMIN_CLIENT_ID = "AdminClientId0000001"
ADMIN_CLIENT_SECRET = "AdminSecret-do-not-leak-0001"


class RecordedSleeps(list[float]):
    """A retry policy's ``sleep`` that records each wait instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def fast_retry(**bounds: Any) -> RetryPolicy:
    """The retry policy with waits recorded rather than slept, and 4 tries."""
    return RetryPolicy(
        **{"max_attempts": 4, "max_elapsed": 20, **bounds, "sleep": RecordedSleeps()}
    )


_REPORT = ReliabilityReport()


def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> None:
    if call.when == "call" and call.excinfo is not None:
        _REPORT.failed(item.nodeid)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """docs/reliability.md is written by a run of the whole suite, or when asked
    (scripts/reliability-report): a partial run leaves tracked files alone."""
    config = session.config
    whole = (
        config.args_source == pytest.Config.ArgsSource.TESTPATHS
        and not config.option.keyword
        and not config.option.markexpr
        and not config.option.deselect
        and not getattr(config.option, "lf", False)
        and not config.option.ignore
        and not config.option.ignore_glob
    )
    if whole:
        _REPORT.write(keep_untried=False)
    elif os.environ.get("PULUMI_LOOKER_WRITE_REPORT") == "1":
        _REPORT.write(keep_untried=True)


@pytest.fixture
def reliability(request: pytest.FixtureRequest) -> Callable[..., Row]:
    """Declare a case of the reliability report: ``reliability(area, case, detail)`` gives the
    row, whose ``runs`` and ``result`` the test sets; if the test fails, so does the row."""
    return lambda area, case, detail="": _REPORT.case(request.node.nodeid, area, case, detail)


@pytest.fixture(autouse=True)
def _no_ambient_looker_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests see only the settings they give: no LOOKERSDK_* from the machine, no looker.ini;
    and the providers' shared clients record their retry waits instead of sleeping."""
    for name in list(os.environ):
        if name.startswith("LOOKERSDK_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(LookerClient, "default_retry", fast_retry())
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
    with LookerClient(settings_for(emulator), retry=fast_retry()) as looker:
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


def provider_for(cls: type, emulator: EmulatorProcess, key: Any = None) -> Any:
    """A provider of ``cls`` configured for ``emulator``: as its admin, or with ``key`` (an
    API key of another user)."""
    provider = cls()
    config = stack_config(emulator)
    if key is not None:
        config |= {"looker:clientId": key.client_id, "looker:clientSecret": key.client_secret}
    configure(provider, config)
    return provider


def created_singleton(provider: Any, **inputs: object) -> dict:
    """A singleton resource created through check then create, as the engine does."""
    checked = provider.check({}, {"restore_on_delete": False, **inputs})
    assert checked.failures == []
    return provider.create(checked.inputs).outs
