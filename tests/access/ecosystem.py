"""Access-matrix rows for the ecosystem's IATI import of `hulp`.

Importing is for the organisation's admins (it adds public data every member of Samen sees):
other members get 403, the outsider (admin of `ander`) 404. The POST sends no file, so the admin
gets the form back with an error (400) and nothing is imported.
"""

from ecosystem.models import ImportJob
from tests.access.rows import Row, same, statuses

ADMINS = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=403, officer=403, admin=200)
ADMINS_POST = {**ADMINS, "admin": 400}


def slug(world) -> dict:
    return {"slug": world.org.slug}


def job(world) -> dict:
    if "iati_job" not in world.objects:
        world.objects["iati_job"] = ImportJob.objects.create(
            organisation=world.org, started_by=world.people.admin, file_name="activities.xml", size=1000
        )
    return {"slug": world.org.slug, "code": world.objects["iati_job"].code}


def other_job(world) -> dict:
    """A job of `ander`, asked for under `hulp`: nobody of `hulp` learns it exists."""
    other = ImportJob.objects.create(organisation=world.people.other_org, file_name="theirs.xml", size=10)
    return {"slug": world.org.slug, "code": other.code}


ROWS = [
    Row("ecosystem:imports", ADMINS, kwargs=slug),
    Row("ecosystem:imports", ADMINS_POST, kwargs=slug, method="post"),
    Row("ecosystem:import_job", ADMINS, kwargs=job),
    Row(
        "ecosystem:import_job",
        same(404, anonymous=302, viewer=403, member=403, manager=403, officer=403),
        kwargs=other_job,
        note="other organisation's job",
    ),
]
