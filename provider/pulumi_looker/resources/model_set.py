"""``ModelSet``: a named set of LookML models, over which roles grant their permissions."""

from __future__ import annotations

from pulumi_looker import models

from .collection import Rules, collection_kind

MODEL_SET = collection_kind(
    Rules(models.MODEL_SETS),
    name="ModelSet",
    description="A Looker model set: the LookML models a role's permissions apply to.",
    doc="""A Looker model set (``/api/4.0/model_sets``): ``name`` and ``models`` (LookML model
names).""",
    config_key="modelSets",
    example={"name": "Marketing", "models": ["thelook"]},
)
KINDS = (MODEL_SET,)
