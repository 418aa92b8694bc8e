from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class DilemmasConfig(AppConfig):
    name = "dilemmas"

    def ready(self) -> None:
        # Registers the `dilemma` kind of content file with the framework loader.
        from dilemmas import loader  # noqa: F401
        from organisations import subjects

        # A dilemma an organisation shares with an alliance or the sector: "dilemma:<code>".
        subjects.register(
            "dilemma",
            label=_("Dilemma"),
            url=lambda viewer_slug, code: reverse("dilemmas:dilemma", kwargs={"slug": viewer_slug, "code": code}),
        )
