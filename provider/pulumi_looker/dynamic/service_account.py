"""``ServiceAccount``, the dynamic face: a Looker service account as a Pulumi dynamic resource
over :class:`~pulumi_looker.resources.service_account.ServiceAccountLogic`."""

from __future__ import annotations

from typing import Any

import attrs
import pulumi
from pulumi.dynamic import Resource

from pulumi_looker.resources.service_account import OUTPUTS, ServiceAccountLogic

from .provider import LookerProvider, refuse_import, refuse_unexpected


class ServiceAccountProvider(LookerProvider):
    """The dynamic provider of ``ServiceAccount``. Each handler's contract is that of
    :class:`ServiceAccountLogic`'s method of the same name."""

    @property
    def logic(self) -> ServiceAccountLogic:
        return ServiceAccountLogic(self)


@attrs.frozen
class ServiceAccountArgs:
    """The inputs of a :class:`ServiceAccount`."""

    service_account_name: pulumi.Input[str] | None = None
    is_disabled: pulumi.Input[bool] | None = None
    user_id: pulumi.Input[str] | None = None
    roles: pulumi.Input[list[pulumi.Input[str]]] | None = None
    delete_on_destroy: pulumi.Input[bool] | None = None
    profile: pulumi.Input[str] | None = None


class ServiceAccount(Resource, module="looker", name="ServiceAccount"):
    """A Looker service account (``/api/4.0/users/service_accounts``, Looker 25.18 and newer):
    a bot user whose API keys an :class:`ApiCredential` makes (``user_id=account.user_id``).

    ``roles`` are role ids or names (``["Developer"]``): the account has exactly these. On
    destroy the account is **disabled** and stays in Looker; ``delete_on_destroy=True``
    deletes it instead, which cannot be undone (its content goes to Trash, its schedules are
    deleted). ``user_id`` adopts an existing service account: destroy then leaves it as it is.
    The id is the account's user id. Pulumi cannot import it (``import_`` is refused): adopt it
    by ``user_id``.
    """

    service_account_name: pulumi.Output[str]
    is_disabled: pulumi.Output[bool]
    user_id: pulumi.Output[str]
    roles: pulumi.Output[list[str] | None]
    role_ids: pulumi.Output[list[str]]
    resolved_role_ids: pulumi.Output[list[str] | None]
    role_names: pulumi.Output[list[str] | None]
    is_service_account: pulumi.Output[bool]
    group_ids: pulumi.Output[list[str] | None]
    created_at: pulumi.Output[str | None]
    url: pulumi.Output[str | None]
    adopted: pulumi.Output[bool]
    delete_on_destroy: pulumi.Output[bool | None]
    profile: pulumi.Output[str | None]

    def __init__(
        self,
        resource_name: str,
        args: ServiceAccountArgs | None = None,
        *,
        service_account_name: pulumi.Input[str] | None = None,
        is_disabled: pulumi.Input[bool] | None = None,
        user_id: pulumi.Input[str] | None = None,
        roles: pulumi.Input[list[pulumi.Input[str]]] | None = None,
        delete_on_destroy: pulumi.Input[bool] | None = None,
        profile: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **unexpected: Any,
    ) -> None:
        refuse_unexpected(
            "ServiceAccount",
            unexpected,
            [f.name for f in attrs.fields(ServiceAccountArgs)],
            OUTPUTS,
        )
        refuse_import("ServiceAccount", resource_name, opts)
        if args is None:
            args = ServiceAccountArgs(
                service_account_name=service_account_name,
                is_disabled=is_disabled,
                user_id=user_id,
                roles=roles,
                delete_on_destroy=delete_on_destroy,
                profile=profile,
            )
        props = {**dict.fromkeys(OUTPUTS), **attrs.asdict(args)}
        super().__init__(ServiceAccountProvider(), resource_name, props, opts)
