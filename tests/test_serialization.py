"""What Pulumi stores of our providers: a reference to the installed class, no secret, no client."""

from __future__ import annotations

import base64
import pickletools

import dill
import pulumi
import pytest
from pulumi.dynamic.dynamic import serialize_provider

from pulumi_looker import ApiCredential, PasswordConfig, SessionConfig, models
from pulumi_looker.api_credential import ApiCredentialProvider
from pulumi_looker.emulator.process import EmulatorProcess
from pulumi_looker.password_config import PasswordConfigProvider
from pulumi_looker.session_config import SessionConfigProvider
from tests.support.clients import ADMIN_CLIENT_SECRET, configure, program_stack, stack_config
from tests.support.mocks import Mocks


def strings(serialized: str) -> list[str]:
    """Every string in the pickle: module and class names, and any captured value."""
    return [
        arg
        for _, arg, _ in pickletools.genops(base64.b64decode(serialized))
        if isinstance(arg, str)
    ]


@pytest.mark.parametrize(
    "cls", [PasswordConfigProvider, SessionConfigProvider, ApiCredentialProvider]
)
def test_serialized_provider_is_a_reference_with_only_its_stack(
    cls: type, emulator: EmulatorProcess
) -> None:
    provider = cls()
    configure(provider, stack_config(emulator))
    provider.client(None).read_singleton(
        models.PASSWORD_CONFIG
    )  # a live client and token exist now
    serialized = serialize_provider(provider)
    raw = base64.b64decode(serialized)
    assert ADMIN_CLIENT_SECRET.encode() not in raw
    assert b"127.0.0.1" not in raw
    # Only a reference to the installed class and the program's stack (pulumi_looker.ownership):
    # no code, no captured value.
    assert strings(serialized) == [cls.__module__, cls.__name__, "_stack", program_stack()]
    assert len(raw) < 130
    restored = dill.loads(raw)
    assert type(restored) is cls
    assert restored.__dict__ == {"_stack": program_stack()}


def test_declared_resources_store_no_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOOKERSDK_CLIENT_SECRET", ADMIN_CLIENT_SECRET)
    mocks = Mocks()
    pulumi.runtime.set_mocks(mocks, project="test", stack="dev", preview=False)

    @pulumi.runtime.test
    def program():
        policy = PasswordConfig("policy", min_length=12)
        sessions = SessionConfig("sessions", session_minutes=720)
        key = ApiCredential("bot", user_id="42", purpose="ci")
        return pulumi.Output.all(policy.urn, sessions.urn, key.urn)

    program()
    types = sorted(r.typ for r in mocks.resources)
    assert types == [
        "pulumi-python:dynamic/looker:ApiCredential",
        "pulumi-python:dynamic/looker:PasswordConfig",
        "pulumi-python:dynamic/looker:SessionConfig",
    ]
    for resource in mocks.resources:
        serialized = resource.inputs["__provider"]
        assert ADMIN_CLIENT_SECRET.encode() not in base64.b64decode(serialized)
        assert strings(serialized)[0].startswith("pulumi_looker.")
    [key] = [r for r in mocks.resources if r.name == "bot"]
    assert key.inputs["user_id"] == "42"
    assert key.inputs["purpose"] == "ci"
