"""Access-matrix rows for the annual account of reports and cases (cases/views/annual.py).

Administrators, integrity officers and managers read the account and download it; administrators and
integrity officers write the reflection (the manager gets 403 there). Members and viewers get 403,
the outsider (admin of `ander`) 404, anonymous people are sent to log in. The year has one case, built
in the rows' kwargs so world.py needs to know nothing of cases.
"""

from datetime import datetime

from django.utils import timezone

from cases.models import Case
from tests.access.rows import Row, statuses
from tests.cases.conftest import build_playbook

YEAR = 2025
READERS = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=200, officer=200, admin=200)
WRITERS = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=403, officer=200, admin=200)
WRITERS_POST = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=403, officer=302, admin=302)


def slug(world):
    return {"slug": world.org.slug}


def year(world):
    if "annual_case" not in world.objects:
        world.objects["annual_case"] = Case.objects.create(
            organisation=world.org,
            reference=f"{YEAR}-0001",
            source=Case.Source.PHONE,
            playbook=build_playbook(),
            received_at=datetime(YEAR, 3, 2, 10, tzinfo=timezone.get_default_timezone()),
        )
    return {"slug": world.org.slug, "year": YEAR}


ROWS = [
    Row("cases:annual_years", READERS, kwargs=slug),
    Row("cases:annual_account", READERS, kwargs=year),
    Row("cases:annual_reflection", WRITERS, kwargs=year),
    Row(
        "cases:annual_reflection",
        WRITERS_POST,
        kwargs=year,
        method="post",
        data=lambda w: {"reflection": "Our first year with the new channel."},
    ),
    Row("cases:annual_csv", READERS, kwargs=year),
    Row("cases:annual_pdf", READERS, kwargs=year),
]
