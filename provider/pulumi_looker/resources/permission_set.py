"""``PermissionSet``: a named set of Looker permissions, which roles grant over model sets.

Its permissions are checked at preview against what the instance offers (``GET /permissions``,
one call per process), naming each one Looker lacks and the nearest it has.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pulumi_looker import models

from .collection import Rules, collection_kind
from .common import Failure, is_unknown

if TYPE_CHECKING:
    from pulumi_looker.client import LookerClient


def known_permissions(
    client: LookerClient, olds: Mapping[str, Any], inputs: Mapping[str, Any]
) -> list[Failure]:
    """A failure naming each permission the instance does not have (unknown ones aside)."""
    wanted = [p for p in inputs.get("permissions") or () if not is_unknown(p)]
    if not wanted:
        return []
    offered = sorted({p.permission for p in client.permissions() if p.permission})
    failures = []
    for permission in wanted:
        if permission not in offered:
            close = difflib.get_close_matches(permission, offered, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            failures.append(
                (
                    "permissions",
                    f"permissions: Looker has no permission {permission!r}{hint}; it has: "
                    f"{', '.join(offered)}",
                )
            )
    return failures


PERMISSION_SET = collection_kind(
    Rules(models.PERMISSION_SETS, validate=known_permissions),
    name="PermissionSet",
    description="A Looker permission set: a named set of permissions that roles grant.",
    doc="""A Looker permission set (``/api/4.0/permission_sets``): ``name`` and ``permissions``
(Looker's permission names, such as ``access_data`` or ``see_lookml_dashboards``; each is checked
at preview against the instance's ``GET /permissions``).""",
    config_key="permissionSets",
    example={"name": "Analysts", "permissions": ["access_data", "see_looks"]},
)
KINDS = (PERMISSION_SET,)
