"""What a network (sector association) sets for its sector insights: how big a group must be to be shown.

The figures are computed from the members that opt in (cached only under a key of those members and a
version of their data, insights/versions.py), so revoking a consent removes a member from them at once.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation
from samen.counters import Counter

# The smallest group a network may choose: fewer would let a reader recognise a member or a case.
FLOOR = 5


def subject(network: Organisation) -> str:
    """The consent subject by which a member says "our figures may be counted in this network's sector insights"."""
    return f"insights:{network.code}"


class SectorSettings(models.Model):
    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="sector_settings")
    min_organisations = models.PositiveIntegerField(
        _("smallest number of organisations in a figure"),
        default=FLOOR,
        help_text=_("At least 5."),
    )
    min_cases = models.PositiveIntegerField(
        _("smallest number of cases or partners in a figure"),
        default=FLOOR,
        help_text=_("At least 5."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(min_organisations__gte=FLOOR, min_cases__gte=FLOOR), name="insights_minimum_floor"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.min_organisations} organisations, {self.min_cases} cases"

    @classmethod
    def of(cls, organisation: Organisation) -> "SectorSettings":
        """The network's settings, or the defaults (unsaved) when it has not changed them."""
        found = cls.objects.filter(organisation=organisation).first()
        return found or cls(organisation=organisation)


class DataVersion(Counter):
    """A counter per organisation, and one for what belongs to no organisation, bumped when data the sector figures
    read changes (insights/versions.py). The cached figures of a network are keyed on the sum over its members, so
    any change of a member's cases, partnerships, assessments or roadmap steps makes the next page compute anew.
    """

    SECTOR = "sector"  # the other keys are "org:<pk>"
