"""Guide pages link to the framework's playbooks and to starter dilemmas: checked when loaded, shown as links."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Playbook
from dilemmas.models import Dilemma
from framework.loader import STAGES, ContentError, load_all
from guide.markdown import render
from guide.models import GuidePage, OrganisationPage
from tests.dilemmas.conftest import make_dilemma
from tests.guide.test_loader import _line_of


def page_url(slug: str) -> str:
    return reverse("guide:page", kwargs={"slug": "hulp", "page": slug})


def dilemma_url(slug: str) -> str:
    code = Dilemma.objects.get(slug=slug).code
    return reverse("dilemmas:dilemma", kwargs={"slug": "hulp", "code": code})


def test_the_guide_loads_after_the_playbooks_and_dilemmas_it_links_to():
    # So the links are checked on the very first load of an empty database, not one load later.
    for kind in ("guide_sections", "guide_page"):
        assert STAGES[kind] > max(STAGES["playbook"], STAGES["playbook_index"], STAGES["dilemma"], STAGES["taxonomy"])


@pytest.mark.django_db
def test_an_unknown_playbook_fails_the_first_load_with_file_and_line(content):
    path = content / "guide" / "handling-a-report-about-a-partner.yaml"
    path.write_text(path.read_text().replace("(playbook:fraud-corruption)", "(playbook:fraud)", 1))
    with pytest.raises(ContentError) as error:
        load_all(content)
    line = _line_of(path, "(playbook:fraud)")
    assert f"guide/handling-a-report-about-a-partner.yaml, line {line} (nl)" in str(error.value)
    assert "broken link 'playbook:fraud'" in str(error.value)
    assert not GuidePage.objects.exists() and not Playbook.objects.exists(), "a bad file changes nothing"


def test_an_unknown_dilemma_fails_with_file_and_line(loaded, content):
    path = content / "guide" / "dilemma-conversations.yaml"
    text = path.read_text()
    english = text.index("\nen:\n")
    # The English text's link: the error names the English line.
    path.write_text(text[:english] + text[english:].replace("(dilemma:per-diems)", "(dilemma:per-diem)"))
    with pytest.raises(ContentError) as error:
        load_all(content)
    line = _line_of(path, "(dilemma:per-diem)")
    assert f"guide/dilemma-conversations.yaml, line {line} (en): broken link 'dilemma:per-diem'" in str(error.value)


def test_framework_pages_name_a_dilemma_by_its_slug_not_a_code(loaded, content):
    code = Dilemma.objects.get(slug="per-diems").code
    path = content / "guide" / "dilemma-conversations.yaml"
    path.write_text(path.read_text().replace("(dilemma:per-diems)", f"(dilemma:{code})", 1))
    with pytest.raises(ContentError, match=r"dilemma-conversations.yaml, line \d+ \(nl\): .*by its slug"):
        load_all(content)


@pytest.mark.parametrize(
    ("kind", "old", "new"),
    [("playbook", "playbook: [safeguarding]", "playbook: [safe-guarding]"), ("dilemma", "per-diems,", "per-dime,")],
)
def test_an_unknown_related_item_fails_with_file_and_line(loaded, content, kind, old, new):
    name = "psea-with-partners" if kind == "playbook" else "dilemma-conversations"
    path = content / "guide" / f"{name}.yaml"
    path.write_text(path.read_text().replace(old, new, 1))
    target = new.split("[")[-1].strip("],")
    line = _line_of(path, "related:") + 1  # the related lists' first line
    with pytest.raises(
        ContentError, match=rf"guide/{name}.yaml, line {line}: related {kind} '{target}' does not exist"
    ):
        load_all(content)


def test_a_retired_playbook_is_a_broken_link(loaded, content):
    Playbook.objects.filter(organisation__isnull=True, code="interpersonal").update(retired=True)
    from guide.loader import unresolved

    problems = unresolved()
    assert "guide/reporting-procedure.yaml (nl): broken link 'playbook:interpersonal'" in problems
    assert "guide/protecting-reporter-and-reported.yaml: related playbook 'interpersonal'" in problems


def test_playbook_and_dilemma_links_render_to_their_pages(loaded):
    html = render(
        "[a](playbook:safeguarding) [b](dilemma:per-diems) [c](dilemma:no-such-dilemma) [d](playbook:a%20b)", "hulp"
    )
    assert '<a href="/framework/playbooks/safeguarding/" rel="noopener noreferrer">a</a>' in html
    assert f'<a href="{dilemma_url("per-diems")}" rel="noopener noreferrer">b</a>' in html
    # A link to nothing keeps its text only.
    assert '<a rel="noopener noreferrer">c</a>' in html and '<a rel="noopener noreferrer">d</a>' in html


@pytest.mark.django_db
def test_a_dilemma_named_by_its_code_links_to_it_without_a_query(django_assert_num_queries):
    code = uuid.uuid4()
    with django_assert_num_queries(0):
        html = render(f"[mine](dilemma:{code}) [a](playbook:general)", "hulp")
    assert f'href="/o/hulp/dilemmas/{code}/"' in html


def test_the_shipped_pages_link_the_playbooks_and_dilemmas(people, loaded, english):
    client = people.client("member")
    text = client.get(page_url("handling-a-report-about-a-partner")).content.decode()
    for code in ("general", "fraud-corruption", "safeguarding"):
        assert f'href="{reverse("public_playbook", kwargs={"code": code})}"' in text
    assert f'href="{dilemma_url("whistleblower-at-a-partner")}"' in text
    # Every link and related item of every page opens.
    for page in GuidePage.objects.active():
        for target in page.related_playbook:
            assert client.get(reverse("public_playbook", kwargs={"code": target})).status_code == 200
        for target in page.related_dilemma:
            assert client.get(dilemma_url(target)).status_code == 200, f"{page.slug} → {target}"
    linked = {p.slug for p in GuidePage.objects.active() if "](playbook:" in p.body_nl and "](playbook:" in p.body_en}
    assert {
        "handling-a-report-about-a-partner", "reporting-procedure", "care-for-those-affected",
        "notifying-donors-and-cbf", "protecting-reporter-and-reported", "psea-with-partners",
    } <= linked  # fmt: skip
    conversations = GuidePage.objects.get(slug="dilemma-conversations")
    assert 3 <= len(conversations.related_dilemma) <= 6
    assert conversations.body_nl.count("](dilemma:") == conversations.body_en.count("](dilemma:") >= 3


def test_a_page_shows_its_related_playbooks_and_dilemmas(people, loaded, english):
    text = people.client("viewer").get(page_url("psea-with-partners")).content.decode()
    related = text[text.index('id="related"') :]
    assert "Playbooks for handling a case" in related and "Dilemmas to discuss" in related
    assert f'<a href="{reverse("public_playbook", kwargs={"code": "safeguarding"})}">Sexual exploitation' in related
    assert f'<a href="{dilemma_url("relationship-with-a-participant")}">A relationship with someone' in related


def test_a_related_dilemma_that_left_the_library_is_not_shown(people, loaded, english):
    Dilemma.objects.filter(slug="relationship-with-a-participant").update(retired=True)
    text = people.client("viewer").get(page_url("psea-with-partners")).content.decode()
    assert "A relationship with someone" not in text[text.index('id="related"') :]
    assert "Food aid in exchange for sex" in text


def test_a_page_without_related_playbooks_or_dilemmas_asks_nothing_of_them(people, loaded):
    client = people.client("member")
    client.get(page_url("building-an-integrity-system"))  # warm the session
    page = GuidePage.objects.get(slug="building-an-integrity-system")
    assert not page.related_playbook and not page.related_dilemma and "](dilemma:" not in page.body_nl
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page_url("building-an-integrity-system"))
    assert response.status_code == 200
    assert not [q["sql"] for q in queries if "cases_playbook" in q["sql"] or "dilemmas_dilemma" in q["sql"]]


# --- Organisations' own pages ----------------------------------------------------------------------------


def add_page(people, body: str):
    return people.client("officer").post(
        reverse("guide:page_add", kwargs={"slug": "hulp"}), {"title": "Our way", "summary": "", "body": body}
    )


def test_own_pages_link_playbooks_starter_dilemmas_and_the_organisations_dilemmas(people, loaded, english):
    mine = make_dilemma(people.org, people.member, title_en="Rice from a cousin")
    body = (
        "Use the [playbook](playbook:safeguarding).\n\n"
        f"Discuss [per diems](dilemma:per-diems) and [ours](dilemma:{mine.code})."
    )
    assert add_page(people, body).status_code == 302
    page = OrganisationPage.objects.get()
    text = people.client("viewer").get(reverse("guide:organisation_page", kwargs={"slug": "hulp", "code": page.code}))
    html = text.content.decode()
    assert 'href="/framework/playbooks/safeguarding/"' in html
    assert f'href="{dilemma_url("per-diems")}"' in html
    assert f'href="/o/hulp/dilemmas/{mine.code}/"' in html


@pytest.mark.parametrize(
    ("body", "line", "href"),
    [
        ("A [playbook](playbook:no-such-playbook).", 1, "playbook:no-such-playbook"),
        ("First\n\nA [dilemma](dilemma:no-such-dilemma).", 3, "dilemma:no-such-dilemma"),
        ("A [page](guide:no-such-page).", 1, "guide:no-such-page"),
    ],
)
def test_own_pages_refuse_links_to_nothing_with_the_line(people, loaded, english, body, line, href):
    response = add_page(people, body)
    assert response.status_code == 400
    text = response.content.decode()
    assert f"Line {line}: the link “{href}” points at nothing in Samen" in text
    assert not OrganisationPage.objects.exists()


def test_own_pages_may_not_link_another_organisations_private_dilemma(people, loaded, english):
    theirs = make_dilemma(people.other_org, people.outsider, title_en="Theirs, not shared")
    response = add_page(people, f"See [theirs](dilemma:{theirs.code}).")
    assert response.status_code == 400 and "points at nothing in Samen" in response.content.decode()
