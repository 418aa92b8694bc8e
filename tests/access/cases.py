"""Access-matrix rows for the case file (cases/views/cases.py).

A case exists only for the people on it: here the officer (who registered it, intake) and the admin
(decision-maker, who confirmed having no conflict). Everyone else in `hulp` — viewer, member, manager —
gets 404 for its pages, as does the outsider. Registering cases and their settings are for officers and
admins (403 for the others). Nobody in the world has a handler key, so pages that open the sealed file
send the people on the case to the unlock page (302).
"""

from django.core.files.base import ContentFile
from django.utils import timezone

from cases import keys
from cases.handling import open_case
from cases.models import Assignment, Attachment, Case, CaseRole
from organisations.models import Membership
from tests.access.rows import Row, org_page, statuses
from tests.cases.conftest import build_playbook

HANDLERS = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=403, officer=200, admin=200)
HANDLERS_POST = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=403, officer=302, admin=302)
ON_CASE = statuses(anonymous=302, outsider=404, viewer=404, member=404, manager=404, officer=200, admin=200)
ON_CASE_REDIRECT = statuses(anonymous=302, outsider=404, viewer=404, member=404, manager=404, officer=302, admin=302)
DECISION = statuses(anonymous=302, outsider=404, viewer=404, member=404, manager=404, officer=403, admin=302)


def _build(world) -> None:
    if "case" in world.objects:
        return
    people = world.people
    build_playbook()
    case = open_case(world.org, by=people.officer, source=Case.Source.PHONE, summary="A call.")
    Assignment.objects.create(
        case=case,
        user=people.admin,
        role=CaseRole.DECISION_MAKER,
        assigned_by=people.officer,
        no_conflict_confirmed_at=timezone.now(),
    )
    note = case.notes.create(author=people.officer, body=keys.seal(case, b"note")[0], key_version=1)
    attachment = Attachment(
        case=case, note=note, name=keys.seal(case, b"a.pdf")[0], content_type="application/pdf", size=3, key_version=1
    )
    attachment.file.save("sealed", ContentFile(keys.seal(case, b"pdf")[0]), save=False)
    attachment.save()
    world.objects.update(case=case, attachment=attachment)


def slug(world):
    return {"slug": world.org.slug}


def case(world):
    _build(world)
    return {"slug": world.org.slug, "code": world.case.code}


def step(world):
    return {**case(world), "step": "register"}


def done_step(world):
    kwargs = case(world)
    world.case.steps.filter(code="register").update(done_at=timezone.now(), done_by=world.people.officer)
    return {**kwargs, "step": "register"}


def attachment(world):
    kwargs = case(world)
    return {**kwargs, "name": world.attachment.file.name.removeprefix("cases/")}


def report(world):
    from speakup.models import Channel
    from tests.speakup.factories import quick_report

    channel = Channel.objects.create(organisation=world.org, slug="hulp-cases-matrix")
    report, _reporter = quick_report(channel, {"what": "A report"})
    return {"slug": world.org.slug, "report": report.code}


def admin_decision_maker(world):
    return {
        "member": str(Membership.objects.get(user=world.people.admin, organisation=world.org).code),
        "role": CaseRole.DECISION_MAKER,
    }


ROWS = [
    Row("cases:cases", org_page(), kwargs=slug),
    Row("cases:cases_csv", org_page(), kwargs=slug, query="?state=open"),
    Row("cases:case_new", HANDLERS, kwargs=slug),
    Row("cases:case_new", statuses(302, 404, 403, 403, 403, 200, 200), kwargs=slug, method="post", note="invalid"),
    Row("cases:case_settings", HANDLERS, kwargs=slug),
    Row(
        "cases:case_settings",
        HANDLERS_POST,
        kwargs=slug,
        method="post",
        data=lambda w: {"separation": "block", "min_group_size": 5},
    ),
    Row(
        "cases:case_from_report",
        statuses(anonymous=302, outsider=404, viewer=404, member=404, manager=404, officer=404, admin=404),
        kwargs=report,
        note="nobody holds the report's key",
    ),
    Row("cases:case", ON_CASE, kwargs=case),
    Row("cases:case_conflict", ON_CASE, kwargs=case),
    Row("cases:case_triage", ON_CASE, kwargs=case),
    Row("cases:case_step", ON_CASE, kwargs=step),
    Row("cases:case_step", ON_CASE, kwargs=done_step, note="done"),
    Row("cases:case_step_undo", ON_CASE_REDIRECT, kwargs=done_step, method="post"),
    Row("cases:case_note", ON_CASE_REDIRECT, kwargs=case, method="post", data=lambda w: {"text": "A note"}),
    Row("cases:case_attachment", ON_CASE_REDIRECT, kwargs=attachment),
    Row("cases:case_people", ON_CASE, kwargs=case),
    Row("cases:case_people", ON_CASE_REDIRECT, kwargs=case, method="post", data=lambda w: {}),
    Row("cases:case_unassign", ON_CASE_REDIRECT, kwargs=case, method="post", data=admin_decision_maker),
    Row("cases:case_exclude", ON_CASE_REDIRECT, kwargs=case, method="post", data=lambda w: {}),
    Row("cases:case_conclude", DECISION, kwargs=case),
    Row("cases:case_pdf", ON_CASE_REDIRECT, kwargs=case),
]
