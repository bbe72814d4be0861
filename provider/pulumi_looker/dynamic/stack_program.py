"""The project's Pulumi program: Looker settings declared from a stack's config.

Stack config (namespace: the project's name)::

    passwordPolicy:            # optional; a PasswordConfig (settings in camelCase)
      minLength: 12
      requireSpecial: true
      restoreOnDelete: false
    sessionPolicy:             # optional; a SessionConfig, likewise
      sessionMinutes: 720
    instanceSettings:          # optional; an InstanceSettings, likewise
      automatedMfaEnabled: true
    serviceAccounts:           # optional; one ServiceAccount each (Looker 25.18+)
      - name: ci-bot           # the resource name, unique in the stack
        serviceAccountName: CI deploy bot
        roles: [Developer]     # role names or ids
        deleteOnDestroy: false # destroy disables the account (the default)
    apiCredentials:            # optional; one ApiCredential each
      - name: ci-bot-key       # the resource name, unique in the stack
        serviceAccount: ci-bot # the user: a service account above
        purpose: CI deploy bot
        rotation: "2026-11"    # change it to rotate the key
        keepPrevious: true     # the replaced key works until the next rotation
      - name: ci-deploy-bot
        userId: "42"
      - name: looker-bot
        userEmail: bot@example.com   # instead of userId: the user with this email
      - name: dbt-cloud
        userId: "7"
        credentialsApi3Id: "13"  # adopt an existing key

``import`` is refused with the reason (see ``provider.refuse_import``): declaring adopts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

from pulumi_looker import models
from pulumi_looker.models import unknown_name_reason
from pulumi_looker.stack_config import (
    CREDENTIAL_KEYS,
    CREDENTIALS,
    SERVICE_ACCOUNT_KEYS,
    SERVICE_ACCOUNTS,
    SINGLETONS,
    camel_case,
)

from .api_credential import ApiCredential
from .instance_settings import InstanceSettings
from .password_config import PasswordConfig
from .provider import IMPORT_ALTERNATIVES, IMPORT_REASON
from .service_account import ServiceAccount
from .session_config import SessionConfig

#: The resource of each singleton.
_RESOURCES: dict[str, type[PasswordConfig | SessionConfig | InstanceSettings]] = {
    models.PASSWORD_CONFIG.id: PasswordConfig,
    models.SESSION_CONFIG.id: SessionConfig,
    models.INSTANCE_SETTINGS.id: InstanceSettings,
}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class StackConfigError(pulumi.RunError):
    """The stack's config cannot be declared; the message names the config key."""


def _inputs(
    where: str, values: Any, keys: Mapping[str, str], extra: Sequence[str]
) -> dict[str, Any]:
    if not isinstance(values, dict):
        raise StackConfigError(f"{where} must be an object of settings, got {values!r}")
    if "import" in values:
        raise StackConfigError(
            f"{where}.import: {IMPORT_REASON}. Remove it and {IMPORT_ALTERNATIVES}."
        )
    unknown = [k for k in values if k not in keys and k not in extra]
    if unknown:
        reason = unknown_name_reason(unknown[0], [*keys, *extra])
        raise StackConfigError(f"{where}: {reason}")
    return {keys[k]: v for k, v in values.items() if k in keys}


def declare(config: pulumi.Config) -> None:
    """Declare the stack's Looker settings and export what dependents need."""
    namespace = config.name
    for entry in SINGLETONS:
        values = config.get_object(entry.config_key)
        if values is None:
            continue
        where = f"{namespace}:{entry.config_key}"
        inputs = _inputs(where, values, entry.keys, [])
        resource = _RESOURCES[entry.singleton.id](entry.resource_name, **inputs)
        pulumi.export(
            entry.config_key,
            {camel_case(name): getattr(resource, name) for name in entry.exports},
        )

    accounts = _declare_service_accounts(config)
    credentials = _entries(config, CREDENTIALS)
    client_ids: dict[str, pulumi.Output[str]] = {}
    client_secrets: dict[str, pulumi.Output[Any]] = {}
    for index, item in enumerate(credentials):
        where = f"{namespace}:{CREDENTIALS}[{index}]"
        inputs = _inputs(where, item, CREDENTIAL_KEYS, ["name", "serviceAccount"])
        name = _name(where, item, client_ids)
        if "serviceAccount" in item:
            account = accounts.get(item["serviceAccount"])
            if account is None or "user_id" in inputs or "user_email" in inputs:
                raise StackConfigError(
                    f"{where}.serviceAccount must name one of {namespace}:{SERVICE_ACCOUNTS} "
                    f"({', '.join(sorted(accounts)) or 'none declared'}), instead of userId or "
                    f"userEmail; got {item['serviceAccount']!r}"
                )
            inputs["user_id"] = account.user_id
        credential = ApiCredential(name, **inputs)
        client_ids[name] = credential.client_id
        if "credentials_api3_id" not in inputs:
            client_secrets[name] = credential.client_secret
    pulumi.export("clientIds", client_ids)
    pulumi.export("clientSecrets", pulumi.Output.secret(client_secrets))


def _entries(config: pulumi.Config, key: str) -> list[Any]:
    entries = config.get_object(key) or []
    if not isinstance(entries, list):
        raise StackConfigError(f"{config.name}:{key} must be a list, got {entries!r}")
    return entries


def _name(where: str, item: Mapping[str, Any], taken: Mapping[str, Any]) -> str:
    name = item.get("name")
    if not isinstance(name, str) or not _NAME.match(name) or name in taken:
        raise StackConfigError(
            f"{where}.name must be a unique name of letters, digits, '.', '-' and '_', got {name!r}"
        )
    return name


def _declare_service_accounts(config: pulumi.Config) -> dict[str, ServiceAccount]:
    """The stack's service accounts by entry name; their user ids are exported."""
    accounts: dict[str, ServiceAccount] = {}
    for index, item in enumerate(_entries(config, SERVICE_ACCOUNTS)):
        where = f"{config.name}:{SERVICE_ACCOUNTS}[{index}]"
        inputs = _inputs(where, item, SERVICE_ACCOUNT_KEYS, ["name"])
        name = _name(where, item, accounts)
        accounts[name] = ServiceAccount(name, **inputs)
    if accounts:
        pulumi.export(
            SERVICE_ACCOUNTS, {name: account.user_id for name, account in accounts.items()}
        )
    return accounts
