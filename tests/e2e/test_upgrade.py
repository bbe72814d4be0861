"""Stacks made by earlier releases keep working under this one (tests/e2e/upgrade/README.md).

A dynamic resource's state holds its provider pickled by reference (module and class name): a
release that moves or renames a provider class must keep an alias at the old import path, or
every existing stack breaks at its next refresh.
"""

from __future__ import annotations

import base64
import importlib
import json
import pickletools
import shutil
from pathlib import Path

import pytest

from tests.support.looker import POLICY, keys_of_user, patch_bodies, writes
from tests.support.stack import ROOT, Stack

pytestmark = pytest.mark.e2e

RELEASES = sorted(p for p in (ROOT / "tests/e2e/upgrade").iterdir() if p.is_dir())


def pickled_classes(export: dict) -> set[tuple[str, str]]:
    """Every (module, class) that the pickled providers of a stack export name."""
    found = set()
    for resource in export["deployment"]["resources"]:
        provider = (resource.get("inputs") or {}).get("__provider")
        if not provider:
            continue
        strings = [
            arg
            for op, arg, _ in pickletools.genops(base64.b64decode(provider))
            if op.name in ("SHORT_BINUNICODE", "BINUNICODE", "UNICODE")
        ]
        # Protocol 4 pickles a class as its module and name, then STACK_GLOBAL.
        found.update(zip(strings[::2], strings[1::2], strict=False))
    return {(m, c) for m, c in found if m.startswith("pulumi_looker")}


@pytest.mark.parametrize("release", RELEASES, ids=lambda p: p.name)
def test_every_pickled_provider_class_still_imports(release: Path) -> None:
    export = json.loads((release / "stack.json").read_text())
    classes = pickled_classes(export)
    assert classes  # the export does hold pickled providers
    missing = []
    for module, name in sorted(classes):
        try:
            getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError):
            missing.append(f"{module}.{name}")
    assert missing == [], (
        f"stacks made by release {release.name} name provider classes that no longer import: "
        f"{', '.join(missing)}; keep an alias at each old import path"
    )


@pytest.mark.parametrize("release", RELEASES, ids=lambda p: p.name)
def test_a_stack_of_an_earlier_release_refreshes_updates_and_destroys(
    release: Path, project: Path, make_stack, start_emulator, tmp_path: Path
) -> None:
    state_file = tmp_path / "emulator.json"
    shutil.copy(release / "emulator.json", state_file)
    looker = start_emulator(state_file=state_file, client_id="DevAdminClientId0001")
    [bot_key] = keys_of_user(looker, "2")
    shutil.copy(release / "Pulumi.dev.yaml", project / "stacks" / "Pulumi.dev.yaml")
    stack: Stack = make_stack("dev", looker)
    stack.pulumi("stack", "import", "--file", str(release / "stack.json"))

    stack.pulumi("refresh", "--yes")
    stack.preview("--expect-no-changes")
    assert writes(looker) == []

    stack.set_config({POLICY: {**stack.config[POLICY], "minLength": 15}})
    stack.up()
    assert looker.control.state()["password_config"]["min_length"] == 15
    # The stack's mark as the policy's manager (a 0.1.0 stack had none), then the change.
    marks = [("POST", "/api/4.0/user_attributes")] if release.name == "0.1.0" else []
    assert writes(looker) == [*marks, ("PATCH", "/api/4.0/password_config")]
    assert patch_bodies(looker) == [{"min_length": 15}]

    stack.pulumi("destroy", "--yes", "--skip-preview")
    assert bot_key["id"] not in {k["id"] for k in keys_of_user(looker, "2")}
    assert [k["purpose"] for k in keys_of_user(looker, "1")] == [None]  # adopted: put back
    accounts = [u for u in looker.control.state()["users"] if u.get("is_service_account")]
    assert all(u["is_disabled"] for u in accounts)  # destroy disables, never deletes
