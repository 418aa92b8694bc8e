from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class DilemmasConfig(AppConfig):
    name = "dilemmas"

    def ready(self) -> None:
        # Registers the `dilemma` kind of content file with the framework loader.
        from django.db.models.signals import post_delete, post_migrate, post_save

        from dilemmas import links, loader  # noqa: F401
        from dilemmas.models import consent_changed
        from framework import topics
        from organisations import subjects
        from organisations.models import Consent

        post_save.connect(consent_changed, sender=Consent, dispatch_uid="dilemmas.consent_saved")
        post_delete.connect(consent_changed, sender=Consent, dispatch_uid="dilemmas.consent_deleted")
        post_migrate.connect(analyse, sender=self, dispatch_uid="dilemmas.analyse")

        # A gap or an action on a requirement links to the library, filtered on the requirement's topics.
        topics.register(
            "dilemmas",
            label=_("Dilemmas on this topic"),
            url=lambda slug, codes: links.for_topic(codes, slug=slug),
        )

        # A dilemma an organisation shares with an alliance or the sector: "dilemma:<code>".
        subjects.register(
            "dilemma",
            label=_("Dilemma"),
            url=lambda viewer_slug, code: reverse("dilemmas:dilemma", kwargs={"slug": viewer_slug, "code": code}),
        )


# The tables the library's queries read; their planner statistics decide between its indexes.
ANALYSED = ("dilemmas_dilemma", "organisations_consent", "organisations_alliancemember")


def analyse(using: str = "default", **kwargs: Any) -> None:
    """Fresh planner statistics after `migrate`: nothing else gathers them on SQLite.

    Without them SQLite guesses between the indexes of `visible_to` and the full-text match; PostgreSQL's
    autovacuum would come round to it, but only later. `PRAGMA optimize` keeps them current from then on
    (SQLite's advice for long-lived connections; here it is cheap when nothing changed).
    """
    connection = connections[using]
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        for table in ANALYSED:
            if table in existing:  # not after `migrate dilemmas zero`, or before the tables exist
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA optimize")
