"""Access-matrix rows for the integrity agreements of `hulp` with its partner Kampala Women's Network.

Everyone in `hulp` reads its agreements and downloads them; managers and admins draw them up and
record the dates (others get 403). The outsider (admin of `ander`) gets 404 everywhere.
The clause set and the agreement are made in the rows' kwargs, so world.py knows nothing of agreements.
"""

from agreements.models import Agreement, ClauseSet
from framework.loader import CONTENT_DIR, LOADERS, parse
from tests.access.rows import Row, org_page, statuses

MANAGERS = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=200, officer=403, admin=200)
MANAGERS_POST = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=302, officer=403, admin=302)


def _clause_set(world) -> ClauseSet:
    if "clause_set" not in world.objects:
        doc = parse(CONTENT_DIR / "agreements" / "integrity-agreement.yaml", CONTENT_DIR)
        LOADERS[doc.kind](doc)
        world.objects["clause_set"] = ClauseSet.objects.get(code="partnership-integrity", retired=False)
    return world.objects["clause_set"]


def _agreement(world) -> Agreement:
    if "agreement" not in world.objects:
        world.objects["agreement"] = Agreement.objects.create(
            organisation=world.org,
            partnership=world.partnership,
            clause_set=_clause_set(world),
            choices={
                "kind": "partnership",
                "purpose": "Safe shelters",
                "code_of_conduct": "own",
                "reporting": "employer",
                "donor_notification": "each",
                "donor_days": 5,
                "sharing": "outcome",
                "share_days": 10,
                "psea": True,
                "audit": "mutual",
                "audit_notice_days": 30,
                "termination": "remedy",
                "remedy_days": 30,
                "review_months": 12,
            },
            parties={
                "lead": world.org.name,
                "alliance": "",
                "organisations": [
                    {"name": world.org.name, "country": "NL"},
                    {"name": world.partner.name, "country": ""},
                ],
            },
            language="en",
        )
    return world.objects["agreement"]


def slug(world):
    _clause_set(world)
    return {"slug": world.org.slug}


def agreement(world):
    return {"slug": world.org.slug, "code": _agreement(world).code}


def partnership(world):
    return {"slug": world.org.slug, "code": world.partnership.code}


def new_agreement(world):
    return {
        "partnership": str(world.partnership.code),
        "language": "nl",
        "purpose": "Veilige opvang",
        "code_of_conduct": "own",
        "reporting": "employer",
        "donor_notification": "each",
        "donor_days": "5",
        "sharing": "outcome",
        "share_days": "10",
        "psea": "on",
        "audit": "mutual",
        "audit_notice_days": "30",
        "termination": "remedy",
        "remedy_days": "30",
        "review_months": "12",
    }


ROWS = [
    Row("agreements:agreements", org_page(), kwargs=slug, query="?due=1"),
    Row("agreements:agreements_csv", org_page(), kwargs=slug, query="?due=1"),
    Row("agreements:agreement_new", MANAGERS, kwargs=slug),
    Row("agreements:agreement_new", MANAGERS_POST, kwargs=slug, method="post", data=new_agreement),
    Row("agreements:agreement", org_page(), kwargs=agreement),
    Row("agreements:agreement_docx", org_page(), kwargs=agreement),
    Row("agreements:agreement_pdf", org_page(), kwargs=agreement),
    Row(
        "agreements:agreement_dates",
        MANAGERS_POST,
        kwargs=agreement,
        method="post",
        data=lambda w: {"signed_on": "2026-01-15", "review_on": ""},
    ),
    Row("agreements:partnership_agreements", org_page(), kwargs=partnership),
]
