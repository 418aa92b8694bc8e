"""Access-matrix rows for an organisation's playbooks (o/hulp/cases/playbooks/).

Only integrity officers and admins (cases.access.CASE_ROLES) read or change them: viewers, members and
managers get 403, the outsider (admin of `ander`) 404, anonymous people are sent to log in. The framework
playbook is the small one of tests/cases/conftest.py; `hulp`'s own copy of it is made in the kwargs.
The public playbook pages get their rows once they are in samen/urls.py.
"""

from cases.models import Playbook
from cases.playbooks import make_copy
from tests.access.rows import Row, same, statuses
from tests.cases.conftest import build_playbook

READ = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=403, officer=200, admin=200)
WRITE = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=403, officer=302, admin=302)


def _framework(world) -> Playbook:
    found = Playbook.objects.filter(organisation__isnull=True, code="general").first()
    return found or build_playbook("general")


def framework(world):
    return {"slug": world.org.slug, "code": _framework(world).code}


def own(world):
    copy = make_copy(world.org, _framework(world), by=world.people.admin)
    return {"slug": world.org.slug, "code": copy.code}


def own_step(step: str):
    def build(world):
        return {**own(world), "step": step}

    return build


def slug(world):
    return {"slug": world.org.slug}


STEP = {
    "code": "register",
    "phase": "receive",
    "role": "intake",
    "title_nl": "Registreer de melding",
    "title_en": "Register the report",
}


def public(world):
    return {"code": _framework(world).code}


ROWS = [
    # The framework's playbooks are public, like the rest of the shared language.
    Row("public_playbooks", same(200)),
    Row("public_playbook", same(200), kwargs=public),
    Row("cases:playbooks", READ, kwargs=slug),
    Row("cases:playbook_framework", READ, kwargs=framework),
    Row("cases:playbook_copy", WRITE, kwargs=framework, method="post"),
    Row("cases:playbook", READ, kwargs=own),
    Row("cases:playbook_edit", READ, kwargs=own),
    Row(
        "cases:playbook_edit",
        WRITE,
        kwargs=own,
        method="post",
        data=lambda w: {"title_nl": "Ons draaiboek", "title_en": "Our playbook", "is_default": "on"},
    ),
    Row("cases:playbook_revert", READ, kwargs=own),
    Row("cases:playbook_revert", WRITE, kwargs=own, method="post"),
    Row("cases:playbook_step_add", READ, kwargs=own),
    Row(
        "cases:playbook_step_add",
        WRITE,
        kwargs=own,
        method="post",
        data=lambda w: {**STEP, "code": "board", "phase": "assess", "title_en": "Inform the board"},
    ),
    Row("cases:playbook_step_edit", READ, kwargs=own_step("register")),
    Row("cases:playbook_step_edit", WRITE, kwargs=own_step("register"), method="post", data=lambda w: STEP),
    Row("cases:playbook_step_delete", READ, kwargs=own_step("register")),
    Row("cases:playbook_step_delete", WRITE, kwargs=own_step("register"), method="post"),
    Row(
        "cases:playbook_step_move",
        WRITE,
        kwargs=own_step("register"),
        method="post",
        data=lambda w: {"direction": "up"},
    ),
]
