"""Every page of the access matrix, and every API list, at `small` and at `sector` scale: p50, p95, queries.

    DEBUG=1 .venv/bin/python bench/pages.py [--profile small|sector|both] [--postgres] [--reuse DIR]
                                            [--requests 30] [--only SUBSTRING] [--slowest N]

Data: `manage.py generate_scale` (samen/scale) on a throwaway database — SQLite in a temporary folder,
or with `--postgres` a database `samen_bench_pages_<pid>` on 127.0.0.1:5432, dropped at the end. Sector
generation takes minutes: `--reuse DIR` keeps the SQLite files (DIR/small.sqlite3, DIR/sector.sqlite3),
or with `--postgres` the databases `samen_bench_pages_small` and `_sector`, and uses them again next time
(drop them by hand when done). Each profile runs in a child process (its own database connection and
settings); the parent prints the table and merges the figures into bench/results/pages.json under the
database's name, so a `--postgres` run adds to a SQLite one.

Which pages: every GET row of the access matrix (tests/access/*.py) that some persona may see (expected
200). The personas of tests/conftest.py are made members of the generated sector's largest funder (the
member organisation with the most partnerships), the matrix's world (tests/access/world.py) is built
around it, and each row is requested by the most senior persona the row lets in, with the URL its
`kwargs` build. The row's objects are then swapped for generated ones (`swap`): an object of the same
model and the same relation to the organisation — the funder's largest action plan, a final assessment
it requested (60 answers), a case of its with the most steps (the persona is put on it), a published
dilemma of its — when the page answers 200 with it; otherwise the row's own object is kept, and the
table says which (`data` column: sector / world). Every API list is asked for a page of 100 with a token
of the funder holding every scope. Everything a row makes is rolled back after it.

Timing as in bench/run.py: each request alternates with a trivial view requested by the same person
(the × columns are ratios to it); absolute milliseconds are printed too. Slow pages (exports, PDFs)
stop after MIN_REQUESTS once SLOW_PAGE_MS is spent. Flags: p95 over 50 ms at the larger scale measured,
or over 25 × the trivial view (50 ms when the trivial view takes its quiet 2 ms: on a busy machine the
milliseconds stretch, the ratios much less), and a query count that grows from small to sector. Nothing
here asserts on time. One profile at a time keeps the other's figures in the JSON (so does `--only`,
for the other pages); `--table` prints the stored table again; `--slowest N` prints the N slowest queries of one
request under each row measured (where a page spends its database time).
"""

import argparse
import contextlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "pages.json"
BUDGET_MS = 50
# The trivial view's p95 on this machine when it is quiet (docs/benchmarks.md: 1–2 ms). On a busy machine
# every millisecond stretches; a page's ratio to the trivial view does much less. So the budget is also
# checked as a ratio: BUDGET_MS / QUIET_TRIVIAL_MS = 25 × the trivial view.
QUIET_TRIVIAL_MS = 2.0
BUDGET_RATIO = BUDGET_MS / QUIET_TRIVIAL_MS
MIN_REQUESTS = 10
SLOW_PAGE_MS = 8_000
SENIORITY = ["admin", "officer", "manager", "member", "viewer", "outsider", "anonymous"]
POSTGRES = "postgres://postgres@127.0.0.1:5432"
# Every page is asked for as a browser asks: a view that compresses (the map's, ADR 0021) pays for it here.
BROWSER = {"accept-encoding": "gzip, deflate, br"}
# Tasks queued, not run, as with a worker in production: the request of a download a worker makes only queues it.
QUEUED = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def psql(sql: str, check: bool) -> None:
    """One statement on the server's maintenance database (the throwaway database's CREATE and DROP)."""
    subprocess.run(["psql", f"{POSTGRES}/postgres", "-qc", sql], check=check)  # noqa: S603, S607 -- PostgreSQL's own


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", choices=["small", "sector", "both"], default="both")
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL database instead of SQLite")
    parser.add_argument("--reuse", type=Path, help="folder to keep (and reuse) the generated SQLite databases in")
    parser.add_argument("--requests", type=int, default=int(os.environ.get("BENCH_REQUESTS", 30)))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", default="", help="only rows whose label has this (or one of a,b,c)")
    parser.add_argument("--slowest", type=int, default=0, help="print each row's N slowest queries (one request)")
    parser.add_argument("--table", action="store_true", help="print the table of bench/results/pages.json again")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)  # internal: one profile, results to this file
    return parser.parse_args()


# --- the child: one profile on one database -------------------------------------------------------------


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DEBUG", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "samen.settings"
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    settings.ROOT_URLCONF = "bench.urls"
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.API_RATE_PER_MINUTE = 10_000_000
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="samen-bench-pages-media-")


def prepare(profile: str, seed: int) -> float:
    """Migrate, load the framework and generate, unless the database has the data already; seconds spent."""
    from django.core.management import call_command

    from samen import scale

    started = time.perf_counter()
    from bench.run import analyse

    call_command("migrate", verbosity=0, interactive=False)
    if scale.generated():
        print(f"[{profile}] reusing the generated data in the database", flush=True)
        analyse()
        return 0.0
    call_command("load_framework", verbosity=0)
    print(f"[{profile}] generating (seed {seed}):", flush=True)
    scale.generate(scale.PROFILES[profile], seed=seed, out=lambda line: print(line, flush=True))
    analyse()
    return time.perf_counter() - started


def personas(org: Any) -> Any:
    """tests/conftest.py's personas, members of `org` (the sector's largest funder), and Ander Fonds."""
    from organisations.models import Membership, Organisation, Role
    from tests.conftest import ROLES, People, make_user

    other = Organisation.objects.create(slug="ander", name="Ander Fonds", kind=Organisation.Kind.FUNDER, country="NL")
    users = {}
    for role in ROLES:
        user = make_user(f"{role}@hulp.example", two_factor=role in ("admin", "officer"), name=role.title())
        Membership.objects.create(user=user, organisation=org, role=Role(role))
        users[role] = user
    outsider = make_user("admin@ander.example", two_factor=True, name="Outsider")
    Membership.objects.create(user=outsider, organisation=other, role=Role.ADMIN)
    return People(org=org, other_org=other, outsider=outsider, **users)


def find(value: Any) -> Any:
    """The object a URL argument names: a code of one of the swappable models, or None."""
    from actions.models import Action, ActionPlan
    from assessments.models import Assessment
    from cases.models import Case
    from dilemmas.models import Dilemma
    from organisations.models import Partnership

    try:
        code = uuid.UUID(str(value))
    except ValueError:
        return None
    for model in (Partnership, Assessment, ActionPlan, Action, Case, Dilemma):
        found = model.objects.filter(code=code).first()
        if found is not None:
            return found
    return None


def swap(original: Any, org: Any, user: Any) -> Any:
    """A generated object of the same model and the same relation to `org`, or None."""
    from django.db.models import Count

    from actions.models import Action, ActionPlan
    from assessments.models import Assessment
    from cases.models import Assignment, Case
    from dilemmas.models import Dilemma
    from organisations.models import Partnership
    from samen.scale.common import SLUG_PREFIX

    if isinstance(original, Partnership) and original.organisation_id == org.pk:
        # A partner the funder registered itself, as most of a large funder's partners are (the page then offers to
        # invite it: the same page at every scale), with the most assessments.
        return (
            Partnership.objects.filter(
                organisation=org, partner__slug__startswith=SLUG_PREFIX, partner__registered_by=org
            )
            .annotate(n=Count("assessments"))
            .order_by("-n", "code")
            .first()
        )
    if isinstance(original, Assessment) and original.requester_id == org.pk:
        mine = Assessment.objects.filter(requester=org, library__code="sector-scale-baseline").order_by("code")
        return mine.filter(status=original.status).first() or mine.first()
    if isinstance(original, ActionPlan) and original.organisation_id == org.pk:
        return (
            ActionPlan.objects.filter(organisation=org, source_kind=ActionPlan.Source.ASSESSMENT)
            .annotate(n=Count("actions"))
            .order_by("-n", "code")
            .first()
        )
    if isinstance(original, Action) and original.plan.organisation_id == org.pk:
        plan = swap(original.plan, org, user)
        return Action.objects.filter(plan=plan).order_by("code").first() if plan else None
    if isinstance(original, Case) and original.organisation_id == org.pk:
        case = (
            Case.objects.filter(organisation=org, concluded_at__isnull=original.concluded_at is None)
            .annotate(n=Count("steps"))
            .order_by("-n", "code")
            .first()
        )
        if case is not None:
            # Cases show themselves only to the people on them: put the persona on it as on the row's case.
            for assignment in Assignment.objects.filter(case=original, user=user):
                Assignment.objects.get_or_create(case=case, user=user, role=assignment.role)
        return case
    if isinstance(original, Dilemma) and original.organisation_id == org.pk:
        return Dilemma.objects.filter(organisation=org, status=original.status).order_by("code").first()
    return None


def sector_kwargs(kwargs: dict[str, Any], org: Any, user: Any) -> dict[str, Any] | None:
    """`kwargs` with each object swapped for a generated one; None when nothing could be swapped."""
    swapped, changed = dict(kwargs), False
    for name, value in kwargs.items():
        original = find(value)
        replacement = swap(original, org, user) if original is not None else None
        if replacement is not None:
            swapped[name] = replacement.code if isinstance(value, uuid.UUID) else str(replacement.code)
            changed = True
    return swapped if changed else None


def percentiles(times: list[float]) -> tuple[float, float]:
    import statistics

    times = sorted(times)
    return statistics.median(times), times[max(0, round(0.95 * len(times)) - 1)]


def slowest_queries(client: Any, url: str, count: int) -> list[tuple[float, str]]:
    """The `count` slowest queries of one request for `url`: milliseconds (to the first rows) and the SQL's start."""
    from django.db import connection

    timed: list[tuple[float, str]] = []

    def timer(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timed.append(((time.perf_counter() - started) * 1000, f"{len(params or ())} params: {sql[:160]}"))

    with connection.execute_wrapper(timer):
        client.get(url, headers=BROWSER)
    return sorted(timed, reverse=True)[:count]


def measure(client: Any, url: str, requests: int, trivial: Any, slowest: int = 0, expect: int = 200) -> dict[str, Any]:
    """bench/run.py's `measure`, stopping early on slow pages (exports, PDFs). `expect`: the status of a good
    answer (302 for a download that a worker makes: the request only queues it)."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    response = client.get(url, headers=BROWSER)  # warm-up
    if response.status_code != expect:
        return {"url": url, "status": response.status_code, "expected": expect}
    for ms, sql in slowest_queries(client, url, slowest) if slowest else []:
        print(f"      {ms:7.1f} ms  {sql}", flush=True)
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        client.get(url, headers=BROWSER)

    def once() -> float:
        start = time.perf_counter()
        client.get(url, headers=BROWSER)
        return (time.perf_counter() - start) * 1000

    timed = series(requests, trivial, once)
    return {"url": url, "status": expect, "expected": expect, "queries": len(queries), **timed}


def measure_worker(client: Any, url: str, requests: int, trivial: Any) -> dict[str, Any]:
    """A download made in the background (ADR 0022): the worker's time to make it, each time asked for anew."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from documents.models import Document
    from documents.tasks import make_document

    def asked() -> str:
        client.get(url, headers=BROWSER)
        return str(Document.objects.order_by("-pk").values_list("code", flat=True)[0])

    if make_document.call(asked()) != "ready":  # warm-up
        return {"url": url, "status": "not made", "worker": True}
    with CaptureQueriesContext(connection) as queries:
        make_document.call(asked())

    def once() -> float:
        code = asked()
        start = time.perf_counter()
        make_document.call(code)
        return (time.perf_counter() - start) * 1000

    return {"url": url, "status": 200, "worker": True, "queries": len(queries), **series(requests, trivial, once)}


def series(requests: int, trivial: Any, once: Any) -> dict[str, Any]:
    """`once()` (its milliseconds) `requests` times, each after a trivial view; percentiles and ratios."""
    times: list[float] = []
    trivial_times: list[float] = []
    for _ in range(requests):
        start = time.perf_counter()
        trivial.get("/bench-trivial/")
        trivial_times.append((time.perf_counter() - start) * 1000)
        times.append(once())
        if len(times) >= MIN_REQUESTS and sum(times) > SLOW_PAGE_MS:
            break
    p50, p95 = percentiles(times)
    t50, t95 = percentiles(trivial_times)
    return {
        "requests": len(times),
        "p50_ms": p50,
        "p95_ms": p95,
        "p50_ratio": p50 / t50,
        "p95_ratio": p95 / t95,
        "trivial_p50_ms": t50,
    }


def wanted(label: str, only: str) -> bool:
    return not only or any(part and part in label for part in only.split(","))


def row_label(row: Any) -> str:
    return f"{row.name}{' (' + row.note + ')' if row.note else ''}"


def page_rows() -> list[Any]:
    from tests.test_access_matrix import ROWS

    return [
        row
        for row in ROWS
        if row.method == "get"
        and not row.name.startswith("api:")
        and row.name != "admin:index"
        and any(row.expect.get(persona) == 200 for persona in SENIORITY)
    ]


def api_lists() -> list[str]:
    from tests.access.api import LISTS

    return [*LISTS, "answers"]


def measure_rows(requests: int, only: str, slowest: int = 0) -> dict[str, dict[str, Any]]:
    from django.db import transaction
    from django.test import Client, override_settings
    from django.urls import resolve, reverse

    from api.models import SCOPES, Token
    from assessments.models import Assessment
    from samen import scale
    from tests.access.world import build_world

    results: dict[str, dict[str, Any]] = {}
    trivial = Client()
    results["baseline"] = {"url": "/bench-trivial/", **measure(trivial, "/bench-trivial/", requests, trivial)}
    with transaction.atomic():
        org = scale.largest_member()
        assert org is not None, "no generated data"
        people = personas(org)
        for row in page_rows():
            label = row_label(row)
            if not wanted(label, only):
                continue
            persona = next(p for p in SENIORITY if row.expect.get(p) == 200)
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        world = build_world(people)
                        kwargs = row.kwargs(world)
                except Exception as error:
                    # The row's objects clash with the generated ones (a case reference, say): the page with
                    # the organisation's own data when its arguments are only that, else say so and go on.
                    kwargs = organisation_kwargs(row.name, org)
                    if kwargs is None:
                        results[label] = {"status": f"not built: {type(error).__name__}: {error}"[:120]}
                        print(f"  {label:<48} {results[label]['status']}", flush=True)
                        transaction.set_rollback(True)
                        continue
                client = people.client(persona)
                result: dict[str, Any] = {}
                swapped = sector_kwargs(kwargs, org, people.user(persona))
                urls = [reverse(row.name, kwargs=swapped) + row.query] if swapped is not None else []
                urls.append(reverse(row.name, kwargs=kwargs) + row.query)
                # A download a worker makes (ADR 0022) is measured as in production: the request, which queues
                # it, and the worker making it (a row of its own, not a page: it is not held to the budget).
                background = getattr(resolve(urls[-1].partition("?")[0]).func, "made_in_background", False)
                with override_settings(TASKS=QUEUED) if background else contextlib.nullcontext():
                    for url in urls:
                        result = measure(client, url, requests, client, slowest, expect=302 if background else 200)
                        world_data = url == urls[-1] and (swapped is not None or _has_objects(kwargs))
                        result["data"] = "world" if world_data else "sector"
                        if _ok(result):
                            break
                    if background and _ok(result):
                        made = measure_worker(client, result["url"], requests, client)
                        results[f"{label} (worker)"] = made | {"data": result["data"], "persona": persona}
                result["persona"] = persona
                results[label] = result
                print(f"  {label:<48} {_brief(result)}", flush=True)
                if background:
                    print(f"  {label + ' (worker)':<48} {_brief(results.get(label + ' (worker)', {}))}", flush=True)
                transaction.set_rollback(True)
        # The API: a page of 100 of each list, with a token of the funder that holds every scope.
        _token, secret = Token.issue(organisation=org, name="bench", scopes=list(SCOPES), by=people.admin)
        api = Client(headers={"Authorization": f"Bearer {secret}"})
        assessment = Assessment.objects.filter(requester=org).order_by("code").first()
        for name in api_lists():
            label = f"api:{name}"
            if not wanted(label, only):
                continue
            kwargs = {"code": assessment.code} if name == "answers" and assessment else {}
            result = measure(api, reverse(label, kwargs=kwargs) + "?limit=100", requests, trivial)
            if result.get("status") == 400:  # not a paged list (the organisation, the case statistics)
                result = measure(api, reverse(label, kwargs=kwargs), requests, trivial)
            result |= {"data": "sector", "persona": "token"}
            results[label] = result
            print(f"  {label:<48} {_brief(result)}", flush=True)
        transaction.set_rollback(True)
    return results


def organisation_kwargs(name: str, org: Any) -> dict[str, Any] | None:
    """Arguments for a URL that takes only the organisation (and a year: its last full one), else None."""
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    for kwargs in ({"slug": org.slug}, {"slug": org.slug, "year": timezone.localdate().year - 1}):
        try:
            reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
        return kwargs
    return None


def _has_objects(kwargs: dict[str, Any]) -> bool:
    return any(k not in ("slug",) for k in kwargs)


def _ok(result: dict[str, Any]) -> bool:
    """Answered as a good answer is: 200, or the redirect of a download a worker makes."""
    return result.get("status") == result.get("expected", 200)


def _brief(result: dict[str, Any]) -> str:
    if not _ok(result):
        return f"status {result.get('status')}"
    return f"{result['queries']:>4} queries  p50 {result['p50_ms']:6.1f} ms  p95 {result['p95_ms']:6.1f} ms"


def child(args: argparse.Namespace) -> int:
    assert args.child is not None
    profile = args.profile
    if args.postgres and args.reuse:
        # Kept between runs, as the SQLite files are: named after the profile, made when missing.
        name = f"samen_bench_pages_{profile}"
        psql(f"CREATE DATABASE {name}", check=False)
        database_url, cleanup = f"{POSTGRES}/{name}", ""
    elif args.postgres:
        name = f"samen_bench_pages_{os.getpid()}"
        psql(f"CREATE DATABASE {name}", check=True)
        database_url, cleanup = f"{POSTGRES}/{name}", name
    else:
        folder = args.reuse or Path(tempfile.mkdtemp(prefix="samen-bench-pages-"))
        folder.mkdir(parents=True, exist_ok=True)
        database_url, cleanup = f"sqlite:///{folder / f'{profile}.sqlite3'}", ""
    try:
        setup_django(database_url)
        generated_in = prepare(profile, args.seed)
        from django.db import connection

        from samen import scale

        counts = scale.counts()
        print(f"[{profile}] measuring ({connection.vendor}):", flush=True)
        results = measure_rows(args.requests, args.only, args.slowest)
        connection.close()
    finally:
        if cleanup:
            psql(f"DROP DATABASE IF EXISTS {cleanup}", check=False)
        elif args.reuse is None and not args.postgres:
            import shutil

            shutil.rmtree(Path(database_url.removeprefix("sqlite:///")).parent, ignore_errors=True)
    args.child.write_text(json.dumps({"counts": counts, "generated_s": generated_in, "pages": results}))
    return 0


# --- the parent: one child per profile, then the table ---------------------------------------------------


def flags_of(small: dict[str, Any] | None, sector: dict[str, Any] | None) -> list[str]:
    """What to fix: over budget at the larger scale measured, queries that grow from small to sector."""
    flags = []
    big = sector or small or {}
    page = _ok(big) and not big.get("worker")  # the worker's time is shown, not held to a page's budget
    if page and big["p95_ms"] > BUDGET_MS:
        flags.append(f"p95 {big['p95_ms']:.0f} ms > {BUDGET_MS}")
    if page and big["p95_ratio"] > BUDGET_RATIO:
        flags.append(f"p95 {big['p95_ratio']:.0f}× trivial > {BUDGET_RATIO:.0f}×")
    before, after = (small or {}).get("queries"), (sector or {}).get("queries")
    if before is not None and after is not None and after > before:
        flags.append(f"queries grow {before} → {after}")
    if big and not _ok(big):
        flags.append(f"status {big.get('status')}")
    return flags


def print_table(database: str, runs: dict[str, Any]) -> dict[str, list[str]]:
    small, sector = runs.get("small", {}).get("pages", {}), runs.get("sector", {}).get("pages", {})
    labels = list(dict.fromkeys([*small, *sector]))
    print(f"\nPages — {database}: small and sector profiles (samen/scale); × = ratio to the trivial view")
    for name, run in runs.items():
        base = run["pages"].get("baseline", {})
        print(f"  {name}: {run['counts']}; trivial view p50 {base.get('p50_ms', 0):.2f} ms")
    head = f"{'page':<52} {'data':<6} {'q':>4} {'p95 ms':>7}  {'q':>4} {'p50 ms':>7} {'p95 ms':>7} {'p95 ×':>6}  flags"
    print(f"{'':<59} {'— small —':^12}  {'— sector —':^27}")
    print(head)
    print("-" * len(head))
    flagged: dict[str, list[str]] = {}
    for label in labels:
        if label == "baseline":
            continue
        a, b = small.get(label), sector.get(label)
        flags = flags_of(a, b)
        if flags:
            flagged[label] = flags

        def cells(r: dict[str, Any] | None, full: bool) -> str:
            if r is None:
                return f"{'':>4} {'':>7} {'':>7} {'':>6}" if full else f"{'':>4} {'':>7}"
            if not _ok(r):
                text = f"status {r.get('status')}"
                return f"{text:>27}" if full else f"{text:>12}"
            if full:
                return f"{r['queries']:>4} {r['p50_ms']:>7.1f} {r['p95_ms']:>7.1f} {r['p95_ratio']:>6.1f}"
            return f"{r['queries']:>4} {r['p95_ms']:>7.1f}"

        data = (b or a or {}).get("data", "")
        print(f"{label[:52]:<52} {data:<6} {cells(a, False)}  {cells(b, True)}  {'; '.join(flags)}")
    print(
        f"\nBudget: p95 ≤ {BUDGET_MS} ms (and, as the machine may be busy, ≤ {BUDGET_RATIO:.0f} × the trivial view, "
        f"{BUDGET_MS} ms at its quiet {QUIET_TRIVIAL_MS} ms) and a query count that does not grow with the data."
    )
    for label, flags in flagged.items():
        print(f"FLAG {database} {label}: {'; '.join(flags)}")
    return flagged


def main() -> int:
    args = parse_args()
    if args.child:
        return child(args)
    if args.table:
        for database, stored in json.loads(RESULTS.read_text()).items():
            print_table(database, stored["profiles"])
        return 0
    profiles = ["small", "sector"] if args.profile == "both" else [args.profile]
    database = "postgresql" if args.postgres else "sqlite"
    runs: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="samen-bench-pages-") as tmp:
        for profile in profiles:
            out = Path(tmp) / f"{profile}.json"
            command = [sys.executable, __file__, "--child", str(out), "--profile", profile]
            command += ["--requests", str(args.requests), "--seed", str(args.seed), "--only", args.only]
            command += ["--slowest", str(args.slowest)]
            command += ["--postgres"] if args.postgres else []
            command += ["--reuse", str(args.reuse)] if args.reuse else []
            subprocess.run(command, check=True, cwd=ROOT)  # noqa: S603 -- this script, as a child
            runs[profile] = json.loads(out.read_text())
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    # One profile at a time (sector takes long): the other's figures of an earlier run stay beside it.
    # With --only, the other pages' figures stay too.
    stored = previous.get(database, {}).get("profiles", {})
    for profile, run in runs.items():
        if args.only and profile in stored:
            run["pages"] = stored[profile]["pages"] | run["pages"]
    runs = stored | runs
    flagged = print_table(database, runs)
    previous[database] = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "requests": args.requests,
        "budget_ms": BUDGET_MS,
        "profiles": runs,
        "flags": flagged,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(previous, indent=2, default=str))
    print(f"Written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
