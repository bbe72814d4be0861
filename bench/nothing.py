"""``pulumi-resource-nothing``: a provider plugin whose one resource, ``nothing:index:Thing``,
does nothing (check, diff, create, read, update and delete answer at once). Built on the same
SDK and server as the looker plugin, it times Pulumi's own work for N resources: the floor the
looker plugin's time is measured against (``bench/organisation.py``). Not part of the package."""

from __future__ import annotations

import json

from pulumi.provider.experimental.provider import (
    CheckRequest,
    CheckResponse,
    ConfigureRequest,
    ConfigureResponse,
    CreateRequest,
    CreateResponse,
    DeleteRequest,
    DiffRequest,
    DiffResponse,
    GetSchemaRequest,
    GetSchemaResponse,
    Provider,
    ReadRequest,
    ReadResponse,
    UpdateRequest,
    UpdateResponse,
)
from pulumi.provider.experimental.server import ProviderServicer

from pulumi_looker.plugin.server import serve

SCHEMA = {
    "name": "nothing",
    "version": "0.0.1",
    "resources": {
        "nothing:index:Thing": {
            "inputProperties": {"value": {"type": "string"}},
            "properties": {"value": {"type": "string"}},
        }
    },
}


class Nothing(Provider):
    async def get_schema(self, request: GetSchemaRequest) -> GetSchemaResponse:
        return GetSchemaResponse(json.dumps(SCHEMA))

    async def configure(self, request: ConfigureRequest) -> ConfigureResponse:
        return ConfigureResponse(accept_secrets=True, supports_preview=False)

    async def check(self, request: CheckRequest) -> CheckResponse:
        return CheckResponse(inputs=request.new_inputs, failures=[])

    async def diff(self, request: DiffRequest) -> DiffResponse:
        return DiffResponse(changes=request.old_state != request.new_inputs)

    async def create(self, request: CreateRequest) -> CreateResponse:
        return CreateResponse(request.urn.rpartition("::")[2], request.properties)

    async def read(self, request: ReadRequest) -> ReadResponse:
        return ReadResponse(request.resource_id, request.properties, request.inputs)

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        return UpdateResponse(request.news)

    async def delete(self, request: DeleteRequest) -> None:
        return None


def main() -> None:
    serve(
        lambda args, engine, warn: ProviderServicer(args, "0.0.1", Nothing(), engine_address=engine)
    )


if __name__ == "__main__":
    main()
