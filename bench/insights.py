"""Bench data and measurements for insights: an organisation's dashboard and a network's sector insights.

    DEBUG=1 .venv/bin/python bench/insights.py [--members 600] [--small 60] [--requests 40]

Builds its own throwaway SQLite database as bench/run.py does (framework and demo loaded), then a sector
at two sizes, measured with the same URLs so that a query count that grows between them is an N+1:

- a network (`bench-network`) with an integrity officer, and member organisations of every size
  category (A–D and not given, in turn) that all opted in to it;
- per member: partnerships with partner organisations (a pool of ~33 partners per member, ~67
  partnerships each), half of them with a final assessment the member requested (valid until somewhere
  from a year ago to three years ahead, every rating in turn); cases spread over the last three years (every
  category in turn, acknowledged after 1–9 days, feedback after 20–110 days where that has happened);
  roadmap steps done (a share that grows with the member's number);
- the dashboard organisation (the demo's `hulp-zonder-grenzen`, itself a member) gets a fifth of the
  cases, 300 partners of its own with assessments, a tenth of the actions in plans of 50 (every status
  in turn, due dates over two years; the rest in one plan per member), and health checks with closed
  rounds of ten ratings from each side.

At `--members` 600 that is ~40,000 partnerships, ~20,000 assessments, 10,000 cases, 30,000 actions: the
sector scale of DESIGN.md. Pages measured: the dashboard (as the organisation's integrity officer), the
sector page unfiltered and filtered by size and category (as the network's officer), and the sector PDF
(fewer requests; WeasyPrint, no 50 ms budget). Each request alternates with a trivial view (see
bench/cases.py's `measure`). Results go to bench/results/insights.json.
"""

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.test import Client

    from organisations.models import Organisation

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "insights.json"
SLUG = "hulp-zonder-grenzen"
PAGE_BUDGET_MS = 50
PDF_REQUESTS = 5
PARTNERSHIPS_PER_MEMBER = 67
CASES_PER_MEMBER = 16.7  # 10,000 at 600 members
ACTIONS_PER_MEMBER = 50  # 30,000 at 600 members
CHUNK = 2_000


@dataclass
class Sector:
    network: "Organisation"
    dashboard_org: "Organisation"
    officer: "Client"
    network_officer: "Client"
    members: int = 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=int(os.environ.get("BENCH_REQUESTS", 40)))
    parser.add_argument("--small", type=int, default=60, help="member organisations, first measurement")
    parser.add_argument("--members", type=int, default=600, help="member organisations, second measurement")
    return parser.parse_args()


def _person(email: str, organisation: "Organisation", role: str) -> "Client":
    """A logged-in client of someone with two-factor authentication (required for officers) in `role`."""
    import pyotp
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from organisations.models import Membership

    user = User.objects.create_user(email, "bench-password", name=email.split("@")[0], language="en")
    user.totp_secret = pyotp.random_base32()
    user.totp_confirmed_at = timezone.now()
    user.save(update_fields=["totp_secret", "totp_confirmed_at"])
    Membership.objects.create(user=user, organisation=organisation, role=role)
    client = Client()
    client.force_login(user)
    return client


def build() -> Sector:
    from organisations.models import Consent, Organisation, Role

    network = Organisation.objects.create(slug="bench-network", name="Bench Network", kind=Organisation.Kind.NETWORK)
    hulp = Organisation.objects.get(slug=SLUG)
    Consent.objects.create(
        organisation=hulp,
        subject=f"insights:{network.code}",
        scope=Consent.Scope.ORGANISATION,
        to_organisation=network,
    )
    sector = Sector(
        network=network,
        dashboard_org=hulp,
        officer=_person("bench-insights-officer@example.org", hulp, Role.OFFICER),
        network_officer=_person("bench-network-officer@example.org", network, Role.OFFICER),
    )
    return sector


def grow(sector: Sector, members: int) -> None:
    """Add members (with their partners, assessments, cases, roadmap) until there are `members`; grow hulp too."""
    from django.utils import timezone

    from actions.models import Action, ActionPlan
    from assessments.models import Assessment, Rating
    from cases.models import Case, Playbook
    from framework.models import AssessmentLibrary, ViolationType
    from health.models import Answered, Participant, Round, Schedule
    from health.models import Rating as HealthRating
    from organisations.models import Consent, Organisation, Partnership
    from roadmap.models import Completion, Step

    start, count = sector.members, members - sector.members
    if count <= 0:
        return
    now, today = timezone.now(), timezone.localdate()
    sizes = ["A", "B", "C", "D", ""]
    new = Organisation.objects.bulk_create(
        Organisation(
            slug=f"bench-member-{n:05d}",
            name=f"Bench Member {n:05d}",
            kind=Organisation.Kind.MEMBER,
            size_category=sizes[n % len(sizes)],
        )
        for n in range(start, members)
    )
    Consent.objects.bulk_create(
        Consent(
            organisation=member,
            subject=f"insights:{sector.network.code}",
            scope=Consent.Scope.ORGANISATION,
            to_organisation=sector.network,
        )
        for member in new
    )
    # Partners: a pool of half as many as the partnerships, each partner shared by two members.
    pool_size = count * PARTNERSHIPS_PER_MEMBER // 2
    pool = Organisation.objects.bulk_create(
        (
            Organisation(slug=f"bench-sector-partner-{start}-{n:06d}", name=f"Partner {start}-{n}", kind="partner")
            for n in range(pool_size)
        ),
        batch_size=CHUNK,
    )
    library = AssessmentLibrary.objects.current().first()
    assert library is not None, "the framework's libraries are loaded"
    ratings = ["low", "moderate", "high", ""]
    partnerships, assessments = [], []
    for index, member in enumerate(new):
        for k in range(PARTNERSHIPS_PER_MEMBER):
            # Each partner is a partner of two members (the pool wraps around once).
            partner = pool[(index * PARTNERSHIPS_PER_MEMBER + k) % pool_size]
            partnerships.append(Partnership(organisation=member, partner=partner, kind="funding"))
            if k % 2 == 0:
                valid = today + timedelta(days=(k * 37) % 1460 - 365)
                assessments.append(
                    Assessment(
                        library=library,
                        organisation=partner,
                        requester=member,
                        status=Assessment.Status.FINAL,
                        final_rating=ratings[k % len(ratings)],
                        finalised_at=now - timedelta(days=400),
                        valid_until=valid,
                    )
                )
    Partnership.objects.bulk_create(partnerships, batch_size=CHUNK, ignore_conflicts=True)
    Assessment.objects.bulk_create(assessments, batch_size=CHUNK)

    playbook = Playbook.objects.filter(organisation__isnull=True).order_by("pk").first()
    assert playbook is not None, "the framework's playbooks are loaded"
    kinds = [*ViolationType.objects.filter(retired=False), None]
    total_cases = int(count * CASES_PER_MEMBER)
    span = timedelta(days=365 * 3)
    cases = []
    for n in range(total_cases):
        # A fifth of the cases are hulp's own (its dashboard counts them); the rest spread over the new members.
        owner = sector.dashboard_org if n % 5 == 0 else new[n % len(new)]
        received = now - span * ((n + 0.5) / total_cases)
        acknowledged = received + timedelta(days=1 + n % 9)
        feedback = acknowledged + timedelta(days=20 + n % 90)
        concluded = received + timedelta(days=150) if received + timedelta(days=150) < now else None
        cases.append(
            Case(
                organisation=owner,
                reference=f"B{start}-{n:06d}",
                source="phone",
                playbook=playbook,
                category=kinds[n % len(kinds)],
                received_at=received,
                acknowledged_at=acknowledged if acknowledged < now else None,
                feedback_at=feedback if feedback < now else None,
                phase=["receive", "assess", "address", "conclude"][n % 4],
                concluded_at=concluded,
                outcome="substantiated" if concluded else "",
            )
        )
    Case.objects.bulk_create(cases, batch_size=CHUNK)

    steps = list(Step.objects.filter(retired=False).values_list("pk", flat=True))
    Completion.objects.bulk_create(
        (
            Completion(organisation=member, step_id=step, note="Done.")
            for index, member in enumerate(new)
            for step in steps[: (start + index) % (len(steps) + 1)]
        ),
        batch_size=CHUNK,
    )

    # The dashboard organisation: 300 partners of its own per 600 members, plans and actions, health checks.
    hulp = sector.dashboard_org
    own = Organisation.objects.bulk_create(
        Organisation(slug=f"bench-hulp-partner-{start}-{n:05d}", name=f"Hulp partner {n}", kind="partner")
        for n in range(count // 2)
    )
    Partnership.objects.bulk_create(Partnership(organisation=hulp, partner=p, kind="implementing") for p in own)
    Assessment.objects.bulk_create(
        Assessment(
            library=library,
            organisation=p,
            requester=hulp,
            status=Assessment.Status.FINAL,
            final_rating=[r.value for r in Rating][n % 3],
            finalised_at=now - timedelta(days=300),
            valid_until=today + timedelta(days=n % 700 - 200),
        )
        for n, p in enumerate(own)
        if n % 3
    )
    # Actions: a tenth of them in hulp's plans (50 each), the rest in one plan per member.
    statuses = ["todo", "doing", "done", "dropped"]
    plans = ActionPlan.objects.bulk_create(
        [
            ActionPlan(organisation=hulp, title=f"Plan {start}-{n}", source_kind=list(ActionPlan.Source)[n % 5])
            for n in range(count * ACTIONS_PER_MEMBER // 500)
        ]
        + [ActionPlan(organisation=member, title="Plan") for member in new]
    )
    per_plan = {plan.pk: 50 if plan.organisation_id == hulp.pk else ACTIONS_PER_MEMBER * 9 // 10 for plan in plans}
    Action.objects.bulk_create(
        (
            Action(
                plan=plan,
                organisation_id=plan.organisation_id,
                title="Bench action",
                status=statuses[k % 4],
                dropped_reason="Bench" if k % 4 == 3 else "",
                due_on=today + timedelta(days=(k * 13) % 730 - 365),
            )
            for plan in plans
            for k in range(per_plan[plan.pk])
        ),
        batch_size=CHUNK,
    )
    colours = ["green", "amber", "red"]
    for n, partner in enumerate(own[: max(1, count // 60)]):
        partnership = Partnership.objects.get(organisation=hulp, partner=partner)
        schedule = Schedule.objects.create(
            organisation=hulp, partnership=partnership, title=f"Check {n}", next_due_on=today
        )
        for number in range(1, 5):
            round = Round.objects.create(
                schedule=schedule, organisation=hulp, number=number, closed_at=now - timedelta(days=90 * number)
            )
            answered, health_ratings = [], []
            for side in (hulp, partner):
                for person in range(4):
                    participant = Participant.objects.create(
                        round=round, user=_rater(start, n, number, side, person), organisation=side
                    )
                    answered.append(Answered(round=round, participant=participant, organisation=side))
                    health_ratings.append(
                        HealthRating(
                            round=round, organisation=side, dimension="trust", colour=colours[(n + person) % 3]
                        )
                    )
            Answered.objects.bulk_create(answered)
            HealthRating.objects.bulk_create(health_ratings)
    sector.members = members


_raters: dict[tuple[int, int], Any] = {}


def _rater(start: int, check: int, number: int, side: "Organisation", person: int) -> Any:
    """One user per (side, person), reused across rounds: a participant is unique per round only."""
    from accounts.models import User

    key = (side.pk, person)
    if key not in _raters:
        _raters[key] = User.objects.create_user(f"rater-{side.pk}-{person}@example.org", None)
    return _raters[key]


def pages(sector: Sector) -> dict[str, tuple["Client", str, int]]:
    from django.urls import reverse

    from cases.annual import current_year
    from framework.models import ViolationType

    year = current_year() - 1
    fraud = ViolationType.objects.filter(retired=False).order_by("order").first()
    network = reverse("insights:sector", kwargs={"slug": sector.network.slug})
    return {
        "dashboard": (sector.officer, reverse("insights:dashboard", kwargs={"slug": SLUG}) + f"?year={year}", 0),
        "sector": (sector.network_officer, f"{network}?year={year}", 0),
        "sector-filtered": (
            sector.network_officer,
            f"{network}?year={year}&size=C&category={fraud.pk if fraud else ''}",
            0,
        ),
        "sector-pdf": (
            sector.network_officer,
            reverse("insights:sector_pdf", kwargs={"slug": sector.network.slug}) + f"?year={year}",
            PDF_REQUESTS,
        ),
    }


def sizes() -> dict[str, int]:
    from actions.models import Action
    from assessments.models import Assessment
    from cases.models import Case
    from organisations.models import Consent, Partnership

    return {
        "members": Consent.objects.filter(subject__startswith="insights:").count(),
        "partnerships": Partnership.objects.count(),
        "assessments": Assessment.objects.count(),
        "cases": Case.objects.count(),
        "actions": Action.objects.count(),
    }


def measure_all(sector: Sector, requests: int) -> dict[str, dict[str, Any]]:
    from bench.cases import measure
    from bench.run import measure as measure_alone

    results = {"baseline": measure_alone(sector.officer, "/bench-trivial/", requests)}
    for label, (client, url, page_requests) in pages(sector).items():
        results[label] = measure(client, url, page_requests or requests, trivial=sector.officer)
    return results


def print_table(
    small: dict[str, Any], scaled: dict[str, Any], small_size: dict[str, int], size: dict[str, int]
) -> list[str]:
    print()
    print("Insights bench — " + ", ".join(f"{k} {small_size[k]:,} → {size[k]:,}" for k in size))
    print(
        f"baseline (trivial view): p50 {scaled['baseline']['p50_ms']:.2f} ms, p95 {scaled['baseline']['p95_ms']:.2f} ms"
    )
    header = (
        f"{'page':<16} {'queries':>7} {'p50':>7} {'p95':>7} {'CPU95':>7}   "
        f"{'queries':>7} {'p50':>7} {'p95':>7} {'CPU95':>7} {'p95 ×':>6} {'n':>3}  flag"
    )
    print(header)
    print("-" * len(header))
    flags = []
    for label, a in small.items():
        if label == "baseline":
            continue
        b = scaled[label]
        if a.get("status") != 200 or b.get("status") != 200:
            flags.append(f"{label}: status {a.get('status')} / {b.get('status')}")
            print(f"{label:<16} status {a.get('status')} / {b.get('status')}")
            continue
        problems = []
        if b["queries"] > a["queries"]:
            problems.append(f"QUERIES GROW ({a['queries']} → {b['queries']})")
        if label != "sector-pdf" and b["p95_cpu_ms"] > PAGE_BUDGET_MS:
            problems.append(f"OVER {PAGE_BUDGET_MS} ms")
        elif label != "sector-pdf" and b["p95_ms"] > PAGE_BUDGET_MS:
            problems.append(f"over {PAGE_BUDGET_MS} ms wall-clock, not in CPU time")
        flag = ", ".join(problems)
        if flag:
            flags.append(f"{label}: {flag}")
        print(
            f"{label:<16} {a['queries']:>7} {a['p50_ms']:>7.1f} {a['p95_ms']:>7.1f} {a['p95_cpu_ms']:>7.1f}   "
            f"{b['queries']:>7} {b['p50_ms']:>7.1f} {b['p95_ms']:>7.1f} {b['p95_cpu_ms']:>7.1f} "
            f"{b['p95_ratio']:>6.1f} {b['requests']:>3}  {flag}"
        )
    print()
    print("Milliseconds: p50/p95 wall-clock, CPU95 = p95 of this process's CPU time per request; target p95 ≤ 50 ms")
    print("(the PDF has none). × = wall-clock time divided by the trivial view's, request for request.")
    for flag in flags:
        print(f"FLAG {flag}")
    return flags


def main() -> int:
    args = parse_args()
    # This file is named like the `insights` app: the project's folder must come before bench/ on the path.
    sys.path.insert(0, str(ROOT))
    from bench.run import load_base_data, setup_django

    with tempfile.TemporaryDirectory(prefix="samen-bench-insights-") as tmp:
        setup_django(Path(tmp))
        started = time.perf_counter()
        load_base_data()
        sector = build()
        grow(sector, args.small)
        built = time.perf_counter() - started
        small_size = sizes()
        small = measure_all(sector, args.requests)
        started = time.perf_counter()
        grow(sector, args.members)
        grown = time.perf_counter() - started
        size = sizes()
        scaled = measure_all(sector, args.requests)
    print(f"\nData: demo, framework and {args.small} members in {built:.1f} s; up to {args.members} in {grown:.1f} s")
    flags = print_table(small, scaled, small_size, size)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "python": platform.python_version(),
                "machine": platform.machine(),
                "database": "sqlite",
                "requests": args.requests,
                "small_size": small_size,
                "size": size,
                "small": small,
                "scaled": scaled,
                "flags": flags,
            },
            indent=2,
        )
    )
    print(f"Written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
