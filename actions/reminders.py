"""Daily email to the owners of overdue actions.

Run from cron or the worker, by one process or several at once: each action is claimed for the
day with a conditional UPDATE of `last_reminded_on` before anyone mails about it, so a second run
the same day, or a second worker racing the first, sends nothing twice. The claim is per action
and works the same on SQLite and PostgreSQL; an owner with several overdue actions gets one email.
"""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from accounts.models import User
from accounts.tasks import send_email
from actions.models import Action
from organisations.models import Membership


@dataclass
class Reminded:
    owners: int = 0
    actions: int = 0
    already: int = 0
    without_owner: int = 0
    emails: list[str] = field(default_factory=list)


def _claim(action: Action, today: date) -> bool:
    """Whether this run is the one that reminds about `action` today."""
    return bool(
        Action.objects.filter(pk=action.pk)
        .filter(Q(last_reminded_on__isnull=True) | Q(last_reminded_on__lt=today))
        .update(last_reminded_on=today)
    )


def send_action_reminders(today: date) -> Reminded:
    result = Reminded()
    overdue = Action.objects.overdue(today)
    result.without_owner = overdue.filter(owner__isnull=True).count()
    due_today = overdue.filter(owner__isnull=False, owner__is_active=True).select_related(
        "plan__organisation", "plan__partner", "owner"
    )
    result.already = due_today.filter(last_reminded_on__gte=today).count()
    candidates = list(due_today.filter(Q(last_reminded_on__isnull=True) | Q(last_reminded_on__lt=today)))
    # Which organisations each owner belongs to: the link goes through an organisation they can open.
    owner_ids = {a.owner_id for a in candidates}
    organisations: dict[int, set[int]] = {}
    for user_id, organisation_id in Membership.objects.filter(user_id__in=owner_ids).values_list(
        "user_id", "organisation_id"
    ):
        organisations.setdefault(user_id, set()).add(organisation_id)

    by_owner: dict[int, list[tuple[Action, str]]] = {}
    for action in candidates:
        if not _claim(action, today):
            continue  # another run took it
        assert action.owner_id is not None
        plan = action.plan
        mine = organisations.get(action.owner_id, set())
        side = plan.organisation if plan.organisation_id in mine or plan.partner is None else plan.partner
        if side.pk not in mine:
            # No longer a member of either organisation: they could not open the link.
            continue
        link = settings.SITE_URL + reverse("actions:action", kwargs={"slug": side.slug, "code": action.code})
        by_owner.setdefault(action.owner_id, []).append((action, link))

    for items in by_owner.values():
        owner: User = items[0][0].owner  # type: ignore[assignment]
        with translation.override(owner.language):
            body = render_to_string("actions/email/reminder.txt", {"owner": owner, "items": items, "today": today})
            subject = ngettext("Samen: %(count)s overdue action", "Samen: %(count)s overdue actions", len(items)) % {
                "count": len(items)
            }
        send_email.enqueue(to=[owner.email], subject=subject, body=body)
        result.owners += 1
        result.actions += len(items)
        result.emails.append(owner.email)
    return result
