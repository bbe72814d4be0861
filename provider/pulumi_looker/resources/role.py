"""``Role``: a permission set granted over a model set; users and groups get roles."""

from __future__ import annotations

from pulumi_looker import models

from .collection import Rules, collection_kind
from .kind import Link

ROLE = collection_kind(
    Rules(models.ROLES, required=("name", "permission_set_id", "model_set_id")),
    name="Role",
    description="A Looker role: a permission set granted over a model set.",
    doc="""A Looker role (``/api/4.0/roles``): ``name``, ``permission_set_id`` and
``model_set_id`` (a :class:`PermissionSet`'s and a :class:`ModelSet`'s ``permission_set_id``
and ``model_set_id`` outputs, or the ids of Looker's own sets).""",
    config_key="roles",
    example={"name": "Marketing analyst", "permission_set_id": "1", "model_set_id": "1"},
    links={
        "permissionSet": Link(
            "PermissionSet", "permission_set_id", "permission_set_id", ("permission_set_id",)
        ),
        "modelSet": Link("ModelSet", "model_set_id", "model_set_id", ("model_set_id",)),
    },
)
KINDS = (ROLE,)
