"""`manage.py generate_scale`: sector-scale data (samen/scale), here at the small profile (a hundredth)."""

from io import StringIO

import nacl.pwhash.argon2id as argon2id
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count

from cases import keys as case_keys
from cases.models import Case
from organisations.models import Organisation, Partnership
from samen import scale
from samen.scale.cases import summary
from speakup import keys as handler_keys

pytestmark = pytest.mark.django_db

SMALL = scale.PROFILES["small"]


def test_small_profile_counts_determinism_refusal_and_sealed_cases(settings):
    # The handler keys are derived with the fastest Argon2id (the production limits are for people, not tests).
    settings.SPEAKUP_ARGON2_OPSLIMIT, settings.SPEAKUP_ARGON2_MEMLIMIT = argon2id.OPSLIMIT_MIN, argon2id.MEMLIMIT_MIN
    call_command("load_framework", verbosity=0)
    with transaction.atomic():
        out = StringIO()
        call_command("generate_scale", profile="small", seed=7, stdout=out)
        first = scale.fingerprint()
        assert scale.counts() == {
            "members": SMALL.members,
            "partners": SMALL.partners,
            "partnerships": SMALL.partnerships,
            "assessments": SMALL.assessments,
            "answers": SMALL.assessments * SMALL.answers_per_assessment,
            "actions": SMALL.actions,
            "cases": SMALL.cases,
            "dilemmas": SMALL.dilemmas,
            "relations": SMALL.relations,
        }
        assert "assessments and answers" in out.getvalue()  # progress per stage
        # A few large funders, many small members: the largest has several times the median's partnerships.
        per_member = sorted(
            Partnership.objects.filter(organisation__slug__startswith="scale-m")
            .values_list("organisation")
            .annotate(n=Count("pk"))
            .values_list("n", flat=True)
        )
        assert per_member[-1] >= 3 * per_member[len(per_member) // 2]

        # A second run on the same database does nothing and says why.
        with pytest.raises(CommandError, match="already holds 6 generated member organisations"):
            call_command("generate_scale", profile="small", seed=7, stdout=StringIO())
        assert Organisation.objects.filter(slug__startswith="scale-").count() == SMALL.members + SMALL.partners

        # Every case's summary is sealed; its handler unlocks their key and reads it.
        case = Case.objects.select_related("organisation").order_by("reference", "organisation__slug").first()
        assert case is not None and case.summary and b"scale" not in bytes(case.summary)
        handler = case.assignments.get().user
        private_key = handler_keys.open_with_password(handler, scale.HANDLER_KEY_PASSWORD)
        opened = case_keys.open_with(case_keys.case_keys(case, private_key), case.summary_version, case.summary)
        assert opened.decode() == summary(case)
        assert Case.objects.filter(summary=b"").count() == 0
        transaction.set_rollback(True)

    assert scale.generated() == 0
    # Same seed, same data: ciphertexts and primary keys aside, every generated row is the same again.
    scale.generate(SMALL, seed=7, out=lambda line: None)
    assert scale.fingerprint() == first


def test_refuses_without_the_framework():
    with pytest.raises(CommandError, match="load_framework"):
        call_command("generate_scale", profile="small", stdout=StringIO())
    assert not Organisation.objects.exists()
