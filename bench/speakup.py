"""Bench data and measurements for speak-up: the handlers' inbox at 100 → 10,000 reports, and a submission.

- The inbox (`build`, `grow`): one channel of the measured organisation with a handler (an integrity
  officer with two-factor authentication and a real handler key, unlocked in the bench client's
  session, as a handler works). Its reports are stored directly (bulk_create of Report, ReportKey
  version 1 and a HandlerGrant to the handler): the inbox shows metadata only, so the sealed fields
  are random bytes of a realistic size. Dates spread over two years, every status, category and
  anonymity level in turn. `build` stores `SMALL_REPORTS`, `grow` adds up to the scaled size in the
  same channel (same URL), so a query count that grows between the two runs is an N+1.
- A submission (`measure_submit`): a valid report without attachments POSTed to the public intake
  by an anonymous client, with a signed form token issued a minute ago (past the minimum fill
  time) and the channel's rate limit raised. It runs with the production Argon2id limits (the
  defaults of samen/settings.py, whatever the environment says) and reports the split: the time in
  `crypto.reporter_keys` inside each request (timed by wrapping it for the bench) and the rest, next
  to the same derivation measured on its own.
"""

import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.test import Client

    from accounts.models import User
    from speakup.models import Channel

SMALL_REPORTS = 100
SUBMIT_BUDGET_MS = 300
HANDLER_PASSWORD = "bench-handler-password"  # noqa: S105 -- a throwaway account in a throwaway database
CHANNEL_SLUG = "bench-meldpunt"
# Sizes of what the intake stores for a short report: a sealed box adds 48 bytes to its plaintext.
CONTENT_BYTES = 700
SEALED_KEY_BYTES = 32 + 48


@dataclass
class Speakup:
    channel: "Channel"
    handler: "User"
    client: "Client"


def production_argon2() -> tuple[int, int]:
    """Set the Argon2id limits to the shipped defaults (an environment may have lowered them); returns them."""
    from django.conf import settings

    from speakup import keys

    settings.SPEAKUP_ARGON2_OPSLIMIT = keys.DEFAULT_OPSLIMIT
    settings.SPEAKUP_ARGON2_MEMLIMIT = keys.DEFAULT_MEMLIMIT
    return keys.argon2_limits()


def build(slug: str) -> Speakup:
    """The channel, its handler (logged in, key unlocked) and `SMALL_REPORTS` reports."""
    import pyotp
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import User
    from organisations.models import Membership, Organisation, Role
    from speakup import keys
    from speakup.models import Channel, ChannelHandler

    production_argon2()
    organisation = Organisation.objects.get(slug=slug)
    # The limit is per hour; the bench submits dozens of reports in a minute.
    channel = Channel.objects.create(organisation=organisation, slug=CHANNEL_SLUG, max_reports_per_hour=1_000_000)
    handler = User.objects.create_user("bench-handler@example.org", HANDLER_PASSWORD, name="Bench Handler")
    # Integrity officers must have two-factor authentication before they see any page.
    handler.totp_secret = pyotp.random_base32()
    handler.totp_confirmed_at = timezone.now()
    handler.save(update_fields=["totp_secret", "totp_confirmed_at"])
    Membership.objects.create(user=handler, organisation=organisation, role=Role.OFFICER)
    keys.setup(handler, HANDLER_PASSWORD)
    ChannelHandler.objects.create(channel=channel, user=handler)
    client = Client()
    client.force_login(handler)
    response = client.post(reverse("speakup:unlock", kwargs={"slug": slug}), {"password": HANDLER_PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"the bench handler's key did not unlock (status {response.status_code})")
    data = Speakup(channel, handler, client)
    add_reports(data, SMALL_REPORTS)
    return data


def grow(data: Speakup, reports: int) -> None:
    add_reports(data, reports)


def add_reports(data: Speakup, upto: int) -> None:
    """Reports with a key version and a grant to the handler, until the channel has `upto`; oldest first."""
    from django.utils import timezone

    from framework.models import ViolationType
    from speakup.models import HandlerGrant, Report, ReportKey

    organisation = data.channel.organisation
    assert organisation is not None  # the bench channel belongs to an organisation
    have = Report.objects.filter(channel=data.channel).count()
    count = upto - have
    if count <= 0:
        return
    categories: list[ViolationType | None] = [*ViolationType.objects.active().order_by("order", "code"), None]
    statuses = list(Report.Status)
    anonymities = list(Report.Anonymity)
    today = timezone.localdate()
    now = timezone.now()
    reports = []
    for n in range(have, upto):
        # Spread over two years, the oldest first (reports are stored in the order they arrive).
        created_on = today - timedelta(days=730 * (upto - 1 - n) // max(upto, 1))
        status = statuses[n % len(statuses)]
        closed = status == Report.Status.CLOSED
        reports.append(
            Report(
                channel=data.channel,
                organisation=organisation,
                category=categories[n % len(categories)],
                anonymity=anonymities[n % len(anonymities)],
                status=status,
                receipt_lookup=secrets.token_hex(32),
                reporter_public_key=os.urandom(32),
                content=os.urandom(CONTENT_BYTES),
                key_version=1,
                created_on=created_on,
                acknowledged_at=now if status != Report.Status.NEW else None,
                closed_at=now if closed else None,
                delete_after=today + timedelta(days=data.channel.retention_days) if closed else None,
            )
        )
    reports = Report.objects.bulk_create(reports, batch_size=500)
    report_keys = ReportKey.objects.bulk_create(
        (
            ReportKey(report=report, version=1, public_key=os.urandom(32), for_reporter=os.urandom(SEALED_KEY_BYTES))
            for report in reports
        ),
        batch_size=500,
    )
    HandlerGrant.objects.bulk_create(
        (HandlerGrant(report_key=key, user=data.handler, sealed=os.urandom(SEALED_KEY_BYTES)) for key in report_keys),
        batch_size=500,
    )


def inbox_url(data: Speakup) -> Callable[[], str]:
    from django.urls import reverse

    slug = data.channel.organisation.slug  # type: ignore[union-attr]
    return lambda: reverse("speakup:inbox", kwargs={"slug": slug})


# A submission -----------------------------------------------------------------------------------------


def _report_data(channel: "Channel", n: int) -> dict[str, str]:
    from speakup.forms_public import NOT_SURE, form_token
    from speakup.models import Anonymity

    return {
        "category": NOT_SURE,
        "what": (
            f"Bench report {n}. The project coordinator asked two suppliers for a payment in cash before "
            "signing their contracts, and told staff not to mention it at the team meeting. "
        )
        * 3,
        "when": "March, and again last week",
        "where": "The field office",
        "who": "The project coordinator; the two suppliers; a driver saw it.",
        "anonymity": Anonymity.ANONYMOUS.value,
        "name": "",
        "contact": "",
        "website": "",
        # Issued a minute ago: past the minimum fill time, well within the maximum age.
        "token": form_token(channel, issued_at=time.time() - 60),
    }


def measure_submit(data: Speakup, requests: int, trivial: Any) -> dict[str, Any]:
    """p50/p95 of a whole submission, its queries, and the Argon2id derivation's share of it."""
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from bench.run import percentiles
    from speakup import crypto
    from speakup.models import Report

    opslimit, memlimit = production_argon2()
    channel = data.channel
    url = reverse("speakup_public:report", kwargs={"slug": channel.slug, "lang": "en"})
    reporter = Client()  # anonymous, no cookies: a reporter's phone
    derive = crypto.reporter_keys
    in_request: list[float] = []
    in_request_cpu: list[float] = []

    def timed_derive(*args: Any, **kwargs: Any) -> Any:
        start, start_cpu = time.perf_counter(), time.process_time()
        try:
            return derive(*args, **kwargs)
        finally:
            in_request.append((time.perf_counter() - start) * 1000)
            in_request_cpu.append((time.process_time() - start_cpu) * 1000)

    def submit(n: int) -> None:
        before = Report.objects.filter(channel=channel).count()
        response = reporter.post(url, _report_data(channel, n))
        stored = Report.objects.filter(channel=channel).count() - before
        if response.status_code != 200 or stored != 1:
            form = response.context.get("form") if response.context else None
            errors = form.errors.as_json() if form is not None else ""
            raise RuntimeError(f"the bench submission was not stored (status {response.status_code}) {errors}")

    crypto.reporter_keys = timed_derive  # restored below
    try:
        submit(0)  # warm-up, and a check that the submission is valid
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            reporter.post(url, _report_data(channel, 1))
        in_request.clear()
        in_request_cpu.clear()
        times, cpu_times, trivial_times = [], [], []
        payloads = [_report_data(channel, n) for n in range(2, requests + 2)]
        for payload in payloads:
            start = time.perf_counter()
            trivial.get("/bench-trivial/")
            trivial_times.append((time.perf_counter() - start) * 1000)
            start, start_cpu = time.perf_counter(), time.process_time()
            reporter.post(url, payload)
            times.append((time.perf_counter() - start) * 1000)
            cpu_times.append((time.process_time() - start_cpu) * 1000)
    finally:
        crypto.reporter_keys = derive
    if len(in_request) != requests:
        raise RuntimeError(f"expected one derivation per submission, timed {len(in_request)}")
    rest = [total - kdf for total, kdf in zip(times, in_request, strict=True)]
    rest_cpu = [total - kdf for total, kdf in zip(cpu_times, in_request_cpu, strict=True)]
    # The same derivation on its own, as many times.
    alone, alone_cpu = [], []
    salt = bytes(channel.salt)
    for _ in range(requests):
        receipt = crypto.new_receipt()
        start, start_cpu = time.perf_counter(), time.process_time()
        crypto.reporter_keys(receipt, salt, opslimit, memlimit)
        alone.append((time.perf_counter() - start) * 1000)
        alone_cpu.append((time.process_time() - start_cpu) * 1000)
    trivial_p50, trivial_p95 = percentiles(trivial_times)
    result: dict[str, Any] = {
        "url": url,
        "status": 200,
        "requests": requests,
        "queries": len(queries),
        "argon2": {"opslimit": opslimit, "memlimit": memlimit},
        "trivial_p50_ms": trivial_p50,
        "trivial_p95_ms": trivial_p95,
        "kdf_share": sum(in_request) / sum(times),
        "kdf_share_cpu": sum(in_request_cpu) / sum(cpu_times),
        "budget_ms": SUBMIT_BUDGET_MS,
    }
    # Wall-clock ("…_ms") as the other rows; CPU time of this process ("…_cpu_ms") as well: the
    # derivation is single-threaded and compute-bound, so on a machine shared with other work its
    # wall-clock time stretches with the load while its CPU time stays what an idle server would take.
    for name, wall, cpu in (
        ("", times, cpu_times),
        ("kdf_in_request_", in_request, in_request_cpu),
        ("rest_", rest, rest_cpu),
        ("kdf_alone_", alone, alone_cpu),
    ):
        result[f"{name}p50_ms"], result[f"{name}p95_ms"] = percentiles(wall)
        result[f"{name}p50_cpu_ms"], result[f"{name}p95_cpu_ms"] = percentiles(cpu)
    result["p50_ratio"] = result["p50_ms"] / trivial_p50
    result["p95_ratio"] = result["p95_ms"] / trivial_p95
    return result


def print_submit(result: dict[str, Any]) -> list[str]:
    """The submission's lines under the page table; its flags."""
    argon2 = result["argon2"]
    print()
    print(
        f"speak-up submit — {result['requests']} reports without attachments, Argon2id opslimit "
        f"{argon2['opslimit']}, memlimit {argon2['memlimit'] // (1024 * 1024)} MiB; {result['queries']} queries"
    )
    print(f"{'':<22} {'p50 ms':>8} {'p95 ms':>8}   {'p50 CPU':>8} {'p95 CPU':>8}")
    for label, name in (
        ("whole request", ""),
        ("  Argon2id in request", "kdf_in_request_"),
        ("  the rest", "rest_"),
        ("Argon2id alone", "kdf_alone_"),
    ):
        print(
            f"{label:<22} {result[f'{name}p50_ms']:>8.1f} {result[f'{name}p95_ms']:>8.1f}   "
            f"{result[f'{name}p50_cpu_ms']:>8.1f} {result[f'{name}p95_cpu_ms']:>8.1f}"
        )
    print(
        f"× trivial view: p50 {result['p50_ratio']:.0f}, p95 {result['p95_ratio']:.0f}. The derivation is "
        f"{100 * result['kdf_share']:.0f}% of the submissions' time ({100 * result['kdf_share_cpu']:.0f}% of "
        f"their CPU time). Budget: p95 ≤ {result['budget_ms']} ms."
    )
    budget = result["budget_ms"]
    if result["p95_cpu_ms"] > budget:
        return [f"speakup-submit: OVER {budget} ms (p95 {result['p95_ms']:.0f} ms, CPU {result['p95_cpu_ms']:.0f} ms)"]
    if result["p95_ms"] > budget:
        return [
            f"speakup-submit: OVER {budget} ms wall-clock (p95 {result['p95_ms']:.0f} ms) but not in CPU time "
            f"(p95 {result['p95_cpu_ms']:.0f} ms): the machine was busy"
        ]
    return []
