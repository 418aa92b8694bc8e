from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "actions"

    def ready(self) -> None:
        from actions import dashboard
        from actions.models import Action, ActionPlan
        from organisations import dashboard as overview

        overview.register("action_plans", template="actions/_dashboard_card.html", shared=dashboard.card, order=20)
        overview.shown_from(ActionPlan, lambda plan: (plan.organisation_id, plan.partner_id))
        overview.shown_from(Action, lambda action: dashboard.plan_organisations(action.plan_id))
