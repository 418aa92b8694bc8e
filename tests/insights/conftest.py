import pytest


@pytest.fixture(autouse=True)
def _in_english(english):
    """These tests read the English text."""
