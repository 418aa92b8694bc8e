from django.apps import AppConfig


class SpeakupConfig(AppConfig):
    name = "speakup"

    def ready(self) -> None:
        from accounts.signals import password_changed
        from speakup import signals

        password_changed.connect(signals.rewrap_handler_key, dispatch_uid="speakup.rewrap_handler_key")
