"""Pulumi's resource monitor, mocked: a program declares its resources in the test's process."""

from __future__ import annotations

import pulumi


class Mocks(pulumi.runtime.Mocks):
    """Records each resource declared; its outputs are its inputs (and a service account's
    ``user_id`` its id), its id its import id or ``<name>-id``."""

    def __init__(self) -> None:
        self.resources: list[pulumi.runtime.MockResourceArgs] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:
        self.resources.append(args)
        id_ = args.resource_id or f"{args.name}-id"
        outputs = dict(args.inputs)
        if args.typ.endswith(":ServiceAccount"):
            outputs.setdefault("user_id", id_)
        return id_, outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict:
        return {}
