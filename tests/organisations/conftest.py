import pytest

from accounts.models import User


@pytest.fixture(autouse=True)
def english(request, settings):
    """These tests read the English text; the Dutch catalogue is tested in tests/test_translations.py."""
    settings.LANGUAGE_CODE = "en"
    if "people" in request.fixturenames:
        request.getfixturevalue("people")
        User.objects.update(language="en")
