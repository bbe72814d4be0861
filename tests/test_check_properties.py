"""Property-based tests of check: any value of any type is either accepted and valid for Looker,
or rejected with a failure naming the property; never an exception, never a call to Looker."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pulumi.runtime.rpc import UNKNOWN

from pulumi_looker import models
from pulumi_looker.api_credential import _INPUTS as CREDENTIAL_INPUTS
from pulumi_looker.api_credential import ApiCredentialProvider
from pulumi_looker.emulator.app import LookerHttpError, _validated
from pulumi_looker.password_config import _INPUTS as PASSWORD_INPUTS
from pulumi_looker.password_config import PasswordConfigProvider
from tests.reliability import ReliabilityReport

from .conftest import configure

# What can arrive from a Pulumi program: anything JSON can say, and "not known yet".
values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from([7, 100, 30, 365, 12.0, "42", "7", UNKNOWN]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=4,
)
read_only = models.read_only_fields(models.CreateCredentialsApi3)


def inputs(names: tuple[str, ...]) -> st.SearchStrategy[dict[str, Any]]:
    keys = st.sampled_from(names) | st.sampled_from(read_only) | st.text(min_size=1, max_size=10)
    return st.dictionaries(keys, values, max_size=6)


class _NoLooker:
    def client(self, profile: str | None) -> Any:
        raise AssertionError("check must not call Looker")


@pytest.fixture(scope="module")
def password_provider() -> PasswordConfigProvider:
    provider = type("Offline", (_NoLooker, PasswordConfigProvider), {})()
    configure(provider, {})
    return provider


@pytest.fixture(scope="module")
def credential_provider() -> ApiCredentialProvider:
    provider = type("Offline", (_NoLooker, ApiCredentialProvider), {})()
    configure(provider, {})
    return provider


def assert_failures_name_their_property(
    news: dict[str, Any], failures: list, required: tuple[str, ...] = ()
) -> set[str]:
    """Each failure is about a property given (or a required one missing) and names it."""
    for failure in failures:
        assert failure.property in news or failure.property in required
        assert failure.property in failure.reason or repr(failure.property) in failure.reason
    return {f.property for f in failures}


EXAMPLES = 400
PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module", autouse=True)
def _report(reliability: ReliabilityReport) -> Iterator[None]:
    yield
    for resource in ("PasswordConfig", "ApiCredential"):
        reliability.record(
            "bad input",
            f"{resource} check: any value of any type (hypothesis)",
            EXAMPLES,
            "each accepted value valid for Looker, each other named; no exception, no call",
        )


@PROPERTY
@given(news=inputs(PASSWORD_INPUTS))
def test_password_config_check(
    password_provider: PasswordConfigProvider, news: dict[str, Any]
) -> None:
    result = password_provider.check({}, news)
    failed = assert_failures_name_their_property(news, result.failures)
    if failed:
        return
    known = {k: v for k, v in result.inputs.items() if v != UNKNOWN}
    assert set(known) <= set(PASSWORD_INPUTS)
    body = models.writable_body(models.PasswordConfig, known)
    try:
        _validated(models.PasswordConfig, body)  # what the Looker emulator would say
    except LookerHttpError as error:  # pragma: no cover - the property failing
        pytest.fail(f"check accepted {news!r}, Looker refuses it: {error.body}")


@PROPERTY
@given(news=inputs(CREDENTIAL_INPUTS))
def test_api_credential_check(
    credential_provider: ApiCredentialProvider, news: dict[str, Any]
) -> None:
    result = credential_provider.check({}, news)
    failed = assert_failures_name_their_property(news, result.failures, required=("user_id",))
    if news.get("user_id") is None:
        assert "user_id" in failed
    if failed:
        return
    inputs_ = {k: v for k, v in result.inputs.items() if v != UNKNOWN}
    assert set(inputs_) <= set(CREDENTIAL_INPUTS)
    for name in ("user_id", "credentials_api3_id"):
        if name in inputs_:
            assert isinstance(inputs_[name], str)
            assert "/" not in inputs_[name]  # ids join into "<user_id>/<credentials_api3_id>"
    for name in ("purpose", "rotation", "profile"):
        assert name not in inputs_ or isinstance(inputs_[name], str)
    _validated(models.CredentialsApi3, models.writable_body(models.CredentialsApi3, inputs_))
