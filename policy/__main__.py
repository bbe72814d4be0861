"""The pulumi-looker policy pack: `pulumi preview --policy-pack policy --policy-pack-config
policy/<env>.json`. Each rule's enforcement and limits come from the environment's file."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any

import rules
from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyPack,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)


def _description(text: str) -> str:
    """A rule's description as the CLI shows it: the preview's diff prints it straight after the
    resource's name (``(...: password-policy)``), so a space keeps the two apart. The limits
    differ by environment: the violation's own line says them."""
    return f" {text}"


def _resource_policy(
    name: str,
    description: str,
    types: tuple[str, ...],
    rule: Callable[[Mapping[str, Any], Mapping[str, Any]], list[str]],
    schema: dict[str, Any],
) -> ResourceValidationPolicy:
    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if rules.kind_of(args.resource_type) in types:
            props = rules.props_of(args.resource_type, args.props)
            for violation in rule(props, args.get_config()):
                report(violation)

    return ResourceValidationPolicy(
        name=name,
        description=_description(description),
        validate=validate,
        config_schema=PolicyConfigSchema(properties=schema, required=list(schema)),
    )


def _key_age(args: StackValidationArgs, report: ReportViolation) -> None:
    keys = _of_kind(args, rules.KEY)
    now = datetime.datetime.now(datetime.timezone.utc)
    for violation in rules.key_age(keys, args.get_config(), now):
        report(violation)


def _keys_of_disabled_accounts(args: StackValidationArgs, report: ReportViolation) -> None:
    keys, accounts = _of_kind(args, rules.KEY), _of_kind(args, rules.ACCOUNT)
    for violation in rules.keys_of_disabled_accounts(keys, accounts):
        report(violation)


def _admin_role_holders(args: StackValidationArgs, report: ReportViolation) -> None:
    kinds = (rules.ROLE_ASSIGNMENT, rules.USER, rules.GROUP)
    resources = [
        (kind, r.name, rules.props_of(r.resource_type, r.props))
        for r in args.resources
        if (kind := rules.kind_of(r.resource_type)) in kinds
    ]
    for violation in rules.admin_role_holders(resources, args.get_config()):
        report(violation)


def _one_per_instance(args: StackValidationArgs, report: ReportViolation) -> None:
    singletons = [
        (kind, r.name, _instance(r))
        for r in args.resources
        if (kind := rules.kind_of(r.resource_type)) in rules.SINGLETONS
    ]
    for violation in rules.singletons_per_instance(singletons):
        report(violation)


def _of_kind(args: StackValidationArgs, kind: str) -> list[tuple[str, dict[str, Any]]]:
    """(name, snake_case properties) of the stack's resources of ``kind``, in either face."""
    return [
        (r.name, rules.props_of(r.resource_type, r.props))
        for r in args.resources
        if rules.kind_of(r.resource_type) == kind
    ]


def _instance(resource: PolicyResource) -> str | None:
    """The Looker a resource manages: its profile (dynamic face) or its explicit provider's
    name (plugin); None for the default one."""
    if resource.resource_type.startswith(rules.PLUGIN):
        provider = resource.provider
        name = provider.name if provider is not None else None
        return None if name is None or name.startswith("default") else f"provider {name!r}"
    profile = resource.props.get("profile")
    return None if profile is None else f"profile {profile!r}"


INTEGER = {"type": "integer"}

PolicyPack(
    name="pulumi-looker",
    enforcement_level=EnforcementLevel.ADVISORY,
    policies=[
        _resource_policy(
            "password-min-length",
            "Passwords are at least as long as this environment asks.",
            (rules.PASSWORD,),
            rules.password_min_length,
            {"minimum": INTEGER},
        ),
        _resource_policy(
            "password-character-classes",
            "Passwords need the character classes this environment asks for.",
            (rules.PASSWORD,),
            rules.password_character_classes,
            {
                "required": {
                    "type": "array",
                    "items": {"type": "string", "enum": sorted(rules.CLASSES)},
                }
            },
        ),
        _resource_policy(
            "password-expiration",
            "Passwords expire, within the days this environment allows.",
            (rules.PASSWORD,),
            rules.password_expiration,
            {"maxDays": INTEGER},
        ),
        _resource_policy(
            "api-key-purpose",
            "Every API key says what it is for.",
            (rules.KEY,),
            rules.key_purpose,
            {},
        ),
        _resource_policy(
            "automated-mfa",
            "Looker enforces multi-factor authentication for every user.",
            (rules.SETTINGS,),
            rules.automated_mfa,
            {},
        ),
        _resource_policy(
            "email-domain-allowlist",
            "Scheduled content goes only to the allowed email domains.",
            (rules.SETTINGS,),
            rules.email_domain_allowlist,
            {},
        ),
        _resource_policy(
            "service-account-admin",
            "Service accounts do not get the Admin role, but those this environment allows.",
            (rules.ACCOUNT,),
            rules.service_account_admin,
            {"allowed": {"type": "array", "items": {"type": "string"}}},
        ),
        _resource_policy(
            "permission-set-powers",
            "Permission sets do not grant administer or sudo, but those this environment allows.",
            (rules.PERMISSION_SET,),
            rules.permission_set_powers,
            {"allowed": {"type": "array", "items": {"type": "string"}}},
        ),
        _resource_policy(
            "secret-attributes-hidden",
            "A user attribute that holds a secret (by its name or label) is hidden.",
            (rules.ATTRIBUTE,),
            rules.secret_attributes_hidden,
            {},
        ),
        _resource_policy(
            "connection-tls",
            "A database connection uses TLS and verifies the database's certificate.",
            (rules.CONNECTION,),
            rules.connection_tls,
            {},
        ),
        _resource_policy(
            "sign-in-email-fallback",
            "A single sign-on method that is on keeps email login for admins.",
            (rules.SAML, rules.OIDC, rules.LDAP),
            rules.sign_in_email_fallback,
            {},
        ),
        _resource_policy(
            "restore-on-delete",
            "Whether destroying may put back the weaker settings that were there before.",
            rules.SINGLETONS,
            rules.restore_on_delete,
            {"allowed": {"type": "boolean"}},
        ),
        _resource_policy(
            "session-max-minutes",
            "Sessions last at most the minutes this environment allows.",
            (rules.SESSION,),
            rules.session_max_minutes,
            {"maximum": INTEGER},
        ),
        _resource_policy(
            "session-concurrency",
            "Whether a user may keep any number of sessions at once.",
            (rules.SESSION,),
            rules.session_concurrency,
            {"allowUnlimited": {"type": "boolean"}},
        ),
        StackValidationPolicy(
            name="api-key-max-age",
            description=_description(
                "Keys the stack created are rotated within the days this environment allows."
            ),
            validate=_key_age,
            config_schema=PolicyConfigSchema(properties={"maxDays": INTEGER}, required=["maxDays"]),
        ),
        StackValidationPolicy(
            name="admin-role-holders",
            description=_description(
                "Only the users and groups this environment allows by name hold the Admin role."
            ),
            validate=_admin_role_holders,
            config_schema=PolicyConfigSchema(
                properties={
                    "adminRoleIds": {"type": "array", "items": {"type": "string"}},
                    "allowed": {"type": "array", "items": {"type": "string"}},
                },
                required=["adminRoleIds", "allowed"],
            ),
        ),
        StackValidationPolicy(
            name="disabled-account-keys",
            description=_description("No API key is kept for a disabled service account."),
            validate=_keys_of_disabled_accounts,
        ),
        StackValidationPolicy(
            name="one-singleton-per-instance",
            description=_description(
                "At most one PasswordConfig, SessionConfig and InstanceSettings per Looker "
                "instance in this stack (across stacks the provider refuses a second manager)."
            ),
            validate=_one_per_instance,
        ),
    ],
)
