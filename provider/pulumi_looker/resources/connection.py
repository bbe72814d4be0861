"""``Connection``: how Looker reaches a database, named by its id (a rename replaces it).

Its password, certificate and key file type are write-only secrets (see ``sign_in`` for how a
write-only field is compared). When its inputs change, the new configuration is tested at
check, so at preview, with Looker's own test of an unsaved connection (``PUT
/connections/test``, which writes nothing): each test the dialect supports that fails refuses
the plan with what Looker answered.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pulumi_looker import models

from .collection import DeleteGuard, Rules, collection_kind
from .common import Failure, is_unknown

if TYPE_CHECKING:
    from pulumi_looker.client import LookerClient

_WRITABLE = models.writable_fields(models.DBConnection)


def tested(client: LookerClient, olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[Failure]:
    """Looker's test of the connection the inputs would give, when one of its fields changes:
    the live connection (adopted, from the listing a refresh reads), the last inputs (the
    secrets among them) and the new ones over it. Skipped while one of them is unknown (the
    ``up``'s own check runs it)."""
    if olds and all(news.get(n) == olds.get(n) for n in _WRITABLE):
        return []
    config: dict[str, Any] = {}
    adopted = news.get(models.CONNECTIONS.id_name)
    if isinstance(adopted, str):
        live = client.objects(models.CONNECTIONS).get(adopted)
        if live is not None:
            config |= {k: v for k, v in models.to_dict(live).items() if k in _WRITABLE}
    config |= {n: olds[n] for n in _WRITABLE if olds.get(n) is not None}
    config |= {n: news[n] for n in _WRITABLE if news.get(n) is not None}
    if any(is_unknown(v) for v in config.values()) or not config.get("dialect_name"):
        return []
    results = client.test_unsaved(models.DBConnection, "/connections/test", config)
    failed = [r for r in results if r.get("status") == "error"]
    if not failed:
        return []
    said = "; ".join(f"{r.get('name')}: {r.get('message')}" for r in failed)
    name = config.get("name")
    return [("host", f"Looker's test of connection {name!r} failed ({said}); nothing was saved")]


def used_by_models(client: LookerClient, live: Any) -> str | None:
    """Why the connection may not be deleted: the LookML models that may use it (one ``GET
    /lookml_models``), whose explores would fail; None when none does."""
    using = sorted(
        model.name
        for model in client.lookml_models()
        if live.name in (model.allowed_db_connection_names or ())
    )
    if not using:
        return None
    return f"is used by LookML models {', '.join(using)}: their queries would fail"


def managed_by_looker(live: Any) -> str | None:
    """Looker's own connections (``managed``, or its ``example``) are left as they are."""
    if getattr(live, "managed", False):
        return "is created and managed by Looker (managed)"
    if getattr(live, "example", False):
        return "is Looker's example connection"
    return None


CONNECTION = collection_kind(
    Rules(
        models.CONNECTIONS,
        required=("name", "dialect_name"),
        validate=tested,
        locked=managed_by_looker,
        replaced_by=("name",),
        guard=DeleteGuard("delete_when_used", used_by_models),
    ),
    name="Connection",
    description=(
        "A database connection, tested by Looker at preview; its password and certificate "
        "are write-only secrets."
    ),
    doc="""A database connection (``/api/4.0/connections``): ``name`` (its id: a new name replaces
it), ``dialect_name`` (``postgres``, ``bigquery_standard_sql``, ``snowflake``...), ``host``,
``port``, ``database``, ``schema``, ``username``, ``password`` or ``certificate`` (with
``file_type``), ``ssl`` and ``verify_ssl``, pool and query limits, PDT settings (``tmp_db_name``,
``pdt_concurrency``, ``maintenance_cron``), time zones and JDBC parameters. A change is tested
at preview with Looker's test of the unsaved connection; a failing test refuses the plan with
what Looker answered. ``password``, ``certificate`` and ``file_type`` are write-only: compared
with what the stack last wrote (a change is one write, none otherwise); ``has_password``
turning false shows at refresh; ``secrets_in_looker=True`` says those given are what an
adopted connection has already (a Terraform state holds what Terraform wrote): adopting writes
them not. Destroy refuses, deleting nothing, while LookML models may use the connection
(``allowed_db_connection_names``), unless ``delete_when_used=True``.""",
    config_key="connections",
    example={"name": "warehouse", "dialect_name": "postgres", "host": "db.example.com"},
    secrets=("password", "certificate"),
)

KINDS = (CONNECTION,)
