from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command


def load(path: Path | None = None, **options: object) -> str:
    """Run `load_framework` (on the shipped content, or on `path`) and return what it printed."""
    out = StringIO()
    if path is not None:
        options["path"] = path
    call_command("load_framework", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def framework(db) -> None:
    """The shipped taxonomy and glossary, as `make run` loads them."""
    load(verbosity=0)
