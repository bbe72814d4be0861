"""A Pulumi project's stack files: where they are, the stack's config as Pulumi sees it, and
writing one back with its comments and order kept (ruamel.yaml), atomically."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path
from typing import Any

import yaml

from pulumi_looker.resources import Kind, kind_of

#: A Looker object a stack holds: its kind's name and its id in the state.
Held = tuple[str, str]


def holds(held: set[Held], kind: Kind, *ids: str) -> bool:
    """Whether ``held`` has the object of ``kind`` known by any of ``ids`` (its Looker id, or
    its import id: a face's state may hold either)."""
    return any((kind.name, object_id) in held for object_id in ids)


class StackFileError(Exception):
    """The project or its stack file cannot be read or written."""


def _ruamel() -> Any:
    try:
        from ruamel.yaml import YAML
    except ImportError:  # pragma: no cover - the extra is part of every install we make
        raise StackFileError(
            "writing stack files keeps their comments with ruamel.yaml: "
            "pip install 'pulumi-looker[cli]'"
        ) from None
    round_trip = YAML()
    round_trip.preserve_quotes = True
    round_trip.width = 100
    round_trip.indent(mapping=2, sequence=4, offset=2)
    return round_trip


class Project:
    """The Pulumi project in ``root``: its name (the config namespace of its program) and the
    directory of its stack files (``stackConfigDir``)."""

    def __init__(self, root: Path) -> None:
        manifest = root / "Pulumi.yaml"
        if not manifest.is_file():
            raise StackFileError(f"no Pulumi.yaml in {root}: run this in the project's directory")
        data = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
        self.root = root
        self.name = str(data["name"])
        self.stack_dir = root / str(data.get("stackConfigDir") or ".")
        self._states: dict[str, list[dict[str, Any]]] = {}

    def stack_file(self, stack: str) -> Path:
        return self.stack_dir / f"Pulumi.{stack}.yaml"

    def config(self, stack: str) -> dict[str, Any]:
        """The stack's config as Pulumi gives it to providers (secrets decrypted by the pulumi
        CLI, never printed); without the CLI or the stack, the file's plain values."""
        answer = self._pulumi("config", "--json", "--show-secrets", "--stack", stack)
        if answer is not None:
            return {key: entry.get("value") for key, entry in json.loads(answer).items()}
        path = self.stack_file(stack)
        document = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
        values = (document or {}).get("config") or {}
        return {k: v for k, v in values.items() if not isinstance(v, dict) or "secure" not in v}

    def created_ids(self, stack: str) -> set[Held]:
        """The Looker objects the stack created (not singletons, not adopted), each as its
        kind and id: API keys (``user/key``), service accounts (``user``) and the like, from
        its state; none when the stack has no state yet. A key rotated with
        ``keep_previous`` keeps its first key's id: its current and previous keys count too."""
        created = set()
        for r in self._looker_resources(stack):
            outputs = r.get("outputs") or {}
            kind = kind_of(r["type"])
            if kind is None or kind.singleton is not None or outputs.get("adopted"):
                continue
            created.add((kind.name, r["id"]))
            for name in ("credentials_api3_id", "previous_credentials_api3_id"):
                if outputs.get(name) and outputs.get("user_id"):
                    created.add((kind.name, f"{outputs['user_id']}/{outputs[name]}"))
        return created

    def held_ids(self, stack: str) -> set[Held]:
        """Every Looker object the stack holds, as its kind and id (``("PasswordConfig",
        "password_config")``, ``("ApiCredential", "7/13")``): ids alone are not unique,
        group 5 and user 5 are two objects."""
        return {
            (kind.name, r["id"])
            for r in self._looker_resources(stack)
            if (kind := kind_of(r["type"])) is not None
        }

    def recorded_connection(self, stack: str) -> dict[str, Any]:
        """The inputs the stack's state holds for its default ``looker`` provider (``baseUrl``,
        ``clientId``…): the config as of the last `pulumi up` (or refresh that ran the program),
        which `pulumi import` connects with. Empty when the state has none."""
        return next(
            (
                dict(r.get("inputs") or {})
                for r in self._resources(stack)
                if r.get("type") == "pulumi:providers:looker"
                and r.get("urn", "").rpartition("::")[2].startswith("default")
            ),
            {},
        )

    def _looker_resources(self, stack: str) -> list[dict[str, Any]]:
        """The stack's resources of either face (``pulumi-python:dynamic/looker:*`` or
        ``looker:index:*``), from its state; none when the stack has no state yet."""
        return [
            r
            for r in self._resources(stack)
            if r.get("type", "").startswith(("pulumi-python:dynamic/looker:", "looker:index:"))
        ]

    def _resources(self, stack: str) -> list[dict[str, Any]]:
        """Every resource in the stack's state (one `pulumi stack export` per command)."""
        if stack not in self._states:
            answer = self._pulumi("stack", "export", "--stack", stack)
            state = json.loads(answer) if answer is not None else {}
            self._states[stack] = state.get("deployment", {}).get("resources") or []
        return self._states[stack]

    def set_secret(self, stack: str, key: str, value: str, *, path: bool) -> None:
        """``pulumi config set --secret KEY`` (``--path``: ``proj:connections[0].password``):
        the stack's secrets provider encrypts it; the value goes on standard input, never on a
        command line or in a message."""
        args = ["pulumi", "config", "set", "--secret", "--stack", stack, *(["--path"] * path), key]
        try:
            result = subprocess.run(
                args, cwd=self.root, input=value, capture_output=True, text=True, timeout=120
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise StackFileError(f"setting {key} needs the pulumi CLI: {error}") from None
        if result.returncode != 0:
            said = (result.stderr.strip().splitlines() or ["no reason given"])[-1]
            raise StackFileError(f"`pulumi config set --secret {key}` failed: {said}")

    def _pulumi(self, *args: str) -> str | None:
        """What ``pulumi ARGS`` prints in the project, or None when it cannot say."""
        try:
            result = subprocess.run(
                ["pulumi", *args],
                cwd=self.root,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return result.stdout if result.returncode == 0 else None


def load(path: Path) -> Any:
    """The stack file as a round-trip document (an empty one when there is none)."""
    round_trip = _ruamel()
    if not path.exists():
        return round_trip.load("config: {}\n")
    document = round_trip.load(path.read_text(encoding="utf-8"))
    if document is None:
        document = round_trip.load("config: {}\n")
    if document.get("config") is None:
        document["config"] = round_trip.load("{}")
    return document


def dump(document: Any) -> str:
    stream = io.StringIO()
    _ruamel().dump(document, stream)
    return stream.getvalue()
