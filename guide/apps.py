from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class GuideConfig(AppConfig):
    name = "guide"

    def ready(self) -> None:
        # Registers the `guide_sections` and `guide_page` kinds with the framework loader.
        from guide import loader  # noqa: F401
        from organisations import subjects

        # An organisation's own guide page shared with others: "guide:<code>".
        subjects.register(
            "guide",
            label=_("Guide page"),
            url=lambda viewer_slug, code: reverse(
                "guide:organisation_page", kwargs={"slug": viewer_slug, "code": code}
            ),
        )
