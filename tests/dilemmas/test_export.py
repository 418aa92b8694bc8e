"""The library and "Dilemmas of …" as CSV: what the pages list, with the library's search and filters."""

import csv
import io

from django.urls import reverse
from django.utils import translation

from accounts.models import User
from audit.models import Entry, Event
from dilemmas.models import Context, Status
from dilemmas.views.library import topic_names
from samen.csv_export import BOM
from tests.dilemmas.conftest import make_dilemma


def url(name: str, slug: str = "hulp") -> str:
    return reverse(f"dilemmas:{name}", kwargs={"slug": slug})


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_library_download_lists_what_we_may_see_with_the_search(people, english):
    make_dilemma(people.org, people.member, title_en="Our cousin supplies the rice")
    make_dilemma(
        people.org,
        people.member,
        title_en="A gift from the mayor",
        situation_en="The mayor offers a gift.",
        context=Context.SUPPLIER,
    )
    make_dilemma(people.org, people.member, title_en="My own draft", status=Status.DRAFT)
    make_dilemma(people.other_org, people.outsider, title_en="Their unshared dilemma")

    response = people.client("viewer").get(url("library_csv"))
    assert response["Content-Disposition"].startswith('attachment; filename="hulp-dilemmas-')
    rows = read_csv(response)
    assert rows[0] == ["Dilemma", "Question", "Where it arises", "Source", "Languages", "Topics", "Published"]
    assert sorted(r[0] for r in rows[1:]) == ["A gift from the mayor", "Our cousin supplies the rice"]
    assert {r[3] for r in rows[1:]} == {"Hulp Zonder Grenzen"}

    searched = read_csv(people.client("viewer").get(url("library_csv"), {"q": "cousin"}))
    assert [r[0] for r in searched[1:]] == ["Our cousin supplies the rice"]
    by_context = read_csv(people.client("viewer").get(url("library_csv"), {"context": Context.SUPPLIER}))
    assert [r[0] for r in by_context[1:]] == ["A gift from the mayor"]


def test_every_match_not_one_page_and_formulas_are_neutralised(people, english):
    for n in range(25):
        make_dilemma(people.org, people.member, title_en=f"Dilemma {n:02d}")
    make_dilemma(people.org, people.member, title_en="=HYPERLINK(1)")
    rows = read_csv(people.client("member").get(url("library_csv")))
    assert len(rows) == 27
    assert "'=HYPERLINK(1)" in [r[0] for r in rows]
    ours = read_csv(people.client("member").get(url("ours_csv")))
    assert len(ours) == 27
    assert "'=HYPERLINK(1)" in [r[0] for r in ours]


def test_our_dilemmas_download_holds_the_published_ones_only(people, english):
    make_dilemma(people.org, people.member, title_en="Published one")
    make_dilemma(people.org, people.member, title_en="A draft", status=Status.DRAFT)
    make_dilemma(people.org, people.manager, title_en="Submitted", status=Status.SUBMITTED)
    make_dilemma(people.other_org, people.outsider, title_en="Theirs")
    response = people.client("officer").get(url("ours_csv"))
    assert response["Content-Disposition"].startswith('attachment; filename="hulp-our-dilemmas-')
    rows = read_csv(response)
    assert rows[0] == ["Dilemma", "Where it arises", "Published", "Shared", "Sector review"]
    assert [r[0] for r in rows[1:]] == ["Published one"]
    assert rows[1][3] == "no"


def test_the_pages_link_to_the_downloads_which_are_audited(people, english):
    make_dilemma(people.org, people.member, title_en="Our cousin supplies the rice")
    library = people.client("viewer").get(url("library"), {"q": "cousin", "page": "1"}).content.decode()
    assert f'href="{url("library_csv")}?q=cousin"' in library
    assert "Download CSV" in people.client("viewer").get(url("ours")).content.decode()
    people.client("viewer").get(url("library_csv"), {"q": "cousin"})
    entry = Entry.objects.get(event=Event.EXPORT)
    assert (entry.actor, entry.organisation, entry.target) == ("viewer@hulp.example", "hulp", "dilemma library")
    assert entry.detail == {"format": "csv", "rows": 1}


def test_no_link_when_nothing_is_listed_and_outsiders_get_404(people, english):
    assert "Download CSV" not in people.client("viewer").get(url("library")).content.decode()
    assert "Download CSV" not in people.client("viewer").get(url("ours")).content.decode()
    for name in ("library_csv", "ours_csv"):
        assert people.client("outsider").get(url(name)).status_code == 404
        assert people.client("anonymous").get(url(name)).status_code == 302


def test_the_downloads_write_their_labels_in_the_readers_language(people):
    """Where a dilemma arises and its languages, as the reader reads them (samen.choices.labels)."""
    User.objects.update(language="nl")
    make_dilemma(people.org, people.member, title_en="A gift from the mayor", context=Context.SUPPLIER)
    library = read_csv(people.client("viewer").get(url("library_csv")))
    assert library[0][2] == "Waar het speelt"
    assert library[1][2:5:2] == ["Met een leverancier", "Engels"]
    ours = read_csv(people.client("viewer").get(url("ours_csv")))
    assert ours[1][1] == "Met een leverancier"
    User.objects.update(language="en")
    library = read_csv(people.client("viewer").get(url("library_csv")))
    assert library[1][2:5:2] == ["With a supplier", "English"]


def test_the_topics_are_named_as_the_dilemma_names_them(people, taxonomy):
    """The cards and the CSV read the topics in one query (views.library.topic_names): the same names, in the
    same order (types, then sub-types, each in the taxonomy's order), as the dilemma's own page, in either
    language, with nothing for a dilemma without topics."""
    tagged = make_dilemma(
        people.org,
        people.member,
        title_en="Tagged",
        tags=["misuse-of-funds", "interpersonal", "corruption", "financial", "bullying"],
    )
    bare = make_dilemma(people.org, people.member, title_en="Bare")
    assert tagged.types.count() and tagged.subtypes.count()  # both kinds of topic are in the test
    for language in ("nl", "en"):
        with translation.override(language):
            assert topic_names([tagged, bare]) == {tagged.pk: [str(tag.name) for tag in tagged.tags]}
        User.objects.update(language=language)
        with translation.override(language):
            expected = ", ".join(str(tag.name) for tag in tagged.tags)
        rows = {r[0]: r[5] for r in read_csv(people.client("viewer").get(url("library_csv")))[1:]}
        assert rows == {"Tagged": expected, "Bare": ""}
        cards = people.client("viewer").get(url("library")).context["cards"]
        assert {card.title: card.tags for card in cards} == {"Tagged": expected.split(", "), "Bare": []}
