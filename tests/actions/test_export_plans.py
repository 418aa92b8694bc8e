"""The list of plans as CSV: every plan the page lists (all of them, not one page), nothing of others."""

import csv
import io
from datetime import timedelta

from django.utils import timezone

from actions.models import Action, ActionPlan
from audit.models import Entry, Event
from samen.csv_export import BOM
from tests.actions.helpers import client_for, url


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_download_lists_our_plans_with_their_progress(people, partner, plan):
    yesterday = timezone.localdate() - timedelta(days=1)
    plan.add_action(title="Code of conduct", by=people.manager)
    done = plan.add_action(title="Reporting channel", by=people.manager)
    Action.objects.filter(pk=done.pk).update(status="done")
    plan.add_action(title="Late", due_on=yesterday, by=people.manager)
    ActionPlan.start(organisation=partner.org, title="Their own plan", by=partner.admin)
    ActionPlan.start(organisation=people.other_org, title="Not ours", by=None)

    response = people.client("viewer").get(url("plans_csv", people.org))
    assert response["Content-Disposition"].startswith('attachment; filename="hulp-action-plans-')
    rows = read_csv(response)
    assert rows[0][:4] == ["Plan", "Source", "Started on", "Shared with"]
    assert rows[1:] == [
        [
            "Safeguarding 2026",
            "Started by hand",
            plan.created_at.date().isoformat(),
            "Kampala Women's Network",
            "1",
            "3",
            "0",
            "1",
        ]
    ]
    # The partner sees the co-owned plan too, with us as the other owner.
    theirs = read_csv(client_for(partner.viewer).get(url("plans_csv", partner.org)))
    assert sorted((r[0], r[3]) for r in theirs[1:]) == [
        ("Safeguarding 2026", "Hulp Zonder Grenzen"),
        ("Their own plan", "Only us"),
    ]


def test_all_plans_not_one_page(people):
    for n in range(30):
        ActionPlan.start(organisation=people.org, title=f"Plan {n}", by=None)
    assert len(read_csv(people.client("member").get(url("plans_csv", people.org)))) == 31


def test_a_title_that_looks_like_a_formula_is_neutralised(people):
    ActionPlan.start(organisation=people.org, title="=cmd|' /C calc'!A0", by=None)
    rows = read_csv(people.client("member").get(url("plans_csv", people.org)))
    assert rows[1][0] == "'=cmd|' /C calc'!A0"


def test_the_page_links_to_the_download_which_is_audited(people, plan):
    assert b"Download CSV" in people.client("viewer").get(url("plans", people.org)).content
    people.client("viewer").get(url("plans_csv", people.org))
    entry = Entry.objects.get(event=Event.EXPORT)
    assert (entry.actor, entry.organisation, entry.target) == ("viewer@hulp.example", "hulp", "action plans")
    assert entry.detail == {"format": "csv", "rows": 1}


def test_no_link_on_an_empty_list_and_outsiders_get_404(people):
    assert b"Download CSV" not in people.client("viewer").get(url("plans", people.org)).content
    assert people.client("outsider").get(url("plans_csv", people.org)).status_code == 404
    assert people.client("anonymous").get(url("plans_csv", people.org)).status_code == 302
