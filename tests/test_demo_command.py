"""`manage.py demo` on an empty database: when it refuses, and what it does without the framework content.

What the demo makes is tested in tests/test_demo.py, on one shared run.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assessments.models import Assessment
from organisations.models import Organisation
from speakup.models import Report
from tests.test_demo import FAST_KEYS, run_demo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_key_derivation(settings):
    for name, value in FAST_KEYS.items():
        setattr(settings, name, value)


@pytest.fixture(autouse=True)
def framework(db):
    call_command("load_framework", verbosity=0)


def test_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        run_demo()
    assert Organisation.objects.count() == 0


def test_force_runs_without_debug(settings):
    settings.DEBUG = False
    run_demo(force=True)
    assert Organisation.objects.count() == 11


def test_without_the_framework_content_the_rest_is_made_and_a_note_says_what_to_run():
    from framework.models import AssessmentLibrary

    AssessmentLibrary.objects.filter(code__in=["partner-integrity-baseline", "psea-capacity"]).delete()
    err = StringIO()
    call_command("demo", stdout=StringIO(), stderr=err, force=True)
    assert "load_framework" in err.getvalue()
    assert Assessment.objects.count() == 0
    assert Report.objects.count() == 1
