"""A health check of the partnership of Hulp Zonder Grenzen (the personas) with Kampala Women's Network.

Kampala has a manager, three members and a viewer (slug `kampala`). Helpers start rounds and
answer them as a person would, through the answer page.
"""

from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from health.dimensions import all_dimensions
from health.models import Participant, Round, Schedule
from organisations.models import Membership, Organisation, Partnership, Role
from tests.conftest import People, make_user


@dataclass
class Partner:
    org: Organisation
    partnership: Partnership
    manager: User
    viewer: User
    members: list[User] = field(default_factory=list)


@pytest.fixture(autouse=True)
def _in_english(english):
    """These tests read the English text."""


@pytest.fixture
def partner(people: People) -> Partner:
    org = Organisation.objects.create(slug="kampala", name="Kampala Women's Network", kind="partner", country="UG")
    partnership = Partnership.objects.create(organisation=people.org, partner=org, kind=Partnership.Kind.FUNDING)

    def person(email: str, role: Role) -> User:
        user = make_user(email, name=email.split("@")[0].title(), language="en")
        Membership.objects.create(user=user, organisation=org, role=role)
        return user

    return Partner(
        org=org,
        partnership=partnership,
        manager=person("manager@kampala.example", Role.MANAGER),
        viewer=person("viewer@kampala.example", Role.VIEWER),
        members=[person(f"member{n}@kampala.example", Role.MEMBER) for n in range(1, 4)],
    )


@pytest.fixture
def schedule(people: People, partner: Partner) -> Schedule:
    return Schedule.objects.create(
        organisation=people.org,
        partnership=partner.partnership,
        title="Hulp and Kampala",
        kind=Schedule.Kind.INFORMAL,
        interval_months=2,
        next_due_on=timezone.localdate(),
        created_by=people.manager,
    )


def start_round(schedule: Schedule, users: list[tuple[User, Organisation]], by: User) -> Round:
    number = schedule.rounds.count() + 1
    round = Round.objects.create(schedule=schedule, organisation=schedule.organisation, number=number, opened_by=by)
    for user, organisation in users:
        Participant.objects.create(round=round, user=user, organisation=organisation, invited_by=by)
    return round


def answers(colours: dict[str, str] | str, comment: str = "") -> dict[str, str]:
    """POST data: one colour for every dimension (or the given ones), and a comment on the first."""
    data = {}
    for dimension in all_dimensions():
        data[dimension.code] = colours if isinstance(colours, str) else colours.get(dimension.code, "green")
        data[f"{dimension.code}-comment"] = ""
    if comment:
        data[f"{all_dimensions()[0].code}-comment"] = comment
    return data


def answer(round: Round, user: User, organisation: Organisation, data: dict[str, str]):
    client = Client()
    client.force_login(user)
    url = reverse("health:round_answer", kwargs={"slug": organisation.slug, "code": round.code})
    return client.post(url, data)


def page(people: People, persona: str, name: str, **kwargs):
    slug = kwargs.pop("slug", people.org.slug)
    return people.client(persona).get(reverse(f"health:{name}", kwargs={"slug": slug, **kwargs}))
