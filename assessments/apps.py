from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"

    def ready(self) -> None:
        from assessments import dashboard
        from assessments.models import Assessment
        from organisations import dashboard as overview
        from organisations import subjects

        overview.register("assessments", template="assessments/_dashboard_card.html", shared=dashboard.card, order=10)
        overview.shown_from(Assessment, lambda assessment: (assessment.organisation_id, assessment.requester_id))

        # A final assessment shared as a due-diligence passport: "assessment:<code>".
        subjects.register(
            "assessment",
            label=_("Assessment (due-diligence passport)"),
            url=lambda viewer_slug, code: reverse("assessments:assessment", kwargs={"slug": viewer_slug, "code": code}),
        )
