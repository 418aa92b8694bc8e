"""The assessments card on the organisation overview."""

from datetime import timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from assessments.models import Assessment, Status
from organisations.models import Organisation

OPEN = [Status.DRAFT, Status.IN_PROGRESS, Status.RETURNED]


def card(organisation: Organisation) -> dict[str, Any] | None:
    today = timezone.localdate()
    ours = Q(organisation=organisation) | Q(requester=organisation)
    return Assessment.objects.filter(ours).aggregate(
        total=Count("pk"),
        to_answer=Count("pk", filter=Q(organisation=organisation, status__in=OPEN)),
        to_review=Count("pk", filter=Q(requester=organisation, status=Status.SUBMITTED)),
        expiring=Count(
            "pk",
            filter=Q(status=Status.FINAL, valid_until__gte=today, valid_until__lte=today + timedelta(days=60)),
        ),
    )
