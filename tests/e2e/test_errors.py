"""What a person reads when something is wrong, on the newest Pulumi SDK and CLI."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.support.looker import POLICY, writes
from tests.support.stack import Stack
from tests.support.web import QuietHandler, serving

pytestmark = pytest.mark.e2e

#: The dev stack's resources.
RESOURCES = ("password-policy", "session-policy", "ci-deploy-bot", "admin-key")


def diagnostics(output: str) -> dict[str, list[str]]:
    """The error lines of the CLI's Diagnostics section, by resource name."""
    found: dict[str, list[str]] = {}
    section = output.split("\nDiagnostics:\n", 1)[1].split("\nResources:\n", 1)[0]
    name = None
    for line in section.splitlines():
        header = re.match(r"^  \S+ \((.+)\):$", line)
        if header:
            name = header.group(1)
            found[name] = []
        elif line.strip().startswith("error:") and name is not None:
            found[name].append(line.strip())
    return found


def causes(output: str) -> dict[str, set[str]]:
    """Each resource's distinct error lines (the engine may report a failed refresh step twice,
    once as "Preview failed: ...")."""
    return {
        name: {line.removeprefix("error: ").removeprefix("Preview failed: ") for line in lines}
        for name, lines in diagnostics(output).items()
    }


def test_a_wrong_secret_is_explained_once_and_the_traceback_switch_shows_where(
    dev: Stack, looker
) -> None:
    """#31 item 4: one login, one explanation (where the settings came from); the other
    resources say that login was refused, in one short line; no hint about running the program
    when PULUMI_RUN_PROGRAM is set (the tests' environment sets it, as the README says to).
    The traceback switch then shows where it failed."""
    dev.up()
    looker.control.clear_requests()
    result = dev.pulumi("up", "--yes", ok=False, env={"LOOKERSDK_CLIENT_SECRET": "wrong"})
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output
    assert "grpc" not in output.lower()
    assert "Exception calling application" not in output
    assert "PULUMI_RUN_PROGRAM" not in output
    found = causes(output)
    explained = [name for name in RESOURCES if any("secret is wrong" in c for c in found[name])]
    assert len(explained) == 1, found
    [cause] = found[explained[0]]
    assert cause.startswith("pulumi_looker.errors.LoginError: Looker login failed (POST")
    assert "client_secret from environment variable LOOKERSDK_CLIENT_SECRET)" in cause
    for name in set(RESOURCES) - set(explained):
        assert found[name] == {
            "pulumi_looker.errors.LoginError: Looker login failed (POST /api/4.0/login, HTTP "
            "404): refused earlier in this run with the same settings, not tried again"
        }
    # Only the explained resource's lines say it (the engine prints a failed refresh's error
    # once or twice there, as its step races the program's end; the Diagnostics once).
    progress = output.split("\nDiagnostics:\n", 1)[0]
    said = [line for line in progress.splitlines() if "secret is wrong" in line]
    assert 1 <= len(said) <= 2, output
    assert all(f" {explained[0]} " in line for line in said), output
    section = output.split("\nDiagnostics:\n", 1)[1].split("\nResources:\n", 1)[0]
    assert len(section.splitlines()) <= 20, output
    assert [r["path"] for r in looker.control.requests()] == ["/api/4.0/login"]
    assert writes(looker) == []

    result = dev.pulumi(
        "up",
        "--yes",
        ok=False,
        env={"LOOKERSDK_CLIENT_SECRET": "wrong", "PULUMI_LOOKER_TRACEBACK": "1"},
    )
    output = result.stdout + result.stderr
    assert "Traceback (most recent call last)" in output
    assert "pulumi_looker/client/auth.py" in output


@pytest.fixture
def plain_web_server() -> Iterator[str]:
    """Python's own web server: no POST, so it answers 501 with an HTML page."""
    with serving(QuietHandler) as url:
        yield url


def test_a_web_server_that_is_not_looker_is_named(dev: Stack, plain_web_server: str) -> None:
    dev.set_config({"looker:baseUrl": plain_web_server})
    result = dev.up(ok=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"POST {plain_web_server}/api/4.0/login answered HTTP 501 (text/html)" in output
    assert "this is not a Looker API. Check looker:baseUrl" in output
    assert "Traceback" not in output


def test_import_in_stack_config_is_refused_at_preview_in_one_line(dev: Stack, looker) -> None:
    dev.set_config({POLICY: {"import": True, "minLength": 10}})
    result = dev.preview(ok=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    [line] = [line for line in output.splitlines() if "Pulumi cannot import" in line]
    assert "looker-settings:passwordPolicy.import: Pulumi cannot import a dynamic resource" in line
    assert "pulumi-looker adopt --stack STACK" in line
    assert "Traceback" not in output
    assert writes(looker) == []


def test_an_unknown_argument_reads_as_one_line_at_preview(dev: Stack, looker) -> None:
    """#31 item 4: a misspelled argument in a Python program: one line naming the nearest
    input, no traceback, the valid inputs without ``args`` and ``opts``."""
    (dev.project / "__main__.py").write_text(
        "from pulumi_looker import PasswordConfig\n\nPasswordConfig('policy', min_lenght=12)\n"
    )
    result = dev.preview(ok=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output
    [line] = [line for line in output.splitlines() if "min_lenght" in line]
    assert "PasswordConfig: unknown argument 'min_lenght' (did you mean 'min_length'?)" in line
    valid = line.split("valid arguments: ", 1)[1].split(", ")
    assert not {"args", "opts"} & set(valid)
    assert writes(looker) == []
