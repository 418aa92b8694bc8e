"""Changing an endpoint, replacing its secret, the paged delivery log, and the purge of old deliveries."""

import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from actions.models import ActionPlan
from audit.models import Entry, Event
from tests.webhooks.conftest import verify
from webhooks.events import announce_overdue_actions
from webhooks.models import Delivery, Endpoint, retention

PUBLIC_URL = "https://93.184.215.14/samen"
OTHER_URL = "https://93.184.215.15/hooks/samen"


def page(name: str, **kwargs) -> str:
    return reverse(f"webhooks:{name}", kwargs={"slug": "hulp", **kwargs})


def made(endpoint: Endpoint, *, days_ago: float = 0, status: str = "delivered", key: str = "") -> Delivery:
    return Delivery.objects.create(
        organisation=endpoint.organisation,
        endpoint=endpoint,
        event_id=uuid.uuid4(),
        event_type="ping",
        payload={"type": "ping"},
        status=status,
        key=key,
        next_attempt_at=timezone.now() if status == "pending" else None,
        created_at=timezone.now() - timedelta(days=days_ago),
    )


@pytest.fixture
def endpoint(people) -> Endpoint:
    return Endpoint.add(organisation=people.org, url=PUBLIC_URL, events=["action.overdue"], by=people.admin)


def test_an_admin_changes_the_url_events_and_state(people, endpoint):
    client = people.client("admin")
    form = client.get(page("endpoint_edit", code=endpoint.code))
    assert form.status_code == 200 and PUBLIC_URL in form.content.decode()
    data = {"url": OTHER_URL, "events": ["assessment.shared", "action.overdue"]}  # is_active left unticked: off
    assert client.post(page("endpoint_edit", code=endpoint.code), data).status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.events, endpoint.is_active) == (
        OTHER_URL,
        ["action.overdue", "assessment.shared"],
        False,
    )
    entry = Entry.objects.filter(event=Event.WEBHOOK_CHANGED).get()
    assert entry.detail["changed"]["url"] == [PUBLIC_URL, OTHER_URL]
    assert set(entry.detail["changed"]) == {"url", "events", "is_active"}
    assert endpoint.secret not in str(entry.detail)


def test_saving_without_a_change_records_nothing(people, endpoint):
    data = {"url": PUBLIC_URL, "events": ["action.overdue"], "is_active": "on"}
    assert people.client("admin").post(page("endpoint_edit", code=endpoint.code), data).status_code == 302
    assert not Entry.objects.filter(event=Event.WEBHOOK_CHANGED).exists()


def test_a_changed_url_is_checked_as_a_new_one(people, endpoint, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    data = {"url": "https://127.0.0.1/x", "events": ["action.overdue"], "is_active": "on"}
    response = people.client("admin").post(page("endpoint_edit", code=endpoint.code), data)
    assert response.status_code == 200 and "url" in response.context["form"].errors
    endpoint.refresh_from_db()
    assert endpoint.url == PUBLIC_URL


def test_replacing_the_secret_asks_shows_the_new_one_once_and_the_old_one_signs_nothing(
    people, receiver, django_capture_on_commit_callbacks
):
    endpoint = Endpoint.add(organisation=people.org, url=receiver.url, events=["action.overdue"], by=people.admin)
    old = endpoint.secret
    client = people.client("admin")
    question = client.get(page("endpoint_secret", code=endpoint.code))
    assert question.status_code == 200 and old not in question.content.decode()
    endpoint.refresh_from_db()
    assert endpoint.secret == old  # asking changes nothing
    answer = client.post(page("endpoint_secret", code=endpoint.code))
    endpoint.refresh_from_db()
    new = endpoint.secret
    assert answer.status_code == 200 and new != old and new.startswith("whsec_")
    assert new in answer.content.decode() and old not in answer.content.decode()
    assert "no-store" in answer["Cache-Control"] or answer["Cache-Control"].startswith("max-age=0")
    assert new not in client.get(page("endpoint", code=endpoint.code)).content.decode()
    entry = Entry.objects.get(event=Event.WEBHOOK_CHANGED)
    assert entry.detail["secret"] == "rotated" and new not in str(entry.detail) and old not in str(entry.detail)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(page("endpoint_test", code=endpoint.code))
    [got] = receiver.received
    assert verify(new, got.headers["Samen-Signature"], got.body)
    assert not verify(old, got.headers["Samen-Signature"], got.body)


@pytest.mark.parametrize("persona", ["officer", "manager", "member", "viewer"])
def test_only_admins_change_or_rekey(people, endpoint, persona):
    client = people.client(persona)
    data = {"url": OTHER_URL, "events": ["action.overdue"]}
    assert client.post(page("endpoint_edit", code=endpoint.code), data).status_code == 403
    assert client.post(page("endpoint_secret", code=endpoint.code)).status_code == 403
    fresh = Endpoint.objects.get()
    assert (fresh.url, fresh.secret, fresh.is_active) == (PUBLIC_URL, endpoint.secret, True)


def test_another_organisations_endpoint_cannot_be_changed(people):
    theirs = Endpoint.add(organisation=people.other_org, url=PUBLIC_URL, events=["action.overdue"], by=people.outsider)
    client = people.client("admin")
    data = {"url": OTHER_URL, "events": ["action.overdue"], "is_active": "on"}
    assert client.post(page("endpoint_edit", code=theirs.code), data).status_code == 404
    assert client.post(page("endpoint_secret", code=theirs.code)).status_code == 404
    fresh = Endpoint.objects.get(pk=theirs.pk)
    assert (fresh.url, fresh.secret) == (PUBLIC_URL, theirs.secret)


def test_the_delivery_log_is_paged_newest_first(people, endpoint):
    for n in range(55):
        made(endpoint, days_ago=n / 100)
    client = people.client("admin")
    first = client.get(page("endpoint", code=endpoint.code))
    assert len(first.context["page_obj"].object_list) == 50
    assert first.context["page_obj"].object_list[0].created_at > first.context["page_obj"].object_list[-1].created_at
    assert "?page=2" in first.content.decode()
    second = client.get(page("endpoint", code=endpoint.code) + "?page=2")
    assert len(second.context["page_obj"].object_list) == 5
    assert client.get(page("endpoint", code=endpoint.code) + "?page=oops").status_code == 200


def test_deliver_webhooks_purges_deliveries_past_the_retention(people, endpoint, settings):
    assert retention() == timedelta(days=90)
    kept = [made(endpoint, days_ago=1), made(endpoint, days_ago=89, status="failed")]
    made(endpoint, days_ago=91)
    made(endpoint, days_ago=200, status="failed")
    made(endpoint, days_ago=120, status="pending")
    call_command("deliver_webhooks")
    assert set(Delivery.objects.values_list("pk", flat=True)) == {d.pk for d in kept}
    settings.WEBHOOK_RETENTION_DAYS = 30
    assert Delivery.objects.purge(timezone.now()) == 1
    assert list(Delivery.objects.values_list("pk", flat=True)) == [kept[0].pk]


def test_an_overdue_action_is_not_announced_again_after_its_delivery_is_purged(people):
    """Actions are announced only while their delivery is kept: a purge never lets one through twice."""
    endpoint = Endpoint.add(organisation=people.org, url=PUBLIC_URL, events=["action.overdue"], by=people.admin)
    Endpoint.objects.filter(pk=endpoint.pk).update(created_at=timezone.now() - timedelta(days=400))
    plan = ActionPlan.start(organisation=people.org, title="Plan", by=people.admin)
    today = timezone.localdate()
    plan.add_action(title="Long overdue", due_on=today - timedelta(days=100), by=people.admin)
    recent = plan.add_action(title="Just overdue", due_on=today - timedelta(days=1), by=people.admin)
    assert announce_overdue_actions(today) == 1
    [delivery] = Delivery.objects.all()
    assert delivery.payload["data"]["action"] == str(recent.code)
    # Every day until the delivery is purged, nothing new; on the day it is purged, the action is out of reach.
    for days in range(1, 100):
        day = today + timedelta(days=days)
        Delivery.objects.purge(timezone.now() + timedelta(days=days))
        assert announce_overdue_actions(day) == 0, day
    assert not Delivery.objects.exists()


def test_the_window_starts_two_days_inside_the_retention():
    from webhooks.events import announce_window

    assert announce_window() == retention() - timedelta(days=2)
