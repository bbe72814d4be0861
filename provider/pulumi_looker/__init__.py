"""Manage Looker (Google Cloud core) instance settings as Pulumi resources."""

from .dynamic.api_credential import ApiCredential, ApiCredentialArgs
from .dynamic.instance_settings import InstanceSettings, InstanceSettingsArgs
from .dynamic.password_config import PasswordConfig, PasswordConfigArgs
from .dynamic.service_account import ServiceAccount, ServiceAccountArgs
from .dynamic.session_config import SessionConfig, SessionConfigArgs
from .errors import (
    InvalidInputError,
    LookerApiError,
    LookerConnectionError,
    LookerError,
    SettingsError,
)
from .settings import ConnectionSettings

__all__ = [
    "ApiCredential",
    "ApiCredentialArgs",
    "ConnectionSettings",
    "InstanceSettings",
    "InstanceSettingsArgs",
    "InvalidInputError",
    "LookerApiError",
    "LookerConnectionError",
    "LookerError",
    "PasswordConfig",
    "PasswordConfigArgs",
    "ServiceAccount",
    "ServiceAccountArgs",
    "SessionConfig",
    "SessionConfigArgs",
    "SettingsError",
]
