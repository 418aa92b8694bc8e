"""Server time and query counts of Samen's main pages, at demo size and at a scaled size.

    make bench                 # or: DEBUG=1 .venv/bin/python bench/run.py [--requests N] [--partners N]

Builds a throwaway SQLite database in a temporary folder, loads the framework and the demo, and
measures each page in-process with Django's test client. Times are reported as a ratio to a
trivial view measured in the same run, request for request in turn with the page (see
bench/urls.py and `measure`), so results compare across machines and busy moments;
the absolute milliseconds are printed too. A page whose query count grows with the data is
flagged: that is an N+1 to fix; so is a page over the budget of 50 ms at the 95th percentile at
scale. Results go to bench/results/latest.json.

The actieplan pages (see bench/actieplan.py) grow with the rest: assessments of 10 → 60
requirements (the overview; the answer page of one area of six; an answer page with all of them in
one area) and an action plan of 20 → 200 actions. The speak-up inbox (see bench/speakup.py) grows
from 100 to 10,000 reports of one channel, read by their handler; after the table, a report is
submitted to the public intake N times with the production Argon2id limits, and the time of the
whole request is split into the key derivation and the rest (budget: p95 ≤ 300 ms). Figures and
what they say: docs/benchmarks.md.

No test asserts on these numbers: timing is for people to read, not for CI to flake on.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench.actieplan import Actieplan
    from bench.speakup import Speakup

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "latest.json"
BUDGET_MS = 50


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=int(os.environ.get("BENCH_REQUESTS", 60)))
    parser.add_argument("--partners", type=int, default=2000, help="partner organisations added at scale")
    parser.add_argument("--people", type=int, default=300, help="members added to the organisation at scale")
    parser.add_argument("--requirements", type=int, default=60, help="requirements of the assessments at scale")
    parser.add_argument("--actions", type=int, default=200, help="actions of the plan at scale")
    parser.add_argument("--reports", type=int, default=10_000, help="speak-up reports in the inbox at scale")
    parser.add_argument("--submits", type=int, default=30, help="speak-up reports submitted (Argon2id each)")
    return parser.parse_args()


def setup_django(workdir: Path) -> None:
    # Before django.setup(): the settings read the database from the environment once.
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DEBUG", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "samen.settings"
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    settings.ROOT_URLCONF = "bench.urls"
    # Requests come from the test client's "testserver"; the bench measures pages, not password hashing.
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def analyse() -> None:
    """What a production database does on its own (autovacuum) or after a migration: fresh planner statistics,
    and on PostgreSQL a vacuum, which autovacuum runs after bulk inserts too: it sets the visibility map
    (index-only scans) and merges the GIN indexes' pending lists, which every search reads until then. Benches
    run it after building their data: a test server may run without autovacuum, and plans made without
    statistics are not the ones production gets."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def load_base_data() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_framework", verbosity=0)
    call_command("demo", verbosity=0, force=True)


def scale_up(slug: str, partners: int, people: int) -> None:
    """Add many partners (with a partnership each) and many members to one organisation."""
    from accounts.models import User
    from organisations.models import Invitation, Membership, Organisation, Partnership, Role

    org = Organisation.objects.get(slug=slug)
    countries = ["KE", "UG", "CO", "NL", "BD", "SS", "ET", "PE"]
    kinds = [Partnership.Kind.FUNDING, Partnership.Kind.IMPLEMENTING, Partnership.Kind.PEER]
    new_orgs = Organisation.objects.bulk_create(
        Organisation(
            slug=f"bench-partner-{i:05d}",
            name=f"Bench Partner {i:05d}",
            kind=Organisation.Kind.PARTNER,
            country=countries[i % len(countries)],
            registered_by=org,
        )
        for i in range(partners)
    )
    Partnership.objects.bulk_create(
        Partnership(organisation=org, partner=partner, kind=kinds[i % 3], title=f"Programme {i}")
        for i, partner in enumerate(new_orgs)
    )
    users = User.objects.bulk_create(
        User(email=f"bench-person-{i:05d}@example.org", name=f"Bench Person {i:05d}", password="!")  # noqa: S106 -- "!" is Django's unusable password
        for i in range(people)
    )
    roles = list(Role)
    Membership.objects.bulk_create(
        Membership(user=user, organisation=org, role=roles[i % len(roles)]) for i, user in enumerate(users)
    )
    for i in range(people // 10):
        Invitation.issue(org, f"bench-invitee-{i:05d}@example.org", Role.MEMBER, None)


def percentiles(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return statistics.median(times), times[max(0, round(0.95 * len(times)) - 1)]


def measure(client: Any, url: str, requests: int, trivial: Any = None) -> dict[str, Any]:
    """p50 and p95 of `url`; with a `trivial` client, each request alternates with one to the trivial view.

    The alternation is for machines shared with other work: a busy moment slows both equally, so
    the page's ratios to the trivial view ("p50_ratio", "p95_ratio") stay comparable.
    """
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm-up: caches, template loading
    if response.status_code != 200:
        return {"url": url, "status": response.status_code}
    # Django empties the query log when each request starts; begin the count from an empty log.
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    times, trivial_times = [], []
    for _ in range(requests):
        if trivial is not None:
            start = time.perf_counter()
            trivial.get("/bench-trivial/")
            trivial_times.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    p50, p95 = percentiles(times)
    result = {"url": url, "status": 200, "queries": len(queries), "p50_ms": p50, "p95_ms": p95}
    if trivial is not None:
        trivial_p50, trivial_p95 = percentiles(trivial_times)
        result |= {
            "p50_ratio": p50 / trivial_p50,
            "p95_ratio": p95 / trivial_p95,
            "trivial_p50_ms": trivial_p50,
            "trivial_p95_ms": trivial_p95,
        }
    return result


def measure_all(clients: dict[str, Any], pages: dict[str, str], requests: int) -> dict[str, dict[str, Any]]:
    """Each page with the client of the person who sees it (`clients`, else the director's)."""
    director = clients["director"]
    results = {"baseline": measure(director, "/bench-trivial/", requests)}
    for label, url in pages.items():
        results[label] = measure(clients.get(label, director), url, requests, trivial=director)
    return results


def pages_for(slug: str, actieplan: "Actieplan", speakup: "Speakup") -> dict[str, Callable[[], str]]:
    from django.urls import reverse

    from bench.speakup import inbox_url as speakup_inbox_url

    partner = actieplan.partner.slug
    return {
        "dashboard": lambda: reverse("organisations:dashboard", kwargs={"slug": slug}),
        "partners": lambda: reverse("organisations:partners", kwargs={"slug": slug}),
        "people": lambda: reverse("organisations:people", kwargs={"slug": slug}),
        "alliances": lambda: reverse("organisations:alliances", kwargs={"slug": slug}),
        "taxonomy": lambda: reverse("framework:taxonomy"),
        "glossary": lambda: reverse("framework:glossary"),
        # The funder reads the final assessment; the partner's member answers the open ones.
        "assessment": lambda: reverse("assessments:assessment", kwargs={"slug": slug, "code": actieplan.overview.code}),
        "answer": lambda: reverse(
            "assessments:assessment_answer", kwargs={"slug": partner, "code": actieplan.answering.code}
        ),
        "answer-1area": lambda: reverse(
            "assessments:assessment_answer", kwargs={"slug": partner, "code": actieplan.one_area.code}
        ),
        "plan": lambda: reverse("actions:plan", kwargs={"slug": slug, "code": actieplan.plan.code}),
        # The channel's handler (an integrity officer, key unlocked) reads the metadata of the reports.
        "inbox": speakup_inbox_url(speakup),
    }


def resolve(pages: dict[str, Callable[[], str]]) -> dict[str, str]:
    from django.urls import NoReverseMatch

    urls = {}
    for label, build in pages.items():
        try:
            urls[label] = build()
        except NoReverseMatch:
            print(f"note: {label} has no URL yet; skipped")
    return urls


def print_table(small: dict[str, Any], scaled: dict[str, Any], sizes: dict[str, int]) -> list[str]:
    print()
    print(
        f"Samen bench — {sizes['requests']} requests per page; scaled = +{sizes['partners']} partners, "
        f"+{sizes['people']} people, {sizes['small_requirements']} → {sizes['requirements']} requirements, "
        f"{sizes['small_actions']} → {sizes['actions']} actions, {sizes['small_reports']} → {sizes['reports']} "
        "speak-up reports"
    )
    print(
        f"baseline (trivial view): p50 {small['baseline']['p50_ms']:.2f} ms, p95 {small['baseline']['p95_ms']:.2f} ms"
    )
    header = (
        f"{'page':<13} {'queries':>9} {'p50 ×':>7} {'p95 ×':>7} {'p95 ms':>8}   "
        f"{'queries':>9} {'p50 ×':>7} {'p95 ×':>7} {'p95 ms':>8}  flag"
    )
    print(f"{'':<13} {'— demo size —':^35}   {'— scaled —':^35}")
    print(header)
    print("-" * len(header))
    flags = []
    for label in small:
        if label == "baseline":
            continue
        a, b = small[label], scaled.get(label, {})
        if a.get("status") != 200 or b.get("status") != 200:
            print(f"{label:<13} status {a.get('status')} / {b.get('status')}")
            continue
        problems = []
        if b["queries"] > a["queries"]:
            problems.append(f"QUERIES GROW ({a['queries']} → {b['queries']})")
        if b["p95_ms"] > BUDGET_MS:
            problems.append(f"OVER {BUDGET_MS} ms")
        flag = ", ".join(problems)
        if flag:
            flags.append(f"{label}: {flag}")
        print(
            f"{label:<13} {a['queries']:>9} {a['p50_ratio']:>7.1f} {a['p95_ratio']:>7.1f} {a['p95_ms']:>8.1f}   "
            f"{b['queries']:>9} {b['p50_ratio']:>7.1f} {b['p95_ratio']:>7.1f} {b['p95_ms']:>8.1f}  {flag}"
        )
    baseline = scaled["baseline"]
    if baseline["p95_ms"] > 3 * baseline["p50_ms"]:
        print()
        print(
            f"NOTE: the machine was busy (trivial view p95 {baseline['p95_ms']:.1f} ms vs p50 "
            f"{baseline['p50_ms']:.1f} ms): milliseconds are unreliable in this run; the ratios hold up better."
        )
    print()
    print(f"× = server time divided by the trivial view's, same run. Budget: p95 ≤ {BUDGET_MS} ms at sector scale.")
    for flag in flags:
        print(f"FLAG {flag}")
    return flags


def main() -> int:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="samen-bench-") as tmp:
        setup_django(Path(tmp))
        import pyotp
        from django.test import Client
        from django.utils import timezone

        from accounts.models import User
        from bench import actieplan as bench_actieplan
        from bench import speakup as bench_speakup

        load_base_data()
        slug = "hulp-zonder-grenzen"
        director = User.objects.get(email=f"admin@{slug}.example")
        # Admins must have two-factor authentication before they see any page; give the director one.
        director.totp_secret = pyotp.random_base32()
        director.totp_confirmed_at = timezone.now()
        director.save(update_fields=["totp_secret", "totp_confirmed_at"])
        actieplan = bench_actieplan.build(slug, director)
        partner_member = Client()
        partner_member.force_login(actieplan.answerer)
        clients = {"director": Client(), "answer": partner_member, "answer-1area": partner_member}
        clients["director"].force_login(director)
        speakup = bench_speakup.build(slug)
        clients["inbox"] = speakup.client
        urls = resolve(pages_for(slug, actieplan, speakup))

        small = measure_all(clients, urls, args.requests)
        scale_up(slug, args.partners, args.people)
        bench_actieplan.grow(actieplan, args.requirements, args.actions)
        bench_speakup.grow(speakup, args.reports)
        scaled = measure_all(clients, urls, args.requests)
        # At scale: the channel holds --reports reports when these arrive.
        submit = bench_speakup.measure_submit(speakup, args.submits, trivial=clients["director"])

    sizes = {
        "requests": args.requests,
        "partners": args.partners,
        "people": args.people,
        "small_requirements": bench_actieplan.SMALL_REQUIREMENTS,
        "requirements": args.requirements,
        "small_actions": bench_actieplan.SMALL_ACTIONS,
        "actions": args.actions,
        "small_reports": bench_speakup.SMALL_REPORTS,
        "reports": args.reports,
        "submits": args.submits,
    }
    flags = print_table(small, scaled, sizes)
    submit_flags = bench_speakup.print_submit(submit)
    for flag in submit_flags:
        print(f"FLAG {flag}")
    flags += submit_flags
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "python": platform.python_version(),
                "machine": platform.machine(),
                "database": "sqlite",
                "sizes": sizes,
                "demo_size": small,
                "scaled": scaled,
                "speakup_submit": submit,
                "flags": flags,
            },
            indent=2,
        )
    )
    print(f"Written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
