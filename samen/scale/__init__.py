"""Sector-scale data: DESIGN.md's performance budget sizes, deterministic by seed (`manage.py generate_scale`).

    generate(PROFILES["sector"], seed=1)   # 600 members, 20,000 partners, … 200,000 ecosystem relations

The data goes onto a migrated database with the framework loaded, in stages (organisations.py,
assessments.py, actions.py, cases.py, dilemmas.py, ecosystem.py), each one transaction of bulk inserts.
Distributions: member organisations are ranked by size and chosen with Zipf weights (1/rank^1.1), so
the largest funder has about a seventh of the partnerships, assessments, cases and dilemmas and most
members have a handful; partners are spread evenly; ecosystem relations follow a power law.

Same seed and same `now` (today, midnight UTC, by default) → the same data: every choice comes from one
`random.Random(seed)` and the rows' UUIDs are drawn from it too. `fingerprint()` hashes the generated
rows (not their primary keys or ciphertexts) to check that. Bench scripts can call `generate` directly
after migrate and load_framework, then find the largest funder with `largest_member()`.
"""

import hashlib
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from samen.scale import actions, assessments, cases, dilemmas, ecosystem, organisations
from samen.scale.common import HANDLER_KEY_PASSWORD, PROFILES, SLUG_PREFIX, Context, Profile

if TYPE_CHECKING:
    from organisations.models import Organisation

__all__ = ["HANDLER_KEY_PASSWORD", "PROFILES", "AlreadyGenerated", "Profile", "fingerprint", "generate"]


class AlreadyGenerated(Exception):
    """The database holds generated data already; the generator adds to a database once."""


STAGES: list[tuple[str, Callable[[Context], None]]] = [
    ("member organisations", organisations.members),
    ("partner organisations", organisations.partners),
    ("partnerships", organisations.partnerships),
    ("people", organisations.people),
    ("questionnaire", assessments.library),
    ("assessments and answers", assessments.assessments),
    ("action plans and actions", actions.plans_and_actions),
    ("cases (sealed)", cases.cases),
    ("dilemmas", dilemmas.dilemmas),
    ("ecosystem", ecosystem.ecosystem),
]


def generated() -> int:
    """How many generated member organisations the database holds (0: none)."""
    from organisations.models import Organisation

    return Organisation.objects.filter(slug__startswith=f"{SLUG_PREFIX}m").count()


def generate(
    profile: Profile, seed: int = 1, now: datetime | None = None, out: Callable[[str], None] = print
) -> dict[str, int]:
    """Generate `profile`'s data; raises AlreadyGenerated on a database that has it. Returns the counts."""
    from framework.models import AssessmentLibrary

    if generated():
        raise AlreadyGenerated(f"this database already holds {generated()} generated member organisations")
    if not AssessmentLibrary.objects.current().filter(code=assessments.SHIPPED).exists():
        raise RuntimeError("the framework is not loaded: run `manage.py load_framework` first")
    if now is None:
        now = timezone.now().astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    ctx = Context(profile=profile, seed=seed, now=now, rng=random.Random(seed), out=out)  # noqa: S311 -- synthetic data
    started = time.perf_counter()
    for label, stage in STAGES:
        began = time.perf_counter()
        with transaction.atomic():
            stage(ctx)
        out(f"  {label:<26} {time.perf_counter() - began:7.1f} s")
    out(f"  {'total':<26} {time.perf_counter() - started:7.1f} s")
    return counts()


def counts() -> dict[str, int]:
    from actions.models import Action
    from assessments.models import Answer, Assessment
    from cases.models import Case
    from dilemmas.models import Dilemma
    from ecosystem.models import Relation
    from organisations.models import Organisation, Partnership

    generated_orgs = Organisation.objects.filter(slug__startswith=SLUG_PREFIX)
    return {
        "members": generated_orgs.filter(kind=Organisation.Kind.MEMBER).count(),
        "partners": generated_orgs.filter(kind=Organisation.Kind.PARTNER).count(),
        "partnerships": Partnership.objects.filter(organisation__slug__startswith=SLUG_PREFIX).count(),
        "assessments": Assessment.objects.filter(library__code=assessments.LIBRARY).count(),
        "answers": Answer.objects.filter(assessment__library__code=assessments.LIBRARY).count(),
        "actions": Action.objects.filter(plan__organisation__slug__startswith=SLUG_PREFIX).count(),
        "cases": Case.objects.filter(organisation__slug__startswith=SLUG_PREFIX).count(),
        "dilemmas": Dilemma.objects.filter(organisation__slug__startswith=SLUG_PREFIX).count(),
        "relations": Relation.objects.filter(activity__iati_identifier__startswith="XM-SCALE-").count(),
    }


def largest_member() -> "Organisation | None":
    """The generated member organisation with the most partnerships: the sector's largest funder."""
    from django.db.models import Count

    from organisations.models import Organisation

    return (
        Organisation.objects.filter(slug__startswith=f"{SLUG_PREFIX}m")
        .annotate(n=Count("partnerships_recorded"))
        .order_by("-n", "slug")
        .first()
    )


def fingerprint() -> str:
    """A hash of the generated rows by their natural keys and codes (no primary keys, no ciphertext)."""
    from actions.models import Action
    from assessments.models import Answer, Assessment
    from cases.models import Case, CaseStep
    from dilemmas.models import Dilemma
    from ecosystem.models import Relation
    from organisations.models import Membership, Organisation, Partnership

    digest = hashlib.sha256()
    queries = [
        Organisation.objects.filter(slug__startswith=SLUG_PREFIX)
        .order_by("slug")
        .values_list("slug", "code", "name", "kind", "country", "size_category", "registered_by__slug"),
        Partnership.objects.filter(organisation__slug__startswith=SLUG_PREFIX)
        .order_by("code")
        .values_list("code", "organisation__slug", "partner__slug", "kind", "status", "title", "starts_on"),
        Membership.objects.filter(organisation__slug__startswith=SLUG_PREFIX)
        .order_by("code")
        .values_list("code", "user__email", "organisation__slug", "role"),
        Assessment.objects.filter(library__code=assessments.LIBRARY)
        .order_by("code")
        .values_list("code", "organisation__slug", "requester__slug", "status", "final_rating", "valid_until"),
        Answer.objects.filter(assessment__library__code=assessments.LIBRARY)
        .order_by("assessment__code", "requirement__order")
        .values_list("assessment__code", "requirement__code", "level", "comment"),
        Action.objects.filter(plan__organisation__slug__startswith=SLUG_PREFIX)
        .order_by("code")
        .values_list("code", "plan__code", "organisation__slug", "title", "status", "due_on"),
        Case.objects.filter(organisation__slug__startswith=SLUG_PREFIX)
        .order_by("code")
        .values_list("code", "organisation__slug", "reference", "category__code", "phase", "received_at", "outcome"),
        CaseStep.objects.filter(case__organisation__slug__startswith=SLUG_PREFIX)
        .order_by("case__code", "order")
        .values_list("case__code", "code", "done_at", "due_at"),
        Dilemma.objects.filter(organisation__slug__startswith=SLUG_PREFIX)
        .order_by("code")
        .values_list("code", "organisation__slug", "status", "title_en", "context"),
        Relation.objects.filter(activity__iati_identifier__startswith="XM-SCALE-")
        .order_by("activity__iati_identifier", "source__identifier", "target__identifier", "kind", "amount")
        .values_list("activity__iati_identifier", "source__identifier", "target__identifier", "kind", "amount"),
    ]
    for query in queries:
        for row in query.iterator(chunk_size=10_000):
            digest.update(repr(row).encode())
    return digest.hexdigest()
