"""Fictional demo data: three Dutch member organisations, their partners abroad, an alliance, and people.

With the framework content loaded (`manage.py load_framework`, which `make setup` runs first) it also
makes a final partner-integrity assessment with its action plan, a PSEA assessment half answered,
a speak-up channel with one report in the inbox, and three cases of Hulp Zonder Grenzen following the
framework's playbooks (safeguarding, fraud, and a concluded conflict of interest).

Idempotent: every record is looked up by its slug, email or natural key, so running the command
again changes nothing. Passwords are set only when a person is created, so a demo user who changed
theirs keeps it. The assessments, the plan, the report and the cases are made only when they do not exist yet:
a second run leaves them as they are, whatever was done with them meanwhile.

Every name here is invented. Identifiers have the right form (NL-KVK-########) but belong to no one.
"""

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from nacl.public import PrivateKey

from accounts.models import User
from actions.models import Action, ActionEvent, ActionPlan
from assessments.models import Answer, AnswerChange, Assessment, Rating, ReviewComment, add_years
from assessments.report import build_report
from framework.models import AssessmentLibrary, Requirement, ViolationType
from organisations.models import (
    Alliance,
    AllianceMember,
    Consent,
    Invitation,
    Membership,
    Organisation,
    Partnership,
    Role,
)
from samen import demo_ecosystem, demo_sessions
from speakup import crypto, keys
from speakup.models import Channel, ChannelHandler, HandlerKey, Report

if TYPE_CHECKING:
    from cases.models import Case

PASSWORD = "samen-demo"  # noqa: S105 -- a published demo password; the command refuses to run in production


@dataclass(frozen=True)
class Org:
    slug: str
    name: str
    kind: str
    country: str
    size: str = ""
    languages: tuple[str, ...] = ("en",)
    iati: str = ""
    kvk: str = ""
    website: str = ""


MEMBERS = [
    Org(
        "hulp-zonder-grenzen",
        "Hulp Zonder Grenzen",
        Organisation.Kind.MEMBER,
        "NL",
        "D",
        ("nl", "en", "fr"),
        "NL-KVK-90412736",
        "90412736",
    ),
    Org(
        "stichting-waterbron",
        "Stichting Waterbron",
        Organisation.Kind.MEMBER,
        "NL",
        "C",
        ("nl", "en"),
        "NL-KVK-81523904",
        "81523904",
    ),
    Org(
        "kinderen-eerst",
        "Kinderen Eerst Nederland",
        Organisation.Kind.MEMBER,
        "NL",
        "B",
        ("nl", "en", "es"),
        "",
        "72634015",
    ),
]

PARTNERS = [
    Org(
        "tumaini-health", "Tumaini Community Health", Organisation.Kind.PARTNER, "KE", "C", ("en", "sw"), "KE-NCB-2419"
    ),
    Org("maji-safi-initiative", "Maji Safi Initiative", Organisation.Kind.PARTNER, "KE", "B", ("en", "sw")),
    Org(
        "manos-unidas-pacifico",
        "Fundación Manos Unidas del Pacífico",
        Organisation.Kind.PARTNER,
        "CO",
        "B",
        ("es",),
        "CO-RUT-900512873",
    ),
    Org("tejiendo-paz", "Corporación Tejiendo Paz", Organisation.Kind.PARTNER, "CO", "A", ("es",)),
    Org(
        "kampala-womens-network",
        "Kampala Women's Network",
        Organisation.Kind.PARTNER,
        "UG",
        "B",
        ("en",),
        "UG-NGB-1387",
    ),
    # Recorded by a member organisation but not on Samen yet: it has no members and can be invited later.
    Org("gulu-youth-forward", "Gulu Youth Forward", Organisation.Kind.PARTNER, "UG", "A", ("en",)),
    Org(
        "lokaal-verbinden",
        "Stichting Lokaal Verbinden",
        Organisation.Kind.PARTNER,
        "NL",
        "B",
        ("nl", "en"),
        "NL-KVK-63829174",
        "63829174",
    ),
    Org("juba-peace-action", "Juba Peace Action", Organisation.Kind.PARTNER, "SS", "A", ("en", "ar")),
]

# (recorded by, partner, kind, status, starts on, ends on, title)
PARTNERSHIPS = [
    ("hulp-zonder-grenzen", "tumaini-health", "funding", "active", date(2023, 1, 1), date(2026, 12, 31),
     "Maternal health in Kisumu County"),
    ("hulp-zonder-grenzen", "manos-unidas-pacifico", "implementing", "active", date(2024, 3, 1), date(2027, 2, 28),
     "Emergency response on the Pacific coast"),
    ("hulp-zonder-grenzen", "kampala-womens-network", "funding", "active", date(2022, 7, 1), date(2025, 12, 31),
     "Safe spaces for women and girls"),
    ("hulp-zonder-grenzen", "gulu-youth-forward", "implementing", "proposed", date(2026, 1, 1), None,
     "Youth livelihoods in Gulu"),
    ("hulp-zonder-grenzen", "stichting-waterbron", "peer", "active", date(2024, 1, 1), None,
     "Joint WASH programme"),
    ("stichting-waterbron", "maji-safi-initiative", "funding", "active", date(2023, 9, 1), date(2026, 8, 31),
     "Clean water for schools in Machakos"),
    ("stichting-waterbron", "tumaini-health", "implementing", "active", date(2024, 5, 1), date(2026, 4, 30),
     "Hygiene promotion in health centres"),
    ("stichting-waterbron", "lokaal-verbinden", "peer", "active", date(2025, 1, 1), None,
     "Diaspora engagement"),
    ("kinderen-eerst", "tejiendo-paz", "funding", "active", date(2024, 1, 1), date(2026, 12, 31),
     "Child protection in Cauca"),
    ("kinderen-eerst", "juba-peace-action", "funding", "ended", date(2020, 1, 1), date(2023, 12, 31),
     "Education in emergencies"),
    ("kinderen-eerst", "kampala-womens-network", "implementing", "active", date(2025, 4, 1), date(2027, 3, 31),
     "Positive parenting"),
]  # fmt: skip

# Modelled on the Dutch Relief Alliance; the name is invented.
ALLIANCE_NAME = "Dutch Humanitarian Response Alliance"
ALLIANCE_LEAD = "hulp-zonder-grenzen"
ALLIANCE_MEMBERS = ["hulp-zonder-grenzen", "stichting-waterbron", "kinderen-eerst"]
ALLIANCE_DESCRIPTION = (
    "Dutch NGOs that respond together to humanitarian crises with one grant from the ministry, "
    "a lead organisation per crisis, peer review among members and a shared integrity task force."
)
ALLIANCE_PERIOD = (date(2022, 1, 1), date(2026, 12, 31))

ROLE_ORDER = [Role.ADMIN, Role.OFFICER, Role.MANAGER, Role.MEMBER, Role.VIEWER]

# One person per role in each member organisation; the admin is the director.
PEOPLE = {
    "hulp-zonder-grenzen": ["Marieke de Vries", "Samira El Amrani", "Joost Bakker", "Femke Visser", "Thomas Jansen"],
    "stichting-waterbron": ["Anouk Smit", "Pieter van Dijk", "Lotte Mulder", "Daan de Boer", "Noor Hendriks"],
    "kinderen-eerst": ["Eva Meijer", "Bram de Graaf", "Sanne Bos", "Ruben Vos", "Iris Peters"],
}

# The partner contact who works with two Dutch NGOs and switches between them.
CONTACT_EMAIL = "contact@tumaini-health.example"
CONTACT_NAME = "Grace Wanjiru"
INVITEE_EMAIL = "new.officer@hulp-zonder-grenzen.example"
CONTACT_MEMBERSHIPS = [
    ("tumaini-health", Role.MANAGER),
    ("hulp-zonder-grenzen", Role.MEMBER),
    ("stichting-waterbron", Role.MEMBER),
]
# A second partner on Samen, so a visitor can answer the PSEA assessment Kinderen Eerst asked it for.
KWN_EMAIL = "contact@kampala-womens-network.example"
KWN_NAME = "Florence Nakato"
KWN_MEMBERSHIPS = [("kampala-womens-network", Role.MANAGER)]

# Assessments -------------------------------------------------------------------------------------------------

BASELINE = "partner-integrity-baseline"
PSEA = "psea-capacity"

# Hulp Zonder Grenzen asked Tumaini for the integrity baseline; Grace answered it. A Kenyan health NGO of
# middle size: strong on finance and safeguarding, weaker on independent investigation, community reporting,
# its own partners and moral learning. Level 3 is the target, so everything below it is a gap.
# (requirement code, level, comment)
BASELINE_ANSWERS: list[tuple[str, int, str]] = [
    ("coc-adopted", 4, "Adopted by the board in 2021 and reviewed every two years."),
    ("coc-scope", 3, ""),
    ("coc-signed", 3, ""),
    ("coc-published", 3, "On the notice board of each health centre and on our website since March."),
    ("rep-channels", 3, ""),
    ("rep-confidential-adviser", 2, "Staff can go to HR, but there is no confidential adviser outside the line."),
    ("rep-external-access", 1, "Communities report only through our community health volunteers; no hotline yet."),
    ("rep-timelines", 3, ""),
    ("rep-no-retaliation", 3, ""),
    ("inv-procedure", 3, ""),
    ("inv-independence", 1, "Investigations are done by the programme manager; we have no external investigator."),
    ("inv-sanctions", 3, ""),
    ("inv-victim-support", 2, ""),
    ("prev-risk-analysis", 2, "Done for finance, not yet for safeguarding risks in outreach work."),
    ("prev-safe-recruitment", 4, "Reference checks and the Misconduct Disclosure Scheme since 2024."),
    ("prev-training", 3, ""),
    ("prev-integrity-officer", 3, ""),
    ("sg-policy", 4, ""),
    ("sg-focal-point", 4, "A trained focal point in every sub-county office."),
    ("sg-programme-design", 3, ""),
    ("sg-community-feedback", 2, ""),
    ("fin-internal-control", 4, ""),
    ("fin-anti-fraud-policy", 3, ""),
    ("fin-conflicts-of-interest", 3, ""),
    ("fin-procurement", 4, ""),
    ("fin-audit", 5, "Annual external audit by a registered firm; the board follows up the management letter."),
    ("ds-due-diligence", 2, ""),
    ("ds-agreements", 3, ""),
    ("ds-capacity-support", 1, ""),
    ("ds-incident-reporting", 3, ""),
    ("ml-dilemma-sessions", 1, "Not yet. We would like to start with the dilemma game Hulp Zonder Grenzen uses."),
    ("ml-leadership", 3, ""),
    ("ml-lessons-from-cases", 3, ""),
    ("ml-partner-dialogue", 3, ""),
    ("acc-annual-report", 3, ""),
    ("acc-board-oversight", 3, ""),
    ("acc-external-reporting", 3, ""),
    ("acc-register", 1, ""),
    ("acc-stakeholder-feedback", 3, ""),
]
BASELINE_REVIEW = (
    "Thank you for an open and careful self-assessment. Finance and safeguarding are strong; we agreed to work "
    "together on independent investigations and a reporting line for communities."
)

# How the plan's actions stand: requirement code → (owner, status, due in days from today; negative is past).
# "contact" is Grace at Tumaini, the others are people of Hulp Zonder Grenzen.
PLAN_ACTIONS: dict[str, tuple[str, str, int]] = {
    "rep-external-access": ("contact", Action.Status.DOING, 30),
    "inv-independence": (Role.OFFICER, Action.Status.DOING, 45),
    "ml-dilemma-sessions": (Role.OFFICER, Action.Status.DONE, -20),
    "prev-risk-analysis": ("contact", Action.Status.DONE, -14),
    "acc-register": ("contact", Action.Status.TODO, -10),  # overdue
    "rep-confidential-adviser": ("contact", Action.Status.TODO, 60),
    "inv-victim-support": (Role.MANAGER, Action.Status.TODO, 90),
    "sg-community-feedback": ("contact", Action.Status.TODO, 75),
    "ds-capacity-support": ("contact", Action.Status.TODO, 120),
    "ds-due-diligence": ("contact", Action.Status.TODO, 150),
}
PLAN_NOTE = (
    "Quotes received for a toll-free line with SMS; we choose a provider with the community health committee "
    "next month."
)

# Kinderen Eerst asked Kampala Women's Network for the PSEA capacity check; Florence answered three of the six
# questions and left the rest for a visitor. (requirement code, option code, comment)
PSEA_ANSWERS: list[tuple[str, str, str]] = [
    ("sea-gross-misconduct", "yes-with-evidence", "Clause 7 of our code of conduct; every staff member signs it."),
    ("no-sex-with-children", "yes", ""),
    ("no-exchange-for-sex", "partly", "In the code of conduct, but volunteers are not yet trained on it."),
]

# Speak-up ----------------------------------------------------------------------------------------------------

CHANNEL_SLUG = "hulp-zonder-grenzen"
CHANNEL_LANGUAGES = ["nl", "en", "fr", "es"]
CHANNEL_INTROS = {
    "intro_nl": (
        "Heeft u iets gezien of meegemaakt dat niet klopt bij Hulp Zonder Grenzen of een van onze partners? "
        "Meld het hier, als u wilt anoniem. Alleen onze integriteitsfunctionaris kan uw melding lezen. U krijgt "
        "een ontvangstcode waarmee u later ons antwoord leest."
    ),
    "intro_en": (
        "Have you seen or experienced something wrong at Hulp Zonder Grenzen or one of our partners? Report it "
        "here, anonymously if you wish. Only our integrity officer can read your report. You receive a receipt "
        "code to read our answer later."
    ),
    "intro_fr": (
        "Avez-vous vu ou vécu quelque chose d'anormal chez Hulp Zonder Grenzen ou l'un de nos partenaires ? "
        "Signalez-le ici, de façon anonyme si vous le souhaitez. Seule notre responsable de l'intégrité peut lire "
        "votre signalement. Vous recevez un code de suivi pour lire notre réponse plus tard."
    ),
    "intro_es": (
        "¿Ha visto o vivido algo indebido en Hulp Zonder Grenzen o en una de nuestras organizaciones socias? "
        "Denúncielo aquí, de forma anónima si lo desea. Solo nuestra responsable de integridad puede leer su "
        "denuncia. Recibirá un código de seguimiento para leer nuestra respuesta más adelante."
    ),
}
# What the intake seals for a report (see ReportForm.content): the reporter's words and the form's language.
REPORT_CATEGORY = "financial"
REPORT_CONTENT = {
    "what": (
        "At the distribution of hygiene kits, a field coordinator of a partner organisation kept part of the kits "
        "aside and later sold them at the market. Families on the list were told there were not enough."
    ),
    "when": "Two weeks ago, on the Saturday distribution",
    "where": "The community hall near the health centre",
    "answers": [],
    "language": "en",
}


@dataclass(frozen=True)
class DemoCase:
    """A demo case: how it came in, its triage, the steps done (code, days after receipt, note) and notes."""

    source: str
    subtype: str  # its taxonomy sub-type: the playbook follows from it
    received_days_ago: int
    summary: str
    severity: str
    risk: str
    triaged_after_days: int
    steps: tuple[tuple[str, float, str], ...] = ()
    notes: tuple[tuple[float, str], ...] = ()
    involves: str = ""
    director_confirmed: bool = True
    # A concluded case: every step done, these texts sealed as its conclusion.
    outcome: str = ""
    concluded_days_ago: int = 0
    conclusion: dict[str, str] = field(default_factory=dict)


DEMO_CASES = [
    # Safeguarding, told in person: the survivor's care first; the director has not looked at it yet.
    DemoCase(
        source="meeting",
        subtype="sexual-exploitation-abuse",
        received_days_ago=5,
        summary=(
            "A community volunteer told the officer during the field visit to Gulu that a distribution worker of "
            "the partner promised a young woman an extra food parcel in exchange for sex. The volunteer brought "
            "the woman to the meeting; she wants the worker kept away from the distribution point and does not "
            "want to go to the police for now."
        ),
        severity="high",
        risk="high",
        triaged_after_days=1,
        involves="gulu-youth-forward",
        director_confirmed=False,
        steps=(
            (
                "immediate-safety",
                0.2,
                "The worker is kept away from the distribution point while the case runs; "
                "the partner's coordinator agreed by phone. No child is involved.",
            ),
            ("register", 0.3, "One conversation, recorded in her words, with the volunteer present at her request."),
            ("acknowledge", 0.5, ""),
            (
                "medical-psychosocial",
                1,
                "Medical care offered within 72 hours through the health centre; she "
                "accepted counselling. We pay; the partner arranges transport.",
            ),
            (
                "consent",
                1.5,
                "She agreed to an investigation and to informing the partner's director, not to a police report "
                "for now. Explained that we must act without consent if a child turns out to be involved.",
            ),
            ("conflict-check", 2, ""),
            ("triage", 2, ""),
        ),
    ),
    # Fraud at a partner, reported by phone: evidence secured, waiting for the investigation plan.
    DemoCase(
        source="phone",
        subtype="fraud",
        received_days_ago=24,
        summary=(
            "The finance assistant of a partner called: invoices of a transport company for the maternal health "
            "programme were booked twice in March and April, and the second payments went to another account."
        ),
        severity="medium",
        risk="low",
        triaged_after_days=6,
        involves="tumaini-health",
        steps=(
            ("register", 0, "Call of 20 minutes; the caller is willing to send the two payment lists."),
            ("acknowledge", 1, ""),
            (
                "secure-evidence",
                2,
                "Payment lists of March and April received and stored with this case; the "
                "partner's finance system export is requested through the director.",
            ),
            ("conflict-check", 3, ""),
            ("triage", 6, ""),
        ),
        notes=(
            (
                9,
                "Second call: the caller has heard nothing more and is worried about being recognised. "
                "Agreed to keep the contact through the officer only.",
            ),
        ),
    ),
    # Conflict of interest, by email, concluded: substantiated, with measures and lessons.
    DemoCase(
        source="email",
        subtype="conflict-of-interest-nepotism",
        received_days_ago=150,
        summary=(
            "A colleague wrote that the logistics coordinator awarded the warehouse contract to a company run by "
            "his brother-in-law, without declaring it and without a second quote."
        ),
        severity="medium",
        risk="low",
        triaged_after_days=5,
        steps=(
            ("register", 0, "The email and the tender file are stored with this case."),
            ("acknowledge", 2, ""),
            ("conflict-check", 3, ""),
            ("triage", 5, ""),
            (
                "investigate",
                60,
                "The contract was awarded without a second quote; the family relation is "
                "confirmed by the company register. The coordinator did not declare it.",
            ),
        ),
        outcome="substantiated",
        concluded_days_ago=40,
        conclusion={
            "measures": "The warehouse contract is re-tendered; the coordinator received a written warning and no "
            "longer signs contracts.",
            "support": "The colleague who wrote was told the outcome in a meeting with the officer.",
            "lessons": "Every tender now asks each person involved to declare their interests, and needs two quotes "
            "above EUR 5,000.",
            "feedback": "",
        },
    ),
]
# Whom a notification step was sent to in the demo (the people who read the case see it).
NOTIFIED_TO = {
    "cbf": "CBF, by the online form",
    "funder": "Ministry of Foreign Affairs, the programme's contact",
    "partner": "The partner's director",
    "alliance": "The alliance's integrity task force",
    "authorities": "Police, by the officer in person",
}


def demo_email(role: str, slug: str) -> str:
    return f"{role}@{slug}.example"


class Command(BaseCommand):
    help = "Create fictional demo organisations, partners, an alliance and people (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--print-logins", action="store_true", help="Print every demo login afterwards.")
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (it creates accounts with a known password)."
        )

    receipt: str | None = None  # the demo report's receipt code, when this run made the report

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "The demo creates accounts with a published password. It runs only with DEBUG=1 "
                "(or add --force if you really mean it)."
            )
        with transaction.atomic():
            created = self.load()
            framework_loaded = AssessmentLibrary.objects.filter(code__in=[BASELINE, PSEA]).count() == 2
            if framework_loaded:
                self.load_assessments()
            self.load_speakup()
            self.load_cases()
            if framework_loaded:
                demo_sessions.load(
                    Organisation.objects.get(slug="hulp-zonder-grenzen"),
                    Organisation.objects.get(slug="tumaini-health"),
                )
        demo_ecosystem.load()
        if options["verbosity"]:
            self.stdout.write(f"Demo data ready ({created} new people).")
            if not framework_loaded:
                self.stderr.write(
                    "The framework content is not loaded, so the demo has no assessments yet: run "
                    "`manage.py load_framework`, then this command again."
                )
        if options["print_logins"]:
            self.print_logins()

    def load(self) -> int:
        orgs = {}
        for spec in MEMBERS + PARTNERS:
            orgs[spec.slug], _created = Organisation.objects.update_or_create(
                slug=spec.slug,
                defaults={
                    "name": spec.name,
                    "kind": spec.kind,
                    "country": spec.country,
                    "size_category": spec.size,
                    "languages": list(spec.languages),
                    "iati_identifier": spec.iati,
                    "kvk_number": spec.kvk,
                },
            )
        gulu = orgs["gulu-youth-forward"]
        if gulu.registered_by_id is None:
            gulu.registered_by = orgs["hulp-zonder-grenzen"]
            gulu.save(update_fields=["registered_by"])

        for owner, partner, kind, status, starts_on, ends_on, title in PARTNERSHIPS:
            Partnership.objects.update_or_create(
                organisation=orgs[owner],
                partner=orgs[partner],
                kind=kind,
                defaults={"status": status, "starts_on": starts_on, "ends_on": ends_on, "title": title},
            )

        alliance, _created = Alliance.objects.update_or_create(
            name=ALLIANCE_NAME,
            defaults={
                "lead": orgs[ALLIANCE_LEAD],
                "description": ALLIANCE_DESCRIPTION,
                "starts_on": ALLIANCE_PERIOD[0],
                "ends_on": ALLIANCE_PERIOD[1],
            },
        )
        for slug in ALLIANCE_MEMBERS:
            AllianceMember.objects.get_or_create(
                alliance=alliance, organisation=orgs[slug], defaults={"joined_on": ALLIANCE_PERIOD[0]}
            )

        created = 0
        for slug, names in PEOPLE.items():
            for role, name in zip(ROLE_ORDER, names, strict=True):
                user, is_new = self.person(demo_email(role, slug), name, "nl")
                created += is_new
                Membership.objects.update_or_create(user=user, organisation=orgs[slug], defaults={"role": role})
        for email, name, memberships in [
            (CONTACT_EMAIL, CONTACT_NAME, CONTACT_MEMBERSHIPS),
            (KWN_EMAIL, KWN_NAME, KWN_MEMBERSHIPS),
        ]:
            contact, is_new = self.person(email, name, "en")
            created += is_new
            for slug, contact_role in memberships:
                Membership.objects.update_or_create(
                    user=contact, organisation=orgs[slug], defaults={"role": contact_role}
                )

        # A pending invitation, so the dashboard and the people page show one. Its link is never sent (the
        # token exists only in the email), so nobody can accept it; a new one is issued only once it expires.
        director = User.objects.get(email=demo_email(Role.ADMIN, "hulp-zonder-grenzen"))
        pending = Invitation.objects.pending().filter(organisation=orgs["hulp-zonder-grenzen"], email=INVITEE_EMAIL)
        if not pending.exists():
            Invitation.issue(orgs["hulp-zonder-grenzen"], INVITEE_EMAIL, Role.OFFICER, director)

        # The lead shares its partnership overview with the alliance: the sharing page has something to show.
        Consent.objects.get_or_create(
            organisation=orgs["hulp-zonder-grenzen"],
            subject="partnerships",
            scope=Consent.Scope.ALLIANCE,
            to_alliance=alliance,
            defaults={"given_by": director},
        )
        return created

    # Assessments and the action plan ---------------------------------------------------------------------

    def load_assessments(self) -> None:
        hzg = Organisation.objects.get(slug="hulp-zonder-grenzen")
        tumaini = Organisation.objects.get(slug="tumaini-health")
        kinderen_eerst = Organisation.objects.get(slug="kinderen-eerst")
        kwn = Organisation.objects.get(slug="kampala-womens-network")
        contact = User.objects.get(email=CONTACT_EMAIL)
        today = timezone.localdate()

        baseline = Assessment.objects.filter(library__code=BASELINE, organisation=tumaini, requester=hzg).first()
        if baseline is None:
            baseline = self.final_baseline(hzg, tumaini, contact, today)
        plan_exists = ActionPlan.objects.filter(source_kind=ActionPlan.Source.ASSESSMENT, source_code=baseline.code)
        if baseline.status == Assessment.Status.FINAL and not plan_exists.exists():
            self.plan_from_gaps(baseline, contact, today)

        if not Assessment.objects.filter(library__code=PSEA, organisation=kwn, requester=kinderen_eerst).exists():
            self.psea_in_progress(kinderen_eerst, kwn, today)

    def final_baseline(self, hzg: Organisation, tumaini: Organisation, contact: User, today: date) -> Assessment:
        """Requested ten weeks ago, answered by Tumaini, submitted, reviewed and made final by Hulp Zonder Grenzen."""
        manager = User.objects.get(email=demo_email(Role.MANAGER, hzg.slug))
        officer = User.objects.get(email=demo_email(Role.OFFICER, hzg.slug))
        library = AssessmentLibrary.objects.current().get(code=BASELINE)
        requested, answered, submitted, finalised = (days_ago(today, n) for n in (70, 56, 49, 42))
        assessment = Assessment.objects.create(
            library=library,
            organisation=tumaini,
            requester=hzg,
            partnership=Partnership.objects.filter(organisation=hzg, partner=tumaini).first(),
            created_by=manager,
            created_at=requested,
        )
        requirements = {r.code: r for r in Requirement.objects.filter(library=library)}
        for code, level, comment in BASELINE_ANSWERS:
            if code in requirements:
                assessment.answer(requirements[code], organisation=tumaini, by=contact, level=level, comment=comment)
        # Anything a newer library version added is answered at the target level.
        answered_codes = {code for code, _level, _comment in BASELINE_ANSWERS}
        for code, requirement in requirements.items():
            if code not in answered_codes:
                assessment.answer(requirement, organisation=tumaini, by=contact, level=library.target_level)
        Answer.objects.filter(assessment=assessment).update(answered_at=answered)
        AnswerChange.objects.filter(answer__assessment=assessment).update(changed_at=answered)

        assessment.submit()
        ReviewComment.objects.create(
            assessment=assessment,
            round=assessment.round,
            author=officer,
            organisation=hzg,
            text=BASELINE_REVIEW,
            created_at=finalised,
        )
        assessment.preliminary_rating = Rating.MODERATE
        assessment.save(update_fields=["preliminary_rating"])
        assessment.finalise(assessment.preliminary_rating)
        Assessment.objects.filter(pk=assessment.pk).update(
            submitted_at=submitted,
            finalised_at=finalised,
            valid_until=add_years(finalised.date(), library.validity_years),
        )
        assessment.refresh_from_db()
        return assessment

    def plan_from_gaps(self, assessment: Assessment, contact: User, today: date) -> None:
        """What the plan page does when a manager makes the plan, then a few weeks of work on it."""
        assert assessment.requester is not None
        hzg, tumaini = assessment.requester, assessment.organisation
        people: dict[str, User] = {"contact": contact}
        for role in (Role.OFFICER, Role.MANAGER):
            people[str(role)] = User.objects.get(email=demo_email(role, hzg.slug))
        manager = people[Role.MANAGER]
        made_on = days_ago(today, 41)
        report = build_report(assessment)
        # The two organisations work in English.
        with translation.override("en"), transaction.atomic():
            plan = ActionPlan.start(
                organisation=hzg,
                partner=tumaini,
                title=_("Action plan: %(library)s — %(name)s")
                % {"library": assessment.library.name, "name": tumaini.name},
                source_kind=ActionPlan.Source.ASSESSMENT,
                source_code=assessment.code,
                by=manager,
            )
            for row in [*report.gaps, *report.unanswered]:
                first = next(iter(row.requirement.suggested_actions.all()), None)
                owner_key, status, due_in = PLAN_ACTIONS.get(row.requirement.code, ("contact", Action.Status.TODO, 90))
                action = plan.add_action(
                    title=(first.title if first else row.requirement.text)[:200],
                    description=first.description if first else "",
                    requirement=row.requirement,
                    owner=people[owner_key],
                    due_on=today + timedelta(days=due_in),
                    by=manager,
                    by_organisation=hzg,
                )
                if status != Action.Status.TODO:
                    self.set_status(action, status, people[owner_key], today, due_in)
        ActionPlan.objects.filter(pk=plan.pk).update(created_at=made_on)
        Action.objects.filter(plan=plan).update(created_at=made_on)
        ActionEvent.objects.filter(action__plan=plan, kind=ActionEvent.Kind.CREATED).update(created_at=made_on)

    def set_status(self, action: Action, status: str, by: User, today: date, due_in: int) -> None:
        """Change the status as the action page does: the field, and an entry in the history."""
        organisation = action.plan.author_organisation(by)
        # Started three weeks ago; done a few days before it was due.
        changed = days_ago(today, -due_in + 5) if status == Action.Status.DONE else days_ago(today, 21)
        old = action.status
        action.status = status
        action.save(update_fields=["status", "updated_at"])
        ActionEvent.objects.create(
            action=action,
            author=by,
            organisation=organisation,
            kind=ActionEvent.Kind.STATUS,
            old_value=old,
            new_value=status,
            created_at=changed,
        )
        if action.requirement is not None and action.requirement.code == "rep-external-access":
            ActionEvent.objects.create(
                action=action,
                author=by,
                organisation=organisation,
                kind=ActionEvent.Kind.NOTE,
                text=PLAN_NOTE,
                created_at=days_ago(today, 7),
            )

    def psea_in_progress(self, requester: Organisation, partner: Organisation, today: date) -> None:
        """Requested two weeks ago; three of the six questions answered, the rest open for a visitor."""
        florence = User.objects.get(email=KWN_EMAIL)
        library = AssessmentLibrary.objects.current().get(code=PSEA)
        assessment = Assessment.objects.create(
            library=library,
            organisation=partner,
            requester=requester,
            partnership=Partnership.objects.filter(organisation=requester, partner=partner).first(),
            created_by=User.objects.get(email=demo_email(Role.MANAGER, requester.slug)),
            created_at=days_ago(today, 14),
        )
        requirements = {r.code: r for r in Requirement.objects.filter(library=library).prefetch_related("options")}
        for code, option_code, comment in PSEA_ANSWERS:
            requirement = requirements.get(code)
            option = (
                next((o for o in requirement.options.all() if o.code == option_code), None) if requirement else None
            )
            if requirement is not None and option is not None:
                assessment.answer(requirement, organisation=partner, by=florence, option=option, comment=comment)
        Answer.objects.filter(assessment=assessment).update(answered_at=days_ago(today, 6))
        AnswerChange.objects.filter(answer__assessment=assessment).update(changed_at=days_ago(today, 6))

    # Speak-up -----------------------------------------------------------------------------------------------

    def load_speakup(self) -> None:
        hzg = Organisation.objects.get(slug="hulp-zonder-grenzen")
        officer = User.objects.get(email=demo_email(Role.OFFICER, hzg.slug))
        channel, created = Channel.objects.get_or_create(
            slug=CHANNEL_SLUG, defaults={"organisation": hzg, "languages": list(CHANNEL_LANGUAGES), **CHANNEL_INTROS}
        )
        if created:
            channel.categories.set(ViolationType.objects.active())
        ChannelHandler.objects.get_or_create(channel=channel, user=officer)
        # The key is locked under the demo password, so the officer unlocks reports with it.
        if not keys.has_key(officer):
            keys.setup(officer, PASSWORD)
        if not channel.reports.exists():
            self.receipt = self.submit_report(channel)

    def submit_report(self, channel: Channel) -> str:
        """Store a report the way the intake does (speakup.views.public._submit); returns its receipt code."""
        assert channel.organisation is not None
        receipt = crypto.new_receipt()
        opslimit, memlimit = keys.argon2_limits()
        reporter_key, lookup = crypto.reporter_keys(receipt, bytes(channel.salt), opslimit, memlimit)
        report_key = crypto.new_keypair()
        content = json.dumps(REPORT_CONTENT, ensure_ascii=False).encode()
        report = Report.objects.create(
            channel=channel,
            organisation=channel.organisation,
            category=ViolationType.objects.filter(code=REPORT_CATEGORY).first(),
            anonymity=Report.Anonymity.ANONYMOUS,
            receipt_lookup=lookup,
            reporter_public_key=bytes(reporter_key.public_key),
            content=crypto.seal(bytes(report_key.public_key), content),
            key_version=1,
        )
        keys.issue_key(report, report_key, channel.handler_users())
        return receipt

    # Cases ----------------------------------------------------------------------------------------------------
    # Three cases of Hulp Zonder Grenzen, made through cases.handling as the case pages make them (keys, steps,
    # sealed notes): the integrity officer is the intake handler, the director the decision-maker. The demo
    # report stays in the inbox without a case, so a visitor can open one from it.

    def load_cases(self) -> None:
        from cases.models import Playbook

        if not Playbook.objects.filter(organisation__isnull=True).exists():
            return  # the framework content is not loaded: handle() says what to run
        hzg = Organisation.objects.get(slug="hulp-zonder-grenzen")
        # Registered in the order they came in, so the references count up with the dates.
        missing = sorted(
            (spec for spec in DEMO_CASES if not self.demo_case(hzg, spec).exists()),
            key=lambda spec: -spec.received_days_ago,
        )
        if not missing:
            return
        officer = User.objects.get(email=demo_email(Role.OFFICER, hzg.slug))
        director = User.objects.get(email=demo_email(Role.ADMIN, hzg.slug))
        # The director decides on cases, so reads them with a key of their own (locked under the demo password).
        if not keys.has_key(director):
            keys.setup(director, PASSWORD)
        try:
            officer_key = keys.open_with_password(officer, PASSWORD)
        except keys.WrongSecret:
            self.stderr.write("The officer's handler key no longer opens with the demo password: no demo cases made.")
            return
        today = timezone.localdate()
        for spec in missing:
            self.make_case(hzg, spec, officer, director, officer_key, today)

    def demo_case(self, organisation: Organisation, spec: DemoCase) -> "QuerySet[Case]":
        from cases.models import Case

        return Case.objects.filter(organisation=organisation, source=spec.source, subtype__code=spec.subtype)

    def make_case(
        self, hzg: Organisation, spec: DemoCase, officer: User, director: User, officer_key: PrivateKey, today: date
    ) -> None:
        from audit.models import Event, record
        from cases import handling
        from cases.models import Assignment, Case, CaseRole, Note
        from framework.models import ViolationSubtype

        subtype = ViolationSubtype.objects.select_related("type").get(code=spec.subtype)
        received = days_ago(today, spec.received_days_ago)
        case = handling.open_case(
            hzg,
            by=officer,
            source=spec.source,
            received_at=received,
            summary=spec.summary,
            category=subtype.type,
            subtype=subtype,
            involves=Organisation.objects.filter(slug=spec.involves).first() if spec.involves else None,
        )
        assignment = handling.assign(case, director, CaseRole.DECISION_MAKER, by=officer, by_private_key=officer_key)
        Assignment.objects.filter(case=case).update(assigned_at=received)
        if spec.director_confirmed:
            Assignment.objects.filter(pk=assignment.pk).update(no_conflict_confirmed_at=received + timedelta(days=1))
        # Triage, as the triage page saves it.
        case.severity, case.retaliation_risk = spec.severity, spec.risk
        case.triaged_at = received + timedelta(days=spec.triaged_after_days)
        case.save(update_fields=["severity", "retaliation_risk", "triaged_at"])
        record(
            Event.CASE_CHANGED,
            actor=officer.email,
            organisation=hzg.slug,
            target=case.reference,
            detail={"triage": True},
        )

        steps = {step.code: step for step in case.steps.all()}
        # Every step for a concluded case, else the steps listed; each once the steps it comes after are done.
        todo = list(steps) if spec.conclusion else [code for code, _days, _note in spec.steps if code in steps]
        done_on = {code: (days, note) for code, days, note in spec.steps}
        span = max(1, spec.received_days_ago - spec.concluded_days_ago)
        done: set[str] = {code for code, step in steps.items() if step.done_at}
        while todo:
            ready = [code for code in todo if all(c in done or c not in steps for c in steps[code].after)]
            if not ready:
                break  # what is left waits for steps the demo leaves open
            for code in ready:
                step = steps[code]
                days, note = done_on.get(code, (span * (step.order / (len(steps) + 1)), ""))
                moment = received + timedelta(days=days)
                by = director if step.role == CaseRole.DECISION_MAKER else officer
                written = handling.tick(
                    case,
                    step,
                    by=by,
                    note=note,
                    checked=list(range(len(step.checklist))),
                    notified_to=NOTIFIED_TO.get(step.notify, ""),
                    when=moment,
                )
                if written is not None:
                    Note.objects.filter(pk=written.pk).update(created_at=moment)
                todo.remove(code)
                done.add(code)
        for days, text in spec.notes:
            added = handling.add_note(case, text, by=officer)
            Note.objects.filter(pk=added.pk).update(created_at=received + timedelta(days=days))
        if spec.conclusion:
            # As the conclusion page does it, dated back to when the case was concluded.
            handling.conclude(case, by=director, outcome=spec.outcome, texts=spec.conclusion)
            Case.objects.filter(pk=case.pk).update(concluded_at=days_ago(today, spec.concluded_days_ago))

    def person(self, email: str, name: str, language: str) -> tuple[User, bool]:
        user = User.objects.filter(email=email).first()
        if user is not None:
            return user, False
        return User.objects.create_user(email, PASSWORD, name=name, language=language), True

    def print_logins(self) -> None:
        rows = [("Email", "Organisation", "Role")]
        memberships = Membership.objects.filter(user__email__in=all_demo_emails()).select_related(
            "user", "organisation"
        )
        order = {email: i for i, email in enumerate(all_demo_emails())}
        for membership in sorted(memberships, key=lambda m: (order[m.user.email], m.organisation.name)):
            rows.append((membership.user.email, membership.organisation.name, str(membership.get_role_display())))
        widths = [max(len(str(row[i])) for row in rows) for i in range(3)]
        self.stdout.write("")
        self.stdout.write(f"Demo logins — password for all: {PASSWORD}")
        for i, row in enumerate(rows):
            self.stdout.write("  ".join(str(cell).ljust(widths[j]) for j, cell in enumerate(row)).rstrip())
            if i == 0:
                self.stdout.write("  ".join("-" * w for w in widths))
        self.stdout.write(
            "Administrators and integrity officers set up two-factor authentication (an authenticator app) "
            "at their first login."
        )
        channel = Channel.objects.filter(slug=CHANNEL_SLUG).first()
        if channel is not None:
            self.stdout.write("")
            self.stdout.write(f"Speak-up channel of Hulp Zonder Grenzen: /speak-up/{channel.slug}/")
            self.stdout.write(
                f"{demo_email(Role.OFFICER, 'hulp-zonder-grenzen')} handles its reports and unlocks them "
                f"with the password {PASSWORD}."
            )
            if HandlerKey.objects.filter(user__email=demo_email(Role.ADMIN, "hulp-zonder-grenzen")).exists():
                self.stdout.write(
                    f"Cases: {demo_email(Role.OFFICER, 'hulp-zonder-grenzen')} handles them, "
                    f"{demo_email(Role.ADMIN, 'hulp-zonder-grenzen')} decides; both unlock them with {PASSWORD}."
                )
            if self.receipt:
                self.stdout.write(
                    f"Receipt code of the demo report: {crypto.format_receipt(self.receipt)} (shown only now, "
                    "when the report is made, and stored nowhere: a rerun makes no new report)."
                )
        self.stdout.write("")


def all_demo_emails() -> list[str]:
    emails = [demo_email(role, slug) for slug in PEOPLE for role in ROLE_ORDER]
    return [*emails, CONTACT_EMAIL, KWN_EMAIL]


def days_ago(today: date, days: int) -> datetime:
    """Ten in the morning, `days` before today (negative: after), in the current time zone."""
    moment = datetime.combine(today - timedelta(days=days), datetime.min.time()).replace(hour=10)
    return timezone.make_aware(moment)
