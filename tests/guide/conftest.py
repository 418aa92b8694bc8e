import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from framework.loader import CONTENT_DIR


@pytest.fixture
def loaded(db):
    """The shipped framework content, guide included, loaded as `manage.py load_framework` does."""
    call_command("load_framework", verbosity=0)


@pytest.fixture
def content(tmp_path) -> Path:
    """A copy of the shipped content folder that a test may spoil."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target
