"""How people sign in: SAML, OpenID Connect and LDAP, each a settings singleton, and what is
checked before a plan may change one (at preview, nothing written).

Checked without a call, whenever the inputs are known: every endpoint is an ``https`` URL; the
SAML identity provider's certificate parses, is valid now (a failure) and not within 30 days of
its end (a warning). Checked with the calls it needs, only when the plan turns a method on or
off or changes what is tested:

- turning a method on: the fields it needs are set (in the program or already in Looker), and
  ``alternate_email_login_allowed`` is on, or the user says ``allow_lockout``: with it off, an
  identity provider that fails locks every user out, admins too;
- turning a method off: some admin (a user holding a role whose permission set has
  ``administer`` or all access) still has email credentials to sign in with (one ``GET
  /users``), or ``allow_lockout``;
- LDAP, turned on or its connection or credentials changed: Looker's own tests of the new,
  unsaved configuration (``PUT /ldap_config/test_connection``, then ``test_auth``, and
  ``test_user_auth`` when a test user is given); a failure refuses with Looker's answer.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from pulumi_looker import models
from pulumi_looker.errors import ValidationError

from .common import Failure, is_unknown
from .kind import BOOL
from .lockout import admin_roles, roles_of
from .singleton import singleton_kind

if TYPE_CHECKING:
    from pulumi_looker.client import LookerClient

#: How long before a certificate's end a preview warns of it.
EXPIRY_WARNING = datetime.timedelta(days=30)
#: The input by which the user accepts a plan that may lock users out.
ALLOW_LOCKOUT = "allow_lockout"


@attrs.frozen
class Test:
    """One of Looker's tests of a configuration: it runs when the method is on and one of
    ``fields`` changes (or the method is turned on), if the configuration has every field it
    ``needs``; a failure names the first of ``fields``."""

    fields: tuple[str, ...]
    needs: tuple[str, ...]


@attrs.frozen
class SignIn:
    """What one sign-in method needs, beside its fields' rules."""

    singleton: models.Singleton
    #: Fields the method cannot be turned on without (in the program, or already in Looker).
    required: tuple[str, ...]
    #: Fields that hold a URL, which must be ``https``.
    urls: tuple[str, ...] = ()
    #: The fields that hold the identity provider's X.509 certificates: one, or an object
    #: whose ``signing`` lists several.
    certificates: tuple[str, ...] = ()
    #: Looker's tests of an unsaved configuration, in the order they run.
    tests: Mapping[str, Test] = attrs.field(factory=dict)

    def __call__(
        self,
        client: Callable[[], LookerClient | None],
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
    ) -> tuple[list[Failure], tuple[str, ...]]:
        """The preflight of :class:`~pulumi_looker.resources.singleton.SingletonLogic`."""
        failures = [f for name in self.urls for f in _https(name, news.get(name))]
        warnings: tuple[str, ...] = ()
        for name in self.certificates:
            value = news.get(name)
            texts = (value.get("signing") or []) if isinstance(value, dict) else [value]
            for text in texts:
                if isinstance(text, str) and not is_unknown(text):
                    cert_failures, cert_warnings = _certificate(name, text)
                    failures += cert_failures
                    warnings += cert_warnings
        enabled = news.get("enabled")
        if failures or enabled is None or is_unknown(enabled):
            return failures, warnings
        tested = any(
            not _same_input(news.get(n), olds.get(n))
            for test in self.tests.values()
            for n in test.fields
        )
        if enabled == olds.get("enabled") and not tested:
            return failures, warnings  # nothing that is checked here changes
        looker = client()
        if looker is None:
            return failures, warnings  # the call that needs a connection says what is missing
        live = models.to_dict(looker.read_singleton(self.singleton))
        if enabled and not live.get("enabled"):
            failures += self._turning_on(news, live)
        elif not enabled and live.get("enabled") and not news.get(ALLOW_LOCKOUT):
            failures += self._turning_off(looker)
        if enabled and not failures and self.tests:
            failures += self._tested(looker, olds, news, live, turned_on=not live.get("enabled"))
        return failures, warnings

    @property
    def _label(self) -> str:
        return self.singleton.label

    def _turning_on(self, news: Mapping[str, Any], live: Mapping[str, Any]) -> list[Failure]:
        missing = [n for n in self.required if news.get(n) is None and live.get(n) in (None, "")]
        failures: list[Failure] = [
            (name, f"{name} is required to turn {self._label} on") for name in missing
        ]
        email = news.get("alternate_email_login_allowed")
        if email is None:
            email = live.get("alternate_email_login_allowed")
        if not is_unknown(email) and not email and not news.get(ALLOW_LOCKOUT):
            failures.append(
                (
                    "alternate_email_login_allowed",
                    f"turning {self._label} on with alternate_email_login_allowed off "
                    "leaves the identity provider the only way in: if it fails, nobody "
                    "(admins included) can sign in; set alternate_email_login_allowed = "
                    f"true, or {ALLOW_LOCKOUT} = true to turn it on anyway",
                )
            )
        return failures

    def _turning_off(self, looker: LookerClient) -> list[Failure]:
        """Refused when no admin who is not disabled has email credentials: they all sign in
        with this method. From the listings of users and groups a refresh reads too."""
        listed = looker.users.listed()
        if listed is None:
            return []  # more users than a listing reads: nothing to say either way
        admins = admin_roles(looker)
        groups = looker.access.groups()
        people = [
            user
            for user in listed
            if user.person is not None
            and not user.person.is_disabled
            and user.service_account is None
            and roles_of(user.person, groups) & admins
        ]
        if not people or any(user.email_login for user in people):
            return []
        names = ", ".join(sorted(user.id for user in people))
        return [
            (
                "enabled",
                f"turning {self._label} off would leave no admin a way to sign in: no admin "
                f"(users {names}) has email credentials; give one an email login first, or set "
                f"{ALLOW_LOCKOUT} = true",
            )
        ]

    def _tested(
        self,
        looker: LookerClient,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        live: Mapping[str, Any],
        *,
        turned_on: bool,
    ) -> list[Failure]:
        """Looker's tests of the configuration the plan would save (it writes nothing), in
        order, stopping at the first that fails; skipped while an input they send is unknown
        (the ``up``'s own check runs them)."""
        writable = models.writable_fields(self.singleton.model)
        config = {n: live.get(n) for n in writable if live.get(n) is not None}
        config |= {n: olds[n] for n in writable if olds.get(n) is not None}
        config |= {n: news[n] for n in writable if news.get(n) is not None}
        if any(is_unknown(v) for v in config.values()):
            return []
        for name, test in self.tests.items():
            changed = any(not _same_input(news.get(n), olds.get(n)) for n in test.fields)
            if not (turned_on or changed) or not all(config.get(n) for n in test.needs):
                continue
            path = f"{self.singleton.path}/{name}"
            try:
                answer = looker.test_unsaved(self.singleton.model, path, config)
            except ValidationError as error:  # Looker checks the configuration first
                answer = {"status": "error", "message": str(error)}
            if answer.get("status") != "success":
                said = "; ".join(
                    str(answer[k]) for k in ("message", "details") if answer.get(k)
                ) or str(answer.get("status"))
                reason = f"Looker's {name} of the new {self._label} configuration failed: {said}"
                return [(test.fields[0], reason)]
        return []


def _known(value: Any) -> bool:
    return value is not None and not is_unknown(value)


def _same_input(new: Any, old: Any) -> bool:
    return new is None or (not is_unknown(new) and new == old)


def _https(name: str, value: Any) -> list[Failure]:
    if not _known(value) or not isinstance(value, str) or value.startswith("https://"):
        return []
    reason = f"{name} must be an https:// URL (Looker signs users in through it), got {value!r}"
    return [(name, reason)]


def _certificate(name: str, text: str) -> tuple[list[Failure], tuple[str, ...]]:
    """A failure when ``text`` is not an X.509 certificate (PEM, or its base64 body as
    identity providers show it) valid now; a warning when it ends within 30 days."""
    from cryptography import x509  # only a SAML check needs it

    body = text.strip()
    if "-----BEGIN" not in body:
        body = f"-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n"
    try:
        cert = x509.load_pem_x509_certificate(body.encode())
    except ValueError as error:
        reason = f"{name} is not an X.509 certificate in PEM (or its base64 body): {error}"
        return [(name, reason)], ()
    now = datetime.datetime.now(datetime.timezone.utc)
    start, end = cert.not_valid_before_utc, cert.not_valid_after_utc
    if end <= now:
        reason = f"{name} expired on {end:%Y-%m-%d %H:%M} UTC: Looker would refuse every sign-in"
        return [(name, reason)], ()
    if start > now:
        return [(name, f"{name} is not valid before {start:%Y-%m-%d %H:%M} UTC")], ()
    if end - now <= EXPIRY_WARNING:
        days = EXPIRY_WARNING.days
        warning = f"{name} expires on {end:%Y-%m-%d %H:%M} UTC, within {days} days: renew it"
        return [], (warning,)
    return [], ()


SAML = SignIn(
    models.SAML_CONFIG,
    required=("idp_url", "idp_issuer", "idp_cert"),
    urls=("idp_url",),
    certificates=("idp_cert", "idp_cert_multi"),
)
OIDC = SignIn(
    models.OIDC_CONFIG,
    required=(
        "identifier",
        "secret",
        "issuer",
        "authorization_endpoint",
        "token_endpoint",
        "userinfo_endpoint",
    ),
    urls=("issuer", "authorization_endpoint", "token_endpoint", "userinfo_endpoint"),
)
LDAP = SignIn(
    models.LDAP_CONFIG,
    required=("connection_host", "connection_port", "user_bind_base_dn"),
    tests={
        "test_connection": Test(
            fields=(
                "connection_host",
                "connection_port",
                "connection_tls",
                "connection_tls_no_verify",
            ),
            needs=("connection_host", "connection_port"),
        ),
        "test_auth": Test(
            fields=("auth_password", "auth_username", "user_bind_base_dn"),
            needs=("auth_username",),
        ),
        "test_user_auth": Test(
            fields=("test_ldap_user", "test_ldap_password"),
            needs=("test_ldap_user", "test_ldap_password"),
        ),
    },
)


def _kind(method: SignIn, **declared: Any) -> Any:
    """A sign-in method's kind: a singleton that exports whether it is on, checked by its
    preflight, with ``allow_lockout``."""
    return singleton_kind(
        method.singleton,
        exports=("enabled",),
        preflight=method,
        options={ALLOW_LOCKOUT: BOOL},
        **declared,
    )


_CHECKED = """

Checked at preview, with nothing written: {checks} Turning it on needs
``alternate_email_login_allowed`` on; turning it off needs an admin with email credentials;
``allow_lockout=True`` accepts either risk."""


def _doc(text: str, checks: str) -> str:
    return text + _CHECKED.format(checks=checks)


KINDS = (
    _kind(
        SAML,
        name="SamlConfig",
        module="saml_config",
        description="Sign-in through a SAML identity provider, its group and attribute mappings.",
        doc=_doc(
            """Sign-in through a SAML identity provider (``/api/4.0/saml_config``), with the groups
and roles its groups map to (``groups_with_role_ids``) and the user attributes its attributes set
(``user_attributes_with_ids``).""",
            "``idp_url`` is https; ``idp_cert`` parses and is valid now (a warning within 30 "
            "days of its end).",
        ),
        config_key="samlConfig",
        resource_name="saml-config",
    ),
    _kind(
        OIDC,
        name="OidcConfig",
        module="oidc_config",
        description="Sign-in through an OpenID Connect provider, its group and attribute mappings.",
        doc=_doc(
            """Sign-in through an OpenID Connect provider (``/api/4.0/oidc_config``), with the
groups and roles its groups map to and the user attributes its claims set. ``secret`` is write-only:
Looker never answers it, so a change in Looker's UI cannot be seen; a change in the program is
one write, an unchanged one none.""",
            "every endpoint and the issuer are https.",
        ),
        config_key="oidcConfig",
        resource_name="oidc-config",
    ),
    _kind(
        LDAP,
        name="LdapConfig",
        module="ldap_config",
        description="Sign-in against an LDAP directory, tested by Looker before it is applied.",
        doc=_doc(
            """Sign-in against an LDAP directory (``/api/4.0/ldap_config``). ``auth_password`` (the
bind password) is write-only: a change in the program is one write, an unchanged one none, and
Looker's ``has_auth_password`` turning false shows at refresh.""",
            "turning it on, or changing its connection or credentials, runs Looker's own "
            "``test_connection`` and ``test_auth`` (and ``test_user_auth`` with a test user) "
            "of the unsaved configuration; a failing test refuses with Looker's answer.",
        ),
        config_key="ldapConfig",
        resource_name="ldap-config",
    ),
)
