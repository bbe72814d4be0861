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
    with pytest.raises(SettingsError, match="verify_ssl must be true or false, got 'maybe'"):
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
