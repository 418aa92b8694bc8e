from django.apps import AppConfig


class SpeakupConfig(AppConfig):
    name = "speakup"
