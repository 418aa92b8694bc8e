"""A PDF made by the worker, in the browser (ADR 0022): the link leads to a page that shows the file being made,
htmx swaps in the download when the worker is done (the test plays the worker), and the file downloads."""

from pathlib import Path

from django.urls import reverse

from actions.models import ActionPlan
from documents.models import Document
from documents.tasks import make_document
from tests.conftest import PASSWORD


def test_a_pdf_is_followed_until_it_is_ready_and_then_downloaded(people, browse, queued_tasks, english):
    plan = ActionPlan.start(organisation=people.org, title="Safeguarding 2026", by=people.manager)
    plan.add_action(title="Appoint a confidential adviser", owner=people.officer, by=people.manager)
    browse.log_in(people.member.email, PASSWORD)

    browse.goto(reverse("actions:plan", kwargs={"slug": people.org.slug, "code": plan.code}))
    browse.follow(f"main a[href='{reverse('actions:plan_pdf', kwargs={'slug': people.org.slug, 'code': plan.code})}']")
    document = Document.objects.get()
    assert browse.path == reverse("documents:document", kwargs={"slug": people.org.slug, "code": document.code})
    assert "The file is being made" in browse.text()

    make_document.call(str(document.code))
    link = browse.page.locator("main a[href$='/download/']")
    link.wait_for()  # htmx asks every second and swaps the ready state in
    browse.check()
    assert "The file is ready" in browse.text() and "hx-trigger" not in browse.page.inner_html("main")
    with browse.page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.startswith("action-plan-safeguarding-2026-")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
