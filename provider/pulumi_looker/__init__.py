"""Manage Looker (Google Cloud core) instance settings as Pulumi resources.

Each kind's resource and args (``ApiCredential``, ``ApiCredentialArgs``... see
``pulumi_looker.dynamic.kinds``) load on first use: a process that needs one kind (the
provider of a dynamic resource) or none (the plugin) does not import them all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import (
    InvalidInputError,
    LookerApiError,
    LookerConnectionError,
    LookerError,
    SettingsError,
)
from .resources import KINDS
from .settings import ConnectionSettings

if TYPE_CHECKING:
    from .dynamic.kinds import *  # noqa: F403

__all__ = [
    "ConnectionSettings",
    "InvalidInputError",
    "LookerApiError",
    "LookerConnectionError",
    "LookerError",
    "SettingsError",
]
__all__ += [name for kind in KINDS for name in (kind.name, f"{kind.name}Args")]


def __getattr__(name: str) -> Any:
    """A kind's resource or args class, from ``pulumi_looker.dynamic.kinds``."""
    if name in __all__:
        from .dynamic import kinds

        return getattr(kinds, name)
    raise AttributeError(f"module 'pulumi_looker' has no attribute {name!r}")
