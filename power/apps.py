from django.apps import AppConfig


class PowerConfig(AppConfig):
    name = "power"

    def ready(self) -> None:
        from django.urls import reverse
        from django.utils.http import urlencode
        from django.utils.translation import gettext_lazy as _

        from dialogue.access import can_facilitate
        from organisations import partnership_links
        from organisations.models import Partnership

        partnership_links.register(
            "power_session",
            label=_("Hold a power-awareness session about this partnership"),
            # Preparing a session is for facilitators of either organisation, of an active partnership.
            url=lambda membership, partnership: (
                reverse("power:session_new", kwargs={"slug": membership.organisation.slug})
                + "?"
                + urlencode({"partnership": str(partnership.code)})
                if can_facilitate(membership) and partnership.status == Partnership.Status.ACTIVE
                else None
            ),
            order=30,
        )
