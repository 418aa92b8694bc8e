"""Member organisations (a few large funders, a long tail), partners, partnerships and people."""

import base64
from datetime import timedelta

from accounts.models import User
from organisations.models import Membership, Organisation, Partnership, Role
from samen.scale.common import EMAIL_DOMAIN, SLUG_PREFIX, Context, bulk, zipf_cumulative

FIRST = ["Hulp", "Samen", "Open", "Vrij", "Zorg", "Licht", "Brug", "Water", "Kind", "Aarde", "Vrede", "Hoop"]
SECOND = ["Fonds", "Netwerk", "Zonder Grenzen", "Wereldwijd", "Alliantie", "Stichting", "Partners", "Kracht"]
PARTNER_WORDS = ["Women's", "Youth", "Farmers'", "Health", "Water", "Education", "Rights", "Community", "Relief"]
PARTNER_KINDS = ["Network", "Association", "Initiative", "Collective", "Trust", "Foundation", "Union", "Centre"]
COUNTRIES = ["KE", "UG", "TZ", "ET", "SS", "CD", "CO", "PE", "BD", "NP", "SY", "LB", "ML", "NG", "HT", "PH"]
# The roles every member organisation has one person in (admins and officers with two-factor authentication).
ROLES = [Role.ADMIN, Role.OFFICER, Role.MANAGER, Role.MEMBER, Role.VIEWER]
TWO_FACTOR = {Role.ADMIN, Role.OFFICER}


def members(ctx: Context) -> None:
    """Members ranked by size: the first ones are the large funders (category D), most are small."""
    n = ctx.profile.members
    sizes = ["D"] * max(1, n // 20) + ["C"] * (n * 3 // 20) + ["B"] * (n * 6 // 20)
    ctx.members = bulk(
        Organisation,
        (
            Organisation(
                code=ctx.uuid(),
                slug=f"{SLUG_PREFIX}m{i:04d}",
                name=f"{ctx.rng.choice(FIRST)} {ctx.rng.choice(SECOND)} {i:04d}",
                kind=Organisation.Kind.MEMBER,
                country="NL",
                size_category=sizes[i] if i < len(sizes) else "A",
                created_at=ctx.now - timedelta(days=ctx.rng.randrange(30, 1500)),
            )
            for i in range(n)
        ),
    )
    ctx.member_weights = zipf_cumulative(n)


def partners(ctx: Context) -> None:
    """Partner organisations (not on Samen themselves), each recorded by a member chosen by size."""
    ctx.partners = bulk(
        Organisation,
        (
            Organisation(
                code=ctx.uuid(),
                slug=f"{SLUG_PREFIX}p{i:05d}",
                name=f"{ctx.rng.choice(PARTNER_WORDS)} {ctx.rng.choice(PARTNER_KINDS)} {i:05d}",
                kind=Organisation.Kind.PARTNER,
                country=ctx.rng.choice(COUNTRIES),
                registered_by=ctx.member(),
                created_at=ctx.now - timedelta(days=ctx.rng.randrange(1, 1500)),
            )
            for i in range(ctx.profile.partners)
        ),
    )


def partnerships(ctx: Context) -> None:
    """Every partner has a partnership with the member that registered it; the rest go to members by size."""
    rng, today = ctx.rng, ctx.now.date()
    kinds = [Partnership.Kind.FUNDING] * 6 + [Partnership.Kind.IMPLEMENTING] * 3 + [Partnership.Kind.PEER]
    seen: set[tuple[int, int, str]] = set()
    wanted: list[tuple[Organisation, Organisation, str]] = []
    for partner in ctx.partners:
        key = (partner.registered_by.pk, partner.pk, Partnership.Kind.FUNDING)
        seen.add(key)
        wanted.append((partner.registered_by, partner, Partnership.Kind.FUNDING))
    while len(wanted) < ctx.profile.partnerships:
        member, partner, kind = ctx.member(), rng.choice(ctx.partners), rng.choice(kinds)
        if (member.pk, partner.pk, kind) in seen:
            continue
        seen.add((member.pk, partner.pk, kind))
        wanted.append((member, partner, kind))

    def make(member: Organisation, partner: Organisation, kind: str) -> Partnership:
        starts = today - timedelta(days=rng.randrange(0, 2000))
        ended = rng.random() < 0.15
        return Partnership(
            code=ctx.uuid(),
            organisation=member,
            partner=partner,
            kind=kind,
            status=Partnership.Status.ENDED if ended else Partnership.Status.ACTIVE,
            title=f"Programme {rng.randrange(1000, 9999)}",
            starts_on=starts,
            ends_on=starts + timedelta(days=rng.randrange(365, 1500)) if ended else None,
            created_at=ctx.now - timedelta(days=(today - starts).days),
        )

    ctx.partnerships = bulk(Partnership, (make(*w) for w in wanted))


def _totp(ctx: Context) -> str:
    return base64.b32encode(ctx.rng.getrandbits(160).to_bytes(20, "big")).decode()


def people(ctx: Context) -> None:
    """One person per role in each member; more members in the large ones; one person in every fourth partner."""
    partner_count: dict[int, int] = {}
    for link in ctx.partnerships:
        partner_count[link.organisation_id] = partner_count.get(link.organisation_id, 0) + 1
    wanted: list[tuple[Organisation, str, str]] = []
    for i, member in enumerate(ctx.members):
        wanted += [(member, role, f"m{i:04d}-{role}") for role in ROLES]
        wanted += [
            (member, Role.MEMBER, f"m{i:04d}-staff{n:03d}") for n in range(partner_count.get(member.pk, 0) // 100)
        ]
    wanted += [(p, Role.MEMBER, f"p{i:05d}-member") for i, p in enumerate(ctx.partners) if i % 4 == 0]
    users = bulk(
        User,
        (
            User(
                email=f"{local}@{EMAIL_DOMAIN}",
                name=local.replace("-", " ").title(),
                password="!",  # noqa: S106 -- Django's unusable password: nobody logs in to generated accounts
                language=ctx.rng.choice(["nl", "en"]),
                totp_secret=_totp(ctx) if role in TWO_FACTOR else "",
                totp_confirmed_at=ctx.now if role in TWO_FACTOR else None,
            )
            for _org, role, local in wanted
        ),
    )
    bulk(
        Membership,
        (
            Membership(code=ctx.uuid(), user=user, organisation=org, role=role, created_at=ctx.now)
            for user, (org, role, _local) in zip(users, wanted, strict=True)
        ),
    )
    for user, (org, role, local) in zip(users, wanted, strict=True):
        if "staff" not in local:
            ctx.people[(org.pk, role)] = user
