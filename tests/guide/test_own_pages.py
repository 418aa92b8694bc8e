"""An organisation's own guide pages: written by admins, officers and managers, read by members, shared by consent."""

from django.urls import reverse

from guide.models import OrganisationPage
from organisations.models import Consent


def url(name: str, page: OrganisationPage | None = None, slug: str = "hulp") -> str:
    kwargs = {"slug": slug, **({"code": page.code} if page else {})}
    return reverse(f"guide:{name}", kwargs=kwargs)


def make_page(people, **fields) -> OrganisationPage:
    values = {"title": "Our confidential advisers", "body": "Call **Anna** on 010 123 4567.\n", **fields}
    return OrganisationPage.objects.create(organisation=people.org, created_by=people.admin, **values)


def test_an_officer_adds_a_page_members_read_it(people, english):
    response = people.client("officer").post(
        url("page_add"), {"title": " Our  advisers ", "summary": "Who to call", "body": "## Anna\n\nCall her."}
    )
    page = OrganisationPage.objects.get()
    assert response.status_code == 302 and response.url == url("organisation_page", page)
    assert page.title == "Our advisers" and page.created_by == people.officer
    text = people.client("viewer").get(url("organisation_page", page)).content.decode()
    assert "<h2>Anna</h2>" in text and "Our advisers" in text
    assert "Our advisers" in people.client("member").get(url("guide")).content.decode()


def test_a_manager_changes_a_page(people):
    page = make_page(people)
    response = people.client("manager").post(url("page_edit", page), {"title": "Advisers", "body": "New text"})
    assert response.status_code == 302
    page.refresh_from_db()
    assert (page.title, page.body, page.updated_by) == ("Advisers", "New text\n", people.manager)


def test_members_and_viewers_may_not_write(people):
    page = make_page(people)
    for persona in ("member", "viewer"):
        client = people.client(persona)
        assert client.get(url("page_add")).status_code == 403
        assert client.post(url("page_add"), {"title": "x", "body": "y"}).status_code == 403
        assert client.post(url("page_edit", page), {"title": "x", "body": "y"}).status_code == 403
        assert client.post(url("page_delete", page)).status_code == 403
    assert OrganisationPage.objects.get().title == "Our confidential advisers"


def test_bad_input_keeps_what_was_typed(people, english):
    response = people.client("admin").post(
        url("page_add"), {"title": "Our contacts", "body": "See [the file](ftp://files.example/x) <script>x</script>"}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "is not allowed" in text and "Our contacts" in text and "ftp://files.example/x" in text
    assert "<script>x" not in text  # the preview and the textarea escape it
    assert not OrganisationPage.objects.exists()
    response = people.client("admin").post(url("page_add"), {"title": "", "body": "   "})
    assert response.status_code == 400 and not OrganisationPage.objects.exists()


def test_script_in_a_page_is_shown_as_text(people):
    page = make_page(people, body='<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror="alert(1)">')
    text = people.client("member").get(url("organisation_page", page)).content.decode()
    assert "&lt;script&gt;alert(1)" in text and "<script>alert" not in text
    assert "&lt;img src=x" in text and "<img src=x" not in text
    assert 'href="javascript' not in text


def test_deleting_a_page_revokes_its_shares(people):
    page = make_page(people)
    consent = Consent.objects.create(
        organisation=people.org, subject=page.subject, scope=Consent.Scope.SECTOR, given_by=people.admin
    )
    assert people.client("manager").post(url("page_delete", page)).status_code == 302
    assert not OrganisationPage.objects.exists()
    consent.refresh_from_db()
    assert consent.revoked_at is not None


def test_outsiders_get_404_until_a_page_is_shared_and_again_after_revoking(people, english):
    page = make_page(people)
    outsider = people.client("outsider")
    shared_url = url("organisation_page", page, slug="ander")
    assert outsider.get(shared_url).status_code == 404
    assert outsider.get(url("organisation_page", page)).status_code == 404

    response = people.client("manager").post(
        url("page_share", page), {"scope": "organisation", "to_organisation": str(people.other_org.code), "q": "Ander"}
    )
    assert response.status_code == 302, response.content.decode()
    consent = Consent.objects.get(subject=page.subject)
    response = outsider.get(shared_url)
    assert response.status_code == 200
    assert "Hulp Zonder Grenzen shares this page with you" in response.content.decode()
    assert "Our confidential advisers" in outsider.get(url("guide", slug="ander")).content.decode()
    # Read-only: the receiving organisation's admin cannot change or delete it.
    assert outsider.post(url("page_edit", page, slug="ander"), {"title": "x", "body": "y"}).status_code == 403
    assert outsider.post(url("page_delete", page, slug="ander")).status_code == 403

    consent.revoke(people.admin)
    assert outsider.get(shared_url).status_code == 404
    assert "Our confidential advisers" not in outsider.get(url("guide", slug="ander")).content.decode()


def test_a_consent_from_another_organisation_does_not_open_a_page(people):
    page = make_page(people)
    # Ander Fonds "shares" Hulp's page with itself by naming its code: that covers none of Hulp's pages.
    Consent.objects.create(
        organisation=people.other_org, subject=page.subject, scope=Consent.Scope.SECTOR, given_by=people.outsider
    )
    client = people.client("outsider")
    assert client.get(url("organisation_page", page, slug="ander")).status_code == 404
    assert "Our confidential advisers" not in client.get(url("guide", slug="ander")).content.decode()


def test_the_sharing_page_links_to_the_shared_page(people):
    page = make_page(people)
    consent = Consent.objects.create(
        organisation=people.org,
        subject=page.subject,
        scope=Consent.Scope.ORGANISATION,
        to_organisation=people.other_org,
        given_by=people.admin,
    )
    response = people.client("outsider").get(
        reverse("organisations:shared", kwargs={"slug": "ander", "code": consent.code})
    )
    assert response.status_code == 302 and response.url == url("organisation_page", page, slug="ander")
