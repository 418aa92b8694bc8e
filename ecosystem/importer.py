"""Writing IATI activity files into the ecosystem tables, a batch of activities at a time.

Each file is imported in one database transaction: a file refused half-way (broken XML on line
90,000) leaves nothing behind. The cost is that a large file holds the write lock until it is done
on SQLite; imports are rare and run in the worker, so that is accepted.

An activity already imported is left alone when its XML is the same (re-importing a file changes
nothing) and when the file holds an older version (by last-updated-datetime); otherwise it is
replaced: its fields, sectors, countries and relations. Organisations are never deleted: other
activities may name them.
"""

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_noop

from ecosystem.iati import (
    OrgKey,
    ParsedActivity,
    ParsedOrganisation,
    ParsedRelation,
    RefusedFile,
    read_activities,
    relations_of,
)
from ecosystem.models import (
    Activity,
    ActivityCountry,
    ActivitySector,
    GraphVersion,
    ImportedOrganisation,
    OrganisationCountry,
    OrganisationName,
    Relation,
)
from organisations.models import Organisation

T = TypeVar("T")
IMPORT_LOCK = 7_1234_0012  # any number no other code of Samen uses for an advisory lock
RELATION_COLUMNS = (
    "activity",
    "kind",
    "source",
    "target",
    "source_role",
    "target_role",
    "transaction_type",
    "amount",
    "currency",
    "start",
    "end",
)
BATCH = 500
CHUNK = 500  # identifiers per IN (…) query: well under SQLite's variable limit


@dataclass
class ImportResult:
    """What one import saw and did; `as_json()` is what `import_iati --json` prints."""

    activities: int = 0
    identifiers: set[str] = field(default_factory=set)
    names_only: set[tuple[str, str]] = field(default_factory=set)
    relations: int = 0
    created_organisations: int = 0
    created_relations: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    refused: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, other: "ImportResult") -> None:
        self.activities += other.activities
        self.identifiers |= other.identifiers
        self.names_only |= other.names_only
        self.relations += other.relations
        self.created_organisations += other.created_organisations
        self.created_relations += other.created_relations
        self.skipped.update(other.skipped)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "activities": self.activities,
            "organisations_with_identifier": len(self.identifiers),
            "organisations_name_only": len(self.names_only),
            "relations": self.relations,
            "created": {"organisations": self.created_organisations, "relations": self.created_relations},
            "skipped": dict(sorted(self.skipped.items())),
            "seconds": round(self.seconds, 3),
        }
        if self.refused:
            data["refused"] = self.refused
        return data


def import_files(
    paths: Iterable[Path], progress: Callable[[int], None] | None = None, names: dict[Path, str] | None = None
) -> ImportResult:
    """Import each file in its own transaction; a refused file is listed in `refused` and the others still import.

    `progress(bytes)` is called with the bytes read so far, over all files, after every batch.
    `names` gives the name to report a file by (an upload's own name instead of where it is stored).
    """
    started = time.perf_counter()
    total = ImportResult()
    done_bytes = 0
    for path in paths:
        path = Path(path)
        try:
            total.add(FileImport(path, _offset(progress, done_bytes), (names or {}).get(path, "")).run())
        except RefusedFile as refusal:
            total.refused.append(str(refusal))
        except OSError as error:
            total.refused.append(f"{(names or {}).get(path, path)}:0: cannot be read: {error.strerror or error}")
        done_bytes += path.stat().st_size if path.exists() else 0
    ImportedOrganisation.objects.with_identifier().link_samen_organisations()
    OrganisationCountry.objects.refresh()
    GraphVersion.bump()  # the map reads the network again (ecosystem/adjacency.py)
    total.seconds = time.perf_counter() - started
    return total


class FileImport:
    """One file: its own caches, so that a refused file's rolled-back rows are never referred to again."""

    def __init__(self, path: Path, progress: Callable[[int], None], name: str = "") -> None:
        self.path, self.progress, self.name = path, progress, name or str(path)
        self.result = ImportResult()
        self.organisations: dict[OrgKey, int] = {}
        self.english: dict[int, bool] = {}  # does the organisation's shown name come from an English name?
        self.types: dict[int, str] = {}
        self.names: set[tuple[int, str, str]] = set()

    def run(self) -> ImportResult:
        with self.path.open("rb") as file, transaction.atomic():
            _one_import_at_a_time()
            batch: list[tuple[ParsedActivity, list[ParsedRelation]]] = []
            for activity in read_activities(file, self.name, self.skip):
                relations = relations_of(activity, self.skip)
                self.count(activity, relations)
                batch.append((activity, relations))
                if len(batch) >= BATCH:
                    self.write(batch)
                    batch = []
                    self.progress(file.tell())
            self.write(batch)
            self.progress(file.tell())
        return self.result

    def skip(self, reason: str) -> None:
        self.result.skipped[reason] += 1

    def count(self, activity: ParsedActivity, relations: list[ParsedRelation]) -> None:
        self.result.activities += 1
        self.result.relations += len(relations)
        for organisation in activity.organisations():
            key = organisation.key
            if key.identifier:
                self.result.identifiers.add(key.identifier)
            else:
                self.result.names_only.add((key.publisher, key.name_key))

    def write(self, batch: list[tuple[ParsedActivity, list[ParsedRelation]]]) -> None:
        latest: dict[str, tuple[ParsedActivity, list[ParsedRelation]]] = {}
        for activity, relations in batch:
            earlier = latest.get(activity.identifier)
            if earlier is not None:
                # The same rule as against the database: a copy that is not older replaces the earlier one.
                self.skip(gettext_noop("activity repeated in the file"))
                if _older(activity, earlier[0]):
                    continue
            latest[activity.identifier] = (activity, relations)
        existing = {
            row.iati_identifier: row
            for chunk in _chunks(list(latest))
            for row in Activity.objects.filter(iati_identifier__in=chunk).only(
                "pk", "iati_identifier", "last_updated", "digest"
            )
        }
        new, replaced = [], []
        for activity, relations in latest.values():
            old = existing.get(activity.identifier)
            if old is None:
                new.append((activity, relations))
            elif old.digest == activity.digest:
                self.skip(gettext_noop("activity unchanged"))
            elif _older(activity, old):
                self.skip(gettext_noop("older version of an activity"))
            else:
                replaced.append((old, activity, relations))
        if not new and not replaced:
            return
        organisations = self.resolve(
            [o for a, _ in new for o in a.organisations()] + [o for _, a, _ in replaced for o in a.organisations()]
        )
        now = timezone.now()
        rows = [
            Activity(iati_identifier=a.identifier, imported_at=now, **self.fields(a, organisations)) for a, _ in new
        ]
        Activity.objects.bulk_create(rows, batch_size=BATCH)
        for old, activity, _ in replaced:
            for name, value in self.fields(activity, organisations).items():
                setattr(old, name, value)
            old.imported_at = now
        if replaced:
            old_ids = [old.pk for old, _, _ in replaced]
            for chunk in _chunks(old_ids):
                Relation.objects.filter(activity_id__in=chunk).delete()
                ActivitySector.objects.filter(activity_id__in=chunk).delete()
                ActivityCountry.objects.filter(activity_id__in=chunk).delete()
            Activity.objects.bulk_update(
                [old for old, _, _ in replaced],
                ["reporting_organisation", "title", "start", "end", "last_updated", "digest", "imported_at"],
                batch_size=BATCH,
            )
        written = [(row.pk, a, r) for row, (a, r) in zip(rows, new, strict=True)]
        written += [(old.pk, a, r) for old, a, r in replaced]
        ops = connection.ops

        def day(value: date | None) -> Any:
            return ops.adapt_datefield_value(value)

        def decimal(value: Decimal | None, digits: int) -> Any:
            return ops.adapt_decimalfield_value(value, digits, 2)

        relation_rows = [
            (
                activity_id,
                r.kind,
                organisations[r.source.key],
                organisations[r.target.key],
                r.source_role,
                r.target_role,
                r.transaction_type,
                decimal(r.amount, 20),
                r.currency,
                day(r.start),
                day(r.end),
            )
            for activity_id, _, rs in written
            for r in rs
        ]
        _insert(Relation, RELATION_COLUMNS, relation_rows)
        self.result.created_relations += len(relation_rows)
        _insert(
            ActivitySector,
            ("activity", "vocabulary", "code", "percentage"),
            [(activity_id, v, c, decimal(p, 6)) for activity_id, a, _ in written for v, c, p in a.sectors],
        )
        _insert(
            ActivityCountry,
            ("activity", "country", "percentage"),
            [(activity_id, c, decimal(p, 6)) for activity_id, a, _ in written for c, p in a.countries],
        )

    @staticmethod
    def fields(activity: ParsedActivity, organisations: dict[OrgKey, int]) -> dict[str, Any]:
        return {
            "reporting_organisation_id": organisations[activity.reporting.key],
            "title": activity.title,
            "start": activity.start,
            "end": activity.end,
            "last_updated": activity.last_updated,
            "digest": activity.digest,
        }

    def resolve(self, occurrences: list[ParsedOrganisation]) -> dict[OrgKey, int]:
        """Primary keys of the organisations named, creating the missing ones; records new names and types."""
        seen: dict[OrgKey, ParsedOrganisation] = {}
        for organisation in occurrences:
            first = seen.setdefault(organisation.key, organisation)
            if first is not organisation:
                first.names = first.names + [n for n in organisation.names if n not in first.names]
                first.type = first.type or organisation.type
        missing = [key for key in seen if key not in self.organisations]
        self.fetch(missing)
        new_keys = [key for key in missing if key not in self.organisations]
        samen = dict(
            row
            for chunk in _chunks([key.identifier for key in new_keys if key.identifier])
            for row in Organisation.objects.filter(iati_identifier__in=chunk).values_list("iati_identifier", "pk")
        )
        rows = [
            ImportedOrganisation(
                identifier=key.identifier,
                publisher=key.publisher,
                name_key=key.name_key,
                name=seen[key].shown_name[:300],
                type=seen[key].type,
                samen_organisation_id=samen.get(key.identifier),
            )
            for key in new_keys
        ]
        ImportedOrganisation.objects.bulk_create(rows, batch_size=BATCH)
        self.result.created_organisations += len(rows)
        for key, row in zip(new_keys, rows, strict=True):
            self.organisations[key] = row.pk
            self.english[row.pk] = any(language == "en" for language, _ in seen[key].names)
            self.types[row.pk] = row.type
        changed: dict[int, dict[str, str]] = {}
        names = []
        for key, organisation in seen.items():
            pk = self.organisations[key]
            for language, name in organisation.names:
                if (pk, language, name) not in self.names:
                    self.names.add((pk, language, name))
                    names.append(OrganisationName(organisation_id=pk, language=language, name=name))
            english = next((name for language, name in organisation.names if language == "en"), None)
            if english and not self.english[pk]:
                self.english[pk] = True
                changed.setdefault(pk, {})["name"] = english
            if organisation.type and not self.types[pk]:
                self.types[pk] = organisation.type
                changed.setdefault(pk, {})["type"] = organisation.type
        OrganisationName.objects.bulk_create(names, batch_size=BATCH, ignore_conflicts=True)
        # Rare (a later file names an organisation in English, or gives its type): one UPDATE each.
        for pk, values in changed.items():
            ImportedOrganisation.objects.filter(pk=pk).update(**values)
        return {key: self.organisations[key] for key in seen}

    def fetch(self, keys: list[OrgKey]) -> None:
        """Fill the caches with the organisations of `keys` already in the database."""
        english = Exists(OrganisationName.objects.filter(organisation=OuterRef("pk"), language="en"))
        columns = ("pk", "identifier", "publisher", "name_key", "type", "has_english")
        identifiers = [key.identifier for key in keys if key.identifier]
        wanted = {key for key in keys if not key.identifier}
        queries = [ImportedOrganisation.objects.filter(identifier__in=chunk) for chunk in _chunks(identifiers)] + [
            ImportedOrganisation.objects.filter(identifier="", name_key__in=chunk)
            for chunk in _chunks(sorted({key.name_key for key in wanted}))
        ]
        for query in queries:
            for pk, identifier, publisher, key_name, type_code, has_english in query.annotate(
                has_english=english
            ).values_list(*columns):
                key = OrgKey(identifier, publisher, key_name)
                if identifier or key in wanted:
                    self.organisations[key] = pk
                    self.english[pk] = has_english
                    self.types[pk] = type_code


def _older(activity: ParsedActivity, than: "ParsedActivity | Activity") -> bool:
    """Is `activity` an older version than `than`? An undated version is older than a dated one."""
    if than.last_updated is None:
        return False
    return activity.last_updated is None or activity.last_updated < than.last_updated


def _one_import_at_a_time() -> None:
    """Hold other imports back until this transaction ends.

    Two imports at once would race to create the same organisations and activities. SQLite's
    IMMEDIATE transactions already take the write lock at the start; PostgreSQL needs a lock of its
    own, so that several workers can run other jobs side by side but imports one after the other.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])


def _insert(model: type[models.Model], fields: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """INSERT plain tuples with executemany, for the rows an import writes most of.

    bulk_create spends most of an import preparing each value of each model instance; these rows
    are built from values already checked and adapted (dates and decimals by the backend's own
    adapters), so they go to the database as they are. No model's save() or signals are skipped
    that matter: these models have neither.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(_column(model, name)) for name in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 -- names from the model, not input
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH * 10):
            cursor.executemany(sql, rows[start : start + BATCH * 10])


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column
    return field.column


def _offset(progress: Callable[[int], None] | None, before: int) -> Callable[[int], None]:
    """Progress within one file, reported as progress over all files."""
    return lambda read: progress(before + read) if progress else None


def _chunks(items: list[T]) -> Iterable[list[T]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]
