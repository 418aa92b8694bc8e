"""Bench data and measurements for case handling: one organisation's cases at 1,000 → 10,000.

    DEBUG=1 .venv/bin/python bench/cases.py [--cases 10000] [--small 1000] [--requests 60]

Builds its own throwaway SQLite database as bench/run.py does (framework and demo loaded), then:

- A handler (an integrity officer with two-factor authentication and a real handler key, made and
  unlocked with the smallest Argon2id work libsodium allows: the bench measures pages, not the key
  derivation, which bench/speakup.py measures) and a decision-maker with a key of their own.
- One real case (`sample`), opened, worked and noted through cases.handling exactly as the pages do:
  the fraud playbook, six steps done with sealed notes, three notes on the case, the decision-maker
  assigned. Its page is measured locked (the handler's key not unlocked in the session: steps and
  clock only) and unlocked (the file decrypted: notes, summary).
- Bulk cases (`add_cases`), stored directly: bulk_create of Case, its CaseSteps (copies of the steps
  of the playbook its category chooses, as handling.adopt_playbook makes them) and two Assignments (the
  handler as intake, the decision-maker). Received dates spread evenly over the last three years;
  every category and sub-type of the taxonomy in turn (a few recent ones not triaged yet), every route,
  severity, risk and outcome in turn. Cases received in the last 90 days are open, and one in fifty
  older ones (long-running); the rest are concluded 30–180 days after receipt with all steps done. An
  open case has one step done per six days since it came in. No sealed content and no case keys: the
  list, the calendar and the annual account read neither.

The pages are measured at `--small` cases and again after growing to `--cases` (same URLs), so a query
count that grows between the two is an N+1. Each page request alternates with a trivial view, and the
times are also reported as ratios to it (see bench/run.py's `measure`). Targets: the case list and
the case page p95 ≤ 50 ms; the annual account of a year of ~3,300 cases (and its CSV) ≤ 2 s. Results go
to bench/results/cases.json. Figures and what they say: docs/benchmarks.md.
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

    from accounts.models import User
    from cases.models import Case, Playbook
    from framework.models import ViolationSubtype, ViolationType
    from organisations.models import Organisation

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "cases.json"
SLUG = "hulp-zonder-grenzen"
SMALL_CASES = 1_000
YEARS = 3
OPEN_DAYS = 90
LONG_RUNNING_EVERY = 50
CHUNK = 1_000
PASSWORD = "bench-case-handler-password"  # noqa: S105 -- a throwaway account in a throwaway database
PAGE_BUDGET_MS = 50
ACCOUNT_BUDGET_MS = 2_000
# The annual account pages may take seconds at scale: fewer requests keep the run short. Any page stops
# after MIN_REQUESTS once its requests took SLOW_PAGE_MS in all.
ACCOUNT_REQUESTS = 20
MIN_REQUESTS = 20
SLOW_PAGE_MS = 20_000


@dataclass
class Bench:
    organisation: "Organisation"
    handler: "User"
    decider: "User"
    locked: "Client"
    unlocked: "Client"
    sample: "Case"
    # A complete year: about a third of the cases.
    year: int
    category: "ViolationType"


@dataclass(frozen=True)
class Page:
    label: str
    url: str
    unlocked: bool
    target_ms: int
    requests: int | None = None  # None: the run's --requests


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=int(os.environ.get("BENCH_REQUESTS", 60)))
    parser.add_argument("--small", type=int, default=SMALL_CASES, help="cases of the handler, first measurement")
    parser.add_argument("--cases", type=int, default=10_000, help="cases of the handler, second measurement")
    return parser.parse_args()


def _fast_argon2() -> tuple[Any, Any]:
    """Lower the key derivation to libsodium's minimum; returns the previous settings to restore."""
    import nacl.pwhash.argon2id as argon2id
    from django.conf import settings

    before = (getattr(settings, "SPEAKUP_ARGON2_OPSLIMIT", None), getattr(settings, "SPEAKUP_ARGON2_MEMLIMIT", None))
    settings.SPEAKUP_ARGON2_OPSLIMIT = argon2id.OPSLIMIT_MIN
    settings.SPEAKUP_ARGON2_MEMLIMIT = argon2id.MEMLIMIT_MIN
    return before


def _restore_argon2(before: tuple[Any, Any]) -> None:
    from django.conf import settings

    for name, value in zip(("SPEAKUP_ARGON2_OPSLIMIT", "SPEAKUP_ARGON2_MEMLIMIT"), before, strict=True):
        if value is None:
            delattr(settings, name)
        else:
            setattr(settings, name, value)


def _person(email: str, name: str, organisation: "Organisation") -> "User":
    """An integrity officer with two-factor authentication (required before any page) and a handler key."""
    import pyotp
    from django.utils import timezone

    from accounts.models import User
    from organisations.models import Membership, Role
    from speakup import keys

    user = User.objects.create_user(email, PASSWORD, name=name, language="en")
    user.totp_secret = pyotp.random_base32()
    user.totp_confirmed_at = timezone.now()
    user.save(update_fields=["totp_secret", "totp_confirmed_at"])
    Membership.objects.create(user=user, organisation=organisation, role=Role.OFFICER)
    keys.setup(user, PASSWORD)
    return user


def _sample_case(organisation: "Organisation", handler: "User", decider: "User") -> "Case":
    """A fraud case worked as the pages do: six steps done with notes, three notes, a decision-maker."""
    from django.utils import timezone

    from cases import handling
    from cases.models import Case, CaseRole
    from framework.models import ViolationSubtype
    from speakup import keys

    fraud = ViolationSubtype.objects.select_related("type").get(code="fraud")
    case = handling.open_case(
        organisation,
        by=handler,
        source=Case.Source.PHONE,
        received_at=timezone.now() - timedelta(days=40),
        summary="A caller says the project coordinator asked two suppliers for cash before signing. " * 4,
        category=fraud.type,
        subtype=fraud,
    )
    private_key = keys.open_with_password(handler, PASSWORD)
    for code in ("register", "acknowledge", "secure-evidence", "conflict-check", "triage", "limit-damage"):
        step = case.steps.get(code=code)
        handling.tick(case, step, by=handler, note=f"Done: {step.title_en}. " * 10, checked=[0, 1])
    for n in range(3):
        handling.add_note(case, f"Note {n}: what the second call added. " * 12, by=handler)
    handling.assign(case, decider, CaseRole.DECISION_MAKER, by=handler, by_private_key=private_key)
    case.refresh_from_db()
    return case


def build(slug: str = SLUG, small: int = SMALL_CASES) -> Bench:
    """The people, the sample case and bulk cases up to `small`, with a locked and an unlocked client."""
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from framework.models import ViolationType
    from organisations.models import Organisation

    organisation = Organisation.objects.get(slug=slug)
    before = _fast_argon2()
    try:
        handler = _person("bench-case-handler@example.org", "Bench Case Handler", organisation)
        decider = _person("bench-case-decider@example.org", "Bench Decision Maker", organisation)
        sample = _sample_case(organisation, handler, decider)
        locked, unlocked = Client(), Client()
        locked.force_login(handler)
        unlocked.force_login(handler)
        response = unlocked.post(reverse("speakup:unlock", kwargs={"slug": slug}), {"password": PASSWORD})
        if response.status_code != 302:
            raise RuntimeError(f"the bench handler's key did not unlock (status {response.status_code})")
    finally:
        _restore_argon2(before)
    bench = Bench(
        organisation=organisation,
        handler=handler,
        decider=decider,
        locked=locked,
        unlocked=unlocked,
        sample=sample,
        year=timezone.localdate().year - 1,
        category=ViolationType.objects.get(code="financial"),
    )
    add_cases(bench, small)
    return bench


def grow(bench: Bench, cases: int) -> None:
    add_cases(bench, cases)


def _kinds() -> list[tuple["ViolationType | None", "ViolationSubtype | None"]]:
    """Every type and every sub-type of the taxonomy, in turn."""
    from framework.models import ViolationSubtype, ViolationType

    types = list(ViolationType.objects.active().order_by("order", "code"))
    subtypes = list(ViolationSubtype.objects.active().select_related("type").order_by("type__order", "code"))
    return [(t, None) for t in types] + [(s.type, s) for s in subtypes]


def _last_numbers(organisation: "Organisation") -> dict[int, int]:
    """The highest reference number of each year ("2026-0014" → {2026: 14})."""
    from cases.models import Case

    last: dict[int, int] = {}
    for reference in Case.objects.filter(organisation=organisation).values_list("reference", flat=True):
        year, _dash, number = reference.partition("-")
        if year.isdigit() and number.isdigit():
            last[int(year)] = max(last.get(int(year), 0), int(number))
    return last


def add_cases(bench: Bench, upto: int) -> None:
    """Bulk cases with steps and assignments until the handler has `upto` cases; spread over three years."""
    from django.utils import timezone

    from cases import handling
    from cases.deadlines import current_phase, schedule
    from cases.models import Assignment, Case, CaseRole, CaseStep, Outcome, PlaybookStep, Risk, Severity, Source

    organisation, handler = bench.organisation, bench.handler
    have = Case.objects.filter(organisation=organisation, assignments__user=handler).distinct().count()
    count = upto - have
    if count <= 0:
        return
    kinds = _kinds()
    playbooks: dict[tuple[int | None, int | None], tuple[Playbook, list[PlaybookStep]]] = {}
    for category, subtype in [*kinds, (None, None)]:
        key = (category.pk if category else None, subtype.pk if subtype else None)
        playbook = handling.playbook_for(organisation, category, subtype)
        playbooks[key] = (playbook, list(PlaybookStep.objects.filter(playbook=playbook).order_by("order")))
    sources, severities, risks, outcomes = list(Source), list(Severity), list(Risk), list(Outcome)
    numbers = _last_numbers(organisation)
    now = timezone.now()
    span = timedelta(days=365 * YEARS)

    for start in range(0, count, CHUNK):
        cases: list[Case] = []
        plans: list[list[PlaybookStep]] = []
        for n in range(start, min(start + CHUNK, count)):
            # Evenly over the span, a fraction offset from the cases stored before (grow interleaves).
            received = now - span * ((n + 0.37) / count)
            age = now - received
            year = timezone.localtime(received).year
            numbers[year] = numbers.get(year, 0) + 1
            concluded_at = received + timedelta(days=30 + n % 151)
            is_open = age < timedelta(days=OPEN_DAYS) or n % LONG_RUNNING_EVERY == 0 or concluded_at >= now
            untriaged = is_open and age < timedelta(days=14) and n % 3 == 0
            category, subtype = (None, None) if untriaged else kinds[n % len(kinds)]
            playbook, steps = playbooks[(category.pk if category else None, subtype.pk if subtype else None)]
            # What has happened by now: acknowledged after 1–9 days (two in nine late), triaged after 10.
            acknowledged, triaged, feedback = (
                received + timedelta(days=days) if received + timedelta(days=days) <= now else None
                for days in (1 + n % 9, 10, 20 + n % 90)
            )
            if untriaged:
                triaged = None
            if not is_open and feedback is not None and feedback > concluded_at:
                feedback = concluded_at
            cases.append(
                Case(
                    organisation=organisation,
                    reference=f"{year}-{numbers[year]:04d}",
                    source=sources[n % len(sources)],
                    playbook=playbook,
                    category=category,
                    subtype=subtype,
                    severity="" if triaged is None else severities[n % len(severities)],
                    retaliation_risk="" if triaged is None else risks[n % len(risks)],
                    received_at=received,
                    acknowledged_at=acknowledged,
                    triaged_at=triaged,
                    feedback_at=feedback,
                    concluded_at=None if is_open else concluded_at,
                    outcome="" if is_open else outcomes[n % len(outcomes)],
                    opened_by=handler,
                    created_at=received,
                    updated_at=concluded_at if not is_open else received,
                )
            )
            plans.append(steps)
        cases = Case.objects.bulk_create(cases, batch_size=500)
        case_steps = []
        for case, steps in zip(cases, plans, strict=True):
            if case.concluded_at is not None:
                done_count, every = len(steps), (case.concluded_at - case.received_at) / len(steps)
            else:
                done_count, every = min(len(steps) - 1, (now - case.received_at).days // 6), timedelta(days=6)
            mine = [
                CaseStep(
                    case=case,
                    playbook_code=case.playbook.code,
                    **{field: getattr(step, field) for field in handling.STEP_FIELDS},
                    done_at=case.received_at + every * (i + 1) if i < done_count else None,
                    done_by=handler if i < done_count else None,
                    notified_on=(case.received_at + every * (i + 1)).date() if i < done_count and step.notify else None,
                )
                for i, step in enumerate(steps)
            ]
            case.phase = current_phase(mine)
            # The stored deadlines, as cases.handling.refresh_due keeps them.
            for step, state in zip(mine, schedule(case, mine), strict=True):
                step.due_at = state.due_at
            case_steps.extend(mine)
        CaseStep.objects.bulk_create(case_steps, batch_size=1_000)
        Case.objects.bulk_update(cases, ["phase"], batch_size=500)
        Assignment.objects.bulk_create(
            [
                assignment
                for case in cases
                for assignment in (
                    Assignment(case=case, user=handler, role=CaseRole.INTAKE, assigned_by=handler),
                    Assignment(
                        case=case,
                        user=bench.decider,
                        role=CaseRole.DECISION_MAKER,
                        assigned_by=handler,
                        no_conflict_confirmed_at=case.received_at + timedelta(days=3),
                    ),
                )
            ],
            batch_size=1_000,
        )


def pages(bench: Bench) -> list[Page]:
    from django.urls import NoReverseMatch, reverse

    slug = bench.organisation.slug
    cases = reverse("cases:cases", kwargs={"slug": slug})
    case = reverse("cases:case", kwargs={"slug": slug, "code": bench.sample.code})
    found = [
        Page("cases", cases, False, PAGE_BUDGET_MS),
        Page("cases-filtered", f"{cases}?category={bench.category.code}&state=open", False, PAGE_BUDGET_MS),
        Page("cases-overdue", f"{cases}?state=overdue", False, PAGE_BUDGET_MS),
        Page("case-locked", case, False, PAGE_BUDGET_MS),
        Page("case-unlocked", case, True, PAGE_BUDGET_MS),
        Page("calendar", reverse("cases:calendar", kwargs={"slug": slug}), False, PAGE_BUDGET_MS),
    ]
    # The annual account pages, where this checkout has them.
    for label, name, kwargs, target, requests in (
        ("annual-years", "cases:annual_years", {}, PAGE_BUDGET_MS, None),
        ("annual", "cases:annual_account", {"year": bench.year}, ACCOUNT_BUDGET_MS, ACCOUNT_REQUESTS),
        ("annual-csv", "cases:annual_csv", {"year": bench.year}, ACCOUNT_BUDGET_MS, ACCOUNT_REQUESTS),
    ):
        try:
            found.append(Page(label, reverse(name, kwargs={"slug": slug, **kwargs}), False, target, requests))
        except NoReverseMatch:  # not built in this checkout yet
            print(f"note: {label} has no URL yet; skipped")
    return found


def sizes(bench: Bench) -> dict[str, int]:
    """What the measured pages stand on: the handler's cases, the open ones, the cases of the account's year."""
    from cases.annual import year_bounds
    from cases.models import Case, CaseStep

    mine = Case.objects.filter(organisation=bench.organisation, assignments__user=bench.handler).distinct()
    start, end = year_bounds(bench.year)
    return {
        "cases": mine.count(),
        "open": mine.filter(concluded_at__isnull=True).count(),
        "steps": CaseStep.objects.filter(case__in=mine).count(),
        "year_cases": Case.objects.filter(
            organisation=bench.organisation, received_at__gte=start, received_at__lt=end
        ).count(),
        "year": bench.year,
    }


def measure(client: "Client", url: str, requests: int, trivial: "Client") -> dict[str, Any]:
    """bench/run.py's `measure` (each request alternating with one to the trivial view), with CPU time too.

    The machine is shared with other work: wall-clock time stretches with the load, the CPU time of this
    process much less, so both are kept and the targets are judged on both (see `print_table`).
    """
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from bench.run import percentiles

    response = client.get(url)  # warm-up: caches, template loading
    if response.status_code != 200:
        return {"url": url, "status": response.status_code}
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    times: list[float] = []
    cpu_times: list[float] = []
    trivial_times: list[float] = []
    for n in range(requests):
        if n >= MIN_REQUESTS and sum(times) > SLOW_PAGE_MS:
            break  # a page of seconds: enough requests for its p95, without a run of many minutes
        start = time.perf_counter()
        trivial.get("/bench-trivial/")
        trivial_times.append((time.perf_counter() - start) * 1000)
        start, start_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        cpu_times.append((time.process_time() - start_cpu) * 1000)
    p50, p95 = percentiles(times)
    cpu_p50, cpu_p95 = percentiles(cpu_times)
    trivial_p50, trivial_p95 = percentiles(trivial_times)
    return {
        "url": url,
        "status": 200,
        "requests": len(times),
        "queries": len(queries),
        "p50_ms": p50,
        "p95_ms": p95,
        "p50_cpu_ms": cpu_p50,
        "p95_cpu_ms": cpu_p95,
        "trivial_p50_ms": trivial_p50,
        "trivial_p95_ms": trivial_p95,
        "p50_ratio": p50 / trivial_p50,
        "p95_ratio": p95 / trivial_p95,
    }


def measure_all(bench: Bench, requests: int) -> dict[str, dict[str, Any]]:
    from bench.run import measure as measure_alone

    results = {"baseline": measure_alone(bench.locked, "/bench-trivial/", requests)}
    for page in pages(bench):
        client = bench.unlocked if page.unlocked else bench.locked
        result = measure(client, page.url, page.requests or requests, trivial=bench.locked)
        results[page.label] = result | {"target_ms": page.target_ms}
    return results


def print_table(
    small: dict[str, Any], scaled: dict[str, Any], small_size: dict[str, int], size: dict[str, int]
) -> list[str]:
    """The table of both sizes; its flags. Over a target by CPU time is a finding; by wall-clock time only, it
    may be the machine (other work, pauses) as much as the page: compare the ratio with the other pages'."""
    print()
    print(
        f"Cases bench — the handler's cases {small_size['cases']:,} → {size['cases']:,} "
        f"(open {small_size['open']:,} → {size['open']:,}; steps {small_size['steps']:,} → {size['steps']:,}); "
        f"the account of {size['year']}: {small_size['year_cases']:,} → {size['year_cases']:,} cases"
    )
    print(
        f"baseline (trivial view): p50 {small['baseline']['p50_ms']:.2f} ms, p95 {small['baseline']['p95_ms']:.2f} ms"
    )
    left = f"— {small_size['cases']:,} cases —"
    right = f"— {size['cases']:,} cases —"
    header = (
        f"{'page':<15} {'target':>7} {'queries':>7} {'p50':>7} {'p95':>7} {'CPU95':>7}   "
        f"{'queries':>7} {'p50':>7} {'p95':>7} {'CPU95':>7} {'p50 ×':>6} {'p95 ×':>6} {'n':>3}  flag"
    )
    print(f"{'':<23} {left:^37}   {right:^51}")
    print(header)
    print("-" * len(header))
    flags = []
    for label, a in small.items():
        if label == "baseline":
            continue
        b = scaled.get(label, {})
        if a.get("status") != 200 or b.get("status") != 200:
            flags.append(f"{label}: status {a.get('status')} / {b.get('status')}")
            print(f"{label:<15} status {a.get('status')} / {b.get('status')}")
            continue
        problems = []
        if b["queries"] > a["queries"]:
            problems.append(f"QUERIES GROW ({a['queries']} → {b['queries']})")
        if b["p95_cpu_ms"] > b["target_ms"]:
            problems.append(f"OVER {b['target_ms']} ms")
        elif b["p95_ms"] > b["target_ms"]:
            problems.append(f"over {b['target_ms']} ms wall-clock, not in CPU time")
        flag = ", ".join(problems)
        if flag:
            flags.append(f"{label}: {flag}")
        print(
            f"{label:<15} {b['target_ms']:>7} {a['queries']:>7} {a['p50_ms']:>7.1f} {a['p95_ms']:>7.1f} "
            f"{a['p95_cpu_ms']:>7.1f}   {b['queries']:>7} {b['p50_ms']:>7.1f} {b['p95_ms']:>7.1f} "
            f"{b['p95_cpu_ms']:>7.1f} {b['p50_ratio']:>6.1f} {b['p95_ratio']:>6.1f} {b['requests']:>3}  {flag}"
        )
    baseline = scaled["baseline"]
    if baseline["p95_ms"] > 3 * baseline["p50_ms"]:
        print()
        print(
            f"NOTE: the machine was busy (trivial view p95 {baseline['p95_ms']:.1f} ms vs p50 "
            f"{baseline['p50_ms']:.1f} ms): wall-clock milliseconds are unreliable in this run; CPU time and the "
            "ratios hold up better."
        )
    print()
    print("Milliseconds: p50/p95 wall-clock, CPU95 = p95 of this process's CPU time per request.")
    print("Targets (p95): the case list and the case page ≤ 50 ms; the annual account (page and CSV) ≤ 2,000 ms.")
    print("× = wall-clock server time divided by the trivial view's, request for request in the same run.")
    print(f"n = requests measured at scale (a page stops after {MIN_REQUESTS} once its requests took 20 s).")
    for flag in flags:
        print(f"FLAG {flag}")
    return flags


def main() -> int:
    args = parse_args()
    # This file is named like the `cases` app: the project's folder must come before bench/ on the path.
    sys.path.insert(0, str(ROOT))
    from bench.run import load_base_data, setup_django

    with tempfile.TemporaryDirectory(prefix="samen-bench-cases-") as tmp:
        setup_django(Path(tmp))
        started = time.perf_counter()
        load_base_data()
        bench = build(SLUG, args.small)
        built = time.perf_counter() - started
        small_size = sizes(bench)
        small = measure_all(bench, args.requests)
        started = time.perf_counter()
        grow(bench, args.cases)
        grown = time.perf_counter() - started
        size = sizes(bench)
        scaled = measure_all(bench, args.requests)
    print(
        f"\nData: demo, framework and {small_size['cases']:,} cases in {built:.1f} s; "
        f"{size['cases'] - small_size['cases']:,} more cases in {grown:.1f} s"
    )
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
