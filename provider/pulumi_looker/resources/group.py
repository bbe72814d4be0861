"""``Group``: users (and groups) that share roles and content access.

A group that SAML, OIDC or LDAP manages (``externally_managed``) is never written: a plan
that would change it is refused at preview, naming it (Looker refuses such writes; devoteam
looker #91).
"""

from __future__ import annotations

from typing import Any

from pulumi_looker import models

from .collection import Rules, built_in, collection_kind


def external(live: Any) -> str | None:
    """A group the identity provider manages refuses writes, and so does ``All Users``, every
    user's group (Looker's docs: its membership cannot be edited)."""
    if getattr(live, "externally_managed", False):
        return "is managed by SAML, OIDC or LDAP (externally_managed): Looker refuses writes to it"
    if getattr(live, "include_by_default", False):
        return "is every user's group (include_by_default): Looker keeps it as it is"
    return built_in(live)


GROUP = collection_kind(
    Rules(models.GROUPS, locked=external),
    name="Group",
    description="A Looker group; one that SAML, OIDC or LDAP manages is never written.",
    doc="""A Looker group (``/api/4.0/groups``): ``name``, and whether its members may add it
to content access lists (``can_add_to_content_metadata``). A group the identity provider
manages (``externally_managed``) is never written: a change is refused at preview.""",
    config_key="groups",
    example={"name": "Marketing analysts"},
)
KINDS = (GROUP,)
