"""Access-matrix rows for the insights app.

The management dashboard: administrators, integrity officers and managers read it (200); members and
viewers get 403; the outsider (admin of `ander`) 404; anonymous people are sent to log in.

Sector insights exist only for an organisation of kind network: the rows build one, `netwerk`, in which
each persona of `hulp` holds the same role (the outsider none). Its integrity officers and administrators read the
figures and the PDF; its administrators set the minimum group size. For `hulp` as the member it is in the
fixtures, every sector page is 404 for everyone. Every member sees which networks count its figures;
administrators opt in and out (others 403).
"""

from organisations.models import Membership, Organisation
from tests.access.rows import Row, org_page, statuses

READERS = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=200, officer=200, admin=200)
SECTOR_READERS = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=403, officer=200, admin=200)
ADMINS = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=403, officer=403, admin=200)
ADMINS_POST = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=403, officer=403, admin=302)
NOT_A_NETWORK = statuses(anonymous=302, outsider=404, viewer=404, member=404, manager=404, officer=404, admin=404)


def slug(world):
    return {"slug": world.org.slug}


def as_network(world):
    """A network whose members are the personas, each in their role in `hulp` (built once per world)."""
    if "netwerk" not in world.objects:
        netwerk = Organisation.objects.create(slug="netwerk", name="Netwerk", kind=Organisation.Kind.NETWORK)
        for membership in Membership.objects.filter(organisation=world.org):
            Membership.objects.create(user=membership.user, organisation=netwerk, role=membership.role)
        world.objects["netwerk"] = netwerk
    return {"slug": world.objects["netwerk"].slug}


def network(world):
    if "network" not in world.objects:
        world.objects["network"] = Organisation.objects.create(
            slug="sector-netwerk", name="Sector Netwerk", kind=Organisation.Kind.NETWORK
        )
    return world.objects["network"]


def opt_in_data(world):
    return {"network": str(network(world).code), "action": "give"}


ROWS = [
    Row("insights:dashboard", READERS, kwargs=slug),
    Row("insights:opt_in", org_page(), kwargs=slug),
    Row("insights:opt_in", ADMINS_POST, kwargs=slug, method="post", data=opt_in_data),
    Row("insights:sector", SECTOR_READERS, kwargs=as_network),
    Row("insights:sector", NOT_A_NETWORK, kwargs=slug, note="not a network"),
    Row("insights:sector_pdf", SECTOR_READERS, kwargs=as_network),
    Row("insights:sector_pdf", NOT_A_NETWORK, kwargs=slug, note="not a network"),
    Row("insights:sector_settings", ADMINS, kwargs=as_network),
    Row(
        "insights:sector_settings",
        ADMINS_POST,
        kwargs=as_network,
        method="post",
        data=lambda world: {"min_organisations": 6, "min_cases": 5},
    ),
    Row("insights:sector_settings", NOT_A_NETWORK, kwargs=slug, note="not a network"),
]
