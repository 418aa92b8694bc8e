"""Access-matrix rows for the dilemma library of `hulp`.

Every member reads the library, the organisation's published dilemmas and the framework's. A draft is
its author's alone (here the member's); what was submitted (here by the manager) is read by its author
and the reviewers, the integrity officer and the admin, who publish, return and share (others 403).
Viewers write nothing. The sector editors' pages are for platform operators: no persona here is one, so
every member gets 403 there. The outsider (admin of `ander`) gets 404 everywhere. Objects are built in
the rows' kwargs, so world.py needs to know nothing of dilemmas.
"""

from django.utils import timezone

from dilemmas.models import Context, DeidentificationCheck, Dilemma, Flag, Status
from organisations.models import Consent
from tests.access.rows import Row, org_page, same, statuses

WRITERS = statuses(anonymous=302, outsider=404, viewer=403, member=200, manager=200, officer=200, admin=200)
WRITERS_POST = statuses(anonymous=302, outsider=404, viewer=403, member=302, manager=302, officer=302, admin=302)
REVIEWERS = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=403, officer=200, admin=200)
REVIEWERS_POST = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=403, officer=302, admin=302)
# The member's draft: nobody else learns it exists.
AUTHOR_ONLY = statuses(anonymous=302, outsider=404, viewer=404, member=200, manager=404, officer=404, admin=404)
AUTHOR_ONLY_POST = statuses(anonymous=302, outsider=404, viewer=404, member=302, manager=404, officer=404, admin=404)
# The manager's submission: its author reads it, reviewers review it, other members do not see it.
SUBMITTED_REVIEW = statuses(anonymous=302, outsider=404, viewer=404, member=404, manager=403, officer=200, admin=200)
SUBMITTED_REVIEW_POST = statuses(
    anonymous=302, outsider=404, viewer=404, member=404, manager=403, officer=302, admin=302
)
OPERATORS = same(403, anonymous=302, outsider=404)


def _dilemma(world, key: str, author, status: str, **fields) -> Dilemma:
    if key not in world.objects:
        now = timezone.now()
        dilemma = Dilemma.objects.create(
            organisation=world.org,
            author=author,
            status=status,
            languages="en",
            context=Context.LOCAL_PARTNER,
            title_en=f"A {status} dilemma",
            situation_en="A partner's director buys from his cousin.",
            question_en="What do you do?",
            created_at=now,
            updated_at=now,
            submitted_at=now if status != Status.DRAFT else None,
            published_at=now if status == Status.PUBLISHED else None,
            **fields,
        )
        dilemma.set_options([{"en": "Accept"}, {"en": "Ask the board"}, {"en": "Change supplier"}])
        world.objects[key] = dilemma
    return world.objects[key]


def draft(world) -> Dilemma:
    return _dilemma(world, "dilemma_draft", world.people.member, Status.DRAFT)


def submitted(world) -> Dilemma:
    return _dilemma(world, "dilemma_submitted", world.people.manager, Status.SUBMITTED)


def published(world) -> Dilemma:
    return _dilemma(world, "dilemma_published", world.people.admin, Status.PUBLISHED)


def passed_check(world, dilemma: Dilemma) -> DeidentificationCheck:
    fresh = Dilemma.objects.prefetch_related("options", "variations").get(pk=dilemma.pk)
    return DeidentificationCheck.objects.create(
        dilemma=dilemma, organisation=world.org, run_by=world.people.officer, text_hash=fresh.content_hash()
    )


def slug(world):
    return {"slug": world.org.slug}


def code_of(make):
    return lambda world: {"slug": world.org.slug, "code": make(world).code}


def framework_dilemma(world):
    dilemma = Dilemma.objects.create(
        slug="starter",
        source="dilemmas/test.yaml",
        status=Status.PUBLISHED,
        published_at=timezone.now(),
        languages="nl,en",
        context=Context.ALLIANCE,
        title_nl="Start",
        title_en="Start",
        situation_nl="Iets.",
        situation_en="Something.",
        question_nl="Wat doe je?",
        question_en="What do you do?",
    )
    return {"slug": world.org.slug, "code": dilemma.code}


def flag_of_draft(world):
    dilemma = draft(world)
    check = passed_check(world, dilemma)
    flag = Flag.objects.create(check_run=check, field="situation_en", kind="place", start=0, end=1, text="A")
    return {"slug": world.org.slug, "code": dilemma.code, "flag": flag.code}


def shared_published(world):
    dilemma = published(world)
    consent = Consent.objects.create(
        organisation=world.org,
        subject=dilemma.subject,
        scope=Consent.Scope.ALLIANCE,
        to_alliance=world.alliance,
        given_by=world.people.admin,
    )
    return {"slug": world.org.slug, "code": dilemma.code, "consent": consent.code}


def share_ready(world):
    dilemma = published(world)
    passed_check(world, dilemma)
    return {"slug": world.org.slug, "code": dilemma.code}


def offered_to_sector(world):
    dilemma = published(world)
    Consent.objects.create(
        organisation=world.org, subject=dilemma.subject, scope=Consent.Scope.SECTOR, given_by=world.people.admin
    )
    dilemma.offer_to_sector(world.people.admin)
    return {"slug": world.org.slug, "code": dilemma.code}


NEW_DILEMMA = {
    "language": "en",
    "title": "Per diems",
    "situation": "Partner staff expect per diems.",
    "question": "What do you pay?",
    "option_1": "Actual costs",
    "option_2": "The local rate",
    "option_3": "A common rate",
    "context": "local-partner",
}

ROWS = [
    Row("dilemmas:library", org_page(), kwargs=slug),
    Row("dilemmas:library", org_page(), kwargs=slug, query="?q=cousin&context=local-partner&tag=fraud", note="search"),
    Row("dilemmas:ours", org_page(), kwargs=slug),
    Row("dilemmas:library_csv", org_page(), kwargs=slug, query="?q=cousin&context=local-partner&tag=fraud"),
    Row("dilemmas:ours_csv", org_page(), kwargs=slug),
    Row("dilemmas:new", WRITERS, kwargs=slug),
    Row("dilemmas:new", WRITERS_POST, kwargs=slug, method="post", data=lambda w: NEW_DILEMMA),
    Row("dilemmas:dilemma", org_page(), kwargs=code_of(published)),
    Row("dilemmas:dilemma", org_page(), kwargs=framework_dilemma, note="framework"),
    Row("dilemmas:dilemma", AUTHOR_ONLY, kwargs=code_of(draft), note="draft"),
    Row(
        "dilemmas:dilemma",
        statuses(anonymous=302, outsider=404, viewer=404, member=404, manager=200, officer=200, admin=200),
        kwargs=code_of(submitted),
        note="submitted",
    ),
    Row("dilemmas:edit", AUTHOR_ONLY, kwargs=code_of(draft)),
    Row("dilemmas:edit", AUTHOR_ONLY_POST, kwargs=code_of(draft), method="post", data=lambda w: NEW_DILEMMA),
    Row("dilemmas:delete", AUTHOR_ONLY, kwargs=code_of(draft)),
    Row("dilemmas:delete", AUTHOR_ONLY_POST, kwargs=code_of(draft), method="post"),
    Row(
        "dilemmas:delete",
        statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=403, officer=200, admin=200),
        kwargs=code_of(published),
        note="published",
    ),
    Row("dilemmas:submit", AUTHOR_ONLY_POST, kwargs=code_of(draft), method="post"),
    Row("dilemmas:check", AUTHOR_ONLY, kwargs=code_of(draft)),
    Row("dilemmas:check", AUTHOR_ONLY_POST, kwargs=code_of(draft), method="post"),
    Row("dilemmas:check", REVIEWERS, kwargs=code_of(published), note="published"),
    Row(
        "dilemmas:resolve",
        AUTHOR_ONLY_POST,
        kwargs=flag_of_draft,
        method="post",
        data=lambda w: {"action": "keep", f"{Flag.objects.get().code}-reason": "A word, not a place here"},
    ),
    Row("dilemmas:review", SUBMITTED_REVIEW, kwargs=code_of(submitted)),
    Row(
        "dilemmas:review",
        SUBMITTED_REVIEW_POST,
        kwargs=code_of(submitted),
        method="post",
        data=lambda w: {"decision": "publish"},
    ),
    Row("dilemmas:share", REVIEWERS, kwargs=code_of(published)),
    Row(
        "dilemmas:share",
        REVIEWERS_POST,
        kwargs=share_ready,
        method="post",
        data=lambda w: {"scope": "alliance", "to_alliance": str(w.alliance.code)},
    ),
    Row("dilemmas:unshare", REVIEWERS, kwargs=shared_published),
    Row("dilemmas:unshare", REVIEWERS_POST, kwargs=shared_published, method="post"),
    Row("dilemmas:editors", OPERATORS, kwargs=slug),
    Row("dilemmas:editor_review", OPERATORS, kwargs=offered_to_sector),
    Row(
        "dilemmas:editor_review",
        OPERATORS,
        kwargs=offered_to_sector,
        method="post",
        data=lambda w: {"decision": "approve"},
    ),
]
