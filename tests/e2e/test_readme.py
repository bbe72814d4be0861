"""What the README says to run, run as written: installing, the quick start in a fresh directory
beside a clone, the demo."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml

from pulumi_looker.emulator.control_client import EmulatorControlClient
from tests.support.clients import DEV_CLIENT_ID
from tests.support.clone import copy_clone
from tests.support.looker import writes
from tests.support.stack import ROOT, copy_project

pytestmark = pytest.mark.e2e

SECTION = "## Quick start in your own Pulumi project"


README = (ROOT / "README.md").read_text()


def sh_blocks(section: str) -> list[str]:
    """The sh blocks of a README section, in order."""
    text = README.split(section, 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", text, re.DOTALL)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_quick_start_and_drift_by_hand_run_as_written_against_the_emulator(
    tmp_path: Path,
) -> None:
    blocks = sh_blocks(SECTION)
    assert [b.splitlines()[0][:5] for b in blocks] == ["# 1. ", "# 2. ", "# 3a.", "# 3b.", "# 4. "]
    drift = sh_blocks("## Making drift by hand")
    assert [b.splitlines()[0][:9] for b in drift] == ["# With cu", "# Or with", "# The ref"]
    # What a test may not do as written: install from PyPI (the project's .venv is this run's
    # virtualenv instead), listen on a port that may be taken, or prompt (3b is for a real
    # Looker: it is checked for its config keys only).
    install = 'python3 -m venv .venv && . .venv/bin/activate && pip install "$repo[emulator]"'
    assert install in blocks[0]
    port = str(free_port())
    script = "\n".join(
        [
            "set -euo pipefail",
            blocks[0].replace(install, f"ln -s {sys.prefix} .venv && . .venv/bin/activate"),
            blocks[1],
            blocks[2].replace("19999", port),
            blocks[4],
            # Making drift by hand: it continues the quick start, against its emulator.
            *(block.replace("19999", port) for block in drift),
        ]
    )
    for key in ("looker:baseUrl", "looker:clientId", "--secret looker:clientSecret", "botUserId"):
        assert key in blocks[3]
    clone = tmp_path / "pulumi-looker"
    shutil.copytree(ROOT / "scripts", clone / "scripts")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PULUMI_", "LOOKERSDK_"))}
    env |= {"PULUMI_HOME": str(tmp_path / "pulumi-home"), "PULUMI_SKIP_UPDATE_CHECK": "true"}
    result = subprocess.run(
        ["bash", "-c", script], cwd=clone, env=env, capture_output=True, text=True, timeout=600
    )
    output = result.stdout + result.stderr
    pid = re.search(r"serving in the background as process (\d+)", output)
    try:
        assert result.returncode == 0, output
        control = EmulatorControlClient(f"http://127.0.0.1:{port}")
        patches = [
            w["body"]["min_length"]
            for w in control.writes()
            if w["path"] == "/api/4.0/password_config" and "min_length" in (w.get("body") or {})
        ]
        control.close()
    finally:
        if pid:
            os.kill(int(pid.group(1)), signal.SIGTERM)
    assert pid, output
    # The quick start's up, curl's drift, looker-sdk's drift, and the up that puts 14 back.
    assert patches == [14, 8, 9, 14], output
    assert "min_length in Looker: 9" in result.stdout
    assert re.search(r"~ .*password-policy.*update", result.stdout), output
    project = tmp_path / "my-looker"
    assert (project / "Pulumi.dev.yaml").exists()
    client_id = re.search(r"^[A-Za-z0-9]{20}$", result.stdout, flags=re.MULTILINE)
    assert client_id, output  # the bot's client id, from `pulumi stack output botClientId`
    assert "Resources:\n    + 3 created" in result.stdout


def test_the_lived_in_demo_uses_this_runs_emulator(tmp_path: Path) -> None:
    """`scripts/demo --lived-in` on a copy of the repository, where an earlier run left its files
    in .work/: the URL it prints and sets as looker:baseUrl is this run's emulator's."""
    clone = copy_project(tmp_path / "pulumi-looker")
    (clone / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "demo", clone / "scripts" / "demo")
    # The demo sets up the machine first; this run's virtualenv and CLI are set up already.
    pulumi_dir = Path(str(shutil.which("pulumi"))).parent
    (clone / "scripts" / "bootstrap").write_text(f"#!/bin/sh\necho {pulumi_dir}\n")
    (clone / "scripts" / "bootstrap").chmod(0o755)
    shutil.copytree(ROOT / "examples", clone / "examples")
    (clone / "stacks" / "Pulumi.lived-in.yaml").unlink(missing_ok=True)  # a demo's, in this clone
    stale = "http://127.0.0.1:9"  # the discard port: nothing serves Looker there
    (clone / ".work").mkdir()
    for leftover in ("emulator-lived-in.out", "emulator-dev.out"):
        (clone / ".work" / leftover).write_text(f"{stale}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PULUMI_", "LOOKERSDK_"))}
    result = subprocess.run(
        ["scripts/demo", "--lived-in"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    printed = re.findall(r"^== Looker emulator at (.*)$", result.stdout, flags=re.MULTILINE)
    assert len(printed) == 1, output
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", printed[0]), output
    assert printed[0] != stale
    stack_file = yaml.safe_load((clone / "stacks" / "Pulumi.lived-in.yaml").read_text())
    assert stack_file["config"]["looker:baseUrl"] == printed[0]


def fresh_virtualenv(path: Path) -> Path:
    """A new virtualenv that finds this run's installed dependencies (no download of them),
    but not pulumi-looker itself."""
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True, timeout=120)
    site = Path(sysconfig.get_paths()["purelib"])
    deps = path / "dependencies"
    deps.mkdir()
    for entry in site.iterdir():
        if not entry.name.startswith(("pulumi_looker", "__editable__")):
            (deps / entry.name).symlink_to(entry)
    [own_site] = path.glob("lib/python*/site-packages")
    (own_site / "dependencies.pth").write_text(f"{deps}\n")
    return path


@pytest.mark.parametrize("block", [0, 1], ids=["from-the-clone", "a-built-wheel"])
def test_installing_as_the_readme_says(tmp_path: Path, block: int) -> None:
    blocks = sh_blocks("## Installing")
    assert len(blocks) == 2
    clone = copy_clone(tmp_path / "pulumi-looker")
    venv = fresh_virtualenv(tmp_path / "venv")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "VIRTUAL_ENV"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
    script = "set -euo pipefail\n" + blocks[block].replace("/path/to/pulumi-looker", str(clone))
    result = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for script_name in ("pulumi-looker", "looker-emulator", "pulumi-resource-looker"):
        assert (venv / "bin" / script_name).is_file(), script_name
    where = subprocess.run(
        [venv / "bin" / "python", "-c", "import pulumi_looker; print(pulumi_looker.__file__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.startswith(str(venv / "lib")), where  # the new install, not this run's
    usage = subprocess.run(
        [venv / "bin" / "pulumi-looker", "--help"], capture_output=True, text=True, timeout=60
    )
    assert usage.returncode == 0, usage.stderr
    assert "adopt" in usage.stdout


def test_examples_yaml_on_an_emulator_of_ones_own(tmp_path: Path) -> None:
    """The README's commands for examples/yaml on a stack of one's own, against an emulator
    started as it says, with the secret typed at the prompt."""
    blocks = sh_blocks("## examples/yaml on your own emulator or Looker")
    assert [b.splitlines()[0][:4] for b in blocks] == ["# 1.", "# 2a", "# 2b", "# 3."]
    for key in ("looker:baseUrl", "looker:clientId", "--secret looker:clientSecret", "botEmail"):
        assert key in blocks[2]  # 2b is for a real Looker: checked for its config keys only
    clone = copy_clone(tmp_path / "pulumi-looker")
    (clone / ".venv").symlink_to(sys.prefix)  # what scripts/bootstrap makes
    script = "\n".join(
        ["set -euo pipefail", blocks[0], blocks[1].replace("19999", str(free_port()))]
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PULUMI_", "LOOKERSDK_"))}
    env |= {"PULUMI_HOME": str(tmp_path / "pulumi-home"), "PULUMI_SKIP_UPDATE_CHECK": "true"}
    result = subprocess.run(
        ["bash", "-c", f"{script}\n{blocks[3]}"],
        cwd=clone,
        env=env,
        input="my-emulator-secret\n",  # what the prompt of `pulumi config set --secret` reads
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout + result.stderr
    pid = re.search(r"serving in the background as process (\d+)", output)
    if pid:
        os.kill(int(pid.group(1)), signal.SIGTERM)
    assert result.returncode == 0, output
    assert re.search(r"^[A-Za-z0-9]{20}$", result.stdout, flags=re.MULTILINE), output
    assert "Resources:\n    + 3 created" in result.stdout
    # The YAML host reads the program's config: section with no warning (deprecation or other).
    assert "warning" not in output.lower()
    stack_file = (clone / "examples" / "yaml" / "Pulumi.mine.yaml").read_text()
    assert "my-emulator-secret" not in stack_file
    assert yaml.safe_load(stack_file)["config"]["looker:clientSecret"].keys() == {"secure"}


def test_adopt_writes_what_the_readme_shows_and_tracks_a_key_without_purpose(
    make_stack, start_looker
) -> None:
    """The README's example of what adopt writes for user 2 of the lived-in emulator is what it
    writes; after up, the key without a purpose is in the stack, adopted, its purpose unmanaged."""
    shown = re.search(r"```yaml\n(  looker-settings:apiCredentials:\n.*?)```", README, re.DOTALL)
    assert shown, "the README shows what adopt writes"
    seed = ROOT / "examples" / "lived-in-looker.yaml"
    looker = start_looker(DEV_CLIENT_ID, "--users", "0", "--seed", str(seed))
    stack = make_stack("readme-adopt", looker)
    stack.set_config({"looker:clientId": DEV_CLIENT_ID})
    adopt = subprocess.run(
        [str(shutil.which("pulumi-looker")), "adopt", "--stack", stack.name, "--user", "2"],
        cwd=stack.project,
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert adopt.returncode == 0, adopt.stderr
    written = yaml.safe_load(stack.file.read_text())["config"]["looker-settings:apiCredentials"]
    assert written == yaml.safe_load(shown.group(1))["looker-settings:apiCredentials"]
    stack.up()
    [key] = [
        r["outputs"]
        for r in stack.export()["deployment"]["resources"]
        if r["urn"].endswith("::key-u2-k4")
    ]
    assert (key["credentials_api3_id"], key["adopted"], key["managed_fields"]) == ("4", True, [])
    looker.control.clear_requests()
    stack.preview("--expect-no-changes")
    assert writes(looker) == []
