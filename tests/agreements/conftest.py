"""A partnership between Hulp Zonder Grenzen (the personas of tests/conftest.py) and Kampala Women's Network,
an alliance Hulp leads, and the shipped clause set.

partner.admin, partner.viewer → members of "Kampala Women's Network" (slug `kampala`)
"""

from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from accounts.models import User
from agreements.models import Agreement, ClauseSet
from agreements.views import CLAUSE_SET
from framework.loader import CONTENT_DIR, LOADERS, parse
from organisations.models import Alliance, AllianceMember, Membership, Organisation, Partnership, Role
from tests.conftest import People, make_user

CLAUSE_FILE = CONTENT_DIR / "agreements" / "integrity-agreement.yaml"

# What the form sends when every default is kept (the form's own initial values).
DEFAULTS: dict[str, Any] = {
    "language": "en",
    "purpose": "Safe shelters for women in northern Uganda",
    "code_of_conduct": "own",
    "shared_code": "Partos Code of Conduct",
    "reporting": "employer",
    "donor_notification": "each",
    "notify_ministry": "on",
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


@dataclass
class Partner:
    org: Organisation
    admin: User
    viewer: User


@pytest.fixture(autouse=True)
def _in_english(english):
    """These tests read the English page text (the agreement's own language is a choice)."""


def load_clauses() -> ClauseSet:
    doc = parse(CLAUSE_FILE, CONTENT_DIR)
    LOADERS[doc.kind](doc)
    return ClauseSet.objects.get(code=CLAUSE_SET, retired=False)


@pytest.fixture
def clause_set(db) -> ClauseSet:
    return load_clauses()


@pytest.fixture
def partner(people: People) -> Partner:
    org = Organisation.objects.create(slug="kampala", name="Kampala Women's Network", kind="partner", country="UG")
    users = {}
    for role in ("admin", "viewer"):
        user = make_user(
            f"{role}@kampala.example", two_factor=role == "admin", name=f"Kampala {role.title()}", language="en"
        )
        Membership.objects.create(user=user, organisation=org, role=Role(role))
        users[role] = user
    return Partner(org=org, **users)


@pytest.fixture
def partnership(people: People, partner: Partner) -> Partnership:
    return Partnership.objects.create(
        organisation=people.org, partner=partner.org, kind=Partnership.Kind.FUNDING, title="Shelters"
    )


@pytest.fixture
def alliance(people: People, partner: Partner) -> Alliance:
    alliance = Alliance.objects.create(name="Dutch Humanitarian Alliance", lead=people.org)
    third = Organisation.objects.create(slug="derde", name="Derde Hulp", kind="member", country="NL")
    for org in (people.org, partner.org, third):
        AllianceMember.objects.create(alliance=alliance, organisation=org)
    return alliance


def url(name: str, slug: str, **kwargs: Any) -> str:
    return reverse(f"agreements:{name}", kwargs={"slug": slug, **kwargs})


def make(people: People, partnership: Partnership, **choices: Any) -> Agreement:
    """An agreement drawn up through the page by Hulp's manager, with DEFAULTS changed by `choices`."""
    data = {**DEFAULTS, "partnership": str(partnership.code), **choices}
    data = {k: v for k, v in data.items() if v is not None}
    response = people.client("manager").post(url("agreement_new", people.org.slug), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    return Agreement.objects.latest("created_at")
