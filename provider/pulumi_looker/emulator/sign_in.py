"""Sign-in in the emulated Looker: the SAML, OIDC and LDAP configurations, Looker's tests of an
LDAP configuration, and the SAML and OIDC test configurations.

Traced to Looker's API description (``tests/spec/looker-4.0.json``; each handler names its
``operationId``): a configuration is one object, read and changed (``PATCH``: read-only fields
ignored, an explicit ``null`` clears a nullable field), never deleted; "updates only succeed if
the new state will be valid (in the sense that all required fields are populated)": enabling
one without the fields of :data:`SAML`, :data:`OIDC` or :data:`LDAP` ``required`` is a ``422``
naming each, as is a mapping to a role, group or user attribute that does not exist. Write-only
fields (``schemas.py``) are kept, never answered: ``default_new_user_role_ids`` and
``default_new_user_group_ids`` are answered as ``default_new_user_roles`` and
``default_new_user_groups``, LDAP's ``auth_password`` as ``has_auth_password``. A group mapping
names a Looker group: Looker makes the group it mirrors when none has that name. The LDAP tests
write nothing, and use the active configuration's ``auth_password`` when the body has none (the
description's text); they reach the directory the control API describes
(``PUT /_emulator/servers``). Every route "may be denied by Looker (Google Cloud core)": there
it answers ``403``.
"""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from typing import Any

import attrs
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .access import GROUPS, ROLES, USER_ATTRIBUTES
from .answers import (
    GOOGLE_CLOUD_CORE_REFUSAL,
    LookerHttpError,
    json_answer,
    not_found,
    object_body,
    validated,
    validation_detail,
    validation_failed,
)
from .collections import API, Collection, Collections, Detail, base_url
from .schemas import ATTRIBUTE_MAPPING, GROUP_MAPPING, SIGN_IN, Schema, masked
from .state import Record, User, random_token

#: The XML namespaces of a SAML metadata document.
_SAML_METADATA = {
    "md": "urn:oasis:names:tc:SAML:2.0:metadata",
    "ds": "http://www.w3.org/2000/09/xmldsig#",
}


@attrs.frozen
class SignIn:
    """One way of signing in: its configuration's id (its path without the slash), what it
    is in words, the fields an enabled configuration must have, whether its mappings carry
    ``url`` (``SamlGroupRead`` and ``LDAPGroupRead`` do, ``OIDCGroupRead`` not), and the key of
    its test configurations (None: it has none)."""

    id: str
    label: str
    required: tuple[str, ...]
    mapping_url: bool
    test_configs: str | None = None

    @property
    def schema(self) -> Schema:
        return SIGN_IN[self.id]


#: SAML needs its identity provider's URL, issuer and certificate (``idp_cert``, or
#: ``idp_cert_multi``'s ``signing`` ones).
SAML = SignIn(
    "saml_config", "SAML", ("idp_url", "idp_issuer", "idp_cert"), True, "saml_test_configs"
)
OIDC = SignIn(
    "oidc_config",
    "OIDC",
    (
        "issuer",
        "authorization_endpoint",
        "token_endpoint",
        "userinfo_endpoint",
        "identifier",
        "secret",
    ),
    False,
    "oidc_test_configs",
)
LDAP = SignIn(
    "ldap_config", "LDAP", ("connection_host", "connection_port", "user_bind_base_dn"), True
)
assert {c.id for c in (SAML, OIDC, LDAP)} == set(SIGN_IN)

#: Looker's tests of an LDAP configuration, by path: the fields each requires (the
#: description's text, and "the configuration is validated before attempting to contact the
#: server"), and whether it signs in with the server account (``auth_username``).
LDAP_TESTS: dict[str, tuple[tuple[str, ...], bool]] = {
    "test_connection": (("connection_host", "connection_port"), False),
    "test_auth": (("connection_host", "connection_port", "auth_username"), True),
    "test_user_info": (("connection_host", "connection_port", "test_ldap_user"), True),
    "test_user_auth": (
        ("connection_host", "connection_port", "test_ldap_user", "test_ldap_password"),
        True,
    ),
}


class SignInApi:
    """The sign-in routes of one emulated instance; ``release``: the Looker it plays."""

    def __init__(self, api: Collections, release: str, *, google_cloud_core: bool) -> None:
        self.api = api
        self.store = api.store
        self.release = release
        self.google_cloud_core = google_cloud_core

    def routes(self) -> list[Route]:
        routes = [
            self._route(f"/{c.id}", "GET PATCH", self._config_endpoint(c))
            for c in (SAML, OIDC, LDAP)
        ]
        routes += [
            self._route(f"/ldap_config/{name}", "PUT", self._ldap_test_endpoint(name))
            for name in LDAP_TESTS
        ]
        for config in (SAML, OIDC):
            routes += [
                self._route(f"/{config.test_configs}", "POST", self._new_test_endpoint(config)),
                self._route(
                    f"/{config.test_configs}/{{test_slug}}",
                    "GET DELETE",
                    self._test_config_endpoint(config),
                ),
            ]
        routes.append(self._route("/parse_saml_idp_metadata", "POST", self.parse_metadata))
        return routes

    def _route(self, path: str, methods: str, handler: Callable[[Request, User], Any]) -> Route:
        async def checked(request: Request, caller: User) -> Response:
            if self.google_cloud_core:
                raise LookerHttpError(403, GOOGLE_CLOUD_CORE_REFUSAL)
            answer: Response = await handler(request, caller)
            return answer

        return self.api.route(f"{API}{path}", checked, methods.split())

    # --- answers ---------------------------------------------------------------------------

    def _served(self, config: SignIn, record: Record, base: str, caller: User) -> dict[str, Any]:
        """The configuration as Looker answers it (``SamlConfig``, ``OIDCConfig``,
        ``LDAPConfig``): write-only fields left out, the objects they name answered instead."""
        url = f"{base}/{config.id}"
        extra = {"url": url} if config.mapping_url else {}
        objects = self.store.objects

        def served(collection: Collection, ids: list[str] | None) -> list[Record]:
            held = objects[collection.key]
            return [
                self.api.served(collection, held[i], base, caller) for i in ids or [] if i in held
            ]

        groups, attributes = [], []
        for mapping in record.get("groups_with_role_ids") or []:
            group = self.store.group_named(mapping.get("looker_group_name") or mapping.get("name"))
            written = {**copy.deepcopy(mapping), "looker_group_id": group and group["id"], **extra}
            groups.append(written)
        for mapping in record.get("user_attributes_with_ids") or []:
            attributes.append({**copy.deepcopy(mapping), **extra})
        answer = {
            **copy.deepcopy(record),
            "can": {"show": True, "update": True},
            "url": url,
            "default_new_user_roles": served(ROLES, record.get("default_new_user_role_ids")),
            "default_new_user_groups": served(GROUPS, record.get("default_new_user_group_ids")),
            "groups_with_role_ids": groups,
            "groups": [
                {
                    **{k: m.get(k) for k in ("id", "looker_group_id", "looker_group_name", "name")},
                    "roles": served(ROLES, m.get("role_ids")),
                    **extra,
                }
                for m in groups
            ],
            "user_attributes_with_ids": attributes,
            "user_attributes": [
                {
                    "name": m.get("name"),
                    "required": bool(m.get("required")),
                    "user_attributes": served(USER_ATTRIBUTES, m.get("user_attribute_ids")),
                    **extra,
                }
                for m in attributes
            ],
            "has_auth_password": record.get("auth_password") is not None,
        }
        return {name: answer.get(name) for name in config.schema.answered(self.release)}

    # --- writes ----------------------------------------------------------------------------

    def _changes(self, config: SignIn, body: Record) -> Record:
        """The changes ``body`` makes to a configuration, or a 422 naming each field with a
        wrong value or naming a role, group or user attribute that does not exist."""
        schema = config.schema
        changes = validated(schema.rules, body, schema.fields_in(self.release))
        errors: list[Detail] = []
        for field, key in (
            ("default_new_user_role_ids", "roles"),
            ("default_new_user_group_ids", "groups"),
        ):
            errors += self._unknown(field, key, changes.get(field))
        for field, mapping_schema, ids, key in (
            ("groups_with_role_ids", GROUP_MAPPING, "role_ids", "roles"),
            (
                "user_attributes_with_ids",
                ATTRIBUTE_MAPPING,
                "user_attribute_ids",
                "user_attributes",
            ),
        ):
            if changes.get(field) is None:
                continue
            mappings = []
            for item in changes[field]:
                try:
                    mapping = validated(mapping_schema.rules, item)
                except LookerHttpError as refused:
                    errors += [{**d, "field": field} for d in refused.errors or []]
                    continue
                errors += self._unknown(field, key, mapping.get(ids))
                mappings.append(mapping)
            changes[field] = mappings
        if errors:
            raise validation_failed(errors)
        return changes

    def _unknown(self, field: str, key: str, ids: list[str] | None) -> list[Detail]:
        """A detail on ``field`` for each of ``ids`` that no ``key`` object has."""
        held = self.store.objects[key]
        what = key[:-1].replace("_", " ")
        return [
            validation_detail(field, "invalid", f"no {what} with id {i!r}")
            for i in ids or []
            if i not in held
        ]

    @staticmethod
    def _missing(config: SignIn, values: Record) -> list[Detail]:
        """A detail for each field an enabled configuration lacks."""
        if not values.get("enabled"):
            return []
        signing = (values.get("idp_cert_multi") or {}).get("signing")
        present = {**values, "idp_cert": values.get("idp_cert") or signing}
        return [
            validation_detail(f, "missing_field", f"{f} is required to enable {config.label}")
            for f in config.required
            if not present.get(f)
        ]

    def _config_endpoint(self, config: SignIn) -> Callable[[Request, User], Any]:
        async def endpoint(request: Request, caller: User) -> Response:
            """``GET``/``PATCH /saml_config``, ``/oidc_config``, ``/ldap_config``
            (``saml_config``, ``update_saml_config``, ``oidc_config``, ``update_oidc_config``,
            ``ldap_config``, ``update_ldap_config``)."""
            held = self.store.singletons[config.id]
            if request.method == "PATCH":
                changes = self._changes(config, await object_body(request))
                missing = self._missing(config, {**held, **changes})
                if missing:
                    raise validation_failed(missing)
                self.store.update_sign_in(config.id, changes, caller.id)
            answer = self._served(config, held, base_url(request), caller)
            return json_answer(answer, request)

        return endpoint

    # --- LDAP tests ------------------------------------------------------------------------

    def _ldap_test_endpoint(self, test: str) -> Callable[[Request, User], Any]:
        required, signs_in = LDAP_TESTS[test]

        async def endpoint(request: Request, caller: User) -> Response:
            """``PUT /ldap_config/test_connection``, ``test_auth``, ``test_user_info``,
            ``test_user_auth`` (``test_ldap_config_connection``, ``test_ldap_config_auth``,
            ``test_ldap_config_user_info``, ``test_ldap_config_user_auth``): the body, an
            unsaved configuration, tested (``LDAPConfigTestResult``); nothing written."""
            tried = masked(self._changes(LDAP, await object_body(request)))
            if tried.get("auth_password") is None:
                tried["auth_password"] = self.store.singletons[LDAP.id].get("auth_password")
            missing = [
                validation_detail(f, "missing_field", f"{f} is required for {test}")
                for f in required
                if not tried.get(f)
            ]
            if missing:
                raise validation_failed(missing)
            host, port = str(tried["connection_host"]), tried.get("connection_port")
            servers = self.store.servers
            failure = (
                servers.sign_in_failure(host, port, tried.get("auth_password"))
                if signs_in
                else servers.unreachable_reason(host, port)
            )
            user = tried.get("test_ldap_user")
            success = {
                "test_connection": f"Connected to {host}:{port}",
                "test_auth": f"Authenticated to {host} as {tried.get('auth_username')}",
                "test_user_info": f"Found user {user} on {host}",
                "test_user_auth": f"Authenticated user {user} on {host}",
            }[test]
            answer = {
                "details": failure,
                "issues": [] if failure is None else [{"severity": "error", "message": failure}],
                "message": success if failure is None else f"{test} failed",
                "status": "success" if failure is None else "error",
                "trace": "",
                "user": {"ldap_id": user} if user and failure is None else None,
                "url": f"{base_url(request)}/ldap_config",
            }
            return json_answer(answer, request)

        return endpoint

    # --- SAML metadata ---------------------------------------------------------------------

    async def parse_metadata(self, request: Request, caller: User) -> Response:
        """``POST /parse_saml_idp_metadata`` (``parse_saml_idp_metadata``): the body, an
        identity provider's SAML metadata (XML), read as ``SamlMetadataParseResult``: its
        ``entityID``, its single sign-on URL (the HTTP-Redirect binding's, else the first) and
        its signing certificates (a key without ``use`` signs too); XML that does not parse is
        a 400."""
        try:
            root = ElementTree.fromstring(await request.body())
        except ElementTree.ParseError as error:
            raise LookerHttpError(400, f"SAML IdP metadata is not XML: {error}") from None
        sso = root.findall(".//md:IDPSSODescriptor/md:SingleSignOnService", _SAML_METADATA)
        redirect = [s for s in sso if s.get("Binding", "").endswith(":HTTP-Redirect")]
        certificates = [
            "".join((cert.text or "").split())
            for key in root.findall(".//md:IDPSSODescriptor/md:KeyDescriptor", _SAML_METADATA)
            if key.get("use", "signing") == "signing"
            for cert in key.findall(".//ds:X509Certificate", _SAML_METADATA)
        ]
        answer = {
            "can": {},
            "idp_issuer": root.get("entityID"),
            "idp_url": next((s.get("Location") for s in redirect or sso), None),
            "idp_cert": certificates[0] if certificates else None,
            "idp_cert_multi": {"signing": certificates},
        }
        has = SIGN_IN[SAML.id].fields_in(self.release)
        return json_answer(
            {k: v for k, v in answer.items() if k != "idp_cert_multi" or k in has}, request
        )

    # --- SAML and OIDC test configurations -------------------------------------------------

    def _new_test_endpoint(self, config: SignIn) -> Callable[[Request, User], Any]:
        key = str(config.test_configs)

        async def endpoint(request: Request, caller: User) -> Response:
            """``POST /saml_test_configs``, ``/oidc_test_configs``
            (``create_saml_test_config``, ``create_oidc_test_config``): the body kept apart
            from the active configuration under a new ``test_slug``, which the answer has."""
            changes = self._changes(config, await object_body(request))
            slug = random_token(32).lower()
            record = {
                **config.schema.blank(),
                **masked(changes),
                "id": slug,
                "test_slug": slug,
                "modified_by": caller.id,
            }
            self.store.objects[key][slug] = record
            self.store.save()
            return json_answer(self._served(config, record, base_url(request), caller), request)

        return endpoint

    def _test_config_endpoint(self, config: SignIn) -> Callable[[Request, User], Any]:
        key = str(config.test_configs)

        async def endpoint(request: Request, caller: User) -> Response:
            """``GET``/``DELETE /saml_test_configs/{test_slug}``, ``/oidc_test_configs/...``
            (``saml_test_config``, ``delete_saml_test_config``, ``oidc_test_config``,
            ``delete_oidc_test_config``): an unknown slug is a 404; a delete answers 204."""
            record = self.store.objects[key].get(request.path_params["test_slug"])
            if record is None:
                raise not_found()
            if request.method == "DELETE":
                del self.store.objects[key][record["id"]]
                self.store.save()
                return Response(status_code=204)
            return json_answer(self._served(config, record, base_url(request), caller), request)

        return endpoint
