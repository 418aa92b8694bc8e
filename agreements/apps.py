from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "agreements"

    def ready(self) -> None:
        from django.urls import reverse
        from django.utils.translation import gettext_lazy as _

        from agreements import (
            dashboard,
            loader,  # noqa: F401 - registers the `agreement_clauses` kind
        )
        from agreements.models import Agreement
        from organisations import dashboard as overview
        from organisations import partnership_links

        overview.register("agreements_due", template="agreements/_dashboard_card.html", shared=dashboard.card, order=60)
        overview.shown_from(
            Agreement, lambda agreement: overview.of_party(agreement.partnership_id, agreement.alliance_id)
        )
        partnership_links.register(
            "agreements",
            label=_("Integrity agreements of this partnership"),
            url=lambda membership, partnership: reverse(
                "agreements:partnership_agreements",
                kwargs={"slug": membership.organisation.slug, "code": partnership.code},
            ),
            order=10,
        )
