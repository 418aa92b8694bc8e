"""Drawing up an agreement: choose a partnership or alliance, then the choices; managers and admins."""

from agreements.models import Agreement
from tests.agreements.conftest import DEFAULTS, url


def test_the_first_step_lists_partnerships_and_alliances(people, clause_set, partnership, alliance):
    page = people.client("manager").get(url("agreement_new", people.org.slug)).content.decode()
    assert f"?partnership={partnership.code}" in page
    assert f"?alliance={alliance.code}" in page
    assert "Kampala Women&#x27;s Network" in page


def test_the_form_offers_the_choices_with_defaults(people, clause_set, partnership):
    response = people.client("admin").get(url("agreement_new", people.org.slug) + f"?partnership={partnership.code}")
    form = response.context["form"]
    assert form["purpose"].value() == "Shelters"
    assert form["code_of_conduct"].value() == "own"
    assert form["donor_days"].value() == 5
    assert "The code of Hulp Zonder Grenzen, which recorded the partnership" in response.content.decode()


def test_a_manager_draws_up_a_partnership_agreement(people, clause_set, partnership):
    data = {**DEFAULTS, "partnership": str(partnership.code), "language": "nl"}
    response = people.client("manager").post(url("agreement_new", people.org.slug), data)
    agreement = Agreement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("agreement", "hulp", code=agreement.code)
    assert (agreement.organisation, agreement.partnership, agreement.alliance) == (people.org, partnership, None)
    assert agreement.language == "nl"
    assert agreement.clause_version == "1.0"
    assert agreement.created_by == people.manager
    assert agreement.choices["kind"] == "partnership"
    assert agreement.choices["donor_days"] == 5
    assert agreement.choices["shared_code"] == ""  # only kept when a shared code is chosen
    assert agreement.parties["organisations"][1] == {"name": "Kampala Women's Network", "country": "Oeganda"}


def test_the_partner_draws_one_up_for_the_same_partnership(people, partner, clause_set, partnership):
    client = people.client("admin")
    client.force_login(partner.admin)
    data = {**DEFAULTS, "partnership": str(partnership.code)}
    assert client.post(url("agreement_new", "kampala"), data).status_code == 302
    assert Agreement.objects.get().organisation == partner.org


def test_an_alliance_agreement_has_the_lead_and_every_member(people, clause_set, alliance):
    data = {**DEFAULTS, "alliance": str(alliance.code), "code_of_conduct": "lead", "reporting": "lead"}
    assert people.client("manager").post(url("agreement_new", "hulp"), data).status_code == 302
    agreement = Agreement.objects.get()
    assert agreement.alliance == alliance and agreement.partnership is None
    assert agreement.parties["lead"] == "Hulp Zonder Grenzen"
    assert [o["name"] for o in agreement.parties["organisations"]] == [
        "Hulp Zonder Grenzen",
        "Derde Hulp",
        "Kampala Women's Network",
    ]


def test_a_member_or_viewer_may_not_draw_one_up(people, clause_set, partnership):
    data = {**DEFAULTS, "partnership": str(partnership.code)}
    for persona in ("member", "viewer", "officer"):
        assert people.client(persona).post(url("agreement_new", "hulp"), data).status_code == 403
    assert not Agreement.objects.exists()


def test_someone_elses_partnership_is_not_found(people, clause_set, partner):
    from organisations.models import Partnership

    theirs = Partnership.objects.create(organisation=people.other_org, partner=partner.org)
    data = {**DEFAULTS, "partnership": str(theirs.code)}
    assert people.client("manager").post(url("agreement_new", "hulp"), data).status_code == 404
    assert people.client("manager").get(url("agreement_new", "hulp") + "?partnership=not-a-code").status_code == 404
    assert people.client("outsider").get(url("agreement_new", "hulp")).status_code == 404


def test_bad_input_keeps_what_was_typed(people, clause_set, partnership):
    data = {
        **DEFAULTS,
        "partnership": str(partnership.code),
        "code_of_conduct": "shared",
        "shared_code": " ",
        "donor_days": "0",
        "purpose": "Clean water for Gulu",
    }
    response = people.client("manager").post(url("agreement_new", "hulp"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "Name the shared code of conduct." in form.errors["shared_code"]
    assert "donor_days" in form.errors
    assert form["purpose"].value() == "Clean water for Gulu"
    assert 'value="Clean water for Gulu"' in response.content.decode() or "Clean water for Gulu</textarea>" in (
        response.content.decode()
    )
    assert not Agreement.objects.exists()


def test_without_loaded_clauses_the_page_says_so(people, partnership):
    response = people.client("manager").get(url("agreement_new", "hulp") + f"?partnership={partnership.code}")
    assert response.status_code == 200
    assert "manage.py load_framework" in response.content.decode()
