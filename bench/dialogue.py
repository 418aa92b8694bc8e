"""Bench of a live dilemma session: hundreds of phones join and vote, the results stay fast.

    DEBUG=1 .venv/bin/python bench/dialogue.py [--participants 200] [--small 20] [--requests 100]

Builds its own throwaway SQLite database (migrations only, as bench/run.py sets it up; a session needs
no framework content, only dilemmas of its own), then, in-process with Django's test client, each
phone its own client with its own cookie, all from one address (a meeting room behind one network):

1. A manager composes a session of two dilemmas of the organisation and starts it, as the pages do.
2. A first, small room: `--small` phones join (the join page, the form, the room) and vote; the
   facilitator's live results and a phone's live part are measured (p50/p95 over `--requests`, with
   their query counts).
3. The live session: `--participants` phones join; then, timed as one, every phone votes and reloads
   its room, its live part polls, and the facilitator's results are polled once per ten votes, as htmx
   would every 2 s. Any answer other than the expected one (a redirect after the vote, 200 for pages) is
   an error. Target: all votes within 10 s, no errors, the count of votes equal to the participants.
4. The live parts are measured again with the full room: target p95 ≤ 50 ms, and the same number of
   queries as with the small room (a count that grows is an N+1).

Results go to bench/results/dialogue.json. No test asserts on these numbers.
"""

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.test import Client

    from dialogue.models import Session

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "dialogue.json"
SLUG = "bench-dialogue"
PASSWORD = "bench-facilitator-password"  # noqa: S105 -- a throwaway account in a throwaway database
PAGE_BUDGET_MS = 50
VOTE_BUDGET_S = 10
POLL_EVERY = 10
HTMX = {"HX-Request": "true"}


@dataclass
class Room:
    session: "Session"
    desk: "Client"
    phones: list["Client"]
    errors: list[str]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--small", type=int, default=20)
    parser.add_argument("--requests", type=int, default=int(os.environ.get("BENCH_REQUESTS", 100)))
    return parser.parse_args()


def _expect(errors: list[str], response: Any, status: int, what: str) -> None:
    if response.status_code != status:
        errors.append(f"{what}: {response.status_code} (expected {status})")


def compose(title: str) -> Room:
    """The organisation's manager prepares and starts a session of two dilemmas through the pages."""
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import User
    from dialogue.models import Session
    from dilemmas.models import Context, Dilemma
    from organisations.models import Membership, Organisation, Role

    organisation, _created = Organisation.objects.get_or_create(
        slug=SLUG, defaults={"name": "Bench Dialogue", "kind": Organisation.Kind.MEMBER, "country": "NL"}
    )
    manager = User.objects.filter(email="bench-facilitator@example.org").first()
    if manager is None:
        manager = User.objects.create_user("bench-facilitator@example.org", PASSWORD, name="Facilitator")
        Membership.objects.create(user=manager, organisation=organisation, role=Role.MANAGER)
        now = timezone.now()
        for n, options in ((1, 3), (2, 4)):
            dilemma = Dilemma.objects.create(
                organisation=organisation,
                author=manager,
                status="published",
                published_at=now,
                languages="nl,en",
                context=Context.LOCAL_PARTNER,
                **{
                    f"{field}_{lang}": f"{field} {n} {lang}?"
                    for field in ("title", "situation", "question", "reflection")
                    for lang in ("nl", "en")
                },
            )
            dilemma.set_options([{"nl": f"Keuze {k}", "en": f"Choice {k}"} for k in range(1, options + 1)])
    desk = Client()
    desk.force_login(manager)
    errors: list[str] = []
    _expect(
        errors,
        desk.post(reverse("dialogue:new", kwargs={"slug": SLUG}), {"title": title, "mode": "individual"}),
        302,
        "new",
    )
    session = Session.objects.filter(organisation=organisation).latest("created_at")
    kwargs = {"slug": SLUG, "code": session.code}
    for dilemma in Dilemma.objects.filter(organisation=organisation).order_by("pk"):
        _expect(errors, desk.post(reverse("dialogue:add_item", kwargs=kwargs), {"dilemma": dilemma.code}), 302, "add")
    _expect(errors, desk.post(reverse("dialogue:start", kwargs=kwargs), {}), 302, "start")
    session.refresh_from_db()
    return Room(session=session, desk=desk, phones=[], errors=errors)


def join(room: Room, count: int) -> float:
    """`count` phones join: the join page, the form, the room. Returns the seconds it took."""
    from django.test import Client
    from django.urls import reverse

    code = room.session.join_code
    start = time.perf_counter()
    for n in range(len(room.phones), len(room.phones) + count):
        phone = Client(headers={"accept-language": "nl"})
        _expect(room.errors, phone.get(reverse("join:enter", kwargs={"code": code})), 200, "join page")
        response = phone.post(
            reverse("join:enter", kwargs={"code": code}),
            {"display_name": f"Phone {n}" if n % 3 else "", "language": ("nl", "en", "fr", "es")[n % 4]},
        )
        _expect(room.errors, response, 302, "join")
        _expect(room.errors, phone.get(reverse("join:room", kwargs={"code": code})), 200, "room")
        room.phones.append(phone)
    return time.perf_counter() - start


def vote_all(room: Room, phones: list["Client"]) -> tuple[float, float]:
    """Every phone votes and reloads its room, polls its live part; the facilitator polls every ten votes.

    Returns the seconds of the whole and of the vote requests alone.
    """
    from django.urls import reverse

    from dialogue import running

    item = running.current_item(room.session)
    assert item is not None
    code = room.session.join_code
    live = reverse("dialogue:live", kwargs={"slug": SLUG, "code": room.session.code})
    start, voting = time.perf_counter(), 0.0
    for n, phone in enumerate(phones):
        before = time.perf_counter()
        response = phone.post(reverse("join:vote", kwargs={"code": code}), {"item": item.code, "choice": n % 3 + 1})
        voting += time.perf_counter() - before
        _expect(room.errors, response, 302, "vote")
        _expect(room.errors, phone.get(reverse("join:room", kwargs={"code": code})), 200, "room after vote")
        response = phone.get(
            reverse("join:live", kwargs={"code": code}), {"item": str(item.code), "voted": "1"}, headers=HTMX
        )
        _expect(room.errors, response, 200, "phone poll")
        if "HX-Refresh" in response:
            room.errors.append("phone poll asked for a reload")
        if n % POLL_EVERY == 0:
            _expect(room.errors, room.desk.get(live, headers=HTMX), 200, "results poll")
    return time.perf_counter() - start, voting


def measure_live(room: Room, requests: int) -> dict[str, Any]:
    """The facilitator's live results and a phone's live part: p50, p95 and queries, with the trivial view."""
    from django.test import Client
    from django.urls import reverse

    from bench.run import measure
    from dialogue import running

    item = running.current_item(room.session)
    assert item is not None
    desk = Client(headers=HTMX)
    desk.cookies = room.desk.cookies
    phone = Client(headers=HTMX)
    phone.cookies = room.phones[0].cookies
    code = room.session.join_code
    return {
        "results": measure(
            desk,
            reverse("dialogue:live", kwargs={"slug": SLUG, "code": room.session.code}),
            requests,
            trivial=room.desk,
        ),
        "phone_live": measure(
            phone,
            reverse("join:live", kwargs={"code": code}) + f"?item={item.code}&voted=1",
            requests,
            trivial=room.desk,
        ),
        "room": measure(room.phones[0], reverse("join:room", kwargs={"code": code}), requests, trivial=room.desk),
        "control": measure(
            room.desk,
            reverse("dialogue:run", kwargs={"slug": SLUG, "code": room.session.code}),
            requests,
            trivial=room.desk,
        ),
    }


def main() -> int:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="samen-bench-") as tmp:
        sys.path.insert(0, str(ROOT))
        from bench.run import setup_django

        setup_django(Path(tmp))
        from django.core.management import call_command

        from dialogue.models import Participant, Vote

        call_command("migrate", verbosity=0, interactive=False)

        small = compose("Small room")
        join(small, args.small)
        vote_all(small, small.phones)
        small_figures = measure_live(small, args.requests)

        big = compose("Full room")
        join_seconds = join(big, args.participants)
        vote_seconds, votes_only = vote_all(big, big.phones)
        votes = Vote.objects.filter(session=big.session).count()
        participants = Participant.objects.filter(session=big.session).count()
        big_figures = measure_live(big, args.requests)
        errors = small.errors + big.errors

    flags = []
    print(f"Dilemma session bench — SQLite, Python {platform.python_version()}, in-process test client, one address")
    print(f"{args.participants} phones joined (join page, form, room) in {join_seconds:.2f} s")
    requests = 3 * args.participants + -(-args.participants // POLL_EVERY)
    print(
        f"{args.participants} votes, each with the room reloaded and a live poll, the facilitator polling every "
        f"{POLL_EVERY} votes: {vote_seconds:.2f} s ({requests} requests); "
        f"votes counted {votes} of {participants} participants; errors: {len(errors)}"
    )
    print(f"The {args.participants} vote requests alone: {votes_only:.2f} s")
    if vote_seconds > VOTE_BUDGET_S:
        flags.append(f"the votes took {vote_seconds:.1f} s (budget {VOTE_BUDGET_S} s)")
    if errors:
        flags.append(f"{len(errors)} errors, first: {errors[0]}")
    if votes != participants:
        flags.append(f"{votes} votes for {participants} participants")
    trivial = big_figures["results"].get("trivial_p95_ms", 0)
    print(f"The trivial view's p95 in the same run: {trivial:.1f} ms; load average {os.getloadavg()[0]:.1f}")
    print(f"{'page':<12} {'room':>6} {'queries':>8} {'p50 ms':>8} {'p95 ms':>8} {'p95/trivial':>12}")
    for label in ("results", "phone_live", "room", "control"):
        for size, figures in ((args.small, small_figures), (args.participants, big_figures)):
            row = figures[label]
            print(
                f"{label:<12} {size:>6} {row.get('queries', '-'):>8} {row.get('p50_ms', 0):>8.1f} "
                f"{row.get('p95_ms', 0):>8.1f} {row.get('p95_ratio', 0):>12.1f}"
            )
        if small_figures[label].get("queries") != big_figures[label].get("queries"):
            flags.append(
                f"{label}: queries grow from {small_figures[label].get('queries')} "
                f"to {big_figures[label].get('queries')}"
            )
        if label in ("results", "phone_live") and big_figures[label].get("p95_ms", 1e9) > PAGE_BUDGET_MS:
            flags.append(
                f"{label}: p95 {big_figures[label]['p95_ms']:.1f} ms at {args.participants} participants "
                f"(budget {PAGE_BUDGET_MS} ms)"
            )
    for flag in flags:
        print(f"FLAG {flag}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "python": platform.python_version(),
                "machine": platform.machine(),
                "database": "sqlite",
                "participants": args.participants,
                "small": args.small,
                "join_seconds": join_seconds,
                "vote_seconds": vote_seconds,
                "vote_requests_seconds": votes_only,
                "votes": votes,
                "errors": errors[:20],
                "small_room": small_figures,
                "full_room": big_figures,
                "flags": flags,
            },
            indent=2,
        )
    )
    print(f"Written to {RESULTS.relative_to(ROOT)}")
    return 1 if flags else 0


if __name__ == "__main__":
    sys.exit(main())
