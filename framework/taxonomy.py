"""The taxonomy of violations as a page uses it: read once per request, two queries of plain values.

    taxonomy = Taxonomy.read()
    taxonomy.choices()                  → the active types, each with its active sub-types: grouped form choices
    taxonomy.finds(["fraud"])           → the ids of the types and sub-types a filter on these codes finds
    taxonomy.names(type_ids, subtype_ids) → their names in the reading language, in the taxonomy's order

A page that filters on topics and names the topics of what it lists (the dilemma library) asks all three of one
reading instead of building models with their definitions and resolving codes in queries of their own.
Retired entries are read too: a filter on a type still finds its retired sub-types, and what is tagged with a
retired entry is still named.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from framework.models import ViolationSubtype, ViolationType, in_reading_language


@dataclass(frozen=True)
class Topic:
    pk: int
    code: str
    name_nl: str
    name_en: str
    retired: bool
    # Types first, each in the taxonomy's order; then the sub-types, by their type's order and their own.
    place: tuple[int, int, int, str]

    @property
    def name(self) -> str:
        return in_reading_language({"nl": self.name_nl, "en": self.name_en})


class Taxonomy:
    def __init__(self, types: list[Topic], subtypes: list[tuple[int, Topic]]) -> None:
        """`types` in order; `subtypes` in order, each with its type's id."""
        self.types = types
        self.subtypes = subtypes
        self._types = {topic.pk: topic for topic in types}
        self._subtypes = {topic.pk: topic for _type, topic in subtypes}

    @classmethod
    def read(cls) -> "Taxonomy":
        types = [
            Topic(pk, code, nl, en, retired, (0, order, 0, code))
            for pk, code, order, nl, en, retired in ViolationType.objects.values_list(
                "pk", "code", "order", "name_nl", "name_en", "retired"
            )
        ]
        subtypes = [
            (type_id, Topic(pk, code, nl, en, retired, (1, type_order, order, code)))
            for pk, type_id, type_order, code, order, nl, en, retired in ViolationSubtype.objects.values_list(
                "pk", "type_id", "type__order", "code", "order", "name_nl", "name_en", "retired"
            )
        ]
        return cls(types, subtypes)

    def choices(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The active types as groups of choices: the type itself ("… (in general)"), then its active sub-types."""
        groups = []
        for violation_type in self.types:
            if violation_type.retired:
                continue
            name = violation_type.name
            entries = [(violation_type.code, _("%(type)s (in general)") % {"type": name})]
            entries += [
                (sub.code, sub.name)
                for type_id, sub in self.subtypes
                if type_id == violation_type.pk and not sub.retired
            ]
            groups.append((name, entries))
        return groups

    def finds(self, codes: Iterable[str]) -> tuple[list[int], list[int]]:
        """The ids of the types and sub-types tagged with which a row is on any of these topics: the types and
        sub-types named, and every sub-type of a type named."""
        wanted = set(codes)
        types = [topic.pk for topic in self.types if topic.code in wanted]
        chosen = set(types)
        subtypes = [sub.pk for type_id, sub in self.subtypes if sub.code in wanted or type_id in chosen]
        return types, subtypes

    def names(self, type_ids: Iterable[int], subtype_ids: Iterable[int]) -> list[str]:
        """The names of these types and sub-types, the types first, each in the taxonomy's order."""
        found = [self._types[pk] for pk in type_ids if pk in self._types]
        found += [self._subtypes[pk] for pk in subtype_ids if pk in self._subtypes]
        return [topic.name for topic in sorted(found, key=lambda topic: topic.place)]
