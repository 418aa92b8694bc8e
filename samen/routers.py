"""The one database router: models of tables one kind of database has stay out of the way on the other.

Full-text search is each database's own (framework/fulltext.py). SQLite reads its FTS5 virtual tables through
unmanaged models (guide, dilemmas); PostgreSQL keeps the dilemma library's search documents in a table of their
own (dilemmas.models.SearchDocument, filled by a trigger). Without this router, `dumpdata` (and anything else
that walks every model a database allows) would query a table the other database does not have, and a
migration would create a PostgreSQL table on SQLite.
"""

from typing import Any

from django.apps import apps
from django.db import connections


class OneVendorTables:
    """A model with `ONLY_ON = "sqlite"` (or "postgresql") belongs to databases of that vendor only.

    The attribute is read from the model class the app defines, not from the model a migration is given
    (a historical model has the fields, not the class attributes): a migration's CreateModel of such a
    model creates its table on that vendor only.
    """

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        if model_name is None:
            return None
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            return None  # a model a later migration deleted
        vendor = getattr(model, "ONLY_ON", None)
        if vendor is None:
            return None
        return bool(connections[db].vendor == vendor)
