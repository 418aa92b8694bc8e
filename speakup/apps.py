from django.apps import AppConfig


class SpeakupConfig(AppConfig):
    name = "speakup"

    def ready(self) -> None:
        from accounts.signals import password_changed
        from organisations import dashboard as overview
        from organisations.signals import membership_ended
        from speakup import dashboard, signals

        overview.register("speakup", template="speakup/_dashboard_card.html", live=dashboard.card, order=5)

        password_changed.connect(signals.rewrap_handler_key, dispatch_uid="speakup.rewrap_handler_key")
        membership_ended.connect(signals.stop_handling_for_former_member, dispatch_uid="speakup.former_member")
