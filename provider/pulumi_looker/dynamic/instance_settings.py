"""``InstanceSettings``: Looker's instance-wide settings as a Pulumi resource."""

from __future__ import annotations

from typing import Any

import attrs
import pulumi
from pulumi.dynamic import Resource

from pulumi_looker import models

from .singleton import SingletonProvider, declared_props


class InstanceSettingsProvider(SingletonProvider):
    """CRUD for ``/api/4.0/setting``."""

    singleton = models.INSTANCE_SETTINGS


@attrs.frozen
class InstanceSettingsArgs:
    """The inputs of an :class:`InstanceSettings`; ``None`` leaves a setting unmanaged."""

    extension_framework_enabled: pulumi.Input[bool] | None = None
    marketplace_enabled: pulumi.Input[bool] | None = None
    onboarding_enabled: pulumi.Input[bool] | None = None
    timezone: pulumi.Input[str] | None = None
    allow_user_timezones: pulumi.Input[bool] | None = None
    data_connector_default_enabled: pulumi.Input[bool] | None = None
    email_domain_allowlist: pulumi.Input[list[str]] | None = None
    dashboard_auto_refresh_restriction: pulumi.Input[bool] | None = None
    dashboard_auto_refresh_minimum_interval: pulumi.Input[str] | None = None
    content_certification_documentation_link: pulumi.Input[str] | None = None
    revoke_certification_on_edits: pulumi.Input[bool] | None = None
    is_content_certification_enabled: pulumi.Input[bool] | None = None
    auto_certify_lookml_content: pulumi.Input[bool] | None = None
    automated_mfa_enabled: pulumi.Input[bool] | None = None
    restore_on_delete: pulumi.Input[bool] = False
    takeover: pulumi.Input[bool] | None = None
    profile: pulumi.Input[str] | None = None


class InstanceSettings(Resource, module="looker", name="InstanceSettings"):
    """Looker's instance-wide settings (``/api/4.0/setting``), with the semantics of
    :class:`~pulumi_looker.PasswordConfig`: only the settings you give are managed, each needs
    the Looker release that introduced it, the id is always ``setting``, and ``destroy`` leaves
    the settings unless ``restore_on_delete=True``. ``host_url`` is left out on purpose: a
    wrong value locks every user out of the instance.
    """

    extension_framework_enabled: pulumi.Output[bool]
    marketplace_enabled: pulumi.Output[bool]
    onboarding_enabled: pulumi.Output[bool]
    timezone: pulumi.Output[str]
    allow_user_timezones: pulumi.Output[bool]
    data_connector_default_enabled: pulumi.Output[bool]
    email_domain_allowlist: pulumi.Output[list[str]]
    dashboard_auto_refresh_restriction: pulumi.Output[bool]
    dashboard_auto_refresh_minimum_interval: pulumi.Output[str | None]
    content_certification_documentation_link: pulumi.Output[str | None]
    revoke_certification_on_edits: pulumi.Output[bool]
    is_content_certification_enabled: pulumi.Output[bool]
    auto_certify_lookml_content: pulumi.Output[bool]
    automated_mfa_enabled: pulumi.Output[bool]
    restore_on_delete: pulumi.Output[bool]
    takeover: pulumi.Output[bool | None]
    profile: pulumi.Output[str | None]

    def __init__(
        self,
        resource_name: str,
        args: InstanceSettingsArgs | None = None,
        *,
        extension_framework_enabled: pulumi.Input[bool] | None = None,
        marketplace_enabled: pulumi.Input[bool] | None = None,
        onboarding_enabled: pulumi.Input[bool] | None = None,
        timezone: pulumi.Input[str] | None = None,
        allow_user_timezones: pulumi.Input[bool] | None = None,
        data_connector_default_enabled: pulumi.Input[bool] | None = None,
        email_domain_allowlist: pulumi.Input[list[str]] | None = None,
        dashboard_auto_refresh_restriction: pulumi.Input[bool] | None = None,
        dashboard_auto_refresh_minimum_interval: pulumi.Input[str] | None = None,
        content_certification_documentation_link: pulumi.Input[str] | None = None,
        revoke_certification_on_edits: pulumi.Input[bool] | None = None,
        is_content_certification_enabled: pulumi.Input[bool] | None = None,
        auto_certify_lookml_content: pulumi.Input[bool] | None = None,
        automated_mfa_enabled: pulumi.Input[bool] | None = None,
        restore_on_delete: pulumi.Input[bool] = False,
        takeover: pulumi.Input[bool] | None = None,
        profile: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **unexpected: Any,
    ) -> None:
        if args is None:
            args = InstanceSettingsArgs(
                extension_framework_enabled=extension_framework_enabled,
                marketplace_enabled=marketplace_enabled,
                onboarding_enabled=onboarding_enabled,
                timezone=timezone,
                allow_user_timezones=allow_user_timezones,
                data_connector_default_enabled=data_connector_default_enabled,
                email_domain_allowlist=email_domain_allowlist,
                dashboard_auto_refresh_restriction=dashboard_auto_refresh_restriction,
                dashboard_auto_refresh_minimum_interval=dashboard_auto_refresh_minimum_interval,
                content_certification_documentation_link=content_certification_documentation_link,
                revoke_certification_on_edits=revoke_certification_on_edits,
                is_content_certification_enabled=is_content_certification_enabled,
                auto_certify_lookml_content=auto_certify_lookml_content,
                automated_mfa_enabled=automated_mfa_enabled,
                restore_on_delete=restore_on_delete,
                takeover=takeover,
                profile=profile,
            )
        props = declared_props(models.INSTANCE_SETTINGS, resource_name, args, unexpected, opts)
        super().__init__(InstanceSettingsProvider(), resource_name, props, opts)
