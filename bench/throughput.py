"""Requests per second of Samen's pages under gunicorn, as a ratio to a trivial view served alongside.

    DEBUG=1 .venv/bin/python bench/throughput.py [--seconds 20] [--connections 8] [--rounds 4]

Builds a throwaway SQLite database (migrate, framework, demo: as bench/run.py does), signs in the
demo manager of Hulp zonder Grenzen (a manager needs no two-factor authentication) and starts
gunicorn with 2 sync workers on 127.0.0.1 at a free port, production-like: DEBUG off, collected and
hashed static files (whitenoise), a fresh SECRET_KEY; only the cookies are allowed over plain
http (SECURE_COOKIES=0, SECURE_SSL_REDIRECT=0). Then it drives four URLs with the same bounded
load, each for --seconds in all: the trivial view of bench/urls.py (same middleware, no template,
no query: the stack's own limit), the organisation dashboard, the partners list and the insights
dashboard. The time is split into --rounds slices taken in turn (trivial, dashboard, partners,
insights, trivial, …) so a busy moment of a shared machine falls on all URLs alike.

The load tool is wrk (`apt-get install -y wrk` on Debian/Ubuntu, `brew install wrk` on macOS) with
--connections connections on 2 threads; without wrk, a pure-Python driver does the same with
--connections threads, each holding one http.client connection (reopened when gunicorn's sync
workers close it). Only 200 responses count as successes; any other status, a connection error
or a timeout is an error and is reported loudly.

The goal (issue 10) is a ratio of at least 0.5: a page serves at least half as many requests per
second as the trivial view. Results go to bench/results/throughput.json. The server is stopped at
the end, whatever happens (its whole process group). Figures and how to read them: docs/benchmarks.md.
No test asserts on these numbers.
"""

import argparse
import contextlib
import http.client
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import load_base_data, setup_django  # noqa: E402 -- after the project is on the path

RESULTS = ROOT / "bench" / "results" / "throughput.json"
SLUG = "hulp-zonder-grenzen"
MANAGER = f"manager@{SLUG}.example"
GOAL = 0.5
WORKERS = 2
WRK_THREADS = 2
REQUEST_TIMEOUT_S = 10
START_TIMEOUT_S = 90
WARMUP_S = 2.0
# Percentiles each wrk slice reports; the slices' latencies are pooled from these (see `pooled_percentile`).
GRID = [i / 2 for i in range(1, 200)]

# wrk counts 3xx as success; this script counts every status itself and sums the threads' counts.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) ok = 0; other = 0; first_other = 0 end
function response(status, headers, body)
  if status == 200 then ok = ok + 1 else
    other = other + 1
    if first_other == 0 then first_other = status end
  end
end
function done(summary, latency, requests)
  local ok_total, other_total, first = 0, 0, 0
  for _, t in ipairs(threads) do
    ok_total = ok_total + t:get("ok")
    other_total = other_total + t:get("other")
    if first == 0 then first = t:get("first_other") end
  end
  local e = summary.errors
  io.write(string.format(
    "SAMEN-RESULT ok=%d other=%d first_other=%d duration_us=%d connect=%d read=%d write=%d timeout=%d\\n",
    ok_total, other_total, first, summary.duration, e.connect, e.read, e.write, e.timeout))
  for _, p in ipairs({GRID}) do
    io.write(string.format("SAMEN-PCT %g %d\\n", p, latency:percentile(p)))
  end
end
"""


@dataclass
class Slice:
    """One bounded run of the load tool against one URL."""

    ok: int
    errors: int
    seconds: float
    statuses: dict[str, int]  # what the errors were: a status code, "connect", "read", "timeout", …
    latencies_ms: list[tuple[float, float]]  # (percentile, ms) of this slice; the Python driver gives all


@dataclass
class Result:
    label: str
    path: str
    slices: list[Slice] = field(default_factory=list)

    @property
    def ok(self) -> int:
        return sum(s.ok for s in self.slices)

    @property
    def errors(self) -> int:
        return sum(s.errors for s in self.slices)

    @property
    def seconds(self) -> float:
        return sum(s.seconds for s in self.slices)

    @property
    def rps(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def statuses(self) -> dict[str, int]:
        total: dict[str, int] = {}
        for s in self.slices:
            for key, count in s.statuses.items():
                total[key] = total.get(key, 0) + count
        return total

    def percentile(self, p: float) -> float | None:
        return pooled_percentile(self.slices, p)


def pooled_percentile(slices: list[Slice], p: float) -> float | None:
    """The p-th percentile of all slices' requests together.

    Each slice's latency distribution is known at the points of GRID (wrk) or exactly (the Python
    driver); every point stands for its share of the slice's successful requests.
    """
    weighted: list[tuple[float, float]] = []
    for s in slices:
        if not s.latencies_ms or not s.ok:
            continue
        weight = s.ok / len(s.latencies_ms)
        weighted += [(ms, weight) for _p, ms in s.latencies_ms]
    if not weighted:
        return None
    weighted.sort()
    total = sum(w for _ms, w in weighted)
    running = 0.0
    for ms, w in weighted:
        running += w
        if running >= total * p / 100:
            return ms
    return weighted[-1][0]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20, help="load per URL in all, split into --rounds")
    parser.add_argument("--rounds", type=int, default=4, help="slices per URL, taken in turn with the others")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections of the load tool")
    parser.add_argument("--python", action="store_true", help="use the Python driver even when wrk is installed")
    args = parser.parse_args()
    if not 1 <= args.seconds <= 120 or not 1 <= args.rounds <= 20 or not 1 <= args.connections <= 64:
        parser.error("bounded run: --seconds 1–120, --rounds 1–20, --connections 1–64")
    return args


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def load_average() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def prepare(workdir: Path) -> tuple[str, dict[str, str]]:
    """The database, the manager's session cookie and the URLs to measure."""
    setup_django(workdir)
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User

    load_base_data()
    manager = User.objects.get(email=MANAGER)
    client = Client()
    # The session is stored in the database the server will read, signed with the server's SECRET_KEY.
    client.force_login(manager)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    urls = {
        "trivial": "/bench-trivial/",
        "dashboard": reverse("organisations:dashboard", kwargs={"slug": SLUG}),
        "partners": reverse("organisations:partners", kwargs={"slug": SLUG}),
        "insights": reverse("insights:dashboard", kwargs={"slug": SLUG}),
    }
    return f"{settings.SESSION_COOKIE_NAME}={cookie}", urls


def server_env(workdir: Path, secret_key: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # The server takes its configuration from here only, not from the caller's shell.
        if not key.startswith(("DJANGO_", "SECURE_", "SESSION_", "EMAIL_", "CONN_"))
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "0",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    return env


def collect_static(env: dict[str, str]) -> None:
    """DEBUG off serves hashed file names from the manifest, which collectstatic writes."""
    subprocess.run(  # noqa: S603 -- our own interpreter and manage.py
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "--verbosity", "0"],
        env=env,
        cwd=ROOT,
        check=True,
        timeout=300,
    )


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [
        str(gunicorn),
        "samen.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(WORKERS),
        "--worker-class",
        "sync",
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]
    with log.open("wb") as out:
        # A session of its own: at the end, the whole process group (master and workers) is stopped.
        return subprocess.Popen(  # noqa: S603 -- our own gunicorn
            command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=15)
        except ProcessLookupError:
            pass
    # Workers that outlived their master would still be in the group.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)


def get(port: int, path: str, cookie: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_S)
    try:
        connection.request("GET", path, headers={"Cookie": cookie})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def wait_until_up(server: subprocess.Popen[bytes], port: int, cookie: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if get(port, "/bench-trivial/", cookie) == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer within {START_TIMEOUT_S} s:\n{log.read_text()[-3000:]}")


def run_wrk(url: str, cookie: str, seconds: float, connections: int, script: Path) -> Slice:
    command = [
        "wrk",
        "--threads",
        str(min(WRK_THREADS, connections)),
        "--connections",
        str(connections),
        "--duration",
        f"{max(1, round(seconds))}s",
        "--timeout",
        f"{REQUEST_TIMEOUT_S}s",
        "--header",
        f"Cookie: {cookie}",
        "--script",
        str(script),
        url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)  # noqa: S603
    values: dict[str, int] = {}
    latencies: list[tuple[float, float]] = []
    for line in done.stdout.splitlines():
        if line.startswith("SAMEN-RESULT "):
            values = {k: int(v) for k, v in (part.split("=") for part in line.split()[1:])}
        elif line.startswith("SAMEN-PCT "):
            _tag, p, us = line.split()
            latencies.append((float(p), int(us) / 1000))
    if not values:
        raise RuntimeError(f"wrk gave no result (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
    statuses = {k: values[k] for k in ("connect", "read", "write", "timeout") if values[k]}
    if values["other"]:
        statuses[f"status {values['first_other']} (first of {values['other']} non-200)"] = values["other"]
    errors = values["other"] + values["connect"] + values["read"] + values["write"] + values["timeout"]
    return Slice(values["ok"], errors, values["duration_us"] / 1e6, statuses, latencies)


def run_python(port: int, path: str, cookie: str, seconds: float, connections: int) -> Slice:
    """`connections` threads, each sending requests one after the other over one connection, for `seconds`."""
    lock = threading.Lock()
    ok: list[float] = []
    statuses: dict[str, int] = {}
    start = time.monotonic()
    stop_at = start + seconds

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_S)
        times: list[float] = []
        bad: dict[str, int] = {}
        while time.monotonic() < stop_at:
            sent = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Cookie": cookie})
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                connection.close()  # the next request opens a fresh connection
                key = type(exc).__name__
                bad[key] = bad.get(key, 0) + 1
                continue
            if status == 200:
                times.append((time.perf_counter() - sent) * 1000)
            else:
                bad[f"status {status}"] = bad.get(f"status {status}", 0) + 1
        connection.close()
        with lock:
            ok.extend(times)
            for key, count in bad.items():
                statuses[key] = statuses.get(key, 0) + count

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + REQUEST_TIMEOUT_S + 5)
    elapsed = time.monotonic() - start
    ok.sort()
    latencies = [((i + 0.5) * 100 / len(ok), ms) for i, ms in enumerate(ok)]
    return Slice(len(ok), sum(statuses.values()), elapsed, statuses, latencies)


def measure(
    port: int, urls: dict[str, str], cookie: str, args: argparse.Namespace, wrk: bool, workdir: Path
) -> dict[str, Result]:
    script = workdir / "count.lua"
    script.write_text(WRK_SCRIPT.replace("{GRID}", "{" + ", ".join(f"{p:g}" for p in GRID) + "}"))

    def one(path: str, seconds: float) -> Slice:
        if wrk:
            return run_wrk(f"http://127.0.0.1:{port}{path}", cookie, seconds, args.connections, script)
        return run_python(port, path, cookie, seconds, args.connections)

    results = {label: Result(label, path) for label, path in urls.items()}
    # Warm-up: both workers load templates and fill their caches; any error shows here first.
    for label, path in urls.items():
        warm = one(path, WARMUP_S)
        if warm.errors:
            print(f"warm-up of {label} ({path}): {warm.errors} ERRORS {warm.statuses}")
    per_slice = args.seconds / args.rounds
    for round_number in range(args.rounds):
        for label, path in urls.items():
            results[label].slices.append(one(path, per_slice))
        print(f"round {round_number + 1}/{args.rounds} done (load average {load_average()})", flush=True)
    return results


def print_table(results: dict[str, Result], meta: dict[str, Any]) -> list[str]:
    trivial = results["trivial"].rps
    print()
    print(
        f"Samen throughput — gunicorn {WORKERS} sync workers on 127.0.0.1, DEBUG off, SQLite; "
        f"{meta['driver']} with {meta['connections']} connections; {meta['seconds']:g} s per URL "
        f"in {meta['rounds']} rounds; load average before {meta['load_before']}, after {meta['load_after']}"
    )
    header = (
        f"{'page':<10} {'path':<40} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7} {'ratio':>6}  goal ≥ {GOAL}"
    )
    print(header)
    print("-" * len(header))
    flags = []
    for label, result in results.items():
        p50, p95 = result.percentile(50), result.percentile(95)
        ratio = result.rps / trivial if trivial else 0.0
        verdict = ""
        if label != "trivial":
            verdict = "ok" if ratio >= GOAL else "BELOW GOAL"
            if ratio < GOAL:
                flags.append(f"{label}: ratio {ratio:.2f} < {GOAL}")
        if result.errors:
            verdict += f"  ERRORS {result.statuses()}"
            flags.append(f"{label}: {result.errors} errors {result.statuses()}")
        print(
            f"{label:<10} {result.path:<40} {result.rps:>8.1f} {fmt(p50):>8} {fmt(p95):>8} "
            f"{result.errors:>7} {ratio:>6.2f}  {verdict}"
        )
    print()
    print(
        "req/s counts 200 responses only; ratio = the page's req/s divided by the trivial view's (same "
        "server, same run, slices taken in turn). Latencies are under load: they include queueing for a worker."
    )
    for flag in flags:
        print(f"FLAG {flag}")
    if any(r.errors for r in results.values()):
        print()
        print("!!! SOME REQUESTS FAILED: the figures above are not a valid measurement. !!!")
    return flags


def fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def main() -> int:
    args = parse_args()
    # A SIGTERM ends the run through the `finally` blocks below: the server is stopped, the temporary folder removed.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    wrk = shutil.which("wrk") is not None and not args.python
    if not wrk and not args.python:
        print("note: wrk is not installed (apt-get install -y wrk); using the Python driver")
    load_before = load_average()
    secret_key = secrets.token_urlsafe(50)
    # The session made below is signed with this key; the server gets the same one.
    os.environ["SECRET_KEY"] = secret_key
    with tempfile.TemporaryDirectory(prefix="samen-throughput-") as tmp:
        workdir = Path(tmp)
        print("building the database (migrate, framework, demo) …", flush=True)
        cookie, urls = prepare(workdir)
        env = server_env(workdir, secret_key)
        print("collecting static files …", flush=True)
        collect_static(env)
        port = free_port()
        log = workdir / "gunicorn.log"
        server = start_server(env, port, log)
        try:
            wait_until_up(server, port, cookie, log)
            print(f"gunicorn answers on 127.0.0.1:{port}; measuring …", flush=True)
            results = measure(port, urls, cookie, args, wrk, workdir)
        finally:
            stop_server(server)
        server_log = log.read_text(errors="replace").strip()
    meta = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "database": "sqlite",
        "server": f"gunicorn, {WORKERS} sync workers, DEBUG off",
        "driver": "wrk" if wrk else "python",
        "connections": args.connections,
        "seconds": args.seconds,
        "rounds": args.rounds,
        "load_before": load_before,
        "load_after": load_average(),
    }
    flags = print_table(results, meta)
    if server_log:
        print()
        print("gunicorn said (last lines):")
        print("\n".join(server_log.splitlines()[-20:]))
    trivial = results["trivial"].rps
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                **meta,
                "goal_ratio": GOAL,
                "pages": {
                    label: {
                        "path": r.path,
                        "requests_ok": r.ok,
                        "errors": r.errors,
                        "error_kinds": r.statuses(),
                        "seconds": r.seconds,
                        "rps": r.rps,
                        "ratio": r.rps / trivial if trivial else None,
                        "p50_ms": r.percentile(50),
                        "p95_ms": r.percentile(95),
                        "slices_rps": [s.ok / s.seconds if s.seconds else 0 for s in r.slices],
                    }
                    for label, r in results.items()
                },
                "flags": flags,
            },
            indent=2,
        )
    )
    print(f"Written to {RESULTS.relative_to(ROOT)}")
    return 1 if any(r.errors for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
