"""Platform operators read the audit log in the Django admin; nobody adds, changes or deletes entries there."""

import pytest
from django.urls import reverse

from audit.models import Entry, Event, record
from tests.conftest import make_user


@pytest.fixture
def operator(client, db):
    user = make_user("operator@samen.example", two_factor=True, is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


@pytest.fixture
def entry(db) -> Entry:
    return record(Event.LOGIN, actor="officer@hulp.example", organisation="hulp")


def test_an_operator_reads_the_log(operator, entry):
    response = operator.get(reverse("admin:audit_entry_changelist"))

    assert response.status_code == 200
    assert "officer@hulp.example" in response.content.decode()
    assert operator.get(reverse("admin:audit_entry_change", args=[entry.pk])).status_code == 200


def test_nobody_adds_changes_or_deletes_entries(operator, entry):
    assert operator.get(reverse("admin:audit_entry_add")).status_code == 403
    assert operator.post(reverse("admin:audit_entry_change", args=[entry.pk]), {"actor": "x"}).status_code == 403
    assert operator.post(reverse("admin:audit_entry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    changelist = operator.post(
        reverse("admin:audit_entry_changelist"), {"action": "delete_selected", "_selected_action": [entry.pk]}
    )
    assert changelist.status_code in (200, 302)
    assert Entry.objects.get(pk=entry.pk).actor == "officer@hulp.example"
    assert Entry.objects.count() == 1
