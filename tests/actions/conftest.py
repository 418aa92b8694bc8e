"""A co-owned plan: Hulp Zonder Grenzen (the personas of tests/conftest.py) with Kampala Women's Network.

partner_admin, partner_member, partner_viewer → members of "Kampala Women's Network" (slug `kampala`)
"""

from dataclasses import dataclass

import pytest

from accounts.models import User
from actions.models import ActionPlan
from organisations.models import Membership, Organisation, Partnership, Role
from tests.conftest import People, make_user


@dataclass
class Partner:
    org: Organisation
    admin: User
    member: User
    viewer: User


@pytest.fixture(autouse=True)
def _in_english(english):
    """These tests read the English text."""


@pytest.fixture
def partner(people: People) -> Partner:
    org = Organisation.objects.create(slug="kampala", name="Kampala Women's Network", kind="partner", country="UG")
    Partnership.objects.create(organisation=people.org, partner=org, kind=Partnership.Kind.FUNDING)
    users = {}
    for role in ("admin", "member", "viewer"):
        user = make_user(f"{role}@kampala.example", name=f"Kampala {role.title()}", language="en")
        Membership.objects.create(user=user, organisation=org, role=Role(role))
        users[role] = user
    return Partner(org=org, **users)


@pytest.fixture
def plan(people: People, partner: Partner) -> ActionPlan:
    return ActionPlan.start(organisation=people.org, partner=partner.org, title="Safeguarding 2026", by=people.manager)
