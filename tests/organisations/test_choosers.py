"""organisations.choosers: a select of a few partners, a text box for a large funder's thousands."""

import pytest

from actions.forms import PlanForm
from actions.models import ActionPlan
from organisations import choosers
from organisations.models import Organisation, Partnership
from tests.actions.helpers import errors, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def partners(people):
    made = [
        Organisation.objects.create(slug=slug, name=name, kind="partner")
        for slug, name in [("kampala", "Kampala Women's Network"), ("gulu", "Youth Network"), ("lira", "Youth Network")]
    ]
    for org in made:
        Partnership.objects.create(organisation=people.org, partner=org, kind=Partnership.Kind.FUNDING)
    return made


def test_few_choices_stay_a_select(people, partners):
    form = PlanForm(organisation=people.org)
    assert not isinstance(form.fields["partner"], choosers.TypedModelChoiceField)
    assert "<select" in str(form["partner"])


def test_many_choices_are_typed_by_name_short_name_or_code(people, partners, monkeypatch):
    monkeypatch.setattr(choosers, "SELECT_LIMIT", 2)
    form = PlanForm(organisation=people.org)
    assert isinstance(form.fields["partner"], choosers.TypedModelChoiceField)
    html = str(form["partner"])
    assert "<select" not in html and 'type="text"' in html and "Youth Network" not in html
    kampala, gulu, _lira = partners
    for typed in ("kampala women's network", "KAMPALA", str(kampala.code)):
        form = PlanForm({"title": "Visit", "partner": typed}, organisation=people.org)
        assert form.is_valid(), form.errors
        assert form.cleaned_data["partner"] == kampala
    # Two partners share a name: the short name tells them apart.
    ambiguous = PlanForm({"title": "Visit", "partner": "Youth Network"}, organisation=people.org)
    assert not ambiguous.is_valid() and "short name" in str(ambiguous.errors["partner"])
    assert PlanForm({"title": "Visit", "partner": "gulu"}, organisation=people.org).is_valid()
    # Only the organisation's own partners: another organisation's name is refused.
    other = PlanForm({"title": "Visit", "partner": people.other_org.slug}, organisation=people.org)
    assert not other.is_valid()
    # A form shown again keeps what was chosen, by name.
    bound = PlanForm({"title": "Visit", "partner": str(gulu.code)}, organisation=people.org)
    bound.is_valid()
    assert 'value="Youth Network"' in str(bound["partner"]) or str(gulu.code) in str(bound["partner"])


def test_the_plan_page_takes_a_typed_partner(people, partners, monkeypatch):
    monkeypatch.setattr(choosers, "SELECT_LIMIT", 2)
    response = people.client("manager").post(url("plan_add", people.org), {"title": "Visit", "partner": "lira"})
    assert response.status_code == 302, errors(response, "partner")
    assert ActionPlan.objects.get().partner == partners[2]
