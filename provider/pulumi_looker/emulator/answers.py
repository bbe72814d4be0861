"""How the emulated Looker answers an error: the ``Error`` and ``ValidationError`` bodies of
Looker's API description, built in this one place for the routes, the faults and the control
routes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.responses import JSONResponse

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
