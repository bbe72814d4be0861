"""Manage Looker (Google Cloud core) instance settings as Pulumi resources."""

from .api_credential import ApiCredential, ApiCredentialArgs
from .errors import (
    InvalidInputError,
    LookerApiError,
    LookerConnectionError,
    LookerError,
    SettingsError,
)
from .password_config import PasswordConfig, PasswordConfigArgs
from .session_config import SessionConfig, SessionConfigArgs
from .settings import ConnectionSettings

__all__ = [
    "ApiCredential",
    "ApiCredentialArgs",
    "ConnectionSettings",
    "InvalidInputError",
    "LookerApiError",
    "LookerConnectionError",
    "LookerError",
    "PasswordConfig",
    "PasswordConfigArgs",
    "SessionConfig",
    "SessionConfigArgs",
    "SettingsError",
]
