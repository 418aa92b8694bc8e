"""The security log of an organisation: admins and integrity officers read it, newest first."""

from audit.models import Event, record
from tests.organisations.helpers import url


def test_admin_and_officer_read_the_log_newest_first(people):
    record(Event.INVITATION_SENT, actor="admin@hulp.example", organisation="hulp", target="first@hulp.example")
    record(Event.ROLE_CHANGED, actor="admin@hulp.example", organisation="hulp", target="second@hulp.example")
    record(Event.ROLE_CHANGED, actor="admin@ander.example", organisation="ander", target="elsewhere@ander.example")
    for persona in ("admin", "officer"):
        response = people.client(persona).get(url("audit", people.org))
        assert response.status_code == 200
        targets = [entry.target for entry in response.context["page_obj"]]
        assert targets == ["second@hulp.example", "first@hulp.example"]


def test_the_log_is_paginated_by_fifty(people):
    for n in range(51):
        record(Event.INVITATION_SENT, actor="admin@hulp.example", organisation="hulp", target=f"p{n}@hulp.example")
    response = people.client("admin").get(url("audit", people.org))
    assert len(response.context["page_obj"]) == 50
    second = people.client("admin").get(url("audit", people.org) + "?page=2")
    assert [e.target for e in second.context["page_obj"]] == ["p0@hulp.example"]


def test_empty_log_says_what_will_appear(people):
    assert b"Nothing has been logged" in people.client("admin").get(url("audit", people.org)).content


def test_other_roles_get_403_and_outsider_404(people):
    for persona in ("viewer", "member", "manager"):
        assert people.client(persona).get(url("audit", people.org)).status_code == 403
    assert people.client("outsider").get(url("audit", people.org)).status_code == 404
