from typing import Any

from django.apps import AppConfig


class EcosystemConfig(AppConfig):
    name = "ecosystem"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from ecosystem import models

        # The map's network in memory is read again when the version changes (ecosystem/adjacency.py).
        # Saves only: a delete receiver would stop Django's fast bulk deletes, which the importer uses
        # (and then writes a new version itself).
        for model in (models.Relation, models.ImportedOrganisation, models.ActivitySector, models.ActivityCountry):
            post_save.connect(_changed, sender=model, dispatch_uid=f"ecosystem-version-{model.__name__}")
        # What the map's overlay reads beyond the viewer's own data (ecosystem/overlay.py, read_viewer).
        from assessments.models import Assessment
        from ecosystem.overlay import cover_changed
        from organisations.models import AllianceMember, Consent, Organisation
        from speakup.models import Channel

        for source in (Assessment, Consent, Channel, AllianceMember, Organisation):
            label = source._meta.label
            post_save.connect(cover_changed, sender=source, dispatch_uid=f"ecosystem-cover-save-{label}")
            post_delete.connect(cover_changed, sender=source, dispatch_uid=f"ecosystem-cover-delete-{label}")
        # The countries each organisation works in (OrganisationCountry), for a relation or country saved alone.
        post_save.connect(_relation_saved, sender=models.Relation, dispatch_uid="ecosystem-countries-relation")
        post_save.connect(_country_saved, sender=models.ActivityCountry, dispatch_uid="ecosystem-countries-country")


def _changed(sender: type, **kwargs: Any) -> None:
    from ecosystem.models import GraphVersion

    GraphVersion.bump()


def _relation_saved(sender: type, instance: Any, **kwargs: Any) -> None:
    from ecosystem.models import OrganisationCountry

    OrganisationCountry.objects.refresh({instance.source_id, instance.target_id})


def _country_saved(sender: type, instance: Any, **kwargs: Any) -> None:
    from ecosystem.models import OrganisationCountry, Relation

    ends = Relation.objects.filter(activity_id=instance.activity_id).values_list("source_id", "target_id")
    OrganisationCountry.objects.refresh({pk for pair in ends for pk in pair})
