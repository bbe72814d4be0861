"""Connection settings: precedence, profiles, the error for missing values, no secret shown."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from pulumi_looker.errors import SettingsError
from pulumi_looker.settings import ConnectionSettings

INI = """
[Looker]
base_url=https://ini.example.com:19999
client_id=ini-id
client_secret="ini-secret"
verify_ssl=false
timeout=30

[eu]
base_url=https://eu.example.com
client_id=eu-ini-id
client_secret=eu-ini-secret
"""


@pytest.fixture
def ini(tmp_path: Path) -> Path:
    path = tmp_path / "looker.ini"
    path.write_text(INI)
    return path


def test_ini_in_working_directory(ini: Path) -> None:
    settings = ConnectionSettings.resolve(environ={})
    assert settings.base_url == "https://ini.example.com:19999"
    assert settings.client_secret == "ini-secret"
    assert settings.verify_ssl is False
    assert settings.timeout == 30.0
    assert settings.api_url == "https://ini.example.com:19999/api/4.0"


def test_first_source_wins_per_field(ini: Path) -> None:
    settings = ConnectionSettings.resolve(
        client_id="arg-id",
        config={"looker:clientId": "config-id", "looker:baseUrl": "https://config.example.com"},
        environ={
            "LOOKERSDK_CLIENT_ID": "env-id",
            "LOOKERSDK_BASE_URL": "https://env.example.com",
            "LOOKERSDK_CLIENT_SECRET": "env-secret",
            "LOOKERSDK_TIMEOUT": "5",
        },
    )
    assert settings.client_id == "arg-id"
    assert settings.base_url == "https://config.example.com"
    assert settings.client_secret == "env-secret"
    assert settings.timeout == 5.0
    assert settings.verify_ssl is False  # only the ini file sets it


def test_defaults(tmp_path: Path) -> None:
    settings = ConnectionSettings.resolve(
        environ={}, base_url="https://x.example.com/", client_id="i", client_secret="s"
    )
    assert settings.base_url == "https://x.example.com"
    assert settings.verify_ssl is True
    assert settings.timeout == 120.0
    assert settings.api_version == "4.0"


def test_ini_path_from_environment(tmp_path: Path) -> None:
    other = tmp_path / "elsewhere.ini"
    other.write_text(INI)
    settings = ConnectionSettings.resolve(environ={"LOOKERSDK_INI": str(other)})
    assert settings.client_id == "ini-id"


def test_profile_reads_its_own_namespace_and_section(ini: Path) -> None:
    settings = ConnectionSettings.resolve(
        profile="eu",
        config={"looker:clientId": "default-id", "looker-eu:clientId": "eu-config-id"},
        environ={"LOOKERSDK_CLIENT_SECRET": "default-secret"},
    )
    assert settings.client_id == "eu-config-id"
    assert settings.client_secret == "eu-ini-secret"
    assert settings.base_url == "https://eu.example.com"
    env_settings = ConnectionSettings.resolve(
        profile="eu-west",
        environ={
            "LOOKERSDK_EU_WEST_BASE_URL": "https://euw.example.com",
            "LOOKERSDK_EU_WEST_CLIENT_ID": "a",
            "LOOKERSDK_EU_WEST_CLIENT_SECRET": "b",
        },
    )
    assert env_settings.base_url == "https://euw.example.com"


def test_missing_values_name_every_field_and_source() -> None:
    with pytest.raises(SettingsError) as raised:
        ConnectionSettings.resolve(environ={}, base_url="https://x.example.com")
    message = str(raised.value)
    for expected in (
        "client_id (tried argument client_id, stack config looker:clientId, "
        "environment variable LOOKERSDK_CLIENT_ID, looker.ini [Looker] client_id",
        "client_secret (tried",
        "stack config looker:clientSecret",
        "LOOKERSDK_CLIENT_SECRET",
    ):
        assert expected in message
    assert "base_url" not in message


def test_invalid_values_are_named() -> None:
    with pytest.raises(
        SettingsError, match=r"verify_ssl must be true or false \(or .*\), got .maybe."
    ):
        ConnectionSettings.resolve(
            environ={"LOOKERSDK_VERIFY_SSL": "maybe"},
            base_url="https://x.example.com",
            client_id="i",
            client_secret="s",
        )
    with pytest.raises(SettingsError, match="base_url must start with http"):
        ConnectionSettings.resolve(
            environ={}, base_url="x.example.com", client_id="i", client_secret="s"
        )
    with pytest.raises(SettingsError, match="timeout must be"):
        ConnectionSettings.resolve(
            environ={}, base_url="http://x", client_id="i", client_secret="s", timeout="-1"
        )


def test_secret_never_shown(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    settings = ConnectionSettings.resolve(
        environ={}, base_url="https://x.example.com", client_id="i", client_secret="TopSecret42"
    )
    assert "TopSecret42" not in repr(settings)
    assert "TopSecret42" not in str(settings)
    with pytest.raises(SettingsError) as raised:
        ConnectionSettings.resolve(environ={}, client_secret="TopSecret42", timeout="abc")
    assert "TopSecret42" not in str(raised.value)
    assert "TopSecret42" not in caplog.text


@pytest.mark.parametrize(
    ("written", "resolved"),
    [
        ("https://looker.example.com/", "https://looker.example.com"),
        ("https://looker.example.com:19999/api/4.0", "https://looker.example.com:19999"),
        ("https://looker.example.com/api/4.0/", "https://looker.example.com"),
    ],
)
def test_base_urls_as_users_write_them(written: str, resolved: str) -> None:
    settings = ConnectionSettings.resolve(
        environ={}, base_url=written, client_id="i", client_secret="s"
    )
    assert settings.base_url == resolved


@pytest.mark.parametrize(
    "written", ["https://looker.example.com/api/3.1", "https://looker.example.com/api/4.0/login"]
)
def test_a_path_into_the_api_is_refused_with_the_fix(written: str) -> None:
    with pytest.raises(SettingsError) as raised:
        ConnectionSettings.resolve(environ={}, base_url=written, client_id="i", client_secret="s")
    assert "base_url must be the instance's address without a path into the API, such as " in (
        str(raised.value)
    )
    assert "'https://looker.example.com'" in str(raised.value)


@pytest.mark.parametrize(("text", "value"), [("t", True), ("y", True), ("f", False), ("n", False)])
def test_booleans_as_lookers_sdk_reads_them(text: str, value: bool) -> None:
    settings = ConnectionSettings.resolve(
        environ={"LOOKERSDK_VERIFY_SSL": text},
        base_url="https://x",
        client_id="i",
        client_secret="s",
    )
    assert settings.verify_ssl is value


def test_an_ini_without_a_looker_section_uses_its_first(tmp_path: Path) -> None:
    (tmp_path / "looker.ini").write_text(
        "[Production]\nbase_url=https://prod.example.com\nclient_id=p\nclient_secret=ps\n"
        "[Other]\nbase_url=https://other.example.com\nclient_id=o\nclient_secret=os\n"
    )
    settings = ConnectionSettings.resolve(environ={})
    assert (settings.base_url, settings.client_id) == ("https://prod.example.com", "p")
    with pytest.raises(SettingsError, match="client_id"):
        ConnectionSettings.resolve(profile="eu", environ={})  # a named profile needs its section
