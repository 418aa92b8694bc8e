"""Bench of the ecosystem map: the 3-hop neighbourhood in a graph of 200,000 relations, and the map's JSON.

    DEBUG=1 .venv/bin/python bench/ecosystem_map.py [--relations 200000] [--organisations 20000] [--requests 40]
                                                    [--postgres]

Builds its own throwaway database (SQLite in a temporary folder; with --postgres a fresh database on
127.0.0.1:5432, dropped at the end) and a synthetic IATI graph: `--organisations` imported organisations
and `--relations` relations (60 % participation, 40 % transactions with amounts), four relations an
activity, sectors and countries on every activity. Sources are skewed towards a few large funders (a
source is organisation ⌊N·u³⌋ for uniform u, as a ministry funds thousands), targets are uniform, so the
graph has hubs like the real one and a 3-hop walk from almost anywhere finds thousands of organisations.

Measured, each over the same centres (the largest hub, a mid-sized funder and 18 random organisations),
wall-clock and CPU time of the process (the CPU time is what the server spent, whoever else shares the
machine):
- `network_load`: reading the relations into memory (ecosystem/adjacency.py), once per process and import;
- `walk_3_hops`: the bounded walk as the network figures use it (cap 500, with every edge and the layout);
- `walk_3_hops_5000`: the walk as the map uses it (cap 5,000, no edges yet);
- the map's JSON (`ecosystem_map:data?depth=3`) for a member whose organisation has 40 partners on the
  map, so the integrity overlay runs too, through the test client: `data_cold` with the drawings kept
  in memory forgotten before each request (every request walks, groups and lays out), `data_warm` with
  them kept (what a second look at the same map, or another member of the same organisation, costs);
  the same with a sector filter;
- the page, warm.
Targets: the 3-hop subgraph ≤ 200 ms p95; the JSON ≤ 50 ms p95 (the page budget). The queries of the JSON
are counted for two centres (they must not grow with the map). Results go to
bench/results/ecosystem_map[-postgres].json.
"""

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "ecosystem_map.json"
TARGET_MS = 200
DATA_TARGET_MS = 50
RELATIONS_PER_ACTIVITY = 4
SECTORS = ["15170", "12220", "14030", "11110", "16010", "31120", "43010", "15110"]
COUNTRIES = ["UG", "KE", "TZ", "ET", "ML", "BF", "NE", "BD", "NP", "GT"]
CHUNK = 5_000


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--relations", type=int, default=200_000)
    parser.add_argument("--organisations", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=int(os.environ.get("BENCH_REQUESTS", 40)))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--postgres", action="store_true", help="run on a throwaway PostgreSQL database")
    return parser.parse_args()


def build(organisations: int, relations: int, rng: random.Random) -> dict[str, Any]:
    from django.db import transaction

    from ecosystem.models import (
        Activity,
        ActivityCountry,
        ActivitySector,
        GraphVersion,
        ImportedOrganisation,
        Relation,
        Role,
    )

    with transaction.atomic():
        ImportedOrganisation.objects.bulk_create(
            [
                ImportedOrganisation(identifier=f"XM-BENCH-{n:06}", name=f"Organisation {n:06}", type="22")
                for n in range(organisations)
            ],
            batch_size=CHUNK,
        )
        pks = list(ImportedOrganisation.objects.order_by("identifier").values_list("pk", flat=True))
        activities = relations // RELATIONS_PER_ACTIVITY + 1
        start = date(2015, 1, 1)
        Activity.objects.bulk_create(
            [
                Activity(
                    iati_identifier=f"XM-BENCH-A{n:07}",
                    reporting_organisation_id=pks[int(organisations * rng.random() ** 3)],
                    digest="0" * 64,
                    start=start + timedelta(days=n % 3000),
                    end=start + timedelta(days=n % 3000 + 730),
                )
                for n in range(activities)
            ],
            batch_size=CHUNK,
        )
        activity_pks = list(Activity.objects.order_by("pk").values_list("pk", "start", "end"))
        ActivitySector.objects.bulk_create(
            [ActivitySector(activity_id=a, vocabulary="1", code=rng.choice(SECTORS)) for a, _, _ in activity_pks],
            batch_size=CHUNK,
        )
        ActivityCountry.objects.bulk_create(
            [ActivityCountry(activity_id=a, country=rng.choice(COUNTRIES)) for a, _, _ in activity_pks],
            batch_size=CHUNK,
        )
        batch: list[Relation] = []
        made = 0
        while made < relations:
            source = pks[int(organisations * rng.random() ** 3)]
            target = pks[rng.randrange(organisations)]
            if source == target:
                continue
            activity, begins, ends = activity_pks[made // RELATIONS_PER_ACTIVITY]
            if made % 5 < 3:
                relation = Relation(
                    activity_id=activity,
                    kind=Relation.Kind.PARTICIPATION,
                    source_id=source,
                    target_id=target,
                    source_role=Role.FUNDING,
                    target_role=Role.IMPLEMENTING,
                    start=begins,
                    end=ends,
                )
            else:
                relation = Relation(
                    activity_id=activity,
                    kind=Relation.Kind.TRANSACTION,
                    source_id=source,
                    target_id=target,
                    transaction_type="3",
                    amount=Decimal(rng.randrange(1_000, 1_000_000)),
                    currency="EUR",
                    start=begins,
                    end=begins,
                )
            batch.append(relation)
            made += 1
            if len(batch) >= CHUNK:
                Relation.objects.bulk_create(batch)
                batch = []
        Relation.objects.bulk_create(batch)
        GraphVersion.bump()  # bulk_create sends no signal: say the network changed, as the importer does
    return {"pks": pks}


def viewer(pks: list[int], rng: random.Random) -> tuple[Any, list[int]]:
    """A member of an organisation linked to the largest hub, with partners among its neighbours."""
    from django.test import Client

    from accounts.models import User
    from ecosystem.models import ImportedOrganisation, Relation
    from organisations.models import Membership, Organisation, Partnership, Role

    hub = pks[0]
    organisation = Organisation.objects.create(
        slug="bench", name="Bench", kind="member", iati_identifier="XM-BENCH-000000"
    )
    ImportedOrganisation.objects.filter(pk=hub).update(samen_organisation=organisation)
    neighbours = list(Relation.objects.filter(source_id=hub).values_list("target_id", flat=True).distinct()[:40])
    for n, pk in enumerate(neighbours):
        partner = Organisation.objects.create(slug=f"partner-{n}", name=f"Partner {n}", iati_identifier=f"XM-P-{n}")
        ImportedOrganisation.objects.filter(pk=pk).update(samen_organisation=partner)
        Partnership.objects.create(organisation=organisation, partner=partner)
    user = User.objects.create_user("bench@bench.example", "bench-password-unused", name="Bench", language="en")
    Membership.objects.create(user=user, organisation=organisation, role=Role.MEMBER)
    client = Client()
    client.force_login(user)
    # The largest hub, a mid-sized funder (sources are skewed to the first identifiers), 18 at random.
    centres = [hub, pks[1000], *rng.sample(pks, 18)]
    return client, centres


def percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[max(0, round(share * len(ordered)) - 1)]


def timed(run: Any, rounds: list[Any], before: Any = None, warm_up: bool = True, prime: bool = False) -> dict[str, Any]:
    """Wall-clock and CPU milliseconds of `run(item)` for each item; `before(item)` runs first, untimed.
    With `prime`, every distinct item is run once before timing (what is kept in memory is there)."""
    if warm_up:
        run(rounds[0])
    if prime:
        for item in dict.fromkeys(rounds):
            run(item)
    times, cpu = [], []
    for item in rounds:
        if before is not None:
            before(item)
        started, started_cpu = time.perf_counter(), time.process_time()
        run(item)
        cpu.append((time.process_time() - started_cpu) * 1000)
        times.append((time.perf_counter() - started) * 1000)
    return {
        "p50_ms": percentile(times, 0.5),
        "p95_ms": percentile(times, 0.95),
        "max_ms": max(times),
        "cpu_p50_ms": percentile(cpu, 0.5),
        "cpu_p95_ms": percentile(cpu, 0.95),
        "n": len(times),
    }


def main() -> int:
    args = parse_args()
    sys.path.insert(0, str(ROOT))
    from bench.postgres import drop_postgres, setup_django_postgres, setup_postgres

    rng = random.Random(args.seed)  # noqa: S311 -- synthetic data, the same for a seed
    pg_name = ""
    try:
        if args.postgres:
            pg_name = setup_postgres("map")
            setup_django_postgres()
            return run(args, rng, "postgresql")
        from bench.run import setup_django

        with tempfile.TemporaryDirectory(prefix="samen-bench-map-") as tmp:
            setup_django(Path(tmp))
            return run(args, rng, "sqlite")
    finally:
        if pg_name:
            drop_postgres(pg_name)


def run(args: argparse.Namespace, rng: random.Random, database: str) -> int:
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from ecosystem import adjacency
    from ecosystem.graph import Filters, walk
    from ecosystem.models import ImportedOrganisation
    from ecosystem.views.map import SUMMARIES, WALK_CAP

    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    pks = build(args.organisations, args.relations, rng)["pks"]
    from bench.run import analyse

    analyse()
    built = time.perf_counter() - started
    client, centres = viewer(pks, rng)
    rounds = [centres[i % len(centres)] for i in range(args.requests)]
    codes = dict(ImportedOrganisation.objects.filter(pk__in=centres).values_list("pk", "code"))
    data_url = reverse("ecosystem_map:data", kwargs={"slug": "bench"})
    page_url = reverse("ecosystem_map:map", kwargs={"slug": "bench"})

    def forget(_: object) -> None:
        SUMMARIES.clear()

    results = {
        "network_load": timed(
            lambda _: adjacency.network(), [0] * 3, before=lambda _: adjacency.forget(), warm_up=False
        )
    }
    sizes = {pk: len(walk([pk], 3, cap=WALK_CAP, organisations=False, complete=False).nodes) for pk in centres}
    results |= {
        "walk_3_hops": timed(lambda pk: walk([pk], 3), rounds),
        "walk_3_hops_sector": timed(lambda pk: walk([pk], 3, Filters(sector="15170")), rounds),
        "walk_3_hops_5000": timed(lambda pk: walk([pk], 3, cap=WALK_CAP, organisations=False, complete=False), rounds),
        "data_cold": timed(lambda pk: client.get(f"{data_url}?depth=3&org={codes[pk]}"), rounds, before=forget),
        "data_warm": timed(lambda pk: client.get(f"{data_url}?depth=3&org={codes[pk]}"), rounds, prime=True),
        "data_sector_cold": timed(
            lambda pk: client.get(f"{data_url}?depth=3&sector=15170&org={codes[pk]}"), rounds, before=forget
        ),
        "data_sector_warm": timed(
            lambda pk: client.get(f"{data_url}?depth=3&sector=15170&org={codes[pk]}"), rounds, prime=True
        ),
    }
    counts = []
    shape: dict[str, dict[str, Any]] = {}
    for pk in centres[:2]:
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{data_url}?depth=3&org={codes[pk]}")
        counts.append(len(queries))
        data = json.loads(response.content)
        shape[str(pk)] = {
            "found": data["found"],
            "drawn_nodes": len(data["nodes"]),
            "groups": data["groups"],
            "edges": len(data["edges"]),
            "bytes": len(response.content),
        }
    results["page_3_hops_warm"] = timed(
        lambda pk: client.get(f"{page_url}?depth=3&org={codes[pk]}"), rounds[:10], prime=True
    )
    nodes = sorted(sizes.values())
    print(
        f"\n{database}: {args.organisations:,} organisations, {args.relations:,} relations, built in {built:.1f} s; "
        f"3-hop neighbourhoods of {nodes[0]}–{nodes[-1]} organisations (median {nodes[len(nodes) // 2]}, "
        f"cap {WALK_CAP}); the JSON reads {counts} queries for two centres"
    )
    for centre, figures in shape.items():
        print(f"  centre {centre}: {figures}")
    print(f"{'measure':<22} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'CPU p50':>8} {'CPU p95':>8}")
    flags = []
    for label, result in results.items():
        target = DATA_TARGET_MS if label.startswith("data") else TARGET_MS if label.startswith("walk") else None
        over = target is not None and result["p95_ms"] > target
        if over:
            flags.append(label)
        print(
            f"{label:<22} {result['p50_ms']:>8.1f} {result['p95_ms']:>8.1f} {result['max_ms']:>8.1f}"
            f" {result['cpu_p50_ms']:>8.1f} {result['cpu_p95_ms']:>8.1f}{'  OVER' if over else ''}"
        )
    out = RESULTS.with_name("ecosystem_map-postgres.json") if database == "postgresql" else RESULTS
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "python": platform.python_version(),
                "machine": platform.machine(),
                "database": database,
                "organisations": args.organisations,
                "relations": args.relations,
                "requests": args.requests,
                "neighbourhood_sizes": nodes,
                "data_queries": counts,
                "data_shape": shape,
                "results": results,
                "flags": flags,
            },
            indent=2,
        )
    )
    print(f"Written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
