from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "health"

    def ready(self) -> None:
        from django.urls import reverse
        from django.utils.http import urlencode
        from django.utils.translation import gettext_lazy as _

        from health import dashboard
        from health.models import Answered, Participant, Round, Schedule
        from organisations import dashboard as overview
        from organisations import partnership_links

        overview.register(
            "health_checks",
            template="health/_dashboard_card.html",
            shared=dashboard.card,
            personal=dashboard.to_answer,
            order=40,
        )
        overview.shown_from(Schedule, dashboard.schedule_organisations)
        overview.shown_from(Round, dashboard.round_organisations)
        overview.shown_to(Participant, lambda participant: [participant.user_id])
        overview.shown_to(Answered, dashboard.answered_by)
        partnership_links.register(
            "health_check",
            label=_("Set up a health check of this partnership"),
            # Setting up a check is for managers and admins; others reach checks through the list.
            url=lambda membership, partnership: (
                reverse("health:check_new", kwargs={"slug": membership.organisation.slug})
                + "?"
                + urlencode({"partnership": str(partnership.code)})
                if membership.can_manage
                else None
            ),
            order=20,
        )
