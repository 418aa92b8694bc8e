"""Several machines, one PostgreSQL: a periodic job started on two workers at once does each item once.

The reminder of an overdue action is claimed by a conditional UPDATE (actions.reminders._claim), so when two
workers run `send_action_reminders` at the same moment — as two machines with the same cron line would —
every overdue action is reminded exactly once, by one of them. This runs the command in two real processes
against the test database; on SQLite (one file, one writer, an in-memory test database) there is nothing to
prove and the test is skipped.
"""

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from actions.models import Action, ActionPlan
from organisations.models import Organisation

ACTIONS = 240
REMINDED = re.compile(r"Reminded (\d+) owner\(s\) about (\d+) overdue action\(s\)")


def _database_url() -> str:
    db = connection.settings_dict
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or "5432"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{host}:{port}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_two_workers_running_the_reminders_at_once_remind_each_overdue_action_once(people):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: two processes must share the database (CI runs it there)")
    partner = Organisation.objects.create(slug="kampala", name="Kampala Women's Network", kind="partner")
    plan = ActionPlan.start(organisation=people.org, partner=partner, title="Overdue", by=people.manager)
    owners = [people.manager, people.member, people.officer, people.admin]
    past = timezone.localdate() - timedelta(days=3)
    for n in range(ACTIONS):
        plan.add_action(title=f"Action {n}", owner=owners[n % len(owners)], due_on=past, by=people.manager)

    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": _database_url(),
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
    }
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "send_action_reminders"]
    workers = [
        subprocess.Popen(manage, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _worker in "ab"
    ]
    outputs = [worker.communicate(timeout=120) for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0], [err for _out, err in outputs]

    counts = [REMINDED.search(out) for out, _err in outputs]
    assert all(counts), outputs
    reminded = sum(int(match.group(2)) for match in counts if match)
    assert reminded == ACTIONS, "every overdue action once, by one worker or the other — never twice"
    assert Action.objects.filter(plan=plan, last_reminded_on=timezone.localdate()).count() == ACTIONS

    # A third run the same day finds nothing left to do.
    again = subprocess.run(manage, env=env, capture_output=True, text=True, timeout=120, check=True)
    match = REMINDED.search(again.stdout)
    assert match and match.group(2) == "0"
