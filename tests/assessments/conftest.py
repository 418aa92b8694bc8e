import pytest
from django.core.management import call_command

from framework.models import AssessmentLibrary
from tests.assessments.helpers import Partner, make_partner


@pytest.fixture(autouse=True)
def _in_english(english):
    """These tests read the English text."""


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def libraries(db) -> dict[str, AssessmentLibrary]:
    call_command("load_framework", verbosity=0)
    return {library.code: library for library in AssessmentLibrary.objects.current()}


@pytest.fixture
def baseline(libraries) -> AssessmentLibrary:
    return libraries["partner-integrity-baseline"]


@pytest.fixture
def partner(people) -> Partner:
    """Kampala Women's Network, a partner that Hulp funds, with an admin, a member and a viewer."""
    return make_partner(people)
