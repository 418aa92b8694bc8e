"""Framework content is read-only in the operators' admin: the YAML files are the source, the loader the way in."""

import pytest
from django.urls import reverse

from framework.models import GlossaryTerm
from tests.conftest import make_user


@pytest.fixture
def operator(client, db):
    client.force_login(make_user("operator@samen.example", two_factor=True, is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "model", ["glossaryterm", "violationtype", "violationsubtype", "loadedfile", "assessmentlibrary", "requirement"]
)
def test_operators_can_read_but_not_add(operator, framework, model):
    assert operator.get(reverse(f"admin:framework_{model}_changelist")).status_code == 200
    assert operator.get(reverse(f"admin:framework_{model}_add")).status_code == 403


def test_operators_cannot_change_or_delete_a_term(operator, framework):
    term = GlossaryTerm.objects.get(slug="whistleblower")

    assert operator.post(reverse("admin:framework_glossaryterm_change", args=[term.pk]), {}).status_code == 403
    assert (
        operator.post(reverse("admin:framework_glossaryterm_delete", args=[term.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert GlossaryTerm.objects.filter(slug="whistleblower").exists()
