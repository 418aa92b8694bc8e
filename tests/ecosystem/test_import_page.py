"""Story: Hulp's admin uploads an IATI file, follows the import, and sees what it added."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import Entry, Event
from ecosystem.models import UPLOAD_FOLDER, Activity, ImportedOrganisation, ImportJob, Relation
from tests.ecosystem.conftest import activity, org

pytestmark = pytest.mark.django_db

FILE = (
    '<?xml version="1.0"?>\n<iati-activities version="2.03">\n'
    + activity("A-1", body=org("1", "XM-DAC-7", "Ministry") + org("4", "KE-NGO-1", "Kisumu Women"))
    + "\n</iati-activities>\n"
)


def upload(client, slug: str, content: str | bytes, name: str = "activities.xml"):
    data = content.encode() if isinstance(content, str) else content
    return client.post(
        reverse("ecosystem:imports", kwargs={"slug": slug}),
        {"file": SimpleUploadedFile(name, data, content_type="application/xml")},
    )


def uploads_left(settings) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / UPLOAD_FOLDER
    return list(folder.iterdir()) if folder.exists() else []


def test_admin_imports_a_file_and_sees_the_counts(people, english, settings, django_capture_on_commit_callbacks):
    client = people.client("admin")

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "hulp", FILE)

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("ecosystem:import_job", kwargs={"slug": "hulp", "code": job.code})
    assert job.status == ImportJob.Status.DONE
    assert (job.organisation, job.started_by, job.file_name) == (people.org, people.admin, "activities.xml")
    assert Relation.objects.get().target.name == "Kisumu Women"
    # The upload is gone once imported.
    assert job.stored_path == ""
    assert uploads_left(settings) == []
    page = client.get(response["Location"]).content.decode()
    assert 'value="100"' in page
    assert "Organisations with an identifier" in page
    assert "hx-get" not in page  # over: nothing to poll
    entry = Entry.objects.get(event=Event.IATI_IMPORTED)
    assert (entry.actor, entry.organisation, entry.target) == ("admin@hulp.example", "hulp", "activities.xml")
    assert entry.detail["status"] == "done"
    assert entry.detail["created"] == {"organisations": 3, "relations": 1}


def test_a_broken_file_is_refused_with_its_line_and_nothing_is_imported(
    people, english, settings, django_capture_on_commit_callbacks
):
    client = people.client("admin")
    broken = FILE.replace("</iati-activities>", "<iati-activity>")

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "hulp", broken, name="broken.xml")

    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert job.error.startswith("broken.xml:")
    assert "not well-formed XML" in job.error
    assert Activity.objects.count() == ImportedOrganisation.objects.count() == 0
    assert uploads_left(settings) == []
    page = client.get(response["Location"]).content.decode()
    assert "nothing from it was imported" in page
    assert job.error in page
    assert Entry.objects.get(event=Event.IATI_IMPORTED).detail["status"] == "failed"


def test_a_file_over_the_limit_is_refused_before_it_is_read(people, english, settings):
    settings.IATI_UPLOAD_MAX_BYTES = 100
    client = people.client("admin")

    response = upload(client, "hulp", FILE)

    assert response.status_code == 400
    assert "larger than 100" in response.content.decode()
    assert not ImportJob.objects.exists()
    assert uploads_left(settings) == []


def test_a_request_declaring_more_than_the_limit_is_refused_unread(people, english, settings):
    settings.IATI_UPLOAD_MAX_BYTES = 1000
    client = people.client("admin")

    response = client.post(
        reverse("ecosystem:imports", kwargs={"slug": "hulp"}),
        data=b"x" * 200_000,
        content_type="multipart/form-data; boundary=xyz",
    )

    assert response.status_code == 413
    assert "larger than" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_progress_while_the_worker_reads_and_htmx_asks_again(people, english, settings):
    job = ImportJob.objects.create(
        organisation=people.org, started_by=people.admin, file_name="big.xml", size=1000, status="running"
    )
    job.progress_path.parent.mkdir(parents=True, exist_ok=True)
    job.progress_path.write_text("250")
    client = people.client("admin")
    url = reverse("ecosystem:import_job", kwargs={"slug": "hulp", "code": job.code})

    page = client.get(url).content.decode()
    response = client.get(url, headers={"HX-Request": "true"})
    fragment = response.content.decode()

    assert 'value="25"' in page
    assert "Reload to see the progress" in page
    assert fragment.startswith('<div id="import-progress" hx-get=')
    assert 'hx-trigger="every 2s"' in fragment
    assert "<html" not in fragment
    assert "HX-Request" in response["Vary"]


def test_the_import_page_lists_only_this_organisations_imports(people, english):
    ImportJob.objects.create(organisation=people.org, file_name="ours.xml", size=10)
    ImportJob.objects.create(organisation=people.other_org, file_name="theirs.xml", size=10)

    page = people.client("admin").get(reverse("ecosystem:imports", kwargs={"slug": "hulp"})).content.decode()

    assert "ours.xml" in page
    assert "theirs.xml" not in page


@pytest.mark.parametrize("persona", ["officer", "manager", "member", "viewer"])
def test_only_admins_import(people, persona):
    response = upload(people.client(persona), "hulp", FILE)

    assert response.status_code == 403
    assert not ImportJob.objects.exists()


def test_outsiders_do_not_learn_the_page_exists(people):
    assert upload(people.client("outsider"), "hulp", FILE).status_code == 404
