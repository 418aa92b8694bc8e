"""The admins' webhook pages: add (the secret shown once), turn off and on, send a test event, retry a
delivery, delete after a confirmation; the audit log records it; other roles get 403, outsiders 404."""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import Entry, Event
from tests.webhooks.conftest import verify
from webhooks.models import Delivery, Endpoint

PUBLIC_URL = "https://93.184.215.14/samen"


def page(name: str, **kwargs) -> str:
    return reverse(f"webhooks:{name}", kwargs={"slug": "hulp", **kwargs})


def test_an_admin_adds_a_webhook_and_sees_the_secret_once(people, english):
    client = people.client("admin")
    response = client.post(page("endpoints"), {"url": PUBLIC_URL, "events": ["assessment.shared", "action.overdue"]})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or response["Cache-Control"].startswith("max-age=0")
    endpoint = Endpoint.objects.get()
    assert (endpoint.organisation, endpoint.created_by, endpoint.url) == (people.org, people.admin, PUBLIC_URL)
    assert endpoint.events == ["action.overdue", "assessment.shared"] and endpoint.is_active
    assert endpoint.secret.startswith("whsec_") and endpoint.secret in response.content.decode()
    listing = client.get(page("endpoints")).content.decode()
    assert PUBLIC_URL in listing and endpoint.secret not in listing
    assert endpoint.secret not in client.get(page("endpoint", code=endpoint.code)).content.decode()
    entry = Entry.objects.get(event=Event.WEBHOOK_CREATED)
    assert (entry.organisation, entry.target, entry.actor) == ("hulp", str(endpoint.code), people.admin.email)
    assert endpoint.secret not in str(entry.detail)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"url": "http://93.184.215.14/samen", "events": ["action.overdue"]}, "url", "must start with https://"),
        ({"url": "https://127.0.0.1/samen", "events": ["action.overdue"]}, "url", "not public"),
        ({"url": "https://169.254.169.254/", "events": ["action.overdue"]}, "url", "not public"),
        ({"url": "not a url", "events": ["action.overdue"]}, "url", "Enter a full URL"),
        ({"url": PUBLIC_URL, "events": ["case.opened"]}, "events", "not one of the available choices"),
        ({"url": PUBLIC_URL, "events": []}, "events", "required"),
    ],
)
def test_bad_input_gives_a_clear_form_error(people, english, settings, data, field, message):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    response = people.client("admin").post(page("endpoints"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field] and message in str(errors[field])
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Endpoint.objects.exists()


def test_turn_off_and_on_test_event_and_retry(people, english, receiver, django_capture_on_commit_callbacks):
    endpoint = Endpoint.add(organisation=people.org, url=receiver.url, events=["action.overdue"], by=people.admin)
    client = people.client("admin")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(page("endpoint_test", code=endpoint.code)).status_code == 302
    [got] = receiver.received
    assert got.headers["Samen-Event"] == "ping" and verify(endpoint.secret, got.headers["Samen-Signature"], got.body)
    shown = client.get(page("endpoint", code=endpoint.code)).content.decode()
    assert "ping" in shown and "Delivered" in shown

    assert client.post(page("endpoint_switch", code=endpoint.code), {"on": "0"}).status_code == 302
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert Entry.objects.get(event=Event.WEBHOOK_CHANGED).detail["active"] is False
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page("endpoint_test", code=endpoint.code))
    assert len(receiver.received) == 1 and Delivery.objects.count() == 1

    client.post(page("endpoint_switch", code=endpoint.code), {"on": "1"})
    endpoint.refresh_from_db()
    assert endpoint.is_active
    failed = Delivery.objects.create(
        organisation=people.org,
        endpoint=endpoint,
        event_id=uuid.uuid4(),
        event_type="action.overdue",
        payload={"type": "action.overdue"},
        status="failed",
        attempts=6,
    )
    assert "Retry now" in client.get(page("endpoint", code=endpoint.code)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page("delivery_retry", code=endpoint.code, delivery=failed.code))
    assert response.status_code == 302
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.last_status_code) == ("delivered", 7, 200)
    assert len(receiver.received) == 2


def test_deleting_asks_first(people, english):
    endpoint = Endpoint.add(organisation=people.org, url=PUBLIC_URL, events=["action.overdue"], by=people.admin)
    client = people.client("admin")
    confirm = client.get(page("endpoint_delete", code=endpoint.code))
    assert confirm.status_code == 200 and "cannot be undone" in confirm.content.decode()
    assert Endpoint.objects.exists()
    assert client.post(page("endpoint_delete", code=endpoint.code)).status_code == 302
    assert not Endpoint.objects.exists()
    assert Entry.objects.get(event=Event.WEBHOOK_DELETED).target == str(endpoint.code)
    assert client.get(page("endpoint", code=endpoint.code)).status_code == 404


@pytest.mark.parametrize("persona", ["officer", "manager", "member", "viewer"])
def test_only_admins_manage_webhooks(people, persona):
    endpoint = Endpoint.add(organisation=people.org, url=PUBLIC_URL, events=["action.overdue"], by=people.admin)
    client = people.client(persona)
    assert client.get(page("endpoints")).status_code == 403
    assert client.post(page("endpoints"), {"url": PUBLIC_URL, "events": ["action.overdue"]}).status_code == 403
    assert client.post(page("endpoint_switch", code=endpoint.code), {"on": "0"}).status_code == 403
    assert client.post(page("endpoint_delete", code=endpoint.code)).status_code == 403
    assert Endpoint.objects.filter(is_active=True).count() == 1


def test_another_organisations_webhook_is_not_found(people):
    theirs = Endpoint.add(organisation=people.other_org, url=PUBLIC_URL, events=["action.overdue"], by=people.outsider)
    client = people.client("admin")
    assert client.get(page("endpoint", code=theirs.code)).status_code == 404
    assert client.post(page("endpoint_delete", code=theirs.code)).status_code == 404
    delivery = Delivery.objects.create(
        organisation=people.other_org,
        endpoint=theirs,
        event_id=uuid.uuid4(),
        event_type="ping",
        payload={},
        next_attempt_at=timezone.now(),
    )
    assert client.post(page("delivery_retry", code=theirs.code, delivery=delivery.code)).status_code == 404
    # The outsider cannot reach Hulp's pages at all.
    assert people.client("outsider").get(page("endpoints")).status_code == 404
    assert Endpoint.objects.filter(pk=theirs.pk).exists()
