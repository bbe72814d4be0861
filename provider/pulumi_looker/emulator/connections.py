"""Database connections in the emulated Looker: listed, made, read, changed, deleted and tested,
and the dialects they use.

Traced to Looker's API description (``tests/spec/looker-4.0.json``; each handler names its
``operationId``): a connection's name is its id ("also used as the unique identifier"), so a
``POST`` or a rename (``PATCH`` with another ``name``) to a name in use is a ``409`` ("Resource
Already Exists", which both routes list); an unknown name is a ``404``. ``password``,
``certificate`` and ``file_type`` (and ``pdt_context_override``'s) are write-only: kept (secrets
as fingerprints), never answered; ``has_password`` is. ``dialect`` is answered from
``dialect_name``, one of ``dialects.py``'s (else a ``422`` on ``dialect_name``). Enabling
``user_db_credentials`` "will remove previously set username and password". The tests run
"the specific types of tests that the connection supports" (its dialect's
``connection_tests``), those of ``tests`` only when it is given ("unsupported tests in the
request will be ignored"); the PDT tests run only where PDTs are enabled (a ``tmp_db_name``).
They reach the databases the control API describes (``PUT /_emulator/servers``): a host
unreachable or a wrong password fails every test, with why.
"""

from __future__ import annotations

import copy
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pulumi_looker import models

from .answers import (
    LookerHttpError,
    json_answer,
    not_found,
    object_body,
    validated,
    validation_detail,
    validation_failed,
)
from .collections import API, Collections, Detail, base_url
from .dialects import DIALECTS, OPTIONS, Dialect
from .schemas import DB_CONNECTION, DB_CONNECTION_OVERRIDE, masked
from .state import Record, User

#: The tests that need PDTs enabled on the connection.
_PDT_TESTS = ("tmp_db", "cdt", "pdt")

#: What each test says when it passes.
_PASSED = {
    "connect": "Can connect",
    "kill": "Can cancel queries",
    "query": "Can run simple select query",
    "database_timezone": "Database timezone matches the connection's",
    "database_version": "Can read the database version",
    "tmp_db": "Can use the temp schema",
    "cdt": "Can create derived tables",
    "pdt": "Can create persistent derived tables",
}


class ConnectionsApi:
    """The connection and dialect routes of one emulated instance; ``release``: the Looker it
    plays."""

    def __init__(self, api: Collections, release: str) -> None:
        self.api = api
        self.store = api.store
        self.release = release

    def routes(self) -> list[Route]:
        paths = (
            ("/connections", "GET POST", self.connections),
            ("/connections/test", "PUT", self.test_config),
            ("/connections/{connection_name}", "GET PATCH DELETE", self.connection),
            ("/connections/{connection_name}/test", "PUT", self.test),
            ("/dialect_info", "GET", self.dialect_info),
            ("/lookml_models", "GET", self.lookml_models),
        )
        return [self.api.route(f"{API}{p}", handler, m.split()) for p, m, handler in paths]

    # --- answers ---------------------------------------------------------------------------

    def _served(self, record: Record, base: str) -> dict[str, Any]:
        """``DBConnection``: write-only fields left out, what Looker works out answered."""
        dialect = DIALECTS.get(str(record.get("dialect_name")))
        override = record.get("pdt_context_override")
        if override is not None:
            kept = {**override, "has_password": bool(override.get("password"))}
            override = {
                name: copy.deepcopy(kept.get(name))
                for name in DB_CONNECTION_OVERRIDE.answered(self.release)
            }
        answer = {
            **copy.deepcopy(record),
            "can": {"show": True, "index": True, "update": True, "destroy": True},
            "dialect": dialect and dialect.answer(),
            "snippets": [],
            "pdts_enabled": bool(record.get("tmp_db_name")),
            "has_password": record.get("password") is not None,
            "pdt_context_override": override,
            **dict.fromkeys(
                (
                    "uses_oauth",
                    "uses_instance_oauth",
                    "uses_service_auth",
                    "supports_data_studio_link",
                    "example",
                    "managed",
                    "default_bq_connection",
                ),
                False,
            ),
        }
        return {name: answer.get(name) for name in DB_CONNECTION.answered(self.release)}

    def _serve(self, record: Record, request: Request) -> Response:
        return json_answer(self._served(record, base_url(request)), request)

    def _found(self, request: Request) -> Record:
        record = self.store.objects["connections"].get(request.path_params["connection_name"])
        if record is None:
            raise not_found()
        return record

    # --- writes ----------------------------------------------------------------------------

    def _changes(self, body: Record, *, create: bool) -> Record:
        """The changes of ``body``, or a 422 naming each field that is wrong: a value of the
        wrong kind, a dialect Looker has not, no name or dialect on a create (or either
        emptied by a change)."""
        changes = validated(DB_CONNECTION.rules, body, DB_CONNECTION.fields_in(self.release))
        errors: list[Detail] = []
        override = changes.get("pdt_context_override")
        if override is not None:
            rules = DB_CONNECTION_OVERRIDE.rules
            try:
                has = DB_CONNECTION_OVERRIDE.fields_in(self.release)
                changes["pdt_context_override"] = validated(rules, override, has)
            except LookerHttpError as refused:
                errors += [{**d, "field": "pdt_context_override"} for d in refused.errors or []]
        for field in ("name", "dialect_name"):
            if (create and not changes.get(field)) or (field in changes and not changes[field]):
                errors.append(validation_detail(field, "missing_field", f"{field} is required"))
        dialect = changes.get("dialect_name")
        if dialect is not None and dialect not in DIALECTS:
            allowed = ", ".join(sorted(DIALECTS))
            message = f"dialect_name must be one of {allowed}, got {dialect!r}"
            errors.append(validation_detail("dialect_name", "invalid", message))
        if errors:
            raise validation_failed(errors)
        if changes.get("user_db_credentials"):
            changes.update(username=None, password=None)
        return changes

    def _free(self, name: str) -> None:
        if name in self.store.objects["connections"]:
            raise LookerHttpError(409, f"A connection named {name!r} already exists")

    async def connections(self, request: Request, caller: User) -> Response:
        """``GET /connections`` (``all_connections``: every connection, by name, ``fields=``);
        ``POST`` (``create_connection``: a new connection named by its ``name``)."""
        held = self.store.objects["connections"]
        if request.method == "GET":
            base = base_url(request)
            listed = sorted(held.values(), key=lambda r: str(r["id"]).lower())
            return json_answer([self._served(r, base) for r in listed], request)
        changes = self._changes(await object_body(request), create=True)
        self._free(changes["name"])
        return self._serve(self.store.add_connection(changes, caller.id), request)

    async def connection(self, request: Request, caller: User) -> Response:
        """``GET``/``PATCH``/``DELETE /connections/{connection_name}`` (``connection``,
        ``update_connection``: a new ``name`` renames it, ``delete_connection``: 204)."""
        record = self._found(request)
        held = self.store.objects["connections"]
        if request.method == "DELETE":
            del held[record["id"]]
            self.store.save()
            return Response(status_code=204)
        if request.method == "PATCH":
            changes = self._changes(await object_body(request), create=False)
            name = changes.get("name") or record["id"]
            if name != record["id"]:
                self._free(name)
                del held[record["id"]]
                held[name] = record
            record.update(masked(changes), id=name, name=name, user_id=caller.id)
            self.store.save()
        return self._serve(record, request)

    # --- tests -----------------------------------------------------------------------------

    def _results(self, record: Record, request: Request) -> Response:
        """``DBConnectionTestResult`` s of the tests of ``record`` (a connection, saved or not)."""
        dialect: Dialect = DIALECTS[str(record["dialect_name"])]
        asked = request.query_params.get("tests")
        wanted = None if asked is None else {t.strip() for t in asked.split(",")}
        host, port = record.get("host"), record.get("port") or dialect.port
        failure = (
            self.store.servers.sign_in_failure(str(host), port, record.get("password"))
            if host
            else "Cannot connect: no host given"
        )
        results: list[Record] = []
        for test in dialect.tests:
            if (wanted is not None and test not in wanted) or (
                test in _PDT_TESTS and not record.get("tmp_db_name")
            ):
                continue
            jdbc = f"jdbc:{dialect.name}://{host}:{port}/{record.get('database') or ''}"
            results.append(
                {
                    "can": {},
                    "connection_string": jdbc if test == "connect" else None,
                    "message": failure or _PASSED[test],
                    "name": test,
                    "status": "error" if failure else "success",
                }
            )
        return json_answer(results, request)

    async def test(self, request: Request, caller: User) -> Response:
        """``PUT /connections/{connection_name}/test`` (``test_connection``: ``tests``, the
        names of the tests to run, comma-separated)."""
        return self._results(self._found(request), request)

    async def test_config(self, request: Request, caller: User) -> Response:
        """``PUT /connections/test`` (``test_connection_config``): the body, an unsaved
        connection (its dialect required), tested; nothing written."""
        changes = self._changes(await object_body(request), create=False)
        if not changes.get("dialect_name"):
            detail = validation_detail("dialect_name", "missing_field", "dialect_name is required")
            raise validation_failed([detail])
        return self._results({**DB_CONNECTION.blank(), **masked(changes)}, request)

    async def lookml_models(self, request: Request, caller: User) -> Response:
        """``GET /lookml_models`` (``all_lookml_models``: every LookML model a seed gave, by
        name, ``fields=``), with the connections each may use
        (``allowed_db_connection_names``), which deleting a connection does not change."""
        models_held = sorted(self.store.objects["lookml_models"].values(), key=lambda r: r["id"])
        answer = [
            {
                **{k: copy.deepcopy(v) for k, v in record.items() if k != "id"},
                "can": {"index": True, "show": True},
                "explores": [],
                "has_content": True,
                "label": record.get("label") or str(record["name"]).replace("_", " ").title(),
            }
            for record in models_held
        ]
        return json_answer(answer, request)

    async def dialect_info(self, request: Request, caller: User) -> Response:
        """``GET /dialect_info`` (``all_dialect_infos``): every dialect, ``fields=``."""
        release = models.parse_release(self.release)
        has = tuple(
            o
            for o, since in OPTIONS.items()
            if since is None or models.parse_release(since) <= release
        )
        return json_answer([d.info(has) for d in DIALECTS.values()], request)
