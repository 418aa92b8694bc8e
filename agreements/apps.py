from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "agreements"

    def ready(self) -> None:
        from agreements import (
            dashboard,
            loader,  # noqa: F401 - registers the `agreement_clauses` kind
        )
        from organisations import dashboard as overview

        overview.register(
            "agreements_due", template="agreements/_dashboard_card.html", context=dashboard.card, order=60
        )
