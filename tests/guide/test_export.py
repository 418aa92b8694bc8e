"""The guide's list of pages as CSV: the guide's pages, our own and those shared with us, nothing unshared."""

import csv
import io

from django.urls import reverse

from audit.models import Entry, Event
from guide.models import GuidePage, OrganisationPage
from organisations.models import Consent
from samen.csv_export import BOM


def url(name: str = "guide_csv", slug: str = "hulp") -> str:
    return reverse(f"guide:{name}", kwargs={"slug": slug})


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[1:])))


def own_page(organisation, by, title: str) -> OrganisationPage:
    return OrganisationPage.objects.create(organisation=organisation, created_by=by, title=title, body="Text.\n")


def test_the_download_lists_the_guide_our_pages_and_shared_ones_only(people, loaded, english):
    own_page(people.org, people.admin, "Our confidential advisers")
    shared = own_page(people.other_org, people.outsider, "Ander's procedure")
    own_page(people.other_org, people.outsider, "Ander's private page")
    Consent.objects.create(
        organisation=people.other_org,
        subject=shared.subject,
        scope=Consent.Scope.ORGANISATION,
        to_organisation=people.org,
        given_by=people.outsider,
    )
    response = people.client("viewer").get(url())
    assert response["Content-Disposition"].startswith('attachment; filename="hulp-guide-pages-')
    rows = read_csv(response)
    assert rows[0] == ["Section", "Page", "Summary", "Source", "Updated on"]
    guide_rows = [r for r in rows[1:] if r[3] == "Samen guide"]
    assert len(guide_rows) == GuidePage.objects.active().count() > 0
    assert ["Our confidential advisers", "Hulp Zonder Grenzen"] in [[r[1], r[3]] for r in rows]
    assert ["Ander's procedure", "Shared by Ander Fonds"] in [[r[1], r[3]] for r in rows]
    assert "Ander's private page" not in response.content.decode()


def test_a_title_that_looks_like_a_formula_is_neutralised(people, english):
    own_page(people.org, people.admin, "=IMPORTXML(1)")
    rows = read_csv(people.client("member").get(url()))
    assert [r[1] for r in rows[1:]] == ["'=IMPORTXML(1)"]


def test_the_page_links_to_the_download_which_is_audited(people, english):
    own_page(people.org, people.admin, "Our confidential advisers")
    assert "Download the list of pages as CSV" in people.client("viewer").get(url("guide")).content.decode()
    people.client("viewer").get(url())
    entry = Entry.objects.get(event=Event.EXPORT)
    assert (entry.actor, entry.organisation, entry.target) == ("viewer@hulp.example", "hulp", "guide pages")
    assert entry.detail == {"format": "csv", "rows": 1}


def test_no_link_when_there_is_nothing_and_outsiders_get_404(people, english):
    assert "Download the list of pages as CSV" not in people.client("viewer").get(url("guide")).content.decode()
    assert people.client("outsider").get(url()).status_code == 404
    assert people.client("anonymous").get(url()).status_code == 302
