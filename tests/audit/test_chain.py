"""The audit log: every entry chained to the one before it, and nothing can change or remove an entry."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from audit.models import GENESIS, Entry, EntryQuerySet, Event, first_broken_link, record


def test_record_chains_each_entry_to_the_previous_one(db):
    first = record(Event.LOGIN, actor="officer@hulp.example", organisation="hulp")
    second = record(
        Event.ROLE_CHANGED, actor="admin@hulp.example", target="member@hulp.example", detail={"to": "viewer"}
    )

    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    assert second.hash == second.compute_hash()
    assert len(second.hash) == 64
    assert first_broken_link() is None


def test_the_hash_covers_every_field(db):
    entry = record(Event.EXPORT, actor="officer@hulp.example", detail={"rows": 3})
    original = entry.hash
    for field, value in [("actor", "someone@else.example"), ("detail", {"rows": 4}), ("event", Event.LOGIN)]:
        changed = Entry.objects.get(pk=entry.pk)
        setattr(changed, field, value)
        assert changed.compute_hash() != original, field


def test_an_entry_cannot_be_saved_again_or_deleted(db):
    entry = record(Event.LOGIN, actor="officer@hulp.example")
    entry.actor = "someone@else.example"

    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    assert Entry.objects.get(pk=entry.pk).actor == "officer@hulp.example"


def test_the_queryset_refuses_update_and_delete(db):
    record(Event.LOGIN, actor="officer@hulp.example")

    with pytest.raises(PermissionError):
        Entry.objects.update(actor="x")
    with pytest.raises(PermissionError):
        Entry.objects.filter(actor="officer@hulp.example").delete()
    with pytest.raises(PermissionError):
        Entry.objects.all().delete()
    assert Entry.objects.count() == 1
    assert isinstance(Entry.objects.for_organisation("hulp"), EntryQuerySet)


def test_the_database_refuses_an_update_even_in_raw_sql(db):
    record(Event.LOGIN, actor="officer@hulp.example")

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_entry SET actor = %s", ["intruder@example.org"])
    assert Entry.objects.get().actor == "officer@hulp.example"


def test_two_entries_cannot_follow_the_same_predecessor(db):
    first = record(Event.LOGIN, actor="a@hulp.example")
    rival = Entry(event=Event.LOGIN, actor="b@hulp.example", prev_hash=first.prev_hash)
    rival.hash = rival.compute_hash()

    with pytest.raises(IntegrityError), transaction.atomic():
        rival.save()


def test_a_writer_that_loses_the_race_chains_onto_the_winner(db, monkeypatch):
    """Two processes read the same last hash; the second insert violates the unique prev_hash and retries."""
    first = record(Event.LOGIN, actor="a@hulp.example")
    winner = record(Event.LOGIN, actor="b@hulp.example")  # appended "while" the loser was preparing
    real_first = EntryQuerySet.first
    stale = iter([first.hash])

    def first_with_a_stale_read(self):
        # The loser's first read of the last hash happened before the winner's insert.
        return next(stale, None) or real_first(self)

    monkeypatch.setattr(EntryQuerySet, "first", first_with_a_stale_read)

    loser = record(Event.LOGOUT, actor="c@hulp.example")

    assert loser.prev_hash == winner.hash
    assert list(Entry.objects.values_list("actor", flat=True)) == ["a@hulp.example", "b@hulp.example", "c@hulp.example"]
    assert first_broken_link() is None


def test_a_writer_that_keeps_losing_gives_up_loudly(db, monkeypatch):
    record(Event.LOGIN, actor="a@hulp.example")
    record(Event.LOGIN, actor="b@hulp.example")
    monkeypatch.setattr(EntryQuerySet, "first", lambda self: GENESIS)  # always stale

    with pytest.raises(RuntimeError, match="Could not append to the audit log"):
        record(Event.LOGOUT, actor="c@hulp.example")
