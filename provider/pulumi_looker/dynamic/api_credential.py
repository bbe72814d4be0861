"""``ApiCredential``, the dynamic face: a Looker user's API3 key as a Pulumi dynamic resource
over :class:`~pulumi_looker.resources.api_credential.ApiCredentialLogic`."""

from __future__ import annotations

from typing import Any

import attrs
import pulumi
from pulumi.dynamic import Resource

from pulumi_looker.resources.api_credential import OUTPUTS, ApiCredentialLogic

from .provider import (
    LookerProvider,
    refuse_import,
    refuse_unexpected,
)


class ApiCredentialProvider(LookerProvider):
    """The dynamic provider of ``ApiCredential``. Each handler's contract is that of
    :class:`ApiCredentialLogic`'s method of the same name."""

    @property
    def logic(self) -> ApiCredentialLogic:
        return ApiCredentialLogic(self)


@attrs.frozen
class ApiCredentialArgs:
    """The inputs of an :class:`ApiCredential`: the user by ``user_id`` or by ``user_email``."""

    user_id: pulumi.Input[str] | None = None
    user_email: pulumi.Input[str] | None = None
    credentials_api3_id: pulumi.Input[str] | None = None
    purpose: pulumi.Input[str] | None = None
    rotation: pulumi.Input[str] | None = None
    keep_previous: pulumi.Input[bool] | None = None
    profile: pulumi.Input[str] | None = None


class ApiCredential(Resource, module="looker", name="ApiCredential"):
    """A Looker user's API3 key (``/api/4.0/users/{user_id}/credentials_api3``).

    Two modes:

    - **create** (no ``credentials_api3_id``): Pulumi creates the key, exports its
      ``client_secret`` as a secret, and deletes it on destroy. Changing ``rotation`` (any
      string, a date for instance) replaces the key create-before-delete: the new key exists,
      and dependents get it, before the old one is deleted. With ``keep_previous`` the old key
      stays until the next rotation (two-key rotation): its id, client id and age are the
      ``previous_*`` outputs, and the resource's id stays the first key's.
    - **adopt** (``credentials_api3_id`` set): Pulumi manages the ``purpose`` of an existing
      key and, on destroy, leaves the key in Looker with its original purpose.

    The user is ``user_id``, or ``user_email`` (found in the listing of users a refresh reads
    anyway). Only ``purpose`` is writable in Looker's API. The id is
    ``<user_id>/<credentials_api3_id>``.
    Pulumi cannot import it (``import_`` is refused): adopt it by ``credentials_api3_id``.
    """

    user_id: pulumi.Output[str]
    user_email: pulumi.Output[str | None]
    credentials_api3_id: pulumi.Output[str]
    client_id: pulumi.Output[str]
    client_secret: pulumi.Output[str | None]
    created_at: pulumi.Output[str]
    type: pulumi.Output[str]
    url: pulumi.Output[str]
    is_disabled: pulumi.Output[bool]
    purpose: pulumi.Output[str | None]
    rotation: pulumi.Output[str | None]
    keep_previous: pulumi.Output[bool | None]
    previous_credentials_api3_id: pulumi.Output[str | None]
    previous_client_id: pulumi.Output[str | None]
    previous_created_at: pulumi.Output[str | None]
    previous_age_days: pulumi.Output[int | None]
    profile: pulumi.Output[str | None]

    def __init__(
        self,
        resource_name: str,
        args: ApiCredentialArgs | None = None,
        *,
        user_id: pulumi.Input[str] | None = None,
        user_email: pulumi.Input[str] | None = None,
        credentials_api3_id: pulumi.Input[str] | None = None,
        purpose: pulumi.Input[str] | None = None,
        rotation: pulumi.Input[str] | None = None,
        keep_previous: pulumi.Input[bool] | None = None,
        profile: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **unexpected: Any,
    ) -> None:
        refuse_unexpected(
            "ApiCredential", unexpected, [f.name for f in attrs.fields(ApiCredentialArgs)], OUTPUTS
        )
        refuse_import("ApiCredential", resource_name, opts)
        if args is None:
            if user_id is None and user_email is None:
                raise TypeError("ApiCredential needs user_id or user_email")
            args = ApiCredentialArgs(
                user_id=user_id,
                user_email=user_email,
                credentials_api3_id=credentials_api3_id,
                purpose=purpose,
                rotation=rotation,
                keep_previous=keep_previous,
                profile=profile,
            )
        props = {**dict.fromkeys(OUTPUTS), **attrs.asdict(args)}
        opts = pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(additional_secret_outputs=["client_secret"])
        )
        super().__init__(ApiCredentialProvider(), resource_name, props, opts)
