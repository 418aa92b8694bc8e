from typing import Any

from django.apps import AppConfig


class EcosystemConfig(AppConfig):
    name = "ecosystem"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from ecosystem import models

        # The map's network in memory is read again when the version changes (ecosystem/adjacency.py).
        # Saves only: a delete receiver would stop Django's fast bulk deletes, which the importer uses
        # (and then writes a new version itself).
        for model in (models.Relation, models.ImportedOrganisation, models.ActivitySector, models.ActivityCountry):
            post_save.connect(_changed, sender=model, dispatch_uid=f"ecosystem-version-{model.__name__}")


def _changed(sender: type, **kwargs: Any) -> None:
    from ecosystem.models import GraphVersion

    GraphVersion.bump()
