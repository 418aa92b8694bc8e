"""The session's pages read a fixed number of queries however many people, decisions and scores it has."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from power import running
from power.models import Stage
from tests.power.conftest import join, url


def fill(session, people, partner, count: int) -> None:
    decisions = [running.add_decision(session, f"Decision {n}", by=people.manager) for n in range(count)]
    participants = [join(session, side)[1] for side in (people.org, partner.org) for _n in range(count)]
    running.set_stage(session, Stage.SCORING)
    for participant in participants:
        for number, decision in enumerate(decisions):
            running.score(participant, decision, 1 + number % 5)
    running.agree(session, f"Change {count}", decision=decisions[0], by=people.manager, by_organisation=people.org)
    running.set_stage(session, Stage.RESULTS)


def queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_pages_do_not_grow_with_the_session(people, partner, open_session):
    manager = people.client("manager")
    phone, _participant = join(open_session, partner.org)
    pages = [
        url("session", code=open_session.code),
        url("results", code=open_session.code),
        url("summary", code=open_session.code),
    ]
    room = reverse("power_join:room", kwargs={"code": open_session.join_code})
    fill(open_session, people, partner, 2)
    manager.get(pages[0])  # the first request of the minute records when the membership was last used
    small = [queries(manager, path) for path in pages] + [queries(phone, room)]
    fill(open_session, people, partner, 6)
    large = [queries(manager, path) for path in pages] + [queries(phone, room)]
    assert small == large
