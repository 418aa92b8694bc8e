from django.apps import AppConfig


class FrameworkConfig(AppConfig):
    name = "framework"

    def ready(self) -> None:
        # Registers the `assessment_library` kind with the loader (see framework/loader.py).
        from framework import library_loader  # noqa: F401
