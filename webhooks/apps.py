from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from organisations.models import Consent
        from webhooks.events import on_consent_saved

        post_save.connect(on_consent_saved, sender=Consent, dispatch_uid="webhooks_consent_saved")
