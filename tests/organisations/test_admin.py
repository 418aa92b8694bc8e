"""Platform operators see every organisations model in the Django admin."""

import pytest
from django.urls import reverse

from organisations.models import Invitation
from tests.conftest import make_user

MODELS = ["organisation", "membership", "invitation", "partnership", "alliance", "consent"]


@pytest.mark.parametrize("model", MODELS)
def test_operator_lists_each_model(people, model):
    operator = make_user("operator@samen.example", two_factor=True, is_staff=True, is_superuser=True)
    client = people.client("anonymous")
    client.force_login(operator)
    assert client.get(reverse(f"admin:organisations_{model}_changelist")).status_code == 200


def test_the_invitation_token_hash_is_not_shown(people):
    operator = make_user("operator@samen.example", two_factor=True, is_staff=True, is_superuser=True)
    client = people.client("anonymous")
    client.force_login(operator)
    invitation, _token = Invitation.issue(people.org, "new@hulp.example", "member", people.admin)
    page = client.get(reverse("admin:organisations_invitation_change", args=[invitation.pk]))
    assert page.status_code == 200
    assert invitation.token_hash.encode() not in page.content
