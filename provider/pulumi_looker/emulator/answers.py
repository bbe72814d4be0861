"""How the emulated Looker answers: the ``Error`` and ``ValidationError`` bodies of Looker's API
description, a success restricted to the ``fields`` asked for, and the request bodies and query
numbers every route reads, built in this one place for the routes, the faults and the control
routes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pulumi_looker import models

#: Where Looker's error bodies send a reader (``documentation_url``).
DOCS = "https://docs.cloud.google.com/looker/docs/r/api/support"


def validation_detail(field: str, code: str, message: str) -> dict[str, str]:
    """One entry of a ``ValidationError``'s ``errors``."""
    return {"field": field, "code": code, "message": message, "documentation_url": DOCS}


def error_body(message: str, errors: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """Looker's ``Error`` body, or its ``ValidationError`` body when ``errors`` are given."""
    body: dict[str, Any] = {"message": message, "documentation_url": DOCS}
    if errors is not None:
        body["errors"] = errors
    return body


def error_response(
    status: int,
    message: str,
    *,
    errors: list[dict[str, str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(error_body(message, errors), status_code=status, headers=headers)


class LookerHttpError(Exception):
    """An error answer, in the shape of the spec's ``Error`` or ``ValidationError``."""

    def __init__(
        self, status: int, message: str, *, errors: list[dict[str, str]] | None = None
    ) -> None:
        self.status = status
        self.message = message
        self.errors = errors
        super().__init__(message)

    def response(self) -> Response:
        return error_response(self.status, self.message, errors=self.errors)


NOT_FOUND = "Not found"
#: What Looker (Google Cloud core) answers a call the API description says it may deny.
GOOGLE_CLOUD_CORE_REFUSAL = "Unsupported in Looker (Google Cloud core)"


def not_found() -> LookerHttpError:
    """Looker's answer to an id it does not have (or hides)."""
    return LookerHttpError(404, NOT_FOUND)


def validation_failed(errors: list[dict[str, str]]) -> LookerHttpError:
    """A 422 ``ValidationError`` with ``errors`` (from :func:`validation_detail`)."""
    return LookerHttpError(422, "Validation Failed", errors=errors)


def json_answer(data: Any, request: Request, status: int = 200) -> JSONResponse:
    """``data``, restricted to the ``fields`` the request names, if it names any."""
    fields = request.query_params.get("fields")
    if fields:
        wanted = {f.strip() for f in fields.split(",") if f.strip()}

        def pick(item: dict[str, Any]) -> dict[str, Any]:
            return {k: v for k, v in item.items() if k in wanted}

        data = [pick(item) for item in data] if isinstance(data, list) else pick(data)
    return JSONResponse(data, status_code=status)


async def json_body(request: Request, default: bytes = b"{}") -> Any:
    """The request's JSON body (``default`` when it has none); 400 when it is not JSON."""
    try:
        return json.loads(await request.body() or default)
    except ValueError:
        raise LookerHttpError(400, "Request body is not valid JSON") from None


async def object_body(request: Request) -> dict[str, Any]:
    body = await json_body(request)
    if not isinstance(body, dict):
        raise LookerHttpError(400, "Request body must be a JSON object")
    return body


async def id_list_body(request: Request, what: str) -> list[str]:
    """A body that is an array of ids (``PUT /users/{id}/roles``, ``/roles/{id}/groups``...),
    without repeats, in its order."""
    body = await json_body(request, b"null")
    if not isinstance(body, list) or not all(isinstance(i, str) for i in body):
        raise LookerHttpError(400, f"Request body must be an array of {what} ids")
    return list(dict.fromkeys(body))


def int_param(query: Mapping[str, str], name: str) -> int | None:
    value = query.get(name)
    if value is None:
        return None
    if not value.isdigit():
        raise LookerHttpError(400, f"{name} must be a whole number, got {value!r}")
    return int(value)


def page(items: list[Any], query: Mapping[str, str]) -> list[Any]:
    """``limit``/``offset``, and the deprecated ``page``/``per_page`` unless ``limit`` is given
    (the API description's listings say ``limit`` takes priority)."""
    limit, offset = int_param(query, "limit"), int_param(query, "offset") or 0
    per_page, number = int_param(query, "per_page"), int_param(query, "page")
    if limit is None and per_page is not None:
        limit, offset = per_page, ((number or 1) - 1) * per_page
    return items[offset:] if limit is None else items[offset : offset + limit]


def validated(
    model: type | Mapping[str, models.FieldRule],
    body: Mapping[str, Any],
    fields: tuple[str, ...] | None = None,
) -> dict[str, Any]:
    """The writable fields of ``body`` (among ``fields``, the release's, if given), checked by
    the shared rules of ``model`` (or the rules given); read-only and unknown fields are
    ignored, as Looker ignores them. A null where the field cannot be null is
    ``missing_field``; any other refusal, ``invalid``."""
    changes: dict[str, Any] = {}
    errors = []
    rules = model if isinstance(model, Mapping) else models.rules(model)
    for name, rule in rules.items():
        if not rule.writable or name not in body or (fields is not None and name not in fields):
            continue
        value = body[name]
        reason = None if value is None and rule.nullable else rule.reason(name, value)
        if reason:
            code = "missing_field" if value is None else "invalid"
            errors.append(validation_detail(name, code, reason))
        else:
            changes[name] = rule.normalize(value)
    if errors:
        raise validation_failed(errors)
    return changes
