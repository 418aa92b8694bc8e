import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _in_english(english):
    """These tests read the English text."""


@pytest.fixture(autouse=True)
def _no_cached_figures():
    """Each test computes its own figures: the tests' rolled-back databases reuse keys, so a cached set could match."""
    cache.clear()
    yield
    cache.clear()
