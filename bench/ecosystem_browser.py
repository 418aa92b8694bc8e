"""Bench of the ecosystem map in a browser: does it stay fluent with 5,000 organisations around one centre?

    DEBUG=1 .venv/bin/python bench/ecosystem_browser.py [--hop1 1999] [--hop2 3000] [--hop3 1000] [--rounds 3]

Builds a throwaway SQLite database (migrations only) with an ecosystem around one centre: the centre
funds `--hop1` organisations (six organisation types), 40 of those fund `--hop2` more between them, and
those pay `--hop3` further ones, with sectors on every activity; so depth 2 holds 5,000 organisations
and depth 3 reaches the walk's cap. A member of the centre's Samen organisation, with 40 partners among
them, opens the map in Debian's Chromium (headless, through Playwright; `playwright install` is never
needed) served by Django's live-server thread with the static files.

Printed, never asserted (timing is for people to read), each over `--rounds`:
- navigation → map drawn: from the start of the navigation (performance.now() = 0) to the frame after
  Cytoscape drew the server's subgraph (data-drawn-ms, set by static/ecosystem/map.js), at depth 2 and 3;
- apply a filter (relation kind), change the depth, search and jump (the search page, then following the
  first result): the same, for the page each leads to;
- open the largest group (a tap on it): from the tap to the frame after the opened map is drawn;
- frame timing while zooming and panning: requestAnimationFrame deltas over 120 frames, each frame
  zooming or panning the map a little, measured in the page (p50, p95, max, frames over 50 ms);
- what was drawn: nodes, groups and edges, and the size of the JSON.
Results go to bench/results/ecosystem_browser.json.
"""

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "ecosystem_browser.json"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
TYPES = ["10", "21", "22", "40", "60", "70", ""]
SECTORS = ["15170", "12220", "14030", "11110"]
HUBS = 40
READY = "#ecosystem-map[data-ready=true]"

# 120 frames, each zooming or panning a little; the deltas between requestAnimationFrame callbacks.
FRAMES = """async () => {
  const cy = document.getElementById("ecosystem-map")._cyreg.cy;
  const deltas = [];
  await new Promise((resolve) => {
    let last = null;
    let frame = 0;
    function step(now) {
      if (last !== null) deltas.push(now - last);
      last = now;
      frame += 1;
      if (frame <= 60) {
        cy.zoom({ level: cy.zoom() * (frame % 20 < 10 ? 1.06 : 0.94), renderedPosition: { x: 400, y: 300 } });
      } else {
        cy.panBy({ x: frame % 20 < 10 ? 12 : -12, y: 6 });
      }
      if (frame < 121) window.requestAnimationFrame(step); else resolve();
    }
    window.requestAnimationFrame(step);
  });
  return deltas;
}"""

# Tap the largest group; resolves with the milliseconds until the opened map is drawn.
OPEN_GROUP = """async () => {
  const box = document.getElementById("ecosystem-map");
  const cy = box._cyreg.cy;
  const groups = cy.nodes("[?group]");
  if (groups.length === 0) return null;
  const largest = groups.max((n) => n.data("members")).ele;
  const started = performance.now();
  largest.emit("tap");
  await new Promise((resolve) => {
    const watch = new MutationObserver(() => { if (box.dataset.ready === "true") { watch.disconnect(); resolve(); } });
    watch.observe(box, { attributes: true, attributeFilter: ["data-ready"] });
  });
  return { ms: performance.now() - started, members: largest.data("members"), drawn: cy.nodes().length };
}"""

DRAWN = """() => {
  const cy = document.getElementById("ecosystem-map")._cyreg.cy;
  return { nodes: cy.nodes().length, groups: cy.nodes("[?group]").length, edges: cy.edges().length,
           drawnMs: Number(document.getElementById("ecosystem-map").dataset.drawnMs) };
}"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hop1", type=int, default=1999)
    parser.add_argument("--hop2", type=int, default=3000)
    parser.add_argument("--hop3", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args()


def build(args: argparse.Namespace, rng: random.Random) -> dict[str, Any]:
    """The ecosystem, the viewer's organisation (the centre) with 40 partners, and a signed-in member's session."""
    from django.db import transaction
    from django.test import Client

    from accounts.models import User
    from ecosystem.models import (
        Activity,
        ActivitySector,
        GraphVersion,
        ImportedOrganisation,
        Relation,
        Role,
    )
    from organisations.models import Membership, Organisation, Partnership
    from organisations.models import Role as MemberRole

    total = 1 + args.hop1 + args.hop2 + args.hop3
    with transaction.atomic():
        ImportedOrganisation.objects.bulk_create(
            [
                ImportedOrganisation(
                    identifier=f"XM-ECO-{n:06}", name=f"Organisation {n:06}", type=rng.choice(TYPES) if n else "10"
                )
                for n in range(total)
            ],
            batch_size=2000,
        )
        pks = list(ImportedOrganisation.objects.order_by("identifier").values_list("pk", flat=True))
        centre, hop1 = pks[0], pks[1 : 1 + args.hop1]
        hop2 = pks[1 + args.hop1 : 1 + args.hop1 + args.hop2]
        hop3 = pks[1 + args.hop1 + args.hop2 :]
        hubs = hop1[:HUBS]
        pairs = [(centre, t) for t in hop1]
        pairs += [(hubs[i % HUBS], t) for i, t in enumerate(hop2)]
        pairs += [(hop2[i % len(hop2)], t) for i, t in enumerate(hop3)]
        # Some organisations of the first hop also fund each other, as alliances do.
        pairs += [(rng.choice(hop1), rng.choice(hop1)) for _ in range(args.hop1 // 2)]
        pairs = [(s, t) for s, t in pairs if s != t]
        Activity.objects.bulk_create(
            [
                Activity(iati_identifier=f"XM-ECO-A{n:07}", reporting_organisation_id=s, digest="0" * 64)
                for n, (s, _) in enumerate(pairs)
            ],
            batch_size=2000,
        )
        activities = list(Activity.objects.order_by("pk").values_list("pk", flat=True))
        ActivitySector.objects.bulk_create(
            [ActivitySector(activity_id=a, vocabulary="1", code=rng.choice(SECTORS)) for a in activities],
            batch_size=2000,
        )
        Relation.objects.bulk_create(
            [
                Relation(
                    activity_id=a,
                    kind=Relation.Kind.PARTICIPATION,
                    source_id=s,
                    target_id=t,
                    source_role=Role.FUNDING,
                    target_role=Role.IMPLEMENTING,
                )
                if n % 3
                else Relation(activity_id=a, kind=Relation.Kind.TRANSACTION, source_id=s, target_id=t)
                for n, (a, (s, t)) in enumerate(zip(activities, pairs, strict=True))
            ],
            batch_size=2000,
        )
        GraphVersion.bump()
        organisation = Organisation.objects.create(slug="bench", name="Bench", kind="member")
        ImportedOrganisation.objects.filter(pk=centre).update(samen_organisation=organisation)
        for n, pk in enumerate(rng.sample(hop1 + hop2, 40)):
            partner = Organisation.objects.create(slug=f"partner-{n}", name=f"Partner {n}", kind="partner")
            ImportedOrganisation.objects.filter(pk=pk).update(samen_organisation=partner)
            Partnership.objects.create(organisation=organisation, partner=partner)
        user = User.objects.create_user("bench@bench.example", "unused-password", name="Bench", language="en")
        Membership.objects.create(user=user, organisation=organisation, role=MemberRole.MEMBER)
    client = Client()
    client.force_login(user)
    return {
        "organisations": total,
        "relations": len(pairs),
        "session": client.cookies["sessionid"].value,
        "search": "XM-ECO-000077",  # by identifier (the bench writes no OrganisationName rows)
    }


def stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "p50": round(statistics.median(ordered), 1),
        "p95": round(ordered[max(0, round(0.95 * len(ordered)) - 1)], 1),
        "max": round(ordered[-1], 1),
    }


def main() -> int:
    args = parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread
    rng = random.Random(args.seed)  # noqa: S311 -- synthetic data, the same for a seed
    from bench.run import setup_django

    with tempfile.TemporaryDirectory(prefix="samen-bench-map-browser-") as tmp:
        setup_django(Path(tmp))
        from django.conf import settings
        from django.contrib.staticfiles.handlers import StaticFilesHandler
        from django.core.management import call_command
        from django.test.testcases import LiveServerThread
        from django.urls import reverse
        from playwright.sync_api import sync_playwright

        settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
        call_command("migrate", verbosity=0, interactive=False)
        started = time.perf_counter()
        world = build(args, rng)
        built = time.perf_counter() - started
        server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        base = f"http://127.0.0.1:{server.port}"
        map_path = reverse("ecosystem_map:map", kwargs={"slug": "bench"})
        figures: dict[str, list[float]] = {}
        drawn: dict[str, Any] = {}
        frames: list[float] = []
        opened: list[dict[str, Any]] = []

        def record(name: str, value: float) -> None:
            figures.setdefault(name, []).append(value)

        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                context.add_cookies([{"name": "sessionid", "value": world["session"], "url": base}])
                page = context.new_page()
                for _ in range(args.rounds):
                    for depth in (2, 3):
                        page.goto(f"{base}{map_path}?depth={depth}")
                        page.wait_for_selector(READY, timeout=120_000)
                        shown = page.evaluate(DRAWN)
                        record(f"navigation_to_drawn_depth_{depth}", shown["drawnMs"])
                        drawn[f"depth_{depth}"] = shown
                    # Apply a filter: funding relations only.
                    page.select_option("#map-filters [name=kind]", "participation")
                    page.click("#map-filters [type=submit]")
                    page.wait_for_selector(READY, timeout=120_000)
                    record("apply_filter_to_drawn", page.evaluate(DRAWN)["drawnMs"])
                    # Change the depth.
                    page.select_option("#map-filters [name=depth]", "2")
                    page.click("#map-filters [type=submit]")
                    page.wait_for_selector(READY, timeout=120_000)
                    record("change_depth_to_drawn", page.evaluate(DRAWN)["drawnMs"])
                    # Search and jump: the search page, then the first result.
                    page.fill("#map-search", world["search"])
                    page.click("main form[role=search] [type=submit]")
                    page.wait_for_selector(READY, timeout=120_000)
                    record("search_page_to_drawn", page.evaluate(DRAWN)["drawnMs"])
                    page.click("main .map-results a")
                    page.wait_for_selector(READY, timeout=120_000)
                    record("jump_to_drawn", page.evaluate(DRAWN)["drawnMs"])
                    # Back at the centre, depth 2: zoom and pan, then open the largest group.
                    page.goto(f"{base}{map_path}?depth=2")
                    page.wait_for_selector(READY, timeout=120_000)
                    frames += page.evaluate(FRAMES)
                    result = page.evaluate(OPEN_GROUP)
                    if result is not None:
                        record("open_group_to_drawn", result["ms"])
                        opened.append(result)
                        frames_opened = page.evaluate(FRAMES)
                        figures.setdefault("frames_after_opening", []).extend(frames_opened)
                response = page.request.get(f"{base}{reverse('ecosystem_map:data', kwargs={'slug': 'bench'})}?depth=2")
                payload = len(response.body())
                browser.close()
        finally:
            server.terminate()
    frames_after = figures.pop("frames_after_opening", [])
    summary = {name: stats(values) for name, values in figures.items()}
    summary["frames_zoom_pan"] = {**stats(frames), "over_50_ms": sum(1 for f in frames if f > 50), "n": len(frames)}
    if frames_after:
        summary["frames_zoom_pan_after_opening"] = {
            **stats(frames_after),
            "over_50_ms": sum(1 for f in frames_after if f > 50),
            "n": len(frames_after),
        }
    print(
        f"\nEcosystem: {world['organisations']:,} organisations, {world['relations']:,} relations around one centre "
        f"(built in {built:.1f} s); the JSON at depth 2 is {payload / 1024:.0f} KB"
    )
    for key, value in drawn.items():
        where = key.replace("_", " ")
        print(f"  drawn at {where}: {value['nodes']} nodes ({value['groups']} groups), {value['edges']} edges")
    if opened:
        print(f"  the largest group held {opened[-1]['members']}; opened, the map draws {opened[-1]['drawn']} nodes")
    print(f"{'measure':<34} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, value in summary.items():
        extra = f"  ({value['over_50_ms']} of {value['n']} frames over 50 ms)" if "over_50_ms" in value else ""
        print(f"{name:<34} {value['p50']:>8.1f} {value['p95']:>8.1f} {value['max']:>8.1f}{extra}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "python": platform.python_version(),
                "machine": platform.machine(),
                "organisations": world["organisations"],
                "relations": world["relations"],
                "rounds": args.rounds,
                "json_bytes_depth_2": payload,
                "drawn": drawn,
                "opened": opened,
                "results": summary,
            },
            indent=2,
        )
    )
    print(f"Written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
