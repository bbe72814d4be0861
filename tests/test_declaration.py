"""Declaring resources in a program: mistakes a person makes are named, at declaration."""

from __future__ import annotations

import pulumi
import pytest

from pulumi_looker import ApiCredential, PasswordConfig, SessionConfig
from pulumi_looker.dynamic.provider import ImportNotSupportedError
from tests.support.mocks import Mocks


@pytest.fixture(autouse=True)
def _program() -> None:
    """Each test is a program run of its own."""
    pulumi.runtime.set_mocks(Mocks(), project="p", stack="dev", preview=False)


@pytest.mark.parametrize(
    ("declare", "message"),
    [
        (
            lambda: PasswordConfig("p", min_lenght=14),
            "PasswordConfig: unknown argument 'min_lenght' (did you mean 'min_length'?)",
        ),
        (
            lambda: PasswordConfig("p", policy_enabled_at="2026"),
            "PasswordConfig: policy_enabled_at is read-only: Looker sets it, read it as an "
            "output (PasswordConfig.policy_enabled_at)",
        ),
        (
            lambda: SessionConfig("s", session_minute=30),
            "SessionConfig: unknown argument 'session_minute' (did you mean 'session_minutes'?)",
        ),
        (
            lambda: ApiCredential("k", user_id="2", client_id="x"),
            "ApiCredential: client_id is read-only: Looker sets it, read it as an output "
            "(ApiCredential.client_id)",
        ),
        (
            lambda: ApiCredential("k", user_id="2", purpos="x"),
            "ApiCredential: unknown argument 'purpos' (did you mean 'purpose'?)",
        ),
    ],
)
def test_unknown_and_read_only_arguments_are_named(declare, message: str) -> None:
    with pytest.raises(TypeError) as raised:
        declare()
    assert str(raised.value).startswith(message)


def test_an_unknown_argument_lists_the_inputs_only_and_prints_as_one_line() -> None:
    """#31 item 4: ``args`` and ``opts`` are not inputs; a RunError prints with no traceback."""
    with pytest.raises(pulumi.RunError) as raised:
        PasswordConfig("p", min_lenght=14)
    valid = str(raised.value).split("valid arguments: ", 1)[1].split(", ")
    assert {"min_length", "profile"} <= set(valid)
    assert not {"args", "opts"} & set(valid)
    assert isinstance(raised.value, TypeError)


@pytest.mark.parametrize("cls", [PasswordConfig, SessionConfig])
def test_a_second_singleton_for_one_instance_is_refused_naming_both(cls: type) -> None:
    cls("first")
    cls("other-instance", profile="eu")  # another Looker instance: fine
    with pytest.raises(ValueError, match=r"'second': \w+ 'first' already manages the") as raised:
        cls("second")
    assert "of the default Looker instance" in str(raised.value)
    with pytest.raises(ValueError, match=r"'third': .* 'other-instance' already manages"):
        cls("third", profile="eu")


def test_each_program_run_declares_afresh() -> None:
    PasswordConfig("policy")  # the run of the fixture
    pulumi.runtime.set_mocks(Mocks(), project="p", stack="dev", preview=False)
    PasswordConfig("policy-again")  # another run: no conflict


@pytest.mark.parametrize(
    "declare",
    [
        lambda opts: PasswordConfig("p", min_length=14, opts=opts),
        lambda opts: SessionConfig("p", opts=opts),
        lambda opts: ApiCredential("p", user_id="2", opts=opts),
    ],
)
def test_import_is_refused_at_declaration_with_what_works(declare) -> None:
    """Pulumi's import of a dynamic resource fails in the engine ('__provider'): say so first."""
    with pytest.raises(ImportNotSupportedError) as raised:
        declare(pulumi.ResourceOptions(import_="password_config"))
    [line] = str(raised.value).splitlines()
    assert "import_='password_config' cannot work: Pulumi cannot import a dynamic resource" in line
    assert "`pulumi-looker adopt --stack STACK`" in line
    assert isinstance(raised.value, pulumi.RunError)  # printed without a Python traceback
