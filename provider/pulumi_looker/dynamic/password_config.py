"""``PasswordConfig``: Looker's instance-wide password policy as a Pulumi resource."""

from __future__ import annotations

from typing import Any

import attrs
import pulumi
from pulumi.dynamic import Resource

from pulumi_looker import models

from .singleton import SingletonProvider, declared_props


class PasswordConfigProvider(SingletonProvider):
    """CRUD for ``/api/4.0/password_config``."""

    singleton = models.PASSWORD_CONFIG


@attrs.frozen
class PasswordConfigArgs:
    """The inputs of a :class:`PasswordConfig`; ``None`` leaves a setting unmanaged."""

    min_length: pulumi.Input[int] | None = None
    require_numeric: pulumi.Input[bool] | None = None
    require_upperlower: pulumi.Input[bool] | None = None
    require_special: pulumi.Input[bool] | None = None
    expiration_enabled: pulumi.Input[bool] | None = None
    expiration_duration_days: pulumi.Input[int] | None = None
    force_password_reset: pulumi.Input[str] | None = None
    restore_on_delete: pulumi.Input[bool] = False
    takeover: pulumi.Input[bool] | None = None
    profile: pulumi.Input[str] | None = None


class PasswordConfig(Resource, module="looker", name="PasswordConfig"):
    """Looker's instance-wide password policy (``/api/4.0/password_config``).

    Only the settings you give are managed; the others keep whatever value Looker has. The
    policy is a singleton, so its id is always ``password_config`` and one stack should declare
    at most one ``PasswordConfig`` per Looker instance.

    ``force_password_reset`` is a trigger (any string, a date for instance): each new value makes
    every user reset their password at their next login, once.

    On ``destroy`` the live policy is left as it is (weakening it is not a safe default); with
    ``restore_on_delete=True`` the values read when the resource was created are put back.
    ``profile`` picks a second Looker instance from the stack config namespace
    ``looker-<profile>``. A policy another stack manages (its mark in Looker, see
    ``pulumi_looker.ownership``) is refused at preview; ``takeover=True`` makes this stack its
    manager. Pulumi cannot import it (``import_`` is refused); declaring it adopts
    the live policy.
    """

    min_length: pulumi.Output[int]
    require_numeric: pulumi.Output[bool]
    require_upperlower: pulumi.Output[bool]
    require_special: pulumi.Output[bool]
    expiration_enabled: pulumi.Output[bool]
    expiration_duration_days: pulumi.Output[int]
    policy_enabled_at: pulumi.Output[str | None]
    force_password_reset: pulumi.Output[str | None]
    restore_on_delete: pulumi.Output[bool]
    takeover: pulumi.Output[bool | None]
    profile: pulumi.Output[str | None]

    def __init__(
        self,
        resource_name: str,
        args: PasswordConfigArgs | None = None,
        *,
        min_length: pulumi.Input[int] | None = None,
        require_numeric: pulumi.Input[bool] | None = None,
        require_upperlower: pulumi.Input[bool] | None = None,
        require_special: pulumi.Input[bool] | None = None,
        expiration_enabled: pulumi.Input[bool] | None = None,
        expiration_duration_days: pulumi.Input[int] | None = None,
        force_password_reset: pulumi.Input[str] | None = None,
        restore_on_delete: pulumi.Input[bool] = False,
        takeover: pulumi.Input[bool] | None = None,
        profile: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **unexpected: Any,
    ) -> None:
        if args is None:
            args = PasswordConfigArgs(
                min_length=min_length,
                require_numeric=require_numeric,
                require_upperlower=require_upperlower,
                require_special=require_special,
                expiration_enabled=expiration_enabled,
                expiration_duration_days=expiration_duration_days,
                force_password_reset=force_password_reset,
                restore_on_delete=restore_on_delete,
                takeover=takeover,
                profile=profile,
            )
        props = declared_props(models.PASSWORD_CONFIG, resource_name, args, unexpected, opts)
        super().__init__(PasswordConfigProvider(), resource_name, props, opts)
