from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "insights"

    def ready(self) -> None:
        from assessments.models import Assessment
        from dialogue.models import Participant, Session
        from insights import figures, versions
        from organisations import dashboard as overview
        from organisations import subjects
        from organisations.models import Consent

        versions.connect()
        # The management dashboard's panels are cached under the overview's versions (docs/decisions/0024).
        overview.shown_from(Consent, figures.consent_readers)
        overview.shown_from(Assessment, figures.assessment_readers)
        overview.shown_from(Session, figures.session_organisations)
        overview.shown_from(Participant, figures.participant_organisations)

        # "insights:<network code>": our figures may be counted in that network's sector insights. The
        # network's people see them on its sector page (where only aggregates with small groups hidden show).
        subjects.register(
            "insights",
            label=_("Our figures, counted in sector insights"),
            url=lambda viewer_slug, code: reverse("insights:sector", kwargs={"slug": viewer_slug}),
        )
