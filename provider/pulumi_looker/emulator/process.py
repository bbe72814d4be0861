"""Run the emulator in a child process on loopback, for tests, benchmarks and the demo."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from .control_client import EmulatorControlClient


class EmulatorProcess:
    """A ``looker-emulator`` child process; :meth:`start` waits until it serves."""

    def __init__(
        self,
        *,
        admin_client_id: str,
        admin_client_secret: str,
        state_file: Path | None = None,
        extra_args: Sequence[str] = (),
        log_file: Path | None = None,
    ) -> None:
        self.admin_client_id = admin_client_id
        self.admin_client_secret = admin_client_secret
        self.state_file = state_file
        self.extra_args = list(extra_args)
        self.log_file = log_file
        self.port = 0
        self.url = ""
        self._process: subprocess.Popen[str] | None = None
        self._control: EmulatorControlClient | None = None

    @property
    def control(self) -> EmulatorControlClient:
        """A client of this emulator's control routes."""
        if self._control is None:
            verify = "--ssl-certfile" not in self.extra_args
            self._control = EmulatorControlClient(self.url, verify=verify)
        return self._control

    def start(self, timeout: float = 30.0) -> EmulatorProcess:
        """Start the server (on the port it had before, after a :meth:`stop`) and wait for it."""
        args = [
            sys.executable,
            "-m",
            "pulumi_looker.emulator",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--admin-client-id",
            self.admin_client_id,
            "--admin-client-secret",
            self.admin_client_secret,
            *self.extra_args,
        ]
        if self.state_file is not None:
            args += ["--state-file", str(self.state_file)]
        log = open(self.log_file, "a") if self.log_file else None  # noqa: SIM115
        self._process = subprocess.Popen(
            args,
            stdout=subprocess.PIPE,
            stderr=log or subprocess.DEVNULL,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        if log is not None:
            log.close()
        self.url = self._read_url(timeout)
        self.port = int(self.url.rsplit(":", 1)[1])
        return self

    def _read_url(self, timeout: float) -> str:
        assert self._process is not None
        assert self._process.stdout is not None
        selector = selectors.DefaultSelector()
        selector.register(self._process.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if selector.select(timeout=0.1):
                line = self._process.stdout.readline().strip()
                if line:
                    return line
            if self._process.poll() is not None:
                break
        self.stop()
        raise RuntimeError(f"the Looker emulator did not start within {timeout:.0f} s")

    @property
    def running(self) -> bool:
        """Whether the server process is started and has not ended."""
        return self._process is not None and self._process.poll() is None

    def wait_for_exit(self, timeout: float) -> int:
        """Wait until the server process ends by itself (a ``crash`` fault); its exit code."""
        assert self._process is not None
        return self._process.wait(timeout=timeout)

    def stop(self, *, kill: bool = False) -> int | None:
        """Stop the server: gracefully (SIGTERM), or with SIGKILL as a crash would. Its exit
        status: ``-SIGTERM`` when it stopped as asked, ``-SIGKILL`` when killed (asked, or after
        10 s of a graceful stop); None when it was not started."""
        if self._process is None:
            return None
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._process.stdout:
            self._process.stdout.close()
        status = self._process.returncode
        self._process = None
        if self._control is not None:
            self._control.close()
            self._control = None
        return status

    def __enter__(self) -> EmulatorProcess:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
