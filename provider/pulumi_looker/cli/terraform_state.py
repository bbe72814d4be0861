"""A Terraform state as ``pulumi-looker adopt --from-terraform`` reads it: the managed resources
of one provider, in either form Terraform writes them.

- ``terraform.tfstate`` (format version 4): ``resources[]`` with ``mode``, ``type``, ``name``,
  ``module``, ``provider`` (``provider["registry.terraform.io/hirosassa/looker"]``) and
  ``instances[]`` (``index_key``, ``attributes``, ``sensitive_attributes``);
- ``terraform show -json``: ``values.root_module`` with ``resources[]`` (``address``, ``mode``,
  ``type``, ``name``, ``index``, ``provider_name``, ``values``, ``sensitive_values``) and
  ``child_modules[]`` of the same shape.

Data sources are left out: Terraform reads them, it does not manage them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs


class TerraformStateError(ValueError):
    """The file is not a Terraform state this command reads; the message says why."""


@attrs.frozen
class TerraformResource:
    """One managed resource instance: its address (``module.team.looker_group.admins[0]``), its
    type, its provider's registry source (``hirosassa/looker``) and its attributes."""

    address: str
    type: str
    name: str
    provider: str
    #: As the state holds them: a connection's password in plain text, so never in a repr.
    attributes: Mapping[str, Any] = attrs.field(repr=False)


def read(path: Path) -> list[TerraformResource]:
    """Every managed resource instance of the state at ``path``, in its order."""
    try:
        document = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise TerraformStateError(f"{path}: not a Terraform state in JSON ({error})") from error
    if not isinstance(document, dict):
        raise TerraformStateError(f"{path}: not a Terraform state (not a JSON object)")
    if "values" in document or ("format_version" in document and "version" not in document):
        return list(_shown(document.get("values") or {}))
    if document.get("version") == 4:
        return list(_state_v4(document))
    raise TerraformStateError(
        f"{path}: a Terraform state of format version {document.get('version')!r}; this reads "
        "version 4 (Terraform 0.12 and newer) and `terraform show -json`"
    )


def _state_v4(document: Mapping[str, Any]) -> Iterator[TerraformResource]:
    for resource in document.get("resources") or []:
        if resource.get("mode") != "managed":
            continue
        prefix = f"{resource['module']}." if resource.get("module") else ""
        base = f"{prefix}{resource['type']}.{resource['name']}"
        for instance in resource.get("instances") or []:
            yield TerraformResource(
                address=base + _index(instance.get("index_key")),
                type=resource["type"],
                name=resource["name"],
                provider=provider_source(resource.get("provider", "")),
                attributes=instance.get("attributes") or {},
            )


def _shown(module: Mapping[str, Any]) -> Iterator[TerraformResource]:
    for resource in (module.get("root_module") or module).get("resources") or []:
        if resource.get("mode") != "managed":
            continue
        yield TerraformResource(
            address=resource["address"],
            type=resource["type"],
            name=resource["name"],
            provider=provider_source(resource.get("provider_name", "")),
            attributes=resource.get("values") or {},
        )
    for child in (module.get("root_module") or module).get("child_modules") or []:
        yield from _shown(child)


def _index(key: Any) -> str:
    if key is None:
        return ""
    return f"[{json.dumps(key)}]"


def provider_source(text: str) -> str:
    """``hirosassa/looker`` from ``provider["registry.terraform.io/hirosassa/looker"]`` (a
    state's form) or ``registry.terraform.io/hirosassa/looker`` (``show -json``'s)."""
    inner = text.split('"')[1] if '"' in text else text
    parts = inner.split("/")
    return "/".join(parts[-2:]).lower() if len(parts) >= 2 else inner.lower()
