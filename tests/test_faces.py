"""The behaviour both faces share, run against each: the dynamic providers (the Python face)
and the provider plugin, over the same logic and the same emulator."""

from __future__ import annotations

import asyncio
import importlib
from typing import Any

import pytest
from pulumi.output import Unknown
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.provider import (
    CheckRequest,
    ConfigureRequest,
    CreateRequest,
    DeleteRequest,
    DiffRequest,
    ReadRequest,
    UpdateRequest,
)
from pulumi.runtime import rpc

from pulumi_looker import models
from pulumi_looker.plugin.provider import LookerPlugin
from pulumi_looker.plugin.values import inputs_of, properties_of
from pulumi_looker.resources import KINDS
from pulumi_looker.stack_config import snake_case
from tests.support.clients import ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, program_stack, provider_for
from tests.support.looker import keys_of_user, patch_bodies, writes


def host_values(values: dict) -> dict:
    """``values`` as the dynamic-provider host hands them over: through Pulumi's wire, an
    unknown (``rpc.UNKNOWN``) becoming a ``pulumi.output.Unknown``."""
    loop = asyncio.new_event_loop()  # not asyncio.run: it leaves the thread with no loop
    try:
        struct = loop.run_until_complete(rpc.serialize_properties(values, {}))
    finally:
        loop.close()
    return rpc.deserialize_properties(struct, keep_unknowns=True)


def from_host(values: dict) -> dict:
    """What a handler answered, as the engine reads it (an unknown as ``rpc.UNKNOWN``)."""

    def plain(value: Any) -> Any:
        if isinstance(value, Unknown):
            return rpc.UNKNOWN
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return [plain(v) for v in value] if isinstance(value, list) else value

    return plain(host_values(values))


def wire(properties: dict[str, PropertyValue]) -> dict[str, PropertyValue]:
    """Property values through Pulumi's wire, as the plugin's server sends and gets them."""
    return PropertyValue.unmarshal_map(PropertyValue.marshal_map(properties))


class DynamicFace:
    """Each handler as the dynamic-provider host calls it, values through Pulumi's wire."""

    def __init__(self, emulator: Any) -> None:
        #: The stack its providers name.
        self.stack = program_stack()
        #: Every kind's dynamic provider, where its module of the Python face has it.
        self.providers = {
            kind.name: provider_for(
                getattr(
                    importlib.import_module(f"pulumi_looker.dynamic.{kind.module}"),
                    f"{kind.name}Provider",
                ),
                emulator,
            )
            for kind in KINDS
        }

    def check(
        self, kind: str, news: dict, olds: dict | None = None
    ) -> tuple[dict, list[tuple[str, str]]]:
        result = self.providers[kind].check(host_values(olds or {}), host_values(news))
        return from_host(result.inputs), [(f.property, f.reason) for f in result.failures]

    def create(self, kind: str, inputs: dict) -> tuple[str, dict]:
        result = self.providers[kind].create(inputs)
        return result.id, result.outs

    def diff(self, kind: str, id_: str, olds: dict, news: dict) -> tuple[bool, list[str]]:
        result = self.providers[kind].diff(id_, host_values(olds), host_values(news))
        return bool(result.changes), sorted(result.replaces or [])

    def update(self, kind: str, id_: str, olds: dict, news: dict) -> dict:
        return self.providers[kind].update(id_, olds, news).outs

    def read(self, kind: str, id_: str, outs: dict) -> tuple[str | None, dict]:
        result = self.providers[kind].read(id_, outs)
        return result.id, result.outs

    def delete(self, kind: str, id_: str, outs: dict) -> None:
        self.providers[kind].delete(id_, outs)


class PluginFace:
    """Each handler as Pulumi's engine calls the plugin: camelCase property values."""

    #: The stack its URNs name.
    stack = "p/dev"

    def __init__(self, emulator: Any) -> None:
        self.loop = asyncio.new_event_loop()
        self.plugin = LookerPlugin("0.2.0")
        config = {
            "baseUrl": PropertyValue(emulator.url),
            "clientId": PropertyValue(ADMIN_CLIENT_ID),
            "clientSecret": PropertyValue(ADMIN_CLIENT_SECRET, is_secret=True),
        }
        self.run(self.plugin.configure(ConfigureRequest({}, config, True, True)))

    def run(self, coroutine: Any) -> Any:
        return self.loop.run_until_complete(coroutine)

    @staticmethod
    def urn(kind: str) -> str:
        return f"urn:pulumi:dev::p::looker:index:{kind}::it"

    def check(
        self, kind: str, news: dict, olds: dict | None = None
    ) -> tuple[dict, list[tuple[str, str]]]:
        request = CheckRequest(
            self.urn(kind), wire(properties_of(olds or {})), wire(properties_of(news)), b""
        )
        result = self.run(self.plugin.check(request))
        return inputs_of(wire(result.inputs)), [
            (snake_case(f.property), f.reason) for f in result.failures
        ]

    def create(self, kind: str, inputs: dict) -> tuple[str, dict]:
        result = self.run(
            self.plugin.create(CreateRequest(self.urn(kind), properties_of(inputs), 60, False))
        )
        return result.resource_id, inputs_of(result.properties)

    def diff(self, kind: str, id_: str, olds: dict, news: dict) -> tuple[bool, list[str]]:
        request = DiffRequest(
            self.urn(kind), id_, wire(properties_of(olds)), wire(properties_of(news)), []
        )
        result = self.run(self.plugin.diff(request))
        return bool(result.changes), sorted(snake_case(r) for r in result.replaces)

    def update(self, kind: str, id_: str, olds: dict, news: dict) -> dict:
        request = UpdateRequest(
            self.urn(kind), id_, properties_of(olds), properties_of(news), 60, [], False
        )
        return inputs_of(self.run(self.plugin.update(request)).properties)

    def read(self, kind: str, id_: str, outs: dict) -> tuple[str | None, dict]:
        result = self.run(
            self.plugin.read(ReadRequest(self.urn(kind), id_, properties_of(outs), {}))
        )
        return result.resource_id, inputs_of(result.properties)

    def delete(self, kind: str, id_: str, outs: dict) -> None:
        self.run(self.plugin.delete(DeleteRequest(self.urn(kind), id_, properties_of(outs), 60)))


@pytest.fixture(params=["dynamic", "plugin"])
def face(request: pytest.FixtureRequest, emulator: Any) -> DynamicFace | PluginFace:
    return DynamicFace(emulator) if request.param == "dynamic" else PluginFace(emulator)


def test_bad_input_is_named_with_no_call(face, emulator) -> None:
    _, failures = face.check("PasswordConfig", {"min_length": 3, "require_special": "yes"})
    assert failures == [
        ("min_length", "min_length must be an integer from 7 to 100, got 3"),
        ("require_special", "require_special must be a boolean (true or false), got 'yes'"),
    ]
    _, failures = face.check("ApiCredential", {"user_id": "2", "client_id": "x"})
    assert [f for f, _ in failures] == ["client_id"]
    assert emulator.control.requests() == []


def test_a_policy_writes_only_what_differs_and_shows_drift(face, emulator, client) -> None:
    inputs, _ = face.check("PasswordConfig", {"min_length": 10, "require_special": False})
    id_, outs = face.create("PasswordConfig", inputs)
    assert id_ == "password_config"
    assert patch_bodies(emulator) == [{"require_special": False}]  # min_length was 10 already
    assert face.diff("PasswordConfig", id_, outs, inputs) == (False, [])
    assert face.diff("PasswordConfig", id_, outs, {**inputs, "min_length": 16}) == (True, [])
    client.update_singleton(models.PASSWORD_CONFIG, {"min_length": 8})  # by hand, in Looker
    _, refreshed = face.read("PasswordConfig", id_, outs)
    assert refreshed["min_length"] == 8
    outs = face.update("PasswordConfig", id_, refreshed, inputs)
    assert emulator.control.state()["password_config"]["min_length"] == 10
    face.delete("PasswordConfig", id_, outs)
    assert emulator.control.state()["password_config"]["min_length"] == 10  # left as it is


def test_a_key_lives_rotates_by_replacement_and_is_deleted(face, emulator) -> None:
    inputs, _ = face.check("ApiCredential", {"user_id": "2", "purpose": "bot", "rotation": "r1"})
    id_, outs = face.create("ApiCredential", inputs)
    [key] = keys_of_user(emulator, "2")
    assert (id_, key["purpose"]) == (f"2/{key['id']}", f"bot [pulumi: {face.stack}]")
    assert outs["client_secret"]
    assert face.diff("ApiCredential", id_, outs, {**inputs, "rotation": "r2"}) == (
        True,
        ["rotation"],
    )
    assert face.diff("ApiCredential", id_, outs, {**inputs, "purpose": "new"}) == (True, [])
    face.delete("ApiCredential", id_, outs)
    assert keys_of_user(emulator, "2") == []
    assert face.read("ApiCredential", id_, outs)[0] is None  # Looker confirms it is gone
    assert writes(emulator)[-1] == ("DELETE", f"/api/4.0/users/2/credentials_api3/{key['id']}")


def test_a_service_account_gets_its_roles_and_is_disabled_on_destroy(face, emulator) -> None:
    inputs, failures = face.check(
        "ServiceAccount", {"service_account_name": "bot", "roles": ["Developer"]}
    )
    assert failures == []
    id_, outs = face.create("ServiceAccount", inputs)
    live = next(u for u in emulator.control.state()["users"] if u["id"] == id_)
    assert (live["service_account_name"], live["role_ids"]) == ("bot", ["3"])
    assert (outs["role_ids"], outs["role_names"]) == (["3"], ["Developer"])
    assert face.diff("ServiceAccount", id_, outs, inputs) == (False, [])
    renamed = {**inputs, "service_account_name": "bot 2"}
    assert face.diff("ServiceAccount", id_, outs, renamed) == (True, [])
    outs = face.update("ServiceAccount", id_, outs, renamed)
    assert face.read("ServiceAccount", id_, outs)[1]["service_account_name"] == "bot 2"
    face.delete("ServiceAccount", id_, outs)
    live = next(u for u in emulator.control.state()["users"] if u["id"] == id_)
    assert live["is_disabled"] is True


def test_a_rotation_that_keeps_the_previous_key_is_an_update(face, emulator) -> None:
    inputs, _ = face.check("ApiCredential", {"user_id": "2", "keep_previous": True})
    id_, outs = face.create("ApiCredential", inputs)
    news = {**inputs, "rotation": "r1"}
    assert face.diff("ApiCredential", id_, outs, news) == (True, [])
    rotated = face.update("ApiCredential", id_, outs, news)
    assert rotated["previous_credentials_api3_id"] == outs["credentials_api3_id"]
    assert len(keys_of_user(emulator, "2")) == 2
    _, refreshed = face.read("ApiCredential", id_, rotated)
    assert refreshed["credentials_api3_id"] == rotated["credentials_api3_id"]


#: The input each one replaces (given together, both would be refused).
_INSTEAD_OF = {"user_email": "user_id"}


def test_every_input_may_be_unknown_at_preview(face, emulator) -> None:
    """An input that comes from a resource not made yet is unknown at preview: check takes
    it as it is (nothing refused, it stays unknown), and diff shows a change. Every kind the
    kind declares, every input of the face, through Pulumi's wire, each kind made first from
    its declared example; nothing is written to Looker."""
    unknown = rpc.UNKNOWN
    for kind in KINDS:
        made = face.check(kind.name, dict(kind.example))[0]
        id_, outs = face.create(kind.name, made)
        before = writes(emulator)
        names = kind.inputs if isinstance(face, DynamicFace) else kind.plugin_inputs
        for name in names:
            news = {k: v for k, v in made.items() if k != _INSTEAD_OF.get(name)}
            inputs, failures = face.check(kind.name, {**news, name: unknown}, olds=made)
            assert (kind.name, name, failures) == (kind.name, name, [])
            assert inputs[name] == unknown, (kind.name, name)
            assert face.diff(kind.name, id_, outs, inputs)[0], (kind.name, name)
        assert writes(emulator) == before, kind.name
