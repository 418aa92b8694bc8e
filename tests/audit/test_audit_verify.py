"""manage.py audit_verify: passes on an intact chain, and names the first entry where it breaks."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from audit.models import Entry, Event, record


def verify() -> str:
    out = StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


def drop_update_trigger() -> None:
    """Test-only: lift the database's append-only guard so a row can be tampered with.

    The test's transaction rolls this back on both SQLite and PostgreSQL (their DDL is transactional).
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER IF EXISTS audit_entry_no_change ON audit_entry")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_entry_no_update")


@pytest.fixture
def chain(db) -> list[Entry]:
    return [record(Event.LOGIN, actor=f"person{i}@hulp.example", organisation="hulp") for i in range(5)]


def test_an_empty_log_is_intact(db):
    assert "Audit log intact: 0 entries verified." in verify()


def test_an_intact_chain_passes(chain):
    assert "Audit log intact: 5 entries verified." in verify()


def test_a_changed_row_is_reported_as_the_first_broken_entry(chain):
    drop_update_trigger()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_entry SET actor = %s WHERE id = %s", ["someone.else@hulp.example", chain[2].pk])

    with pytest.raises(CommandError) as error:
        verify()

    assert f"Audit log broken at entry {chain[2].pk} " in str(error.value)


def test_a_rewritten_chain_from_the_middle_still_breaks_at_the_first_change(chain):
    drop_update_trigger()
    with connection.cursor() as cursor:
        # A forger who recomputes the changed entry's own hash still breaks its successor's link.
        forged = Entry.objects.get(pk=chain[1].pk)
        forged.actor = "forger@example.org"
        cursor.execute(
            "UPDATE audit_entry SET actor = %s, hash = %s WHERE id = %s",
            [forged.actor, forged.compute_hash(), forged.pk],
        )

    with pytest.raises(CommandError, match=f"Audit log broken at entry {chain[2].pk} "):
        verify()


def test_a_forged_row_inserted_with_raw_sql_is_reported(chain):
    last = chain[-1]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_entry (created_at, event, actor, organisation, target, detail, prev_hash, hash)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            [last.created_at, Event.LOGIN, "forger@example.org", "hulp", "", "{}", last.hash, "f" * 64],
        )

    with pytest.raises(CommandError) as error:
        verify()

    forged = Entry.objects.get(actor="forger@example.org")
    assert f"Audit log broken at entry {forged.pk} " in str(error.value)
