"""Access-matrix rows for the insights app: the management dashboard (and, below, sector insights).

The dashboard is the management view: administrators, integrity officers and managers read it (200);
members and viewers get 403; the outsider (admin of `ander`) 404; anonymous people are sent to log in.
"""

from tests.access.rows import Row, statuses

READERS = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=200, officer=200, admin=200)


def slug(world):
    return {"slug": world.org.slug}


ROWS = [
    Row("insights:dashboard", READERS, kwargs=slug),
]
