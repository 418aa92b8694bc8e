"""`manage.py load_framework` on an empty database loads the playbooks, and skips them when nothing changed.

Apart from tests/cases/test_playbooks_content.py, whose tests share one loaded framework per module.
"""

from io import StringIO

from django.core.management import call_command


def test_load_framework_loads_the_playbooks(db):
    out = StringIO()
    call_command("load_framework", stdout=out)
    assert "playbooks/safeguarding.yaml (playbook, version 1.0): 1 created" in out.getvalue()

    out = StringIO()
    call_command("load_framework", stdout=out)
    assert "playbooks" not in out.getvalue()  # unchanged files are skipped
