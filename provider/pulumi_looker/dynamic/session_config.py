"""``SessionConfig``: Looker's session policy as a Pulumi resource."""

from __future__ import annotations

from typing import Any

import attrs
import pulumi
from pulumi.dynamic import Resource

from pulumi_looker import models

from .singleton import SingletonProvider, declared_props


class SessionConfigProvider(SingletonProvider):
    """CRUD for ``/api/4.0/session_config``."""

    singleton = models.SESSION_CONFIG


@attrs.frozen
class SessionConfigArgs:
    """The inputs of a :class:`SessionConfig`; ``None`` leaves a setting unmanaged."""

    allow_persistent_sessions: pulumi.Input[bool] | None = None
    session_minutes: pulumi.Input[int] | None = None
    unlimited_sessions_per_user: pulumi.Input[bool] | None = None
    use_inactivity_based_logout: pulumi.Input[bool] | None = None
    track_session_location: pulumi.Input[bool] | None = None
    restore_on_delete: pulumi.Input[bool] = False
    takeover: pulumi.Input[bool] | None = None
    profile: pulumi.Input[str] | None = None


class SessionConfig(Resource, module="looker", name="SessionConfig"):
    """Looker's session policy (``/api/4.0/session_config``): how long users stay logged in,
    whether they may stay logged in, on how many devices, and inactivity logout.

    The same semantics as :class:`~pulumi_looker.PasswordConfig`: only the settings you give
    are managed, the id is always ``session_config``, ``destroy`` leaves the live policy unless
    ``restore_on_delete=True``, and ``profile`` picks another Looker instance.
    """

    allow_persistent_sessions: pulumi.Output[bool]
    session_minutes: pulumi.Output[int | None]
    unlimited_sessions_per_user: pulumi.Output[bool]
    use_inactivity_based_logout: pulumi.Output[bool]
    track_session_location: pulumi.Output[bool]
    restore_on_delete: pulumi.Output[bool]
    takeover: pulumi.Output[bool | None]
    profile: pulumi.Output[str | None]

    def __init__(
        self,
        resource_name: str,
        args: SessionConfigArgs | None = None,
        *,
        allow_persistent_sessions: pulumi.Input[bool] | None = None,
        session_minutes: pulumi.Input[int] | None = None,
        unlimited_sessions_per_user: pulumi.Input[bool] | None = None,
        use_inactivity_based_logout: pulumi.Input[bool] | None = None,
        track_session_location: pulumi.Input[bool] | None = None,
        restore_on_delete: pulumi.Input[bool] = False,
        takeover: pulumi.Input[bool] | None = None,
        profile: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **unexpected: Any,
    ) -> None:
        if args is None:
            args = SessionConfigArgs(
                allow_persistent_sessions=allow_persistent_sessions,
                session_minutes=session_minutes,
                unlimited_sessions_per_user=unlimited_sessions_per_user,
                use_inactivity_based_logout=use_inactivity_based_logout,
                track_session_location=track_session_location,
                restore_on_delete=restore_on_delete,
                takeover=takeover,
                profile=profile,
            )
        props = declared_props(models.SESSION_CONFIG, resource_name, args, unexpected, opts)
        super().__init__(SessionConfigProvider(), resource_name, props, opts)
