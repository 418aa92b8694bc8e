"""Synthetic ecosystems for the map's tests, built directly with the models (no IATI file to parse).

graph = Graph()
a, b = graph.orgs("A", "B")          # ImportedOrganisations with identifiers XM-TEST-A, XM-TEST-B
graph.fund(a, b)                     # a participation relation a → b (funding → implementing)
graph.pay(a, b, 300)                 # a transaction a → b (disbursement of 300 EUR)
"""

from datetime import date
from decimal import Decimal
from itertools import count

from ecosystem.models import Activity, ActivityCountry, ActivitySector, ImportedOrganisation, Relation, Role

_numbers = count(1)


class Graph:
    def orgs(self, *names: str, **fields: object) -> list[ImportedOrganisation]:
        return [
            ImportedOrganisation.objects.create(identifier=f"XM-TEST-{name.upper()}", name=name, **fields)
            for name in names
        ]

    def activity(
        self, reporting: ImportedOrganisation, sector: str = "", country: str = "", start=None, end=None
    ) -> Activity:
        activity = Activity.objects.create(
            iati_identifier=f"XM-TEST-ACT-{next(_numbers)}",
            reporting_organisation=reporting,
            digest="0" * 64,
            start=start,
            end=end,
        )
        if sector:
            ActivitySector.objects.create(activity=activity, vocabulary="1", code=sector)
        if country:
            ActivityCountry.objects.create(activity=activity, country=country)
        return activity

    def fund(
        self,
        source: ImportedOrganisation,
        target: ImportedOrganisation,
        target_role: int = Role.IMPLEMENTING,
        sector: str = "",
        country: str = "",
        start: date | None = None,
        end: date | None = None,
    ) -> Relation:
        activity = self.activity(source, sector, country, start, end)
        return Relation.objects.create(
            activity=activity,
            kind=Relation.Kind.PARTICIPATION,
            source=source,
            target=target,
            source_role=Role.FUNDING,
            target_role=target_role,
            start=start,
            end=end,
        )

    def pay(
        self,
        source: ImportedOrganisation,
        target: ImportedOrganisation,
        amount: int | None = 1000,
        type_: str = "3",
        currency: str = "EUR",
        day: date | None = None,
        sector: str = "",
    ) -> Relation:
        activity = self.activity(source, sector)
        return Relation.objects.create(
            activity=activity,
            kind=Relation.Kind.TRANSACTION,
            source=source,
            target=target,
            transaction_type=type_,
            amount=Decimal(amount) if amount is not None else None,
            currency=currency,
            start=day,
            end=day,
        )
