"""IATI import throughput and memory, at ~50 MB and ~200 MB.

    DEBUG=1 .venv/bin/python bench/ecosystem_import.py [--sizes 50 200]

Builds its files inside the run, in a temporary folder, from the activities of the medium d-portal
pages in ../shared/data/iati/medium (each copy of an activity gets its own identifier, so every
activity is new to the database; the organisations repeat, as in real data). Without ../shared the
bench says so and exits 0.

For each file, in the same run:
- a bare streaming parse: lxml `iterparse` that visits every element and clears each activity
  once visited (the least any streaming reader of the file must do);
- the import (`ecosystem.importer.import_files`) into a throwaway SQLite database, as
  `manage.py import_iati` runs it.
Throughput is reported as the ratio bare-parse seconds / import seconds (goal ≥ 0.3), so it
compares across machines; the same ratio in CPU time is printed beside it, since a busy machine
stretches wall-clock time unevenly (the import also waits for the disk, which CPU time leaves out).
Each run happens in a child process of its own, whose peak resident
memory (ru_maxrss: Python objects and libxml2's buffers alike) is read when it ends; flat peaks
from 50 MB to 200 MB mean memory does not grow with the file. Results go to
bench/results/ecosystem_import.json. No test asserts on these numbers.
"""

import argparse
import json
import multiprocessing
import os
import platform
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "iati" / "medium"
RESULTS = ROOT / "bench" / "results" / "ecosystem_import.json"
GOAL = 0.3
MB = 1024 * 1024


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 200], help="file sizes in MB")
    return parser.parse_args()


def build_file(path: Path, megabytes: int, label: str) -> int:
    """Write an activity file of about `megabytes` from copies of the medium pages' activities."""
    from lxml import etree

    activities = []
    for page in sorted(DATA.glob("*.xml")):
        for element in etree.parse(str(page)).getroot().iter("iati-activity"):
            activities.append(etree.tostring(element))
    target = megabytes * MB
    written, copy = 0, 0
    with path.open("wb") as out:
        out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03">\n')
        while written < target:
            copy += 1
            suffix = f"-{label}-{copy}</iati-identifier>".encode()
            for activity in activities:
                chunk = activity.replace(b"</iati-identifier>", suffix, 1)
                out.write(chunk)
                out.write(b"\n")
                written += len(chunk) + 1
        out.write(b"</iati-activities>\n")
    return path.stat().st_size


def bare_parse(path: Path) -> dict[str, Any]:
    from lxml import etree

    started = time.perf_counter()
    elements = 0
    for _event, element in etree.iterparse(str(path), events=("end",)):
        elements += 1
        if element.tag == "iati-activity":
            element.clear(keep_tail=True)
            parent = element.getparent()
            while element.getprevious() is not None:
                del parent[0]
    return {"seconds": time.perf_counter() - started, "elements": elements}


def import_file(path: Path) -> dict[str, Any]:
    from django.db import connections

    from ecosystem.importer import import_files

    connections.close_all()  # a connection of its own in this process
    result = import_files([path])
    data = result.as_json()
    assert not result.refused, result.refused
    return {"seconds": result.seconds, "activities": data["activities"], "relations": data["relations"]}


def _child(target: Callable[[Path], dict[str, Any]], path: Path, queue: Any) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF)
    figures = target(path)
    after = resource.getrusage(resource.RUSAGE_SELF)
    figures["cpu_seconds"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    figures["rss_start_mb"] = before.ru_maxrss / 1024
    figures["rss_peak_mb"] = after.ru_maxrss / 1024
    queue.put(figures)


def in_child(target: Callable[[Path], dict[str, Any]], path: Path) -> dict[str, Any]:
    """Run `target(path)` in a forked process; its own peak memory comes back with its figures."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=_child, args=(target, path, queue))
    process.start()
    figures = queue.get()
    process.join()
    return figures


def main() -> int:
    args = parse_args()
    if not DATA.is_dir():
        print(f"No IATI sample data at {DATA} (it sits beside the project, not in it): nothing to measure.")
        return 0
    sys.path.insert(0, str(ROOT))
    from bench.run import setup_django

    runs = []
    with tempfile.TemporaryDirectory(prefix="samen-bench-iati-") as tmp:
        workdir = Path(tmp)
        setup_django(workdir)
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0, interactive=False)
        connections.close_all()  # before forking: each child opens its own
        for megabytes in args.sizes:
            path = workdir / f"iati-{megabytes}mb.xml"
            size = build_file(path, megabytes, f"{megabytes}mb")
            # The bare parse runs before and after the import, and counts as their mean: on a busy
            # machine the load changes while the import runs.
            before = in_child(bare_parse, path)
            imported = in_child(import_file, path)
            after = in_child(bare_parse, path)
            path.unlink()
            bare = {
                "seconds": (before["seconds"] + after["seconds"]) / 2,
                "cpu_seconds": (before["cpu_seconds"] + after["cpu_seconds"]) / 2,
                "elements": before["elements"],
                "rss_peak_mb": max(before["rss_peak_mb"], after["rss_peak_mb"]),
            }
            runs.append(
                {
                    "megabytes": round(size / MB, 1),
                    "bare": bare,
                    "import": imported,
                    "ratio": bare["seconds"] / imported["seconds"],
                    "ratio_cpu": bare["cpu_seconds"] / imported["cpu_seconds"],
                    "load_average": os.getloadavg()[0],
                }
            )
            print_run(runs[-1])
    print_summary(runs)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "python": platform.python_version(),
                "machine": platform.machine(),
                "cpus": os.cpu_count(),
                "database": "sqlite",
                "goal_ratio": GOAL,
                "runs": runs,
            },
            indent=2,
        )
    )
    return 0


def print_run(run: dict[str, Any]) -> None:
    bare, imported = run["bare"], run["import"]
    print(
        f"{run['megabytes']:7.1f} MB: bare parse {bare['seconds']:6.2f} s ({bare['elements']:,} elements, "
        f"peak {bare['rss_peak_mb']:.0f} MB); import {imported['seconds']:6.2f} s "
        f"({imported['activities']:,} activities, {imported['relations']:,} relations, "
        f"{run['megabytes'] / imported['seconds']:.1f} MB/s, peak {imported['rss_peak_mb']:.0f} MB "
        f"from {imported['rss_start_mb']:.0f} MB at start); ratio {run['ratio']:.2f} "
        f"(CPU time: {run['ratio_cpu']:.2f}; load average {run['load_average']:.1f})"
    )


def print_summary(runs: list[dict[str, Any]]) -> None:
    worst = min(run["ratio"] for run in runs)
    worst_cpu = min(run["ratio_cpu"] for run in runs)
    verdict = "met" if worst >= GOAL else "NOT met"
    print(
        f"\nThroughput ratio (bare parse / import): lowest {worst:.2f} in wall-clock time, {worst_cpu:.2f} in CPU "
        f"time; goal ≥ {GOAL} — {verdict}"
    )
    if len(runs) > 1:
        first, last = runs[0], runs[-1]
        growth = last["import"]["rss_peak_mb"] - first["import"]["rss_peak_mb"]
        print(
            f"Peak memory of the import: {first['import']['rss_peak_mb']:.0f} MB at {first['megabytes']:.0f} MB, "
            f"{last['import']['rss_peak_mb']:.0f} MB at {last['megabytes']:.0f} MB ({growth:+.0f} MB for a file "
            f"{last['megabytes'] / first['megabytes']:.1f}× as large)"
        )


if __name__ == "__main__":
    sys.exit(main())
