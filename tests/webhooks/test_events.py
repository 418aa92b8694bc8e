"""Which events fire, for whom: a passport shared with an organisation reaches the RECIPIENT's webhooks
(not the sharer's, nobody else's); an overdue action reaches its plan's owners once per due date."""

from datetime import timedelta

from django.utils import timezone

from actions.models import ActionPlan
from organisations.models import Alliance, AllianceMember, Consent
from tests.assessments.helpers import answer_all, make_final, make_partner, request_of, url
from webhooks.events import announce_overdue_actions
from webhooks.models import Delivery, Endpoint


def listen(organisation, url: str, by, events: list[str]) -> Endpoint:
    return Endpoint.add(organisation=organisation, url=url, events=events, by=by)


def test_a_passport_shared_with_an_organisation_notifies_that_organisation_only(
    people, libraries, receiver, django_capture_on_commit_callbacks, english
):
    partner = make_partner(people)
    assessment = request_of(people, partner, libraries["partner-integrity-baseline"])
    answer_all(assessment, partner.org, partner.member, level=3)
    make_final(assessment)
    recipient = people.other_org  # Ander Fonds, its admin is `outsider`
    theirs = listen(recipient, receiver.url, people.outsider, ["assessment.shared"])
    sharers = listen(partner.org, receiver.url + "/sharer", partner.admin, ["assessment.shared"])
    funders = listen(people.org, receiver.url + "/hulp", people.admin, ["assessment.shared", "action.overdue"])
    not_listening = listen(recipient, receiver.url + "/other", people.outsider, ["action.overdue"])

    with django_capture_on_commit_callbacks(execute=True):
        response = partner.client("admin").post(
            url("assessment_share", partner.org, assessment),
            {"q": "ander", "scope": "organisation", "to_organisation": str(recipient.code)},
        )
    assert response.status_code == 302
    consent = Consent.objects.get()
    delivery = Delivery.objects.get()
    assert (delivery.endpoint, delivery.organisation, delivery.status) == (theirs, recipient, "delivered")
    assert not Delivery.objects.filter(endpoint__in=[sharers, funders, not_listening]).exists()
    [got] = receiver.received
    assert got.path == "/hooks/samen" and got.headers["Samen-Event"] == "assessment.shared"
    assert delivery.payload["organisation"]["slug"] == recipient.slug
    assert delivery.payload["data"] == {
        "assessment": str(assessment.code),
        "library": {
            "code": "partner-integrity-baseline",
            "version": assessment.library.version,
            "name": assessment.library.name_en,
        },
        "shared_by": {"slug": partner.org.slug, "name": partner.org.name},
        "consent": str(consent.code),
        "valid_until": None,
    }
    # Nothing of the answers or the rating travels.
    assert b"rating" not in got.body and b"answer" not in got.body


def test_a_passport_shared_with_an_alliance_notifies_its_other_members(people, libraries, receiver):
    partner = make_partner(people)
    assessment = make_final(request_of(people, partner, libraries["partner-integrity-baseline"]))
    alliance = Alliance.objects.create(name="Joint Response", lead=people.org, starts_on=timezone.localdate())
    for member in (people.org, partner.org):
        AllianceMember.objects.create(alliance=alliance, organisation=member)
    hulp = listen(people.org, receiver.url, people.admin, ["assessment.shared"])
    sharer = listen(partner.org, receiver.url, partner.admin, ["assessment.shared"])
    outside = listen(people.other_org, receiver.url, people.outsider, ["assessment.shared"])
    Consent.give(
        organisation=partner.org,
        subject=f"assessment:{assessment.code}",
        by=partner.admin,
        scope=Consent.Scope.ALLIANCE,
        to_alliance=alliance,
    )
    assert [d.endpoint for d in Delivery.objects.all()] == [hulp]
    assert not Delivery.objects.filter(endpoint__in=[sharer, outside]).exists()


def test_other_consents_and_shares_of_someone_elses_assessment_fire_nothing(people, libraries, receiver):
    partner = make_partner(people)
    assessment = make_final(request_of(people, partner, libraries["partner-integrity-baseline"]))
    listen(people.other_org, receiver.url, people.outsider, ["assessment.shared"])
    Consent.give(
        organisation=partner.org,
        subject="partnerships",
        by=partner.admin,
        to_organisation=people.other_org,
        scope="organisation",
    )
    # Hulp (the requester, not the assessed organisation) cannot share the passport: no event.
    Consent.give(
        organisation=people.org,
        subject=f"assessment:{assessment.code}",
        by=people.admin,
        scope="organisation",
        to_organisation=people.other_org,
    )
    # A share with the whole sector is not "shared with you".
    Consent.give(organisation=partner.org, subject=f"assessment:{assessment.code}", by=partner.admin, scope="sector")
    assert not Delivery.objects.exists()


def test_an_overdue_action_is_announced_once_to_both_owners(people, receiver):
    partner = make_partner(people)
    today = timezone.localdate()
    hulp = listen(people.org, receiver.url, people.admin, ["action.overdue"])
    kampala = listen(partner.org, receiver.url, partner.admin, ["action.overdue"])
    other = listen(people.other_org, receiver.url, people.outsider, ["action.overdue"])
    shared_only = listen(people.org, receiver.url, people.admin, ["assessment.shared"])
    plan = ActionPlan.start(organisation=people.org, partner=partner.org, title="Safeguarding", by=people.admin)
    late = plan.add_action(title="Train the field staff", due_on=today - timedelta(days=1), by=people.admin)
    plan.add_action(title="Not yet due", due_on=today, by=people.admin)
    done = plan.add_action(title="Done already", due_on=today - timedelta(days=1), by=people.admin)
    done.status = "done"
    done.save(update_fields=["status"])

    assert announce_overdue_actions(today) == 2
    assert announce_overdue_actions(today) == 0  # remembered
    deliveries = list(Delivery.objects.order_by("organisation__slug"))
    assert {d.endpoint for d in deliveries} == {hulp, kampala}
    assert not Delivery.objects.filter(endpoint__in=[other, shared_only]).exists()
    assert deliveries[0].payload["data"] == {
        "action": str(late.code),
        "title": "Train the field staff",
        "due_on": (today - timedelta(days=1)).isoformat(),
        "plan": str(plan.code),
    }
    # A new due date that passes again is a new announcement.
    late.due_on = today - timedelta(days=0)
    late.save(update_fields=["due_on"])
    assert announce_overdue_actions(today + timedelta(days=1)) == 4  # both actions, both owners


def test_a_new_endpoint_does_not_hear_of_the_backlog(people, receiver):
    today = timezone.localdate()
    plan = ActionPlan.start(organisation=people.org, title="Old plan", by=people.admin)
    plan.add_action(title="Long overdue", due_on=today - timedelta(days=30), by=people.admin)
    listen(people.org, receiver.url, people.admin, ["action.overdue"])
    assert announce_overdue_actions(today) == 0


def test_an_endpoint_that_is_off_gets_no_new_events(people, receiver):
    today = timezone.localdate()
    endpoint = listen(people.org, receiver.url, people.admin, ["action.overdue"])
    endpoint.switch(on=False, by=people.admin)
    plan = ActionPlan.start(organisation=people.org, title="Plan", by=people.admin)
    plan.add_action(title="Late", due_on=today - timedelta(days=1), by=people.admin)
    assert announce_overdue_actions(today) == 0
