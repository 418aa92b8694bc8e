"""Long downloads made by the worker (documents/background.py): the page of progress, the file, and who sees it.

The tests' task backend runs work at once; here (`queued_tasks`) the work is only queued, and the test plays the
worker (`make_document.call`) between the request and the page, as `manage.py db_worker` would.
"""

import datetime
import io
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from actions.models import ActionPlan
from audit.models import Entry
from documents.models import Document
from documents.tasks import file_name, make_document


@pytest.fixture
def plan(people):
    plan = ActionPlan.start(organisation=people.org, title="Safeguarding 2026", by=people.manager)
    plan.add_action(title="Appoint a confidential adviser", owner=people.officer, by=people.manager)
    return plan


def pdf_url(people, plan) -> str:
    return reverse("actions:plan_pdf", kwargs={"slug": people.org.slug, "code": plan.code})


def page_url(people, document) -> str:
    return reverse("documents:document", kwargs={"slug": people.org.slug, "code": document.code})


def download_url(people, document) -> str:
    return reverse("documents:download", kwargs={"slug": people.org.slug, "code": document.code})


def test_with_a_worker_the_person_waits_on_a_page_then_downloads_the_file(people, plan, queued_tasks, english):
    client = people.client("member")
    response = client.get(pdf_url(people, plan))
    document = Document.objects.get()
    assert response.status_code == 302 and response["Location"] == page_url(people, document)
    assert (document.requested_by, document.organisation, document.status) == (people.member, people.org, "waiting")
    assert not Entry.objects.filter(event="export").exists()  # nothing is made yet, so nothing was exported

    waiting = client.get(page_url(people, document))
    assert waiting.status_code == 200 and waiting["Cache-Control"] == "no-store"
    assert b"The file is being made" in waiting.content and b'hx-trigger="every 1s"' in waiting.content
    assert client.get(download_url(people, document)).status_code == 404

    assert make_document.call(str(document.code)) == "ready"
    document.refresh_from_db()
    assert document.name.startswith("action-plan-safeguarding-2026-") and document.name.endswith(".pdf")
    fragment = client.get(page_url(people, document), headers={"hx-request": "true"})
    assert b"The file is ready" in fragment.content and b"hx-trigger" not in fragment.content
    assert "HX-Request" in fragment["Vary"]

    file = client.get(download_url(people, document))
    assert file.status_code == 200 and file["Content-Type"] == "application/pdf"
    assert file.content.startswith(b"%PDF-") and len(file.content) > 5000
    assert f'filename="{document.name}"' in file["Content-Disposition"]
    # The view's own audit record, once, when the worker made the file, for the person who asked.
    entry = Entry.objects.get(event="export")
    assert (entry.actor, entry.detail) == (people.member.email, {"format": "pdf"})


def test_a_task_delivered_twice_makes_the_file_once(people, plan, queued_tasks):
    people.client("member").get(pdf_url(people, plan))
    code = str(Document.objects.get().code)
    assert make_document.call(code) == "ready"
    assert make_document.call(code) == "taken"
    assert Entry.objects.filter(event="export").count() == 1


def test_the_worker_speaks_the_language_of_the_request(people, plan, queued_tasks):
    people.member.language = "nl"
    people.member.save()
    people.client("member").get(pdf_url(people, plan))
    document = Document.objects.get()
    assert document.language == "nl"
    make_document.call(str(document.code))
    document.refresh_from_db()
    assert document.name.startswith("action-plan-safeguarding-2026-")
    page = people.client("member").get(page_url(people, document))
    assert b"Het bestand is klaar" in page.content
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed: the PDF's language is not read")
    pdf = people.client("member").get(download_url(people, document)).content
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Actieplan" in text and "Action plan" not in text


def test_only_the_person_who_asked_sees_the_page_and_the_file(people, plan, queued_tasks):
    people.client("member").get(pdf_url(people, plan))
    document = Document.objects.get()
    make_document.call(str(document.code))
    for persona in ("viewer", "manager", "officer", "admin", "outsider"):
        client = people.client(persona)
        assert client.get(page_url(people, document)).status_code == 404, persona
        assert client.get(download_url(people, document)).status_code == 404, persona
    assert people.client("anonymous").get(download_url(people, document)).status_code == 302


def test_an_outsider_is_refused_at_once_and_nothing_is_queued(people, plan, queued_tasks):
    assert people.client("outsider").get(pdf_url(people, plan)).status_code == 404
    assert not Document.objects.exists()


def test_what_changed_before_the_worker_came_is_said_plainly(people, plan, queued_tasks, english):
    client = people.client("member")
    client.get(pdf_url(people, plan))
    gone = Document.objects.get()
    plan.delete()
    assert make_document.call(str(gone.code)) == "failed"
    gone.refresh_from_db()
    assert gone.refused_with == 404 and gone.body is None
    page = client.get(page_url(people, gone))
    assert b"no longer exists, or you may no longer see it" in page.content
    assert client.get(download_url(people, gone)).status_code == 404


def test_someone_who_left_the_organisation_gets_no_file(people, plan, queued_tasks):
    people.client("member").get(pdf_url(people, plan))
    document = Document.objects.get()
    people.member.memberships.all().delete()
    assert make_document.call(str(document.code)) == "failed"
    document.refresh_from_db()
    assert document.refused_with == 404 and document.body is None


def test_documents_are_deleted_an_hour_after_they_are_made(people, plan, queued_tasks):
    client = people.client("member")
    client.get(pdf_url(people, plan))
    old = Document.objects.get()
    make_document.call(str(old.code))
    Document.objects.filter(pk=old.pk).update(finished_at=timezone.now() - datetime.timedelta(minutes=61))
    client.get(pdf_url(people, plan))
    new = Document.objects.exclude(pk=old.pk).get()
    make_document.call(str(new.code))
    assert list(Document.objects.all()) == [new]


def test_without_a_worker_the_download_answers_as_before(people, plan):
    response = people.client("member").get(pdf_url(people, plan))
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ('attachment; filename="plan.pdf"', "plan.pdf"),
        ("attachment; filename*=utf-8''jaarverslag%20%C3%A9%C3%A9n.pdf", "jaarverslag één.pdf"),
        ("attachment", ""),
    ],
)
def test_the_file_name_is_read_from_the_view_s_answer(header, name):
    assert file_name(header) == name


def test_a_document_long_in_waiting_says_the_worker_may_not_run(people, plan, queued_tasks, english):
    client = people.client("member")
    client.get(pdf_url(people, plan))
    document = Document.objects.get()
    assert b"taking much longer" not in client.get(page_url(people, document)).content
    Document.objects.filter(pk=document.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=3))
    page = client.get(page_url(people, document)).content
    assert b"taking much longer than usual" in page and pdf_url(people, plan).encode() in page


def test_an_address_too_long_to_keep_is_answered_in_the_request(people, plan, queued_tasks):
    response = people.client("member").get(pdf_url(people, plan) + "?" + "x" * 2100)
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert not Document.objects.exists()


def test_an_expired_document_is_no_longer_shown_and_the_hourly_job_deletes_it(people, plan, queued_tasks):
    client = people.client("member")
    client.get(pdf_url(people, plan))
    document = Document.objects.get()
    make_document.call(str(document.code))
    assert client.get(download_url(people, document)).status_code == 200
    Document.objects.filter(pk=document.pk).update(finished_at=timezone.now() - datetime.timedelta(minutes=61))
    # Not deleted yet, and already gone for the person: an hour is an hour whether or not a job ran.
    assert client.get(download_url(people, document)).status_code == 404
    assert client.get(page_url(people, document)).status_code == 404
    out = io.StringIO()
    call_command("purge_documents", stdout=out)
    assert out.getvalue().strip() == "1 document(s) deleted." and not Document.objects.exists()


def test_the_page_links_back_to_the_page_of_samen_it_was_asked_from(people, plan, queued_tasks, english):
    client = people.client("member")
    plan_page = reverse("actions:plan", kwargs={"slug": people.org.slug, "code": plan.code}) + "?status=open"
    client.get(pdf_url(people, plan), headers={"referer": f"http://testserver{plan_page}"})
    client.get(pdf_url(people, plan), headers={"referer": f"https://elsewhere.example{plan_page}"})
    ours, theirs = Document.objects.order_by("pk")
    assert (ours.came_from, theirs.came_from) == (plan_page, "")
    page = client.get(page_url(people, ours)).content.decode()
    assert f'<a href="{plan_page.replace("&", "&amp;")}">Back to the page you came from</a>' in page
    assert "Back to the page you came from" not in client.get(page_url(people, theirs)).content.decode()
