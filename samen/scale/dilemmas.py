"""Dilemmas written by member organisations (most published), each with three options.

Search: `search_text` is filled as the dilemmas app fills it; the SQLite full-text index (if any) is
not rebuilt here (the dilemmas app's own command does that).
"""

from collections import Counter
from datetime import timedelta

from dilemmas.models import SUBJECT_KIND, Context, Dilemma, Languages, Option, Status
from samen.scale.common import Context as ScaleContext
from samen.scale.common import bulk

SITUATIONS = [
    "A partner's director buys office supplies from a shop owned by a cousin, at market prices.",
    "A community leader asks for a fee before letting the distribution start in the village.",
    "A donor's visit is next week and the partner asks you not to mention the delayed audit.",
    "A local official offers to speed up the registration of the project for a small payment.",
    "A staff member is asked to hire the relative of a government counterpart as a driver.",
]
OPTIONS = ["Talk to the partner first and agree on a way forward.", "Report it to the integrity officer.", "Wait."]
STATUSES = (
    [Status.PUBLISHED] * 3
    + [Status.SUBMITTED]
    + [Status.PUBLISHED] * 2
    + [Status.DRAFT]
    + [Status.PUBLISHED] * 2
    + [Status.DRAFT]
)


def dilemmas(ctx: ScaleContext) -> None:
    rng, now = ctx.rng, ctx.now
    contexts = list(Context)
    # Each organisation's dilemmas go through STATUSES in turn: every organisation with ten or more has the same
    # mix (at the small profile too, so its pages show the same lists as at sector scale).
    written: Counter[int] = Counter()

    def make(i: int) -> Dilemma:
        org = ctx.member()
        code = ctx.uuid()
        situation = rng.choice(SITUATIONS)
        title = f"Dilemma {i:05d}: {situation.split(',')[0][:80]}"
        status = STATUSES[written[org.pk] % len(STATUSES)]
        written[org.pk] += 1
        created = now - timedelta(days=rng.randrange(1, 1200))
        published = created + timedelta(days=rng.randrange(1, 30)) if status == Status.PUBLISHED else None
        return Dilemma(
            code=code,
            subject=f"{SUBJECT_KIND}:{code}",
            organisation=org,
            author=ctx.people.get((org.pk, "member")),
            languages=Languages.ENGLISH,
            context=rng.choice(contexts),
            status=status,
            title_en=title,
            situation_en=situation,
            question_en="What do you do?",
            search_text=f"{title} {situation} What do you do?".lower(),
            created_at=created,
            updated_at=published or created,
            submitted_at=created if status != Status.DRAFT else None,
            published_at=published,
        )

    made = bulk(Dilemma, (make(i) for i in range(ctx.profile.dilemmas)))
    bulk(
        Option,
        (
            Option(code=ctx.uuid(), dilemma=d, position=n, text_en=text)
            for d in made
            for n, text in enumerate(OPTIONS, start=1)
        ),
    )
