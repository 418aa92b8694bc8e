"""The load bench's own logic (bench/loadlib.py), without servers or a database.

bench/load.py trusts its verdict to `verify`: a success the database lost, a record stored twice, a
success stored with another value, or a record nobody asked for must each show; a failed request may
have left its record or not. The forms a simulated person sends back are what a browser would send.
"""

from collections import Counter

import pytest

from bench import loadlib
from bench.loadlib import FAILED, OK, Ledger, verify


def ledger(*entries: tuple[str, str | None, str, str]) -> Ledger:
    book = Ledger()
    for kind, key, value, outcome in entries:
        book.add(kind, key, value, outcome)
    return book


def test_every_success_found_once_with_its_value_passes():
    book = ledger(("vote", "p1:i1", "2", OK), ("vote", "p2:i1", "1", OK), ("answer", "m1", "r5=3", OK))
    observed = {"vote": {"p1:i1": ["2"], "p2:i1": ["1"]}, "answer": {"m1": ["r5=3"]}}

    verdicts = verify(book.entries, observed, ["vote", "answer", "report"])

    assert all(v.ok for v in verdicts.values())
    assert (verdicts["vote"].successes, verdicts["vote"].found) == (2, 2)
    assert verdicts["report"].successes == 0


def test_a_lost_success_is_found():
    book = ledger(("answer", "m1", "r5=3", OK), ("answer", "m2", "r6=1", OK))

    verdict = verify(book.entries, {"answer": {"m1": ["r5=3"]}}, ["answer"])["answer"]

    assert not verdict.ok
    assert verdict.lost == ["m2"]
    assert verdict.found == 1


def test_a_record_stored_twice_is_found_even_when_both_requests_succeeded():
    book = ledger(("vote", "p1:i1", "2", OK))

    verdict = verify(book.entries, {"vote": {"p1:i1": ["2", "2"]}}, ["vote"])["vote"]

    assert not verdict.ok
    assert verdict.duplicated == ["p1:i1"]


def test_a_success_stored_with_another_value_is_found():
    book = ledger(("answer", "m1", "r5=3", OK))

    verdict = verify(book.entries, {"answer": {"m1": ["r5=2"]}}, ["answer"])["answer"]

    assert not verdict.ok
    assert verdict.wrong_value and "r5=3" in verdict.wrong_value[0]


def test_a_failed_request_may_have_left_its_record_but_only_once():
    book = ledger(("vote", "p1:i1", "1", FAILED), ("vote", "p2:i1", "3", FAILED))

    fine = verify(book.entries, {"vote": {"p1:i1": ["1"]}}, ["vote"])["vote"]
    twice = verify(book.entries, {"vote": {"p1:i1": ["1", "1"]}}, ["vote"])["vote"]

    assert fine.ok
    assert (fine.failures, fine.failed_but_stored) == (2, 1)
    assert not twice.ok and twice.duplicated == ["p1:i1"]


def test_records_nobody_asked_for_are_allowed_only_for_failures_whose_response_was_lost():
    # Two reports failed before the client saw a receipt: at most two records may be there unexplained.
    book = ledger(("report", "L1", "", OK), ("report", None, "", FAILED), ("report", None, "", FAILED))
    two = {"report": {"L1": [""], "X": [""], "Y": [""]}}
    three = {"report": {"L1": [""], "X": [""], "Y": [""], "Z": [""]}}

    assert verify(book.entries, two, ["report"])["report"].ok
    too_many = verify(book.entries, three, ["report"])["report"]
    assert not too_many.ok
    assert len(too_many.unexpected) == 1


def test_a_success_without_a_key_counts_as_lost():
    book = ledger(("report", None, "", OK))

    verdict = verify(book.entries, {"report": {}}, ["report"])["report"]

    assert verdict.lost == ["(no key)"]


def test_the_ledger_refuses_an_unknown_outcome():
    with pytest.raises(ValueError, match="outcome"):
        Ledger().add("vote", "k", "1", "maybe")


def test_percentile_is_nearest_rank():
    values = [float(n) for n in range(1, 101)]

    assert loadlib.percentile(values, 50) == 50
    assert loadlib.percentile(values, 95) == 95
    assert loadlib.percentile([7.0], 95) == 7
    assert loadlib.percentile([], 50) is None


def test_stats_count_successes_and_errors_per_kind_and_overall():
    stats = loadlib.Stats()
    for ms in (10, 20, 30):
        stats.success("dashboard", ms)
    stats.success("vote", 40)
    stats.error("vote", "HTTP 500 with an error page", 12.0)
    stats.error("vote", "connection error (client saw): RemoteDisconnected", 13.0)

    rows = {row["kind"]: row for row in stats.table()}

    assert rows["dashboard"]["ok"] == 3 and rows["dashboard"]["p50_ms"] == 20
    assert rows["vote"]["errors"] == 2
    assert rows["all"]["ok"] == 4 and rows["all"]["errors"] == 2 and rows["all"]["p95_ms"] == 40
    assert stats.requests == 6


def test_errors_are_counted_by_the_window_they_fall_in():
    log = [(5.0, "vote", "HTTP 500"), (12.0, "read", "reset"), (31.0, "read", "HTTP 500"), (40.0, "vote", "HTTP 500")]

    counted = loadlib.errors_by_window(log, [("server down", 10, 20), ("db restarting", 30, 35)])

    assert counted["server down"] == Counter({"reset": 1})
    assert counted["db restarting"] == Counter({"HTTP 500": 1})
    assert counted["at other times"] == Counter({"HTTP 500": 2})


def test_a_clear_error_is_an_error_status_with_a_page():
    assert loadlib.is_clear_error(500, b"<h1>Server error</h1>")
    assert not loadlib.is_clear_error(500, b"  ")
    assert not loadlib.is_clear_error(200, b"<html>wrong page</html>")


PAGE = """<html><body>
<form method="post" action="/logout/"><input type="hidden" name="csrfmiddlewaretoken" value="x"></form>
<form method="post" enctype="multipart/form-data">
  <input type="hidden" name="csrfmiddlewaretoken" value="tok">
  <input type="hidden" name="area" value="A1">
  <input type="radio" name="r5-answer" value="1"> <input type="radio" name="r5-answer" value="2" checked>
  <input type="radio" name="r6-answer" value="1"><input type="radio" name="r6-answer" value="2">
  <textarea name="r5-comment">
Kept &amp; sent back</textarea>
  <textarea name="r6-comment"></textarea>
  <input type="checkbox" name="flag" value="yes">
  <input type="file" name="r5-evidence">
  <button type="submit" name="next" value="1">Next</button>
</form></body></html>"""


def test_a_form_is_read_as_a_browser_would_send_it():
    form = loadlib.form_with(PAGE, "area")

    assert form is not None
    assert form.value("csrfmiddlewaretoken") == "tok"
    assert form.value("r5-answer") == "2"  # the checked radio only
    assert form.value("r6-answer") is None  # nothing chosen, nothing sent
    assert form.radios == {"r5-answer": ["1", "2"], "r6-answer": ["1", "2"]}
    assert form.value("r5-comment") == "Kept & sent back"  # the newline after <textarea> dropped
    assert form.value("r6-comment") == ""
    assert form.value("flag") is None and form.value("next") is None and form.value("r5-evidence") is None

    form.set("r6-answer", "1")
    form.set("r5-answer", "1")
    assert form.value("r6-answer") == "1" and form.value("r5-answer") == "1"
    assert [name for name, _v in form.fields].count("r5-answer") == 1


def test_multipart_carries_every_field():
    body, content_type = loadlib.multipart([("a", "1"), ("comment", "héllo")])

    boundary = content_type.split("boundary=")[1]
    assert content_type.startswith("multipart/form-data; ")
    assert body.count(f"--{boundary}".encode()) == 3
    assert 'name="comment"\r\n\r\nhéllo\r\n'.encode() in body
    assert body.endswith(f"--{boundary}--\r\n".encode())
