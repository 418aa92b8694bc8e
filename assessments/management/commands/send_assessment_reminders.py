"""Remind the organisations involved that a final assessment expires soon.

Run daily from cron or the worker. Idempotent: each assessment is reminded once, claimed with a
conditional update, so two runs at the same moment do not both send.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.tasks import send_email
from assessments.models import Assessment, reminder_window
from organisations.models import MANAGING_ROLES, Membership


class Command(BaseCommand):
    help = "Email managers of assessed and requesting organisations about assessments that expire soon."

    def handle(self, *args: object, **options: object) -> None:
        due = Assessment.objects.expiring_by(timezone.localdate() + reminder_window()).filter(
            reminder_sent_at__isnull=True
        )
        sent = 0
        for assessment in due.select_related("library", "organisation", "requester"):
            claimed = Assessment.objects.filter(pk=assessment.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=timezone.now()
            )
            if not claimed:
                continue  # another run took it
            organisations = [o for o in (assessment.organisation, assessment.requester) if o is not None]
            for organisation in organisations:
                people = Membership.objects.filter(
                    organisation=organisation, role__in=list(MANAGING_ROLES)
                ).select_related("user")
                for membership in people:
                    user = membership.user
                    with override(user.language):
                        link = settings.SITE_URL + reverse(
                            "assessments:assessment", kwargs={"slug": organisation.slug, "code": assessment.code}
                        )
                        body = render_to_string(
                            "assessments/email/expiry_reminder.txt",
                            {"assessment": assessment, "organisation": organisation, "link": link},
                        )
                        subject = _("An assessment expires on %(date)s") % {
                            "date": assessment.valid_until.isoformat() if assessment.valid_until else ""
                        }
                    send_email.enqueue(to=[user.email], subject=subject, body=body)
            sent += 1
        self.stdout.write(f"Reminded about {sent} assessment(s).")
