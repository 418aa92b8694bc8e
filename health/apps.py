from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "health"

    def ready(self) -> None:
        from health import dashboard
        from organisations import dashboard as overview

        overview.register("health_checks", template="health/_dashboard_card.html", context=dashboard.card, order=40)
