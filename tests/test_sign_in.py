"""Sign-in (SAML, OIDC, LDAP) on both faces, over the emulator: what is refused at preview with
nothing written, the write-only secrets (one write when they change, none when they do not,
never read back), and Looker's own LDAP tests before a plan that needs them."""

from __future__ import annotations

import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from pulumi_looker.client import LookerClient
from pulumi_looker.emulator.schemas import fingerprint
from tests.support.looker import writes
from tests.test_faces import DynamicFace, PluginFace

API = "/api/4.0"
NOW = datetime.datetime.now(datetime.timezone.utc)
DAY = datetime.timedelta(days=1)

OIDC = {
    "enabled": True,
    "alternate_email_login_allowed": True,
    "identifier": "looker",
    "secret": "first-secret",
    "issuer": "https://idp.example.com",
    "authorization_endpoint": "https://idp.example.com/authorize",
    "token_endpoint": "https://idp.example.com/token",
    "userinfo_endpoint": "https://idp.example.com/userinfo",
}


@pytest.fixture(params=["dynamic", "plugin"])
def face(request: pytest.FixtureRequest, emulator) -> DynamicFace | PluginFace:
    return DynamicFace(emulator) if request.param == "dynamic" else PluginFace(emulator)


def certificate(start: datetime.datetime, end: datetime.datetime) -> str:
    """A self-signed certificate valid from ``start`` to ``end``, in PEM."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "idp.example.com")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def saml(cert: str, **extra: object) -> dict:
    return {
        "enabled": True,
        "alternate_email_login_allowed": True,
        "idp_url": "https://idp.example.com/sso",
        "idp_issuer": "https://idp.example.com",
        "idp_cert": cert,
        **extra,
    }


def test_an_endpoint_that_is_not_https_is_refused_with_no_call(face, emulator) -> None:
    emulator.control.clear_requests()
    _, failures = face.check("OidcConfig", {**OIDC, "token_endpoint": "http://idp.example.com/t"})
    assert failures == [
        (
            "token_endpoint",
            "token_endpoint must be an https:// URL (Looker signs users in through it), got "
            "'http://idp.example.com/t'",
        )
    ]
    assert emulator.control.calls() == {}


@pytest.mark.parametrize(
    ("cert", "said"),
    [
        ("not a certificate", "idp_cert is not an X.509 certificate in PEM"),
        (certificate(NOW - 60 * DAY, NOW - DAY), "idp_cert expired on "),
        (certificate(NOW + DAY, NOW + 60 * DAY), "idp_cert is not valid before "),
    ],
    ids=["garbage", "expired", "not-yet-valid"],
)
def test_a_saml_certificate_that_cannot_sign_anyone_in_is_refused(
    face, emulator, cert, said
) -> None:
    emulator.control.clear_requests()
    _, failures = face.check("SamlConfig", saml(cert))
    assert [(name, reason[: len(said)]) for name, reason in failures] == [("idp_cert", said)]
    assert writes(emulator) == []


def test_a_certificate_near_its_end_is_a_warning_at_preview(emulator) -> None:
    face = PluginFace(emulator)
    warned: list[tuple[str, str]] = []

    async def warn(urn: str, message: str) -> None:
        warned.append((urn, message))

    face.plugin.warn = warn
    body = certificate(NOW - DAY, NOW + 10 * DAY)
    # The base64 body alone, as identity providers show it, is taken too.
    bare = "".join(body.strip().splitlines()[1:-1])
    inputs, failures = face.check("SamlConfig", saml(bare))
    assert failures == []
    [(urn, message)] = warned
    assert urn == face.urn("SamlConfig")
    assert message.startswith("idp_cert expires on ")
    assert message.endswith("within 30 days: renew it")
    face.create("SamlConfig", inputs)
    assert emulator.control.state()["saml_config"]["idp_cert"] == bare


def test_turning_single_sign_on_on_without_email_login_is_refused_unless_allowed(
    face, emulator
) -> None:
    emulator.control.clear_requests()
    without = {**OIDC, "alternate_email_login_allowed": False}
    _, failures = face.check("OidcConfig", without)
    assert [name for name, _ in failures] == ["alternate_email_login_allowed"]
    assert "nobody (admins included) can sign in" in failures[0][1]
    assert "allow_lockout = true" in failures[0][1]
    login, read = ("POST", f"{API}/login"), ("GET", f"{API}/oidc_config")
    assert emulator.control.calls() == {login: 1, read: 1}  # the live config, once
    inputs, failures = face.check("OidcConfig", {**without, "allow_lockout": True})
    assert failures == []
    assert "allow_lockout" not in inputs or inputs["allow_lockout"] is True
    assert writes(emulator) == []


def test_what_turning_a_method_on_needs_is_named(face, emulator) -> None:
    _, failures = face.check(
        "OidcConfig", {"enabled": True, "alternate_email_login_allowed": True, "identifier": "x"}
    )
    assert failures == [
        (name, f"{name} is required to turn OpenID Connect sign-in on")
        for name in (
            "secret",
            "issuer",
            "authorization_endpoint",
            "token_endpoint",
            "userinfo_endpoint",
        )
    ]
    assert writes(emulator) == []


def test_a_write_only_secret_is_written_when_it_changes_and_never_else(face, emulator) -> None:
    emulator.control.clear_requests()
    inputs, failures = face.check("OidcConfig", OIDC)
    assert failures == []
    id_, outs = face.create("OidcConfig", inputs)
    assert writes(emulator).count(("PATCH", f"{API}/oidc_config")) == 1
    assert outs["secret"] == "first-secret"  # as written: Looker never answers it

    # A refresh keeps it (Looker answers none), and sees no change.
    found, refreshed = face.read("OidcConfig", id_, outs)
    assert found == id_
    assert refreshed["secret"] == "first-secret"
    assert face.diff("OidcConfig", id_, refreshed, inputs) == (False, [])

    rotated = {**inputs, "secret": "second-secret"}
    assert face.diff("OidcConfig", id_, refreshed, rotated) == (True, [])
    emulator.control.clear_requests()
    outs = face.update("OidcConfig", id_, refreshed, rotated)
    assert writes(emulator) == [("PATCH", f"{API}/oidc_config")]
    [body] = [r["body"] for r in emulator.control.requests() if r["method"] == "PATCH"]
    # Only what changed (the emulator's request log keeps a secret as its fingerprint).
    assert body == {"secret": fingerprint("second-secret")}
    assert face.diff("OidcConfig", id_, outs, rotated) == (False, [])


def test_turning_a_method_off_that_every_admin_signs_in_with_is_refused(
    face, emulator, client
) -> None:
    inputs, _ = face.check("OidcConfig", OIDC)
    face.create("OidcConfig", inputs)
    # The instance's admins: the API user and one more, neither with an email login.
    emulator.control.seed({"users": [{"first_name": "Ada", "email": None, "roles": ["Admin"]}]})
    client.request("DELETE", "/users/1/credentials_email")
    off = {**inputs, "enabled": False}
    emulator.control.clear_requests()
    _, failures = face.check("OidcConfig", off, inputs)
    assert [name for name, _ in failures] == ["enabled"]
    assert "would leave no admin a way to sign in" in failures[0][1]
    assert writes(emulator) == []
    _, failures = face.check("OidcConfig", {**off, "allow_lockout": True}, inputs)
    assert failures == []

    emulator.control.seed(
        {"users": [{"first_name": "Bo", "email": "bo@example.com", "roles": ["Admin"]}]}
    )
    LookerClient.close_shared()  # the next preview is a new process: it lists users anew
    _, failures = face.check("OidcConfig", off, inputs)
    assert failures == []


LDAP = {
    "enabled": True,
    "alternate_email_login_allowed": True,
    "connection_host": "ldap.example.com",
    "connection_port": "636",
    "connection_tls": True,
    "auth_username": "cn=looker,dc=example,dc=com",
    "auth_password": "bind-password",
    "user_bind_base_dn": "ou=people,dc=example,dc=com",
}
LDAP_TESTS = [f"{API}/ldap_config/test_connection", f"{API}/ldap_config/test_auth"]


def _tests_run(emulator) -> list[str]:
    return [r["path"] for r in emulator.control.requests() if "/ldap_config/test_" in r["path"]]


@pytest.mark.parametrize(
    ("servers", "field", "said"),
    [
        ({"unreachable": ["ldap.example.com"]}, "connection_host", "test_connection"),
        ({"passwords": {"ldap.example.com": "another"}}, "auth_password", "test_auth"),
    ],
    ids=["unreachable", "wrong-password"],
)
def test_turning_ldap_on_runs_lookers_tests_first(face, emulator, servers, field, said) -> None:
    emulator.control.set_servers(**servers)
    emulator.control.clear_requests()
    _, failures = face.check("LdapConfig", LDAP)
    [(name, reason)] = failures
    assert name == field
    assert reason.startswith(f"Looker's {said} of the new LDAP sign-in configuration failed: ")
    assert writes(emulator) == []
    assert emulator.control.state()["ldap_config"]["enabled"] is False


def test_ldap_is_tested_when_its_connection_changes_and_its_password_is_drift(
    face, emulator, client
) -> None:
    emulator.control.clear_requests()
    inputs, failures = face.check("LdapConfig", LDAP)
    assert failures == []
    assert _tests_run(emulator) == LDAP_TESTS
    id_, outs = face.create("LdapConfig", inputs)
    assert writes(emulator).count(("PATCH", f"{API}/ldap_config")) == 1
    assert (outs["has_auth_password"], outs["auth_password"]) == (True, "bind-password")

    emulator.control.clear_requests()
    _, failures = face.check("LdapConfig", inputs, inputs)  # nothing tested changes
    assert (failures, _tests_run(emulator)) == ([], [])
    _, failures = face.check("LdapConfig", {**inputs, "user_custom_filter": "(a=b)"}, inputs)
    assert (failures, _tests_run(emulator)) == ([], [])
    _, failures = face.check("LdapConfig", {**inputs, "connection_port": "389"}, inputs)
    assert (failures, _tests_run(emulator)) == ([], [LDAP_TESTS[0]])

    client.request("PATCH", "/ldap_config", json={"auth_password": None})  # by hand, in Looker
    _, refreshed = face.read("LdapConfig", id_, outs)
    assert (refreshed["has_auth_password"], refreshed["auth_password"]) == (False, None)
    assert face.diff("LdapConfig", id_, refreshed, inputs) == (True, [])


def test_every_signing_certificate_of_several_is_checked(face, emulator) -> None:
    good = "".join(certificate(NOW - DAY, NOW + 90 * DAY).strip().splitlines()[1:-1])
    expired = "".join(certificate(NOW - 90 * DAY, NOW - DAY).strip().splitlines()[1:-1])
    several = saml(good, idp_cert_multi={"signing": [good, expired]})
    _, failures = face.check("SamlConfig", several)
    assert [(name, reason[:26]) for name, reason in failures] == [
        ("idp_cert_multi", "idp_cert_multi expired on ")
    ]
    inputs, failures = face.check("SamlConfig", {**several, "idp_cert_multi": {"signing": [good]}})
    assert failures == []
    id_, outs = face.create("SamlConfig", inputs)
    assert emulator.control.state()["saml_config"]["idp_cert_multi"] == {"signing": [good]}
    assert face.diff("SamlConfig", id_, outs, inputs) == (False, [])
