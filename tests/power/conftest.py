"""A power-awareness session of the partnership of Hulp Zonder Grenzen (the personas) with Kampala
Women's Network (slug `kampala`: a manager, a member and a viewer).

Participants join as a person would, from their own browser (one test client each), through the
public join page, choosing which organisation they are from.
"""

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from dialogue.models import Participant, Session
from organisations.models import Membership, Organisation, Partnership, Role
from power import running
from tests.conftest import People, make_user


@dataclass
class Partner:
    org: Organisation
    partnership: Partnership
    manager: User
    member: User
    viewer: User

    def client(self, persona: str) -> Client:
        client = Client()
        client.force_login(getattr(self, persona))
        return client


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
        member=person("member@kampala.example", Role.MEMBER),
        viewer=person("viewer@kampala.example", Role.VIEWER),
    )


@pytest.fixture
def session(people: People, partner: Partner) -> Session:
    """A draft session of Hulp about its partnership with Kampala."""
    return running.create(
        organisation=people.org, partnership=partner.partnership, title="Hulp and Kampala", by=people.manager
    )


@pytest.fixture
def open_session(session: Session) -> Session:
    running.start(session)
    session.refresh_from_db()
    return session


def join(session: Session, side: Organisation, name: str = "", language: str = "en") -> tuple[Client, Participant]:
    """A new browser joins the session for `side`; returns its client and participant."""
    client = Client()
    url = reverse("power_join:enter", kwargs={"code": session.join_code})
    response = client.post(url, {"side": str(side.code), "display_name": name, "language": language})
    assert response.status_code == 302, response.content.decode()[:2000]
    participant = Participant.objects.filter(session=session).order_by("-pk").first()
    assert participant is not None
    return client, participant


def url(name: str, slug: str = "hulp", **kwargs: object) -> str:
    return reverse(f"power:{name}", kwargs={"slug": slug, **kwargs})
