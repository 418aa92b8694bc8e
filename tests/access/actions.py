"""Access-matrix rows for the action plans of `hulp`, co-owned with its partner Kampala Women's Network.

Everyone in `hulp` reads its plans; members and above add and change actions (viewers get 403);
managers and admins start plans. The outsider (admin of `ander`) gets 404 everywhere.
The plan is built in the rows' kwargs from the world, so world.py needs to know nothing of actions.
"""

from actions.models import ActionPlan
from tests.access.rows import Row, org_page, statuses

WRITERS = statuses(anonymous=302, outsider=404, viewer=403, member=200, manager=200, officer=200, admin=200)
WRITERS_POST = statuses(anonymous=302, outsider=404, viewer=403, member=302, manager=302, officer=302, admin=302)
MANAGERS = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=200, officer=403, admin=200)
MANAGERS_POST = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=302, officer=403, admin=302)


def slug(world):
    return {"slug": world.org.slug}


def _plan(world) -> ActionPlan:
    if "plan" not in world.objects:
        plan = ActionPlan.start(
            organisation=world.org, partner=world.partner, title="Safeguarding", by=world.people.manager
        )
        world.objects["plan"] = plan
        world.objects["action"] = plan.add_action(
            title="Appoint a confidential adviser", owner=world.people.member, by=world.people.manager
        )
    return world.objects["plan"]


def plan(world):
    return {"slug": world.org.slug, "code": _plan(world).code}


def action(world):
    _plan(world)
    return {"slug": world.org.slug, "code": world.action.code}


def action_form(world):
    return {"title": "Appoint a confidential adviser", "status": "doing", "due_on": "2026-06-30"}


ROWS = [
    Row("actions:plans", org_page(), kwargs=slug),
    Row("actions:plans_csv", org_page(), kwargs=slug),
    Row("actions:plan_add", MANAGERS, kwargs=slug),
    Row("actions:plan_add", MANAGERS_POST, kwargs=slug, method="post", data=lambda w: {"title": "By hand"}),
    Row("actions:plan", org_page(), kwargs=plan, query="?status=open&overdue=on"),
    Row("actions:plan_csv", org_page(), kwargs=plan),
    Row("actions:plan_pdf", org_page(), kwargs=plan),
    Row("actions:action_add", WRITERS, kwargs=plan),
    Row("actions:action_add", WRITERS_POST, kwargs=plan, method="post", data=lambda w: {"title": "Train staff"}),
    Row("actions:action", org_page(), kwargs=action),
    Row("actions:action", WRITERS_POST, kwargs=action, method="post", data=lambda w: {"text": "Started"}, note="note"),
    Row("actions:action_edit", WRITERS, kwargs=action),
    Row("actions:action_edit", WRITERS_POST, kwargs=action, method="post", data=action_form),
]
