"""Cases of the member organisations, their steps and assignments, with content sealed through cases.keys.

Each member with cases has a handler (its integrity officer) with a handler key locked under
HANDLER_KEY_PASSWORD (see `handlers`). Each case gets its own key pair, granted to that handler, and
an intake summary sealed to it, as cases.keys.issue and cases.keys.seal make them (in bulk, see
`seal_all`): a handler who unlocks their key reads the generated cases on the case pages. Key pairs and
sealed boxes use the system's randomness (as they must): the ciphertexts differ between runs, what they
decrypt to does not.
"""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from cases import handling
from cases.deadlines import current_phase, schedule
from cases.models import (
    Assignment,
    Case,
    CaseGrant,
    CaseKey,
    CaseRole,
    CaseStep,
    Outcome,
    Playbook,
    PlaybookStep,
    Risk,
    Severity,
    Source,
)
from framework.models import ViolationSubtype, ViolationType
from samen.scale.common import HANDLER_KEY_PASSWORD, HANDLER_RECOVERY_KEY, Context, bulk
from speakup import crypto
from speakup import keys as handler_keys
from speakup.models import HandlerKey

YEARS = 3
OPEN_DAYS = 90
SUMMARIES = [
    "A caller says the project coordinator asked two suppliers for cash before signing the contract.",
    "A staff member reports that a driver was threatened after refusing to carry private goods.",
    "An anonymous letter describes favouritism in the selection of beneficiaries in two villages.",
    "A partner's accountant found invoices for training sessions that nobody remembers attending.",
    "A volunteer reports inappropriate messages from a team leader to a young participant.",
]


def _kinds() -> list[tuple[ViolationType | None, ViolationSubtype | None]]:
    types = list(ViolationType.objects.active().order_by("order", "code"))
    subtypes = list(ViolationSubtype.objects.active().select_related("type").order_by("type__order", "code"))
    return [(t, None) for t in types] + [(s.type, s) for s in subtypes]


def handlers(ctx: Context, organisations: list[int]) -> None:
    """Give the officer of each organisation in `organisations` a handler key, as speakup.keys.setup makes one.

    One Argon2id derivation (with the configured limits) for them all: every generated handler key is
    locked under HANDLER_KEY_PASSWORD with the same salt, and under HANDLER_RECOVERY_KEY likewise, so
    generating 600 handlers takes a second, and speakup.keys.open_with_password opens each.
    """
    opslimit, memlimit = handler_keys.argon2_limits()
    password_salt, recovery_salt = ctx.rng.randbytes(crypto.SALT_BYTES), ctx.rng.randbytes(crypto.SALT_BYTES)
    by_password = crypto.derive_key(HANDLER_KEY_PASSWORD, password_salt, opslimit, memlimit)
    recovery = crypto.normalise_recovery_key(HANDLER_RECOVERY_KEY)
    by_recovery = crypto.derive_key(recovery, recovery_salt, opslimit, memlimit)
    made = []
    for org_id in organisations:
        officer = ctx.people[(org_id, "officer")]
        private_key = crypto.new_keypair()
        made.append(
            HandlerKey(
                user=officer,
                public_key=bytes(private_key.public_key),
                by_password=crypto.lock(by_password, bytes(private_key)),
                password_salt=password_salt,
                by_recovery=crypto.lock(by_recovery, bytes(private_key)),
                recovery_salt=recovery_salt,
                created_at=ctx.now,
                password_wrapped_at=ctx.now,
            )
        )
        ctx.handlers[org_id] = officer
    bulk(HandlerKey, made)


def cases(ctx: Context) -> None:
    rng, now = ctx.rng, ctx.now
    owners = [ctx.member() for _ in range(ctx.profile.cases)]
    handlers(ctx, sorted({o.pk for o in owners}))
    kinds = _kinds()
    playbooks: dict[tuple[int, int | None, int | None], tuple[Playbook, list[PlaybookStep]]] = {}
    numbers: dict[tuple[int, int], int] = {}
    span = timedelta(days=365 * YEARS)
    sources, severities, risks, outcomes = list(Source), list(Severity), list(Risk), list(Outcome)
    made: list[Case] = []
    plans: list[list[PlaybookStep]] = []
    received_times = sorted(now - span * rng.random() for _ in owners)
    for owner, received in zip(owners, received_times, strict=True):
        age = now - received
        year = timezone.localtime(received).year
        numbers[(owner.pk, year)] = number = numbers.get((owner.pk, year), 0) + 1
        concluded_at = received + timedelta(days=rng.randrange(30, 181))
        is_open = age < timedelta(days=OPEN_DAYS) or rng.random() < 0.02 or concluded_at >= now
        untriaged = is_open and age < timedelta(days=14) and rng.random() < 0.3
        category, subtype = (None, None) if untriaged else rng.choice(kinds)
        key = (owner.pk, category.pk if category else None, subtype.pk if subtype else None)
        if key not in playbooks:
            playbook = handling.playbook_for(owner, category, subtype)
            playbooks[key] = (playbook, list(PlaybookStep.objects.filter(playbook=playbook).order_by("order")))
        playbook, steps = playbooks[key]
        acknowledged, triaged, feedback = (
            received + timedelta(days=days) if received + timedelta(days=days) <= now else None
            for days in (rng.randrange(1, 10), 10, rng.randrange(20, 110))
        )
        if untriaged:
            triaged = None
        if not is_open and feedback is not None and feedback > concluded_at:
            feedback = concluded_at
        made.append(
            Case(
                code=ctx.uuid(),
                organisation=owner,
                reference=f"{year}-{number:04d}",
                source=rng.choice(sources),
                playbook=playbook,
                category=category,
                subtype=subtype,
                severity="" if triaged is None else rng.choice(severities),
                retaliation_risk="" if triaged is None else rng.choice(risks),
                received_at=received,
                acknowledged_at=acknowledged,
                triaged_at=triaged,
                feedback_at=feedback,
                concluded_at=None if is_open else concluded_at,
                outcome="" if is_open else rng.choice(outcomes),
                opened_by=ctx.handlers[owner.pk],
                created_at=received,
                updated_at=received if is_open else concluded_at,
            )
        )
        plans.append(steps)
    made = bulk(Case, made, batch_size=500)
    case_steps: list[CaseStep] = []
    for case, steps in zip(made, plans, strict=True):
        handler = ctx.handlers[case.organisation_id]
        if case.concluded_at is not None:
            done_count, every = len(steps), (case.concluded_at - case.received_at) / len(steps)
        else:
            done_count, every = min(len(steps) - 1, (now - case.received_at).days // 6), timedelta(days=6)
        mine = [
            CaseStep(
                case=case,
                playbook_code=case.playbook.code,
                **{f: getattr(step, f) for f in handling.STEP_FIELDS},
                done_at=case.received_at + every * (i + 1) if i < done_count else None,
                done_by=handler if i < done_count else None,
                notified_on=(case.received_at + every * (i + 1)).date() if i < done_count and step.notify else None,
            )
            for i, step in enumerate(steps)
        ]
        case.phase = current_phase(mine)
        for step, state in zip(mine, schedule(case, mine), strict=True):
            step.due_at = state.due_at
        case_steps += mine
    seal_all(made, [ctx.handlers[case.organisation_id] for case in made])
    bulk(CaseStep, case_steps)
    Case.objects.bulk_update(made, ["phase", "summary", "summary_version"], batch_size=500)
    bulk(
        Assignment,
        (
            Assignment(
                case=case,
                user=ctx.handlers[case.organisation_id],
                role=CaseRole.INTAKE,
                assigned_by=ctx.handlers[case.organisation_id],
                assigned_at=case.received_at,
            )
            for case in made
        ),
    )


def seal_all(made: list[Case], handlers: list[User]) -> None:
    """Each case's key, granted to its handler, and its summary sealed to the key.

    What cases.keys.issue and cases.keys.seal do for one case (a key pair, its private key sealed to the
    handler's public key, the content sealed to the case's public key, with speakup.crypto), in bulk
    inserts instead of five queries a case. Reading goes through cases.keys as on the case pages.
    """
    public_keys = dict(HandlerKey.objects.filter(user__in=set(handlers)).values_list("user_id", "public_key"))
    pairs = [crypto.new_keypair() for _ in made]
    case_keys = bulk(
        CaseKey,
        (
            CaseKey(case=case, version=1, public_key=bytes(pair.public_key), created_at=case.received_at)
            for case, pair in zip(made, pairs, strict=True)
        ),
    )
    bulk(
        CaseGrant,
        (
            CaseGrant(
                case_key=key,
                user=handler,
                sealed=crypto.seal(bytes(public_keys[handler.pk]), bytes(pair)),
                granted_by=handler,
                created_at=key.created_at,
            )
            for key, pair, handler in zip(case_keys, pairs, handlers, strict=True)
        ),
    )
    for case, pair in zip(made, pairs, strict=True):
        case.summary, case.summary_version = crypto.seal(bytes(pair.public_key), summary(case).encode()), 1


def summary(case: Case) -> str:
    """The plaintext of a generated case's summary: the same for the same seed, whatever the ciphertext."""
    return f"{case.reference}: {SUMMARIES[int(case.code) % len(SUMMARIES)]}"
