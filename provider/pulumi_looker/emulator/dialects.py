"""The SQL dialects the emulated Looker connects with: each as a connection's ``dialect``
answers it (``Dialect``) and as ``GET /dialect_info`` lists it (``DialectInfo``).

A small table of Looker's dialects (the names ``dialect_name`` takes, their labels and default
ports as Looker's connection pages show them); ``connection_tests``: the tests
``PUT /connections/{connection_name}/test`` runs for the dialect, ``connect`` first.
"""

from __future__ import annotations

from typing import Any

import attrs

#: Every field of ``DialectInfoOptions``, with the first release whose description has it
#: (None: older than any release this project supports).
OPTIONS: dict[str, str | None] = {
    "additional_params": None,
    "after_connect_statements": None,
    "analytical_view_dataset": None,
    "auth": None,
    "cost_estimate": None,
    "disabled": "26.4",
    "disable_context_comment": None,
    "host": None,
    "instance_name": None,
    "key_pair_authentication": "26.0",
    "max_billing_gigabytes": None,
    "oauth_credentials": None,
    "pdts_for_oauth": None,
    "port": None,
    "project_name": None,
    "schema": None,
    "service_account_credentials": None,
    "ssl": None,
    "timezone": None,
    "tmp_table": None,
    "tns": None,
    "username": None,
    "username_required": None,
    "supports_connection_pooling": None,
}

_SQL_TESTS = (
    "connect",
    "kill",
    "query",
    "database_timezone",
    "database_version",
    "tmp_db",
    "cdt",
    "pdt",
)
_SERVER_OPTIONS = frozenset(
    {
        "additional_params",
        "after_connect_statements",
        "auth",
        "disable_context_comment",
        "host",
        "port",
        "schema",
        "ssl",
        "timezone",
        "tmp_table",
        "username",
        "username_required",
        "supports_connection_pooling",
    }
)


@attrs.frozen
class Dialect:
    """One dialect: its name and label, default port, tests, the ``DialectInfoOptions`` it
    supports, and what it calls a database and a schema."""

    name: str
    label: str
    port: str
    tests: tuple[str, ...] = _SQL_TESTS
    options: frozenset[str] = _SERVER_OPTIONS
    database_label: str = "Database"
    schema_label: str = "Schema"

    def answer(self) -> dict[str, Any]:
        """``Dialect``, as a connection answers it."""
        return {
            "name": self.name,
            "label": self.label,
            "supports_cost_estimate": "cost_estimate" in self.options,
            "cost_estimate_style": None,
            "persistent_table_indexes": "",
            "persistent_table_sortkeys": "",
            "persistent_table_distkey": "",
            "supports_streaming": True,
            "automatically_run_sql_runner_snippets": True,
            "connection_tests": list(self.tests),
            "supports_inducer": False,
            "supports_multiple_databases": self.name != "mysql",
            "supports_persistent_derived_tables": "pdt" in self.tests,
            "has_ssl_support": "ssl" in self.options,
        }

    def info(self, has: tuple[str, ...]) -> dict[str, Any]:
        """``DialectInfo``, with the options of a release that ``has`` them."""
        return {
            "can": {"show": True, "index": True},
            "default_max_connections": "30",
            "default_port": self.port,
            "default_max_queries": "50",
            "default_max_queries_per_user": "15",
            "installed": True,
            "label": self.label,
            "label_for_database_equivalent": self.database_label,
            "label_for_schema_equivalent": self.schema_label,
            "name": self.name,
            "supported_driver_name": None,
            "supported_driver_versions": [],
            "supported_options": {o: o in self.options for o in OPTIONS if o in has},
        }


_BIGQUERY_OPTIONS = frozenset(
    {
        "additional_params",
        "cost_estimate",
        "max_billing_gigabytes",
        "oauth_credentials",
        "project_name",
        "service_account_credentials",
        "timezone",
        "tmp_table",
        "disable_context_comment",
    }
)

DIALECTS: dict[str, Dialect] = {
    d.name: d
    for d in (
        Dialect("postgres", "PostgreSQL 9.5+", "5432"),
        Dialect("mysql", "MySQL", "3306"),
        Dialect("redshift", "Amazon Redshift", "5439"),
        Dialect(
            "snowflake",
            "Snowflake",
            "443",
            options=_SERVER_OPTIONS | {"key_pair_authentication", "oauth_credentials"},
        ),
        Dialect(
            "bigquery_standard_sql",
            "Google BigQuery Standard SQL",
            "443",
            tests=("connect", "query", "database_timezone", "tmp_db", "cdt", "pdt"),
            options=_BIGQUERY_OPTIONS,
            database_label="Project",
            schema_label="Dataset",
        ),
    )
}
