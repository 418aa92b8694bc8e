"""Fixtures for dilemma sessions: published dilemmas of `hulp`, a session of them, and participants' browsers.

The officer facilitates. `join(session, name)` is a participant's phone: a fresh client that joined
with the code (its cookie holds the token).
"""

import pytest
from django.test import Client
from django.urls import reverse

from dialogue import running
from dialogue.models import Session, SessionItem
from dilemmas.models import Dilemma
from tests.dilemmas.conftest import make_dilemma


@pytest.fixture(autouse=True)
def _in_english(english):
    """The facilitators' pages in English: the tests read the English text (participants choose their own)."""


@pytest.fixture(autouse=True)
def generous_join_bound(settings):
    # Tests join many clients from one address; the bound itself has its own test.
    settings.DIALOGUE_JOIN_ATTEMPTS = 10_000


@pytest.fixture
def dilemmas(people) -> list[Dilemma]:
    first = make_dilemma(people.org, people.admin)
    first.set_variations([{"en": "What if the cousin's prices were 20% higher?"}, {"en": "What if a donor audits?"}])
    first.reflection_en = "Weigh the local economy against the undeclared interest."
    first.save(update_fields=["reflection_en"])
    second = make_dilemma(
        people.org,
        people.admin,
        title_en="A gift after the audit",
        situation_en="After the audit the partner's finance officer sends a hamper.",
        question_en="Do you accept it?",
    )
    second.set_options([{"en": "Accept"}, {"en": "Return it"}, {"en": "Share it with the team"}, {"en": "Report it"}])
    return [first, second]


@pytest.fixture
def draft(people, dilemmas) -> Session:
    session = Session.objects.create(
        organisation=people.org, title="Partners and procurement", facilitator=people.officer
    )
    for dilemma in dilemmas:
        running.add_dilemma(session, dilemma)
    return session


@pytest.fixture
def live_session(draft) -> Session:
    running.start(draft)
    draft.refresh_from_db()
    return draft


def join(session: Session, name: str = "", language: str = "en") -> Client:
    client = Client()
    response = client.post(
        reverse("join:enter", kwargs={"code": session.join_code}), {"display_name": name, "language": language}
    )
    assert response.status_code == 302, response.content
    return client


def current(session: Session) -> SessionItem:
    """The dilemma the room looks at (the tests' sessions always have one)."""
    item = running.current_item(session)
    assert item is not None
    return item


def vote(client: Client, session: Session, choice: int) -> int:
    item = current(session)
    response = client.post(
        reverse("join:vote", kwargs={"code": session.join_code}), {"item": item.code, "choice": choice}
    )
    return response.status_code


def org_url(name: str, session: Session, **kwargs) -> str:
    return reverse(f"dialogue:{name}", kwargs={"slug": session.organisation.slug, "code": session.code, **kwargs})
