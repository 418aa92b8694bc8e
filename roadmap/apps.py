from django.apps import AppConfig


class RoadmapConfig(AppConfig):
    name = "roadmap"

    def ready(self) -> None:
        # Registers the `roadmap` kind with the framework loader, and the overview card.
        from organisations import dashboard as overview
        from roadmap import dashboard, loader  # noqa: F401

        overview.register("roadmap", template="roadmap/_dashboard_card.html", context=dashboard.card, order=30)
