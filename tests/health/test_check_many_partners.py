"""Setting up a check for a large funder: its partnerships are typed (organisations.choosers), not listed."""

from django.urls import reverse

from health.models import Schedule
from organisations import choosers
from organisations.models import Organisation, Partnership


def test_past_the_limit_the_partner_is_typed(people, partner, monkeypatch):
    monkeypatch.setattr(choosers, "SELECT_LIMIT", 1)
    gulu = Organisation.objects.create(slug="gulu", name="Gulu Youth", kind="partner")
    Partnership.objects.create(organisation=people.org, partner=gulu, kind=Partnership.Kind.FUNDING)
    url = reverse("health:check_new", kwargs={"slug": "hulp"})
    manager = people.client("manager")
    html = manager.get(url).content.decode()
    assert 'name="partner"' in html and "Gulu Youth" not in html
    # Preselected from a partnership's page: the box shows the partner's name.
    preselected = manager.get(f"{url}?partnership={partner.partnership.code}").content.decode()
    assert 'value="Kampala Women&#x27;s Network"' in preselected
    nothing = manager.post(url, {"kind": "formal", "next_due_on": "2026-09-01"})
    assert nothing.status_code == 200 and "or choose an alliance" in nothing.content.decode()
    response = manager.post(url, {"partner": "GULU", "kind": "formal", "next_due_on": "2026-09-01"})
    assert response.status_code == 302
    assert Schedule.objects.filter(partnership__partner=gulu).exists()
