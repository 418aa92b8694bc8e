from django.apps import AppConfig


class RoadmapConfig(AppConfig):
    name = "roadmap"

    def ready(self) -> None:
        # Registers the `roadmap` kind with the framework loader, and the overview card.
        from organisations import dashboard as overview
        from roadmap import dashboard, loader  # noqa: F401
        from roadmap.models import Completion, Phase, Roadmap, Step

        overview.register("roadmap", template="roadmap/_dashboard_card.html", shared=dashboard.card, order=30)
        overview.shown_from(Completion, lambda completion: [completion.organisation_id])
        for framework_content in (Roadmap, Phase, Step):  # loaded for everyone
            overview.shown_from(framework_content, lambda _content: [overview.EVERYONE])
