"""One agreement: its choices, its text, the downloads, and the dates form for managers and admins."""

from datetime import date

from agreements.models import Agreement
from tests.agreements.conftest import make, url


def test_both_parties_read_it(people, partner, clause_set, partnership):
    agreement = make(people, partnership, reporting="lead")
    page = people.client("viewer").get(url("agreement", "hulp", code=agreement.code)).content.decode()
    assert "Who handles a report about another party&#x27;s staff" in page
    assert "The integrity officer of Hulp Zonder Grenzen, which recorded the partnership, handles it" in page
    assert "passed without delay to the integrity officer of Hulp Zonder Grenzen" in page
    assert 'lang="en"' in page
    assert url("agreement_docx", "hulp", code=agreement.code) in page
    assert "Save dates" not in page  # viewers do not get the form

    client = people.client("viewer")
    client.force_login(partner.viewer)
    assert client.get(url("agreement", "kampala", code=agreement.code)).status_code == 200


def test_alliance_members_read_it_and_outsiders_do_not(people, partner, clause_set, alliance):
    from tests.agreements.conftest import DEFAULTS

    data = {**DEFAULTS, "alliance": str(alliance.code)}
    people.client("manager").post(url("agreement_new", "hulp"), data)
    agreement = Agreement.objects.get()
    client = people.client("viewer")
    client.force_login(partner.admin)
    page = client.get(url("agreement", "kampala", code=agreement.code)).content.decode()
    assert "the members of the alliance Dutch Humanitarian Alliance" in page
    assert "Hulp Zonder Grenzen leads the alliance" in page
    assert people.client("outsider").get(url("agreement", "ander", code=agreement.code)).status_code == 404
    assert people.client("outsider").get(url("agreement", "hulp", code=agreement.code)).status_code == 404


def test_a_manager_records_the_signing_date_and_the_review_date_follows(people, clause_set, partnership):
    agreement = make(people, partnership, review_months="24")
    response = people.client("manager").post(
        url("agreement_dates", "hulp", code=agreement.code), {"signed_on": "2026-01-31", "review_on": ""}
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.signed_on, agreement.review_on) == (date(2026, 1, 31), date(2028, 1, 31))


def test_the_partners_admin_may_change_the_dates(people, partner, clause_set, partnership):
    agreement = make(people, partnership)
    client = people.client("viewer")
    client.force_login(partner.admin)
    data = {"signed_on": "2026-02-01", "review_on": "2027-02-01"}
    assert client.post(url("agreement_dates", "kampala", code=agreement.code), data).status_code == 302
    agreement.refresh_from_db()
    assert agreement.review_on == date(2027, 2, 1)


def test_a_review_date_before_signing_is_refused_and_the_input_kept(people, clause_set, partnership):
    agreement = make(people, partnership)
    response = people.client("admin").post(
        url("agreement_dates", "hulp", code=agreement.code), {"signed_on": "2026-03-01", "review_on": "2026-02-01"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["review_on"] == ["The review date cannot be before the signing date."]
    page = response.content.decode()
    assert 'value="2026-03-01"' in page and 'value="2026-02-01"' in page
    agreement.refresh_from_db()
    assert agreement.signed_on is None


def test_viewers_members_and_outsiders_may_not_change_the_dates(people, clause_set, partnership):
    agreement = make(people, partnership)
    data = {"signed_on": "2026-01-01"}
    for persona, status in (("viewer", 403), ("member", 403), ("officer", 403), ("outsider", 404)):
        assert people.client(persona).post(url("agreement_dates", "hulp", code=agreement.code), data).status_code == (
            status
        )
    agreement.refresh_from_db()
    assert agreement.signed_on is None
