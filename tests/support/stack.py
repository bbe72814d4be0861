"""A copy of this Pulumi project driven through the real pulumi CLI (for tests and benchmarks)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from pulumi_looker import models
from pulumi_looker.emulator.process import EmulatorProcess

from .clients import admin_client

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = "pulumi-looker-dev"  # the demo's: stacks/Pulumi.dev.yaml holds its salt


class CommandFailed(AssertionError):
    """A pulumi command that should have worked did not."""


def copy_project(destination: Path) -> Path:
    """The project's program and stack files in ``destination``, using this virtualenv (not
    the stack file ``scripts/demo --lived-in`` writes in a clone: it is no environment's)."""
    destination.mkdir(parents=True)
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, destination / name)
    lived_in = shutil.ignore_patterns("Pulumi.lived-in.yaml")
    shutil.copytree(ROOT / "stacks", destination / "stacks", ignore=lived_in)
    (destination / ".venv").symlink_to(sys.prefix)
    return destination


def copy_yaml_example(work: Path, name: str = "yaml") -> Path:
    """examples/``name`` in ``work``, where its Pulumi.yaml finds the plugin: ``.venv`` beside
    ``examples``, as in the repository (it is this run's virtualenv)."""
    project = work / "examples" / name
    shutil.copytree(ROOT / "examples" / name, project)
    (work / ".venv").symlink_to(sys.prefix)
    return project


def cli_environment(
    *, backend: Path, home: Path, client_secret: str, checkpoints: bool = True
) -> dict[str, str]:
    """The environment for pulumi: a local backend, no ambient Pulumi or Looker settings.
    ``checkpoints=False`` (the tests): each command writes the state once, at its end, not after
    every step (PULUMI_SKIP_CHECKPOINTS): the same final state when the CLI is not killed, and
    a third less CPU for an ``up`` of 100 keys."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PULUMI_", "LOOKERSDK_"))}
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}",
        PULUMI_HOME=str(home),
        PULUMI_BACKEND_URL=f"file://{backend}",
        PULUMI_CONFIG_PASSPHRASE=PASSPHRASE,
        PULUMI_SKIP_UPDATE_CHECK="true",
        # As the README says to: a refresh runs the program first, so it uses the connection
        # settings of now, not those recorded at the last `pulumi up` (key rotation).
        PULUMI_RUN_PROGRAM="true",
        LOOKERSDK_CLIENT_SECRET=client_secret,
    )
    if not checkpoints:
        env["PULUMI_SKIP_CHECKPOINTS"] = "true"
    return env


#: What `pulumi stack init` wrote, by what it depends on (the project, the stack's name and
#: file, the passphrase): the files it wrote in the backend and the stack file it left.
_INITIALIZED: dict[tuple[bytes, str, bytes, str], tuple[dict[str, bytes], bytes]] = {}


class Stack:
    """One stack of a copy of the project, driven through the pulumi CLI."""

    def __init__(
        self, project: Path, name: str, env: dict[str, str], config_dir: str = "stacks"
    ) -> None:
        self.project = project
        self.name = name
        self.env = env
        self.file = project / config_dir / f"Pulumi.{name}.yaml"
        self.transcript: list[str] = []
        #: Keys "<user>/<id>" that Looker held before this stack touched it.
        self.baseline: set[str] = set()

    def pulumi(
        self, *args: str, ok: bool = True, timeout: float = 600, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run ``pulumi ARGS`` on this stack (``env``: variables to change for this run); by
        default raise when it fails."""
        result = subprocess.run(
            ["pulumi", *args, "--stack", self.name, "--non-interactive", "--color", "never"],
            cwd=self.project,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        output = result.stdout + result.stderr
        self.transcript.append(output)
        if ok and result.returncode != 0:
            raise CommandFailed(f"pulumi {' '.join(args)} failed ({result.returncode}):\n{output}")
        return result

    def init(self) -> None:
        """``pulumi stack init`` (a local backend: it writes the stack's checkpoint, and the
        stack file's ``encryptionsalt`` when it has none). The first init of a project, stack
        name, stack file and passphrase in a test process runs the command; later ones get the
        files it wrote, which saves the CLI's half a second of CPU each."""
        backend = Path(self.env["PULUMI_BACKEND_URL"].removeprefix("file://"))
        key = (
            (self.project / "Pulumi.yaml").read_bytes(),
            self.name,
            self.file.read_bytes() if self.file.exists() else b"",
            self.env["PULUMI_CONFIG_PASSPHRASE"],
        )
        if key in _INITIALIZED:
            wrote, stack_file = _INITIALIZED[key]
            for name, content in wrote.items():
                (backend / name).parent.mkdir(parents=True, exist_ok=True)
                (backend / name).write_bytes(content)
            self.file.write_bytes(stack_file)
            return
        before = _files(backend)
        self.pulumi("stack", "init")
        wrote = {  # and the backend's own metadata, which a first stack's init writes
            name: content
            for name, content in _files(backend).items()
            if before.get(name) != content or name.startswith(".pulumi/meta.yaml")
        }
        _INITIALIZED[key] = wrote, self.file.read_bytes()

    def up(
        self, *args: str, ok: bool = True, preview: bool = False
    ) -> subprocess.CompletedProcess[str]:
        """``pulumi up`` without a preview of its own: the update (its refresh and its checks
        refuse what a preview would). Tests preview with :meth:`preview`, the real command;
        ``preview=True`` runs up as pipelines run it, its preview first."""
        skip = () if preview or "--skip-preview" in args else ("--skip-preview",)
        return self.pulumi("up", "--yes", *skip, *args, ok=ok)

    def preview(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        return self.pulumi("preview", "--diff", *args, ok=ok)

    def refresh(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        return self.pulumi("refresh", "--yes", "--skip-preview", *args, ok=ok)

    @property
    def config(self) -> dict[str, Any]:
        return yaml.safe_load(self.file.read_text())["config"]

    def set_config(self, values: dict[str, Any]) -> None:
        """Set config keys (``namespace:key``) in the stack file; None removes one."""
        document = yaml.safe_load(self.file.read_text())
        document.setdefault("config", {})
        for key, value in values.items():
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


def _files(directory: Path) -> dict[str, bytes]:
    """Every file under ``directory``, by its path relative to it."""
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in directory.rglob("*")
        if path.is_file()
    }


def replace_connection_key(stack: Stack, looker: EmulatorProcess) -> models.CreateCredentialsApi3:
    """README, Rotating the connection's API key: a new admin key replaces key 1 in the stack's
    config and environment, then key 1 is deleted in Looker. Returns the new key."""
    with admin_client(looker) as admin:
        new = admin.create_credentials_api3("1")
        stack.set_config({"looker:clientId": new.client_id})
        stack.env["LOOKERSDK_CLIENT_SECRET"] = new.client_secret or ""
        admin.delete_credentials_api3("1", "1")
    return new
