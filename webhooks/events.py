"""The events Samen announces, and where they come from.

Webhooks listens; the core apps do not know it exists (they must not import feature apps):
- "assessment.shared": a `Consent` for "assessment:<code>" is saved (post_save, connected in
  WebhooksConfig.ready()). The recipients are the organisation it is shared with, or every other member
  of the alliance; a share with the whole sector is announced to no one (it is not "shared with you").
- "action.overdue": `announce_overdue_actions(today)`, run by `manage.py deliver_webhooks`, finds open
  actions past their due date. Each is announced once per due date to each endpoint (a unique key on the
  delivery remembers it), to the plan's organisation and its co-owning partner; an endpoint hears only of
  actions that became overdue after it was added, not of the backlog.
"""

import uuid
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from actions.models import Action
from organisations.models import AllianceMember, Consent, Organisation
from webhooks.models import PING, Delivery, Endpoint, retention
from webhooks.tasks import schedule


def payload(event_id: uuid.UUID, event_type: str, organisation: Organisation, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(event_id),
        "type": event_type,
        "created": timezone.now().isoformat(timespec="seconds"),
        "organisation": {"slug": organisation.slug, "name": organisation.name},
        "data": data,
    }


def announce(organisation: Organisation, event_type: str, data: dict[str, Any], key: str = "") -> list[Delivery]:
    """Make a delivery of the event for each of the organisation's endpoints that listen, and send them
    once the current transaction commits. An endpoint that already has `key` gets nothing new."""
    endpoints = Endpoint.objects.listening(organisation, event_type)
    return _deliver_to(endpoints, organisation, event_type, data, key)


def send_test(endpoint: Endpoint) -> Delivery:
    data = {"message": "A test event from Samen. No action needed."}
    return _deliver_to([endpoint], endpoint.organisation, PING, data, key="")[0]


def _deliver_to(
    endpoints: list[Endpoint], organisation: Organisation, event_type: str, data: dict[str, Any], key: str
) -> list[Delivery]:
    if not endpoints:
        return []
    event_id = uuid.uuid4()
    body = payload(event_id, event_type, organisation, data)
    made = []
    now = timezone.now()
    for endpoint in endpoints:
        try:
            with transaction.atomic():
                delivery = Delivery.objects.create(
                    organisation=organisation,
                    endpoint=endpoint,
                    event_id=event_id,
                    event_type=event_type,
                    payload=body,
                    key=key,
                    next_attempt_at=now,
                )
        except IntegrityError:
            continue  # announced before (the unique key); a racing run made it
        made.append(delivery)
        transaction.on_commit(lambda d=delivery: schedule(d))  # type: ignore[misc]
    return made


def on_consent_saved(sender: type[Consent], instance: Consent, created: bool, **kwargs: Any) -> None:
    if not created or not instance.subject.startswith("assessment:"):
        return
    from assessments.models import Assessment

    try:
        code = uuid.UUID(instance.subject.removeprefix("assessment:"))
    except ValueError:
        return
    # A passport counts only when the assessed organisation itself shares it (as assessments/ checks).
    assessment = (
        Assessment.objects.select_related("library").filter(code=code, organisation=instance.organisation).first()
    )
    if assessment is None:
        return
    if instance.scope == Consent.Scope.ORGANISATION and instance.to_organisation is not None:
        recipients = [instance.to_organisation]
    elif instance.scope == Consent.Scope.ALLIANCE and instance.to_alliance_id is not None:
        recipients = list(
            Organisation.objects.filter(
                pk__in=AllianceMember.objects.filter(alliance_id=instance.to_alliance_id).values("organisation")
            ).exclude(pk=instance.organisation_id)
        )
    else:
        return
    library = assessment.library
    data = {
        "assessment": str(assessment.code),
        "library": {"code": library.code, "version": library.version, "name": library.name_en},
        "shared_by": {"slug": instance.organisation.slug, "name": instance.organisation.name},
        "consent": str(instance.code),
        "valid_until": instance.valid_until.isoformat() if instance.valid_until else None,
    }
    for recipient in recipients:
        announce(recipient, "assessment.shared", data, key=f"assessment.shared:{instance.code}")


def announce_window() -> timedelta:
    """How far back overdue actions are announced: two days inside the retention of deliveries, so an action's
    delivery (made the day it became overdue or later) is still kept while the action could be announced again.
    """
    return retention() - timedelta(days=2)


def announce_overdue_actions(today: date) -> int:
    """Announce actions that are overdue on `today` and not yet announced; the number of deliveries made."""
    endpoints = [e for e in Endpoint.objects.filter(is_active=True) if "action.overdue" in e.events]
    by_organisation: dict[int, list[Endpoint]] = {}
    for endpoint in endpoints:
        by_organisation.setdefault(endpoint.organisation_id, []).append(endpoint)
    if not by_organisation:
        return 0
    # The earliest due date any endpoint cares about: actions due the day before it was added and later,
    # and only while a delivery made for it would still be kept (deliveries are purged after `retention()`).
    oldest = min(e.created_at for e in endpoints)
    since = max(timezone.localdate(oldest) - timedelta(days=1), today - announce_window())
    listening = list(by_organisation)
    overdue = (
        Action.objects.overdue(today)
        .filter(due_on__gte=since)
        .filter(Q(plan__organisation_id__in=listening) | Q(plan__partner_id__in=listening))
        .select_related("plan__organisation", "plan__partner")
    )
    announced_keys = set(
        Delivery.objects.filter(endpoint__in=endpoints, key__startswith="action.overdue:").values_list(
            "endpoint_id", "key"
        )
    )
    made = 0
    for action in overdue:
        assert action.due_on is not None
        key = f"action.overdue:{action.code}:{action.due_on.isoformat()}"
        plan = action.plan
        data = {
            "action": str(action.code),
            "title": action.title,
            "due_on": action.due_on.isoformat(),
            "plan": str(plan.code),
        }
        for organisation in filter(None, [plan.organisation, plan.partner]):
            fresh = [
                e
                for e in by_organisation.get(organisation.pk, [])
                if (e.pk, key) not in announced_keys
                and action.due_on >= timezone.localdate(e.created_at) - timedelta(days=1)
            ]
            made += len(_deliver_to(fresh, organisation, "action.overdue", data, key))
    return made
