"""The stack config of the project's program: its keys and their spelling, from the models.

The program (``stack_program``), ``pulumi-looker adopt``, the tests and the benchmarks all spell
stack config through this module; it imports nothing but the models, so writing a stack file
never needs Pulumi's resources.
"""

from __future__ import annotations

import attrs

from . import models

#: The inputs of every singleton resource besides its settings.
SINGLETON_OPTIONS = ("restore_on_delete", "takeover", "profile")
#: The inputs of an ApiCredential.
CREDENTIAL_INPUTS = (
    "user_id",
    "user_email",
    "credentials_api3_id",
    "purpose",
    "rotation",
    "keep_previous",
    "profile",
)
#: The key of the list of API keys.
CREDENTIALS = "apiCredentials"
#: The inputs of a ServiceAccount: the model's writable fields, then its roles and options.
SERVICE_ACCOUNT_INPUTS = (
    *models.writable_fields(models.ServiceAccount),
    "user_id",
    "roles",
    "delete_on_destroy",
    "profile",
)
#: The key of the list of service accounts.
SERVICE_ACCOUNTS = "serviceAccounts"


def camel_case(name: str) -> str:
    """``min_length`` -> ``minLength``: how stack config spells an input."""
    first, *rest = name.split("_")
    return first + "".join(part.title() for part in rest)


def snake_case(name: str) -> str:
    """``minLength`` -> ``min_length``: the input a camelCase property sets."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def settings_of(singleton: models.Singleton) -> tuple[str, ...]:
    """The settings a singleton resource can manage: the model's writable fields."""
    return models.writable_fields(singleton.model)


@attrs.frozen
class SingletonKey:
    """A singleton declared from one stack config key (``passwordPolicy``), by the resource
    ``type_name`` (the same in both faces) named ``resource_name``."""

    type_name: str
    config_key: str
    resource_name: str
    singleton: models.Singleton
    #: Outputs the stack exports: only settings that are never null (a null output reads as
    #: unknown in every preview).
    exports: tuple[str, ...]

    @property
    def keys(self) -> dict[str, str]:
        """Each config spelling and the input it sets."""
        names = (*settings_of(self.singleton), *self.singleton.actions, *SINGLETON_OPTIONS)
        return {camel_case(n): n for n in names}


PASSWORD_POLICY = SingletonKey(
    "PasswordConfig",
    "passwordPolicy",
    "password-policy",
    models.PASSWORD_CONFIG,
    ("min_length", "expiration_enabled"),
)
SESSION_POLICY = SingletonKey(
    "SessionConfig",
    "sessionPolicy",
    "session-policy",
    models.SESSION_CONFIG,
    ("allow_persistent_sessions", "unlimited_sessions_per_user"),
)
INSTANCE_SETTINGS = SingletonKey(
    "InstanceSettings",
    "instanceSettings",
    "instance-settings",
    models.INSTANCE_SETTINGS,
    ("automated_mfa_enabled",),
)
SINGLETONS = (PASSWORD_POLICY, SESSION_POLICY, INSTANCE_SETTINGS)
#: Each config spelling of an ApiCredential entry and the input it sets.
CREDENTIAL_KEYS = {camel_case(n): n for n in CREDENTIAL_INPUTS}
#: Each config spelling of a ServiceAccount entry and the input it sets.
SERVICE_ACCOUNT_KEYS = {camel_case(n): n for n in SERVICE_ACCOUNT_INPUTS}


def singleton_key(singleton: models.Singleton) -> SingletonKey:
    """The stack config key that declares ``singleton``."""
    return next(key for key in SINGLETONS if key.singleton == singleton)
