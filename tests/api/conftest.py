"""The API's world: Hulp (the personas' organisation) with one of everything the API lists, and tokens.

`world.codes` holds the code of each object of Hulp's, per endpoint, so the isolation tests can check
that a token of Ander Fonds never sees any of them.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from actions.models import ActionPlan
from api.models import SCOPES, Token
from assessments.models import Answer, Assessment
from cases.models import Case, Phase, Source
from dilemmas.models import Context, Dilemma, Status
from ecosystem.models import Activity, ActivityCountry, ActivitySector, ImportedOrganisation, Relation
from framework.models import AssessmentLibrary, LibraryArea, Requirement
from guide.models import GuidePage, GuideSection, OrganisationPage
from health.models import Answered, Participant, Rating, Round, Schedule
from organisations.models import Alliance, AllianceMember, Organisation, Partnership
from tests.cases.conftest import build_playbook

ALL = list(SCOPES)


def make_token(organisation: Organisation, by: Any, scopes: list[str] | None = None, name: str = "CRM") -> str:
    _token, secret = Token.issue(organisation=organisation, name=name, scopes=ALL if scopes is None else scopes, by=by)
    return secret


def api_client(secret: str | None) -> Client:
    """A client that sends the token with every request (no session: the API reads no cookies)."""
    return Client(headers={"Authorization": f"Bearer {secret}"} if secret else {})


@dataclass
class World:
    org: Organisation
    partner: Organisation
    partnership: Partnership
    alliance: Alliance
    assessment: Assessment
    plan: ActionPlan
    action: Any
    dilemma: Dilemma
    page: OrganisationPage
    schedule: Schedule
    round: Round
    iati_partner: ImportedOrganisation
    relation: Relation
    codes: set[str] = field(default_factory=set)


def make_library() -> tuple[AssessmentLibrary, Requirement]:
    library = AssessmentLibrary.objects.create(
        code="api-test",
        version="1.0",
        name_nl="Test",
        name_en="Test",
        description_nl="",
        description_en="",
        scoring=AssessmentLibrary.Scoring.MATURITY,
        source="test.yaml",
    )
    area = LibraryArea.objects.create(library=library, code="policy", name_nl="Beleid", name_en="Policy")
    requirement = Requirement.objects.create(
        library=library, area=area, code="policy-1", text_nl="Een beleid", text_en="A policy"
    )
    return library, requirement


@pytest.fixture
def world(people) -> World:
    org = people.org
    partner = Organisation.objects.create(slug="kampala", name="Kampala Women's Network", country="UG")
    partnership = Partnership.objects.create(organisation=org, partner=partner, kind=Partnership.Kind.FUNDING)
    alliance = Alliance.objects.create(name="Dutch Humanitarian Alliance", lead=org)
    AllianceMember.objects.create(alliance=alliance, organisation=org)
    AllianceMember.objects.create(alliance=alliance, organisation=partner)

    library, requirement = make_library()
    assessment = Assessment.objects.create(
        library=library, organisation=partner, requester=org, partnership=partnership
    )
    assessment.answer(requirement, organisation=partner, by=people.admin, level=3, comment="Adopted in 2025")

    plan = ActionPlan.start(organisation=org, partner=partner, title="Safeguarding plan", by=people.admin)
    action = plan.add_action(title="Write the policy", due_on=timezone.localdate(), by=people.admin)

    now = timezone.now()
    dilemma = Dilemma.objects.create(
        organisation=org,
        author=people.member,
        languages="en",
        context=Context.LOCAL_PARTNER,
        status=Status.PUBLISHED,
        title_en="Our cousin supplies the rice",
        situation_en="The director buys rice from his cousin.",
        question_en="What do you do?",
        published_at=now,
    )
    page = OrganisationPage.objects.create(organisation=org, title="Our advisers", body="Call Anna.")

    schedule = Schedule.objects.create(
        organisation=org,
        partnership=partnership,
        title="Hulp and Kampala",
        next_due_on=timezone.localdate(),
        created_by=people.manager,
    )
    round = Round.objects.create(schedule=schedule, organisation=org, number=1, opened_by=people.manager)
    for user in (people.admin, people.manager, people.member):
        participant = Participant.objects.create(round=round, user=user, organisation=org)
        Answered.objects.create(round=round, participant=participant, organisation=org)
        Rating.objects.create(round=round, organisation=org, dimension="equality", colour="green")
    round.close(by=people.manager)

    playbook = build_playbook()
    for n in range(6):
        Case.objects.create(
            organisation=org,
            reference=f"T-{n}",
            source=Source.SPEAKUP if n % 2 else Source.EMAIL,
            playbook=playbook,
            phase=Phase.ASSESS if n < 5 else Phase.RECEIVE,
            received_at=now - timedelta(days=n),
        )

    section = GuideSection.objects.create(code="start", title_nl="Begin", title_en="Start", source="t.yaml")
    GuidePage.objects.create(
        slug="agree",
        section=section,
        version="1",
        title_nl="Afspraken",
        title_en="Agreements",
        summary_nl="",
        summary_en="",
        body_nl="",
        body_en="",
        source="t.yaml",
    )

    iati_partner, relation = make_ecosystem(org, partner)

    codes = {
        str(x.code)
        for x in (org, partner, partnership, alliance, assessment, plan, action, dilemma, page, schedule, round)
    }
    return World(
        org,
        partner,
        partnership,
        alliance,
        assessment,
        plan,
        action,
        dilemma,
        page,
        schedule,
        round,
        iati_partner,
        relation,
        codes,
    )


def make_ecosystem(org: Organisation, partner: Organisation) -> tuple[ImportedOrganisation, Relation]:
    """Public IATI data: a donor funds Hulp (as IATI names it), which pays Kampala; both linked to Samen.

    The IATI names differ from the Samen names, so a body that holds "Hulp Zonder Grenzen" or a Samen
    code shows Samen data, not the public IATI data every token may read.
    """
    donor = ImportedOrganisation.objects.create(identifier="XM-DAC-7", name="Public Donor Ministry", type="10")
    hulp = ImportedOrganisation.objects.create(
        identifier="NL-KVK-00000001", name="HZG Foundation", type="21", samen_organisation=org
    )
    kampala = ImportedOrganisation.objects.create(
        identifier="UG-NGO-1234", name="KWN Uganda", type="22", samen_organisation=partner
    )
    kampala.names.create(language="en", name="KWN Uganda")
    started = date(2024, 1, 1)
    activity = Activity.objects.create(
        iati_identifier="NL-KVK-00000001-ACT-1",
        reporting_organisation=hulp,
        title="Safe schools",
        start=started,
        digest="0" * 64,
    )
    ActivityCountry.objects.create(activity=activity, country="UG")
    ActivitySector.objects.create(activity=activity, vocabulary="1", code="15170")
    Relation.objects.create(
        activity=activity,
        kind=Relation.Kind.PARTICIPATION,
        source=donor,
        target=hulp,
        source_role=1,
        target_role=4,
        start=started,
        end=date(2024, 12, 31),
    )
    relation = Relation.objects.create(
        activity=activity,
        kind=Relation.Kind.TRANSACTION,
        source=hulp,
        target=kampala,
        transaction_type="3",
        amount="25000.00",
        currency="EUR",
        start=date(2025, 3, 1),
        end=date(2025, 3, 1),
    )
    return kampala, relation


@pytest.fixture
def hulp_token(people, world) -> str:
    return make_token(people.org, people.admin)


@pytest.fixture
def ander_token(people) -> str:
    return make_token(people.other_org, people.outsider, name="Ander CRM")


def answer_of(assessment: Assessment) -> Answer:
    return assessment.answers.get()
