"""The list of health checks as CSV: every check both sides see (all of them, not one page), nothing of others."""

import csv
import io

from django.urls import reverse
from django.utils import timezone

from audit.models import Entry, Event
from health.models import Schedule
from samen.csv_export import BOM
from tests.health.conftest import page, start_round


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[1:])))


def _check(people, partnership, title: str, organisation=None) -> Schedule:
    return Schedule.objects.create(
        organisation=organisation or people.org,
        partnership=partnership,
        title=title,
        kind=Schedule.Kind.FORMAL,
        interval_months=6,
        next_due_on=timezone.localdate(),
        created_by=None,
    )


def test_the_download_lists_the_checks_of_the_page(people, partner, schedule):
    start_round(schedule, [(people.member, people.org)], by=people.manager)
    from organisations.models import Partnership

    theirs = Partnership.objects.create(organisation=people.other_org, partner=partner.org, kind="funding")
    _check(people, theirs, "Not ours", organisation=people.other_org)

    response = page(people, "viewer", "checks_csv")
    assert response["Content-Disposition"].startswith('attachment; filename="hulp-health-checks-')
    rows = read_csv(response)
    assert rows[0][:3] == ["Check", "Kind", "Partnership or alliance"]
    assert rows[1:] == [
        [
            "Hulp and Kampala",
            "Informal check (about every two months)",
            "Hulp Zonder Grenzen — Kampala Women's Network",
            "1",
            "yes",
            timezone.localdate().isoformat(),
            "no",
        ]
    ]
    # The partner's people see the check too.
    client = people.client("anonymous")
    client.force_login(partner.viewer)
    kampala = read_csv(client.get(reverse("health:checks_csv", kwargs={"slug": "kampala"})))
    assert sorted(r[0] for r in kampala[1:]) == ["Hulp and Kampala", "Not ours"]


def test_all_checks_not_one_page_and_formulas_are_neutralised(people, partner):
    for n in range(30):
        _check(people, partner.partnership, f"Check {n:02d}")
    _check(people, partner.partnership, "=1+1")
    rows = read_csv(page(people, "member", "checks_csv"))
    assert len(rows) == 32
    assert "'=1+1" in [r[0] for r in rows]
    assert "=1+1" not in [r[0] for r in rows]


def test_the_page_links_to_the_download_which_is_audited(people, schedule):
    assert "Download CSV" in page(people, "viewer", "checks").content.decode()
    page(people, "viewer", "checks_csv")
    entry = Entry.objects.get(event=Event.EXPORT)
    assert (entry.actor, entry.organisation, entry.target) == ("viewer@hulp.example", "hulp", "health checks")
    assert entry.detail == {"format": "csv", "rows": 1}


def test_no_link_on_an_empty_list_and_outsiders_get_404(people):
    assert "Download CSV" not in page(people, "viewer", "checks").content.decode()
    assert page(people, "outsider", "checks_csv").status_code == 404
    assert page(people, "anonymous", "checks_csv").status_code == 302
