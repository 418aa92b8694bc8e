"""Fictional demo data: three Dutch member organisations, their partners abroad, an alliance, and people.

Idempotent: every record is looked up by its slug, email or natural key, so running the command
again changes nothing. Passwords are set only when a person is created, so a demo user who changed
theirs keeps it.

Every name here is invented. Identifiers have the right form (NL-KVK-########) but belong to no one.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.models import User
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


def demo_email(role: str, slug: str) -> str:
    return f"{role}@{slug}.example"


class Command(BaseCommand):
    help = "Create fictional demo organisations, partners, an alliance and people (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--print-logins", action="store_true", help="Print every demo login afterwards.")
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (it creates accounts with a known password)."
        )

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "The demo creates accounts with a published password. It runs only with DEBUG=1 "
                "(or add --force if you really mean it)."
            )
        with transaction.atomic():
            created = self.load()
        if options["verbosity"]:
            self.stdout.write(f"Demo data ready ({created} new people).")
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
        contact, is_new = self.person(CONTACT_EMAIL, CONTACT_NAME, "en")
        created += is_new
        for slug, contact_role in CONTACT_MEMBERSHIPS:
            Membership.objects.update_or_create(user=contact, organisation=orgs[slug], defaults={"role": contact_role})

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
        self.stdout.write("")


def all_demo_emails() -> list[str]:
    emails = [demo_email(role, slug) for slug in PEOPLE for role in ROLE_ORDER]
    return [*emails, CONTACT_EMAIL]
