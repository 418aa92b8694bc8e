"""The one database router: models of SQLite-only tables stay out of the way on other databases.

SQLite full-text search reads FTS5 virtual tables through unmanaged models (guide, dilemmas). Those tables
exist only on SQLite (their migrations create them there); on PostgreSQL the same search uses GIN indexes on
the real tables. Without this router, `dumpdata` (and anything else that walks every model a database
allows) would query a table PostgreSQL does not have.
"""

from typing import Any

from django.db import connections


class SQLiteOnlyTables:
    """A model with `SQLITE_ONLY = True` belongs to SQLite databases only."""

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        model = hints.get("model")
        if model is not None and getattr(model, "SQLITE_ONLY", False):
            return connections[db].vendor == "sqlite"
        return None
