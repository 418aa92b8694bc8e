from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "insights"

    def ready(self) -> None:
        from insights import versions
        from organisations import subjects

        versions.connect()

        # "insights:<network code>": our figures may be counted in that network's sector insights. The
        # network's people see them on its sector page (where only aggregates with small groups hidden show).
        subjects.register(
            "insights",
            label=_("Our figures, counted in sector insights"),
            url=lambda viewer_slug, code: reverse("insights:sector", kwargs={"slug": viewer_slug}),
        )
