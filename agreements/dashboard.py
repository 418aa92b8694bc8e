"""The overview card: agreements whose review date has passed or falls within the warning period."""

from datetime import timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from agreements.models import REVIEW_WARNING_DAYS, Agreement
from organisations.models import Organisation


def card(organisation: Organisation) -> dict[str, Any] | None:
    today = timezone.localdate()
    figures = Agreement.objects.visible_to(organisation).aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=Q(review_on__lt=today)),
        due=Count("pk", filter=Q(review_on__gte=today, review_on__lte=today + timedelta(days=REVIEW_WARNING_DAYS))),
    )
    return {**figures, "attention": figures["due"] + figures["overdue"], "days": REVIEW_WARNING_DAYS}
