from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"

    def ready(self) -> None:
        from organisations import subjects

        # A final assessment shared as a due-diligence passport: "assessment:<code>".
        subjects.register(
            "assessment",
            label=_("Assessment (due-diligence passport)"),
            url=lambda viewer_slug, code: reverse("assessments:assessment", kwargs={"slug": viewer_slug, "code": code}),
        )
