import pytest

from roadmap.models import Roadmap
from tests.roadmap.helpers import load_real_roadmap


@pytest.fixture(autouse=True)
def _in_english(english):
    """These tests read the English text."""


@pytest.fixture
def roadmap(db) -> Roadmap:
    load_real_roadmap()
    return Roadmap.objects.get(code="integrity-system")
