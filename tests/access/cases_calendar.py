"""Access-matrix rows for the case deadlines calendar of `hulp` (page and .ics file).

Every member of `hulp` has a calendar of their own: the officer's lists the deadlines of a case they
handle; everyone else holds no case there and sees the empty state — still 200, since the page says
nothing of cases they do not handle. The outsider (admin of `ander`) gets 404; anonymous people are sent
to log in. The case is built in the rows' kwargs, without handler keys (the calendar needs none).
"""

from datetime import timedelta

from django.utils import timezone

from cases.handling import adopt_playbook
from cases.models import Assignment, Case, CaseRole
from tests.access.rows import Row, org_page
from tests.cases.conftest import build_playbook


def _build(world) -> None:
    if "calendar_case" in world.objects:
        return
    case = Case.objects.create(
        organisation=world.org,
        # Another row's case of the same world may hold "…-0001" (tests/browser/test_every_page.py builds one world).
        reference=Case.next_reference(world.org, timezone.now().year),
        source=Case.Source.PHONE,
        playbook=build_playbook(),
        received_at=timezone.now() - timedelta(days=10),
    )
    adopt_playbook(case, case.playbook)
    Assignment.objects.create(case=case, user=world.people.officer, role=CaseRole.INTAKE)
    world.objects["calendar_case"] = case


def slug(world):
    _build(world)
    return {"slug": world.org.slug}


ROWS = [
    Row("cases:calendar", org_page(), kwargs=slug),
    Row("cases:calendar", org_page(), kwargs=slug, query="?steps=all", note="all steps"),
    Row("cases:calendar_ics", org_page(), kwargs=slug),
]
