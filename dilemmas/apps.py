from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class DilemmasConfig(AppConfig):
    name = "dilemmas"

    def ready(self) -> None:
        # Registers the `dilemma` kind of content file with the framework loader.
        from django.db.models.signals import post_delete, post_save

        from dilemmas import links, loader  # noqa: F401
        from dilemmas.models import consent_changed
        from framework import topics
        from organisations import subjects
        from organisations.models import Consent

        post_save.connect(consent_changed, sender=Consent, dispatch_uid="dilemmas.consent_saved")
        post_delete.connect(consent_changed, sender=Consent, dispatch_uid="dilemmas.consent_deleted")

        # A gap or an action on a requirement links to the library, filtered on the requirement's topics.
        topics.register(
            "dilemmas",
            label=_("Dilemmas on this topic"),
            url=lambda slug, codes: links.for_topic(codes, slug=slug),
        )

        # A dilemma an organisation shares with an alliance or the sector: "dilemma:<code>".
        subjects.register(
            "dilemma",
            label=_("Dilemma"),
            url=lambda viewer_slug, code: reverse("dilemmas:dilemma", kwargs={"slug": viewer_slug, "code": code}),
        )
