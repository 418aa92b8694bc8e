"""Access-matrix rows for the health checks of `hulp`'s partnership with Kampala Women's Network.

Everyone in `hulp` reads its checks and rounds; managers and admins set them up, start, close and
review rounds and add actions (viewers, members and officers get 403); the people invited to a
round answer it (here member, manager and admin; the officer is not invited, and viewers never
are). The outsider (admin of `ander`) gets 404 everywhere. The objects are built in the rows'
kwargs, so world.py needs to know nothing of health checks.
"""

from django.utils import timezone

from health.models import Participant, Round, Schedule
from organisations.models import Membership
from tests.access.rows import Row, org_page, statuses

MANAGERS = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=200, officer=403, admin=200)
MANAGERS_POST = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=302, officer=403, admin=302)
PARTICIPANTS = statuses(anonymous=302, outsider=404, viewer=403, member=200, manager=200, officer=403, admin=200)
PARTICIPANTS_POST = statuses(anonymous=302, outsider=404, viewer=403, member=302, manager=302, officer=403, admin=302)


def _build(world) -> None:
    if "schedule" in world.objects:
        return
    people, today = world.people, timezone.localdate()
    schedule = Schedule.objects.create(
        organisation=world.org, partnership=world.partnership, title="Hulp and Kampala", next_due_on=today
    )
    closed = Round.objects.create(schedule=schedule, organisation=world.org, number=1, closed_at=timezone.now())
    current = Round.objects.create(schedule=schedule, organisation=world.org, number=2)
    for user in (people.member, people.manager, people.admin):
        Participant.objects.create(round=current, user=user, organisation=world.org)
    world.objects.update(
        schedule=schedule,
        closed_round=closed,
        open_round=current,
        # An alliance check without rounds, where a round can be started.
        alliance_schedule=Schedule.objects.create(
            organisation=world.org, alliance=world.alliance, title="Alliance check", next_due_on=today
        ),
    )


def slug(world):
    return {"slug": world.org.slug}


def schedule(world):
    _build(world)
    return {"slug": world.org.slug, "code": world.schedule.code}


def alliance_schedule(world):
    _build(world)
    return {"slug": world.org.slug, "code": world.alliance_schedule.code}


def open_round(world):
    _build(world)
    return {"slug": world.org.slug, "code": world.open_round.code}


def closed_round(world):
    _build(world)
    return {"slug": world.org.slug, "code": world.closed_round.code}


def membership_code(world, persona: str) -> str:
    return str(Membership.objects.get(user=getattr(world.people, persona), organisation=world.org).code)


def all_green(world):
    from health.dimensions import all_dimensions

    return {d.code: "green" for d in all_dimensions()}


ROWS = [
    Row("health:checks", org_page(), kwargs=slug),
    Row("health:checks_csv", org_page(), kwargs=slug),
    Row("health:check_new", MANAGERS, kwargs=slug),
    Row(
        "health:check_new",
        MANAGERS_POST,
        kwargs=slug,
        method="post",
        data=lambda w: {"subject": f"p:{w.partnership.code}", "kind": "formal", "next_due_on": "2026-09-01"},
    ),
    Row("health:check", org_page(), kwargs=schedule),
    Row("health:round_new", MANAGERS, kwargs=alliance_schedule),
    Row(
        "health:round_new",
        MANAGERS_POST,
        kwargs=alliance_schedule,
        method="post",
        data=lambda w: {"participants": [membership_code(w, "member")]},
    ),
    Row("health:round", org_page(), kwargs=open_round),
    Row("health:round", org_page(), kwargs=closed_round, note="closed"),
    Row("health:round_answer", PARTICIPANTS, kwargs=open_round),
    Row("health:round_answer", PARTICIPANTS_POST, kwargs=open_round, method="post", data=all_green),
    Row("health:round_invite", MANAGERS, kwargs=open_round),
    Row(
        "health:round_invite",
        MANAGERS_POST,
        kwargs=open_round,
        method="post",
        data=lambda w: {"participants": [membership_code(w, "officer")]},
    ),
    Row("health:round_close", MANAGERS_POST, kwargs=open_round, method="post"),
    Row("health:round_review", MANAGERS, kwargs=closed_round),
    Row(
        "health:round_review",
        MANAGERS_POST,
        kwargs=closed_round,
        method="post",
        data=lambda w: {"held_on": str(timezone.localdate()), "agreements": "Meet every quarter"},
    ),
    Row(
        "health:round_action",
        MANAGERS_POST,
        kwargs=closed_round,
        method="post",
        data=lambda w: {"title": "Agree a reporting calendar"},
    ),
]
