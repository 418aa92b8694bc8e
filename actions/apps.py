from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "actions"

    def ready(self) -> None:
        from actions import dashboard
        from organisations import dashboard as overview

        overview.register("action_plans", template="actions/_dashboard_card.html", context=dashboard.card, order=20)
