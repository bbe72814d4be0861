"""Manage Looker (Google Cloud core) instance settings as Pulumi resources."""

from .dynamic import kinds
from .dynamic.kinds import *  # noqa: F403 (every kind's resource and args: see dynamic.kinds)
from .errors import (
    InvalidInputError,
    LookerApiError,
    LookerConnectionError,
    LookerError,
    SettingsError,
)
from .settings import ConnectionSettings

__all__ = [
    "ConnectionSettings",
    "InvalidInputError",
    "LookerApiError",
    "LookerConnectionError",
    "LookerError",
    "SettingsError",
]
__all__ += kinds.__all__
