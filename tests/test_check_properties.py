"""Property-based tests of check: any value of any type is either accepted and valid for Looker,
or rejected with a failure naming the property; never an exception, never a call to Looker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pulumi.runtime.rpc import UNKNOWN

from pulumi_looker import models
from pulumi_looker.api_credential import ApiCredentialProvider
from pulumi_looker.dynamic.declare import KindProvider
from pulumi_looker.dynamic.instance_settings import InstanceSettingsProvider
from pulumi_looker.dynamic.service_account import ServiceAccountProvider
from pulumi_looker.emulator.looker_api import LookerHttpError, validated
from pulumi_looker.errors import SettingsError
from pulumi_looker.password_config import PasswordConfigProvider
from pulumi_looker.resources.api_credential import API_CREDENTIAL
from pulumi_looker.resources.service_account import SERVICE_ACCOUNT
from pulumi_looker.session_config import SessionConfigProvider
from tests.reliability import Row
from tests.support.clients import configure

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
    """A provider with no connection: check must do its work without Looker."""

    def client(self, profile: str | None) -> Any:
        raise SettingsError("no connection in this test")


def offline(cls: type) -> Any:
    provider = type("Offline", (_NoLooker, cls), {})()
    configure(provider, {})
    return provider


@pytest.fixture(scope="module")
def credential_provider() -> ApiCredentialProvider:
    return offline(ApiCredentialProvider)


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
    # The same examples on every run (a test that fails must fail every time), none kept.
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def declare_case(reliability: Callable[..., Row], resource: str) -> None:
    row = reliability("bad input", f"{resource} check: any value of any type (hypothesis)")
    row.runs = EXAMPLES
    row.result = "each accepted value valid for Looker, each other named; no exception, no call"


SINGLETON_PROVIDERS = [PasswordConfigProvider, SessionConfigProvider, InstanceSettingsProvider]
ANY_SETTING = tuple(sorted({n for p in SINGLETON_PROVIDERS for n in p.kind.inputs}))


@pytest.mark.parametrize("provider_class", SINGLETON_PROVIDERS, ids=lambda p: p.__name__)
@PROPERTY
@given(news=inputs(ANY_SETTING))
def test_singleton_check(
    provider_class: type[KindProvider],
    reliability: Callable[..., Row],
    news: dict[str, Any],
) -> None:
    singleton = provider_class.kind.singleton
    assert singleton is not None
    declare_case(reliability, singleton.model.__name__)
    result = offline(provider_class).check({}, news)
    failed = assert_failures_name_their_property(news, result.failures)
    if failed:
        return
    known = {k: v for k, v in result.inputs.items() if v != UNKNOWN}
    assert set(known) <= set(provider_class.kind.inputs)
    body = models.writable_body(singleton.model, known)
    try:
        validated(singleton.model, body)  # what the Looker emulator would say
    except LookerHttpError as error:  # pragma: no cover - the property failing
        pytest.fail(f"check accepted {news!r}, Looker refuses it: {error.body}")


@PROPERTY
@given(news=inputs(tuple(API_CREDENTIAL.inputs)))
def test_api_credential_check(
    credential_provider: ApiCredentialProvider,
    reliability: Callable[..., Row],
    news: dict[str, Any],
) -> None:
    declare_case(reliability, "ApiCredential")
    result = credential_provider.check({}, news)
    failed = assert_failures_name_their_property(news, result.failures, required=("user_id",))
    if news.get("user_id") is None and news.get("user_email") is None:
        assert "user_id" in failed
    if news.get("user_email") not in (None, UNKNOWN):  # found by email: not without a connection
        assert failed
    if failed:
        return
    inputs_ = {k: v for k, v in result.inputs.items() if v != UNKNOWN}
    assert set(inputs_) <= set(API_CREDENTIAL.inputs)
    for name in ("user_id", "credentials_api3_id"):
        if name in inputs_:
            assert isinstance(inputs_[name], str)
            assert "/" not in inputs_[name]  # ids join into "<user_id>/<credentials_api3_id>"
    for name in ("purpose", "rotation", "profile", "user_email"):
        assert name not in inputs_ or isinstance(inputs_[name], str)
    validated(models.CredentialsApi3, models.writable_body(models.CredentialsApi3, inputs_))


@PROPERTY
@given(news=inputs(tuple(SERVICE_ACCOUNT.inputs)))
def test_service_account_check(reliability: Callable[..., Row], news: dict[str, Any]) -> None:
    declare_case(reliability, "ServiceAccount")
    result = offline(ServiceAccountProvider).check({}, news)
    failed = assert_failures_name_their_property(
        news, result.failures, required=("service_account_name",)
    )
    if failed:
        return
    known = {k: v for k, v in result.inputs.items() if v != UNKNOWN}
    assert set(known) <= set(SERVICE_ACCOUNT.inputs)  # roles by name need Looker: refused
    assert "user_id" in known or isinstance(known.get("service_account_name"), str)
    if "user_id" not in known:  # a new account is enabled unless the inputs say otherwise
        assert isinstance(known["is_disabled"], bool)
    validated(models.ServiceAccount, models.writable_body(models.ServiceAccount, known))
