"""Each person's time zone: chosen on My account, used for every moment shown to them; stored moments stay UTC."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import UserTimeZoneMiddleware
from accounts.models import User
from cases.deadlines import schedule
from cases.handling import adopt_playbook
from cases.models import Assignment, Case, CaseRole
from tests.cases.conftest import build_playbook

URL = reverse("accounts:security")
# Acknowledgement is due 7 days after receipt: 17 January 2026, 22:30 UTC.
RECEIVED = datetime(2026, 1, 10, 22, 30, tzinfo=UTC)
DUE = datetime(2026, 1, 17, 22, 30, tzinfo=UTC)


def test_the_settings_page_offers_every_zone_with_the_servers_as_default(people):
    response = people.client("member").get(URL)
    page = response.content.decode()
    assert '<select name="time_zone"' in page
    assert '<option value="" selected>Default (Europe/Amsterdam)</option>' in page
    for name in ("Africa/Kampala", "America/Lima", "Asia/Kathmandu", "Europe/Amsterdam"):
        assert f'<option value="{name}">{name}</option>' in page
    choices = [value for value, _label in response.context["form"].fields["time_zone"].choices]
    assert choices[1:] == sorted(choices[1:]) and len(choices) > 400


def test_a_chosen_zone_is_saved_and_shown_selected(people):
    client = people.client("member")
    response = client.post(URL, {"name": "Member", "language": "en", "time_zone": "Africa/Kampala"})
    assert response.status_code == 302
    people.member.refresh_from_db()
    assert people.member.time_zone == "Africa/Kampala"
    assert '<option value="Africa/Kampala" selected>' in client.get(URL).content.decode()

    client.post(URL, {"name": "Member", "language": "en", "time_zone": ""})
    people.member.refresh_from_db()
    assert people.member.time_zone == ""
    assert people.member.zone.key == "Europe/Amsterdam"


def test_an_unknown_zone_is_a_form_error_and_nothing_changes(people):
    client = people.client("member")
    response = client.post(URL, {"name": "Changed", "language": "en", "time_zone": "Mars/Olympus_Mons"})
    assert response.status_code == 200
    assert "time_zone" in response.context["form"].errors
    people.member.refresh_from_db()
    assert people.member.time_zone == "" and people.member.name == "Member"


def test_the_model_refuses_an_unknown_zone_and_falls_back_for_a_lost_one(people, settings):
    people.member.time_zone = "Nowhere/Land"
    with pytest.raises(ValidationError):
        people.member.full_clean()
    # A name the installed tz database no longer knows still shows times, in the server's zone.
    settings.TIME_ZONE = "Europe/Amsterdam"
    assert people.member.zone.key == "Europe/Amsterdam"


def test_middleware_activates_the_persons_zone_and_forgets_it_for_the_next_request(people):
    seen = []

    def view(request):
        seen.append(timezone.get_current_timezone_name())
        return None

    middleware = UserTimeZoneMiddleware(view)
    people.member.time_zone = "America/Lima"
    signed_in = RequestFactory().get("/")
    signed_in.user = people.member
    middleware(signed_in)
    anonymous = RequestFactory().get("/")
    anonymous.user = AnonymousUser()
    middleware(anonymous)
    assert seen == ["America/Lima", "Europe/Amsterdam"]


@pytest.fixture
def due_case(people) -> Case:
    """A case of `hulp` the member handles at intake, without handler keys: the calendar needs none."""
    case = Case.objects.create(
        organisation=people.org,
        reference="2026-0003",
        source=Case.Source.PHONE,
        playbook=build_playbook(),
        received_at=RECEIVED,
    )
    adopt_playbook(case, case.playbook)
    Assignment.objects.create(case=case, user=people.member, role=CaseRole.INTAKE)
    return case


@pytest.mark.parametrize(
    ("zone", "day", "time", "iso", "ics_date"),
    [
        # UTC+3 all year: already the next day.
        ("Africa/Kampala", "Jan. 18, 2026", "1:30 a.m.", "2026-01-18T01:30:00+03:00", "20260118"),
        # UTC+1 in winter.
        ("Europe/Amsterdam", "Jan. 17, 2026", "11:30 p.m.", "2026-01-17T23:30:00+01:00", "20260117"),
        # UTC-5.
        ("America/Lima", "Jan. 17, 2026", "5:30 p.m.", "2026-01-17T17:30:00-05:00", "20260117"),
    ],
)
def test_a_deadline_shows_in_the_readers_local_time(people, due_case, zone, day, time, iso, ics_date):
    User.objects.filter(pk=people.member.pk).update(time_zone=zone)
    client = people.client("member")

    page = client.get(reverse("cases:calendar", kwargs={"slug": "hulp"})).content.decode()
    assert f'<time datetime="{iso}">{day}</time>' in page
    assert time in page
    assert f"in your time zone ({zone})" in page
    ics = client.get(reverse("cases:calendar_ics", kwargs={"slug": "hulp"})).content.decode()
    assert f"DTSTART;VALUE=DATE:{ics_date}\r\n" in ics

    # What is stored, and the deadline computed from it, do not move with the reader.
    due_case.refresh_from_db()
    assert due_case.received_at == RECEIVED
    acknowledge = next(s for s in schedule(due_case, list(due_case.steps.all())) if s.step.code == "acknowledge")
    assert acknowledge.due_at == DUE
