"""The speak-up card on the organisation overview: counts of the reports assigned to this person, never content."""

from datetime import timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from organisations.models import Membership
from speakup.models import ACKNOWLEDGE_WITHIN_DAYS, ChannelHandler, Status
from speakup.views.handlers import assigned_reports


def card(membership: Membership) -> dict[str, Any] | None:
    user = membership.user
    if not ChannelHandler.objects.filter(user=user).exists():
        return None  # only handlers see reports, so only they get the card
    late = timezone.localdate() - timedelta(days=ACKNOWLEDGE_WITHIN_DAYS)
    return assigned_reports(user, membership.organisation).aggregate(
        open=Count("pk", filter=~Q(status=Status.CLOSED)),
        to_acknowledge=Count("pk", filter=Q(status=Status.NEW)),
        late=Count("pk", filter=Q(status=Status.NEW, created_on__lt=late)),
    )
