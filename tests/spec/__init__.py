"""The part of Looker's OpenAPI description the project uses, kept in the repository, and
how an answer is checked against it.

``looker-4.0.json`` is written by ``scripts/extract-spec`` from ``spec/Looker.4.0.oas.json`` of
looker-open-source/sdk-codegen; its ``info`` says which API version and Looker release.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

SPEC = Path(__file__).with_name("looker-4.0.json")
DESCRIPTION = json.loads(SPEC.read_text())
SCHEMAS = DESCRIPTION["components"]["schemas"]
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "boolean": (bool,),
    "integer": (int,),
    "number": (int, float),
    "array": (list,),
    "object": (dict,),
}


def departures(value: Any, schema: dict[str, Any], where: str = "$") -> list[str]:
    """Where ``value`` departs from ``schema`` (``$ref`` s followed): a value of another type,
    a null the schema does not allow (a ``$ref`` may be null: OpenAPI 3.0 cannot say
    otherwise), a property the schema lacks."""
    if "$ref" in schema:
        if value is None:
            return []
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[1]]
    if value is None:
        return [] if schema.get("nullable") else [f"{where}: null"]
    kind = schema.get("type", "object")
    if not isinstance(value, _JSON_TYPES[kind]) or (
        kind in ("integer", "number") and isinstance(value, bool)
    ):
        return [f"{where}: {value!r} is not {kind}"]
    if kind == "array":
        items = schema.get("items", {})
        return [d for i, item in enumerate(value) for d in departures(item, items, f"{where}[{i}]")]
    if kind == "object" and "properties" in schema:
        known = schema["properties"]
        found = [f"{where}.{name}: not in the schema" for name in value if name not in known]
        for name, item in value.items():
            if name in known:
                found += departures(item, known[name], f"{where}.{name}")
        return found
    return []


def described(answer: httpx.Response, template: str) -> Any:
    """``answer``'s body, once its status is one the description lists for the operation
    (``template``: the path as the description writes it) and its body is of that
    response's schema."""
    path = answer.request.url.path.removeprefix("/api/4.0")
    operation = DESCRIPTION["paths"][template][answer.request.method.lower()]
    response = operation["responses"].get(str(answer.status_code))
    assert response is not None, (answer.request.method, path, answer.status_code, answer.text)
    if answer.status_code == 204:
        assert answer.content == b"", path
        return None
    schema = response["content"]["application/json"]["schema"]
    body = answer.json()
    assert departures(body, schema) == [], (answer.request.method, path)
    return body
