"""Shared fixtures: emulators on loopback (one process per worker and set of flags, reset
before each test that takes it), and a client wired to one (the helpers behind them are in
tests/support)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from looker_sdk import init40
from looker_sdk.sdk.api40.methods import Looker40SDK

from pulumi_looker.client import LookerClient
from pulumi_looker.emulator.process import EmulatorProcess
from tests.reliability import ReliabilityReport, Row
from tests.support.clients import ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, fast_retry, settings_for

_REPORT = ReliabilityReport()


def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> None:
    if call.when == "call" and call.excinfo is not None:
        _REPORT.failed(item.nodeid)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """An xdist worker finished: its report rows join the controller's."""
    _REPORT.merge(node.workeroutput.get("reliability", []))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """docs/reliability.md is written by a run of the whole suite, or when asked
    (scripts/reliability-report): a partial run leaves tracked files alone. Under xdist each
    worker hands its rows to the controller, which writes."""
    config = session.config
    workeroutput = getattr(config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["reliability"] = _REPORT.tried_rows()
        return
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
    LookerClient.close_shared()


class EmulatorPool:
    """Emulators started once per test process (an xdist worker) and reset between tests
    (``POST /_emulator/reset``: one call, where a start costs most of a second): one for each
    set of flags a test asks for at the same time. One with a state file is never shared."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self._idle: dict[tuple[str, tuple[str, ...]], list[EmulatorProcess]] = {}
        self._made = 0

    def take(self, client_id: str, extra_args: tuple[str, ...]) -> EmulatorProcess:
        idle = self._idle.setdefault((client_id, extra_args), [])
        while idle:
            emulator = idle.pop()
            if emulator.running:
                emulator.control.reset()
                return emulator
            emulator.stop()
        self._made += 1
        emulator = EmulatorProcess(
            admin_client_id=client_id,
            admin_client_secret=ADMIN_CLIENT_SECRET,
            extra_args=extra_args,
            log_file=self.logs / f"emulator-{self._made}.log",
        )
        return emulator.start()

    def give_back(self, emulator: EmulatorProcess) -> None:
        if emulator.running:
            key = (emulator.admin_client_id, tuple(emulator.extra_args))
            self._idle.setdefault(key, []).append(emulator)
        else:
            emulator.stop()

    def close(self) -> None:
        for emulators in self._idle.values():
            for emulator in emulators:
                emulator.stop()


@pytest.fixture(scope="session")
def emulator_pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorPool]:
    pool = EmulatorPool(tmp_path_factory.mktemp("emulators"))
    yield pool
    pool.close()


@pytest.fixture
def start_emulator(
    tmp_path: Path, emulator_pool: EmulatorPool
) -> Iterator[Callable[..., EmulatorProcess]]:
    """Start emulators with extra flags (each as fresh as a new process: a pooled one is reset);
    after the test, each goes back to the pool, or is stopped if it has a state file."""
    taken: list[EmulatorProcess] = []
    own: list[EmulatorProcess] = []

    def start(
        *extra_args: str, state_file: Path | None = None, client_id: str = ADMIN_CLIENT_ID
    ) -> EmulatorProcess:
        if state_file is None:
            emulator = emulator_pool.take(client_id, tuple(extra_args))
            taken.append(emulator)
            return emulator
        emulator = EmulatorProcess(
            admin_client_id=client_id,
            admin_client_secret=ADMIN_CLIENT_SECRET,
            state_file=state_file,
            extra_args=extra_args,
            log_file=tmp_path / f"emulator-{len(own)}.log",
        )
        own.append(emulator)
        return emulator.start()

    yield start
    for emulator in own:
        emulator.stop()
    for emulator in taken:
        emulator_pool.give_back(emulator)


@pytest.fixture
def emulator(start_emulator: Callable[..., EmulatorProcess]) -> EmulatorProcess:
    return start_emulator()


@pytest.fixture
def client(emulator: EmulatorProcess) -> Iterator[LookerClient]:
    with LookerClient(settings_for(emulator), retry=fast_retry()) as looker:
        yield looker


@pytest.fixture
def sdk(emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch) -> Looker40SDK:
    """looker-sdk configured as its documentation says: LOOKERSDK_* variables."""
    monkeypatch.setenv("LOOKERSDK_BASE_URL", emulator.url)
    monkeypatch.setenv("LOOKERSDK_CLIENT_ID", ADMIN_CLIENT_ID)
    monkeypatch.setenv("LOOKERSDK_CLIENT_SECRET", ADMIN_CLIENT_SECRET)
    monkeypatch.setenv("LOOKERSDK_VERIFY_SSL", "false")
    return init40()
